// Delivery as the pipeline calls it: an alert or digest to SNS, drift events to EventBridge. Each loads its
// module (the SNS or EventBridge client, and the KMS signing) on the first message that goes out, so that a
// check that alerts no one never loads that code.
import type { emitDriftEvents as EmitDriftEvents } from './emitDriftEvents';
import type { publishAlert as PublishAlert } from './publishAlert';

export const publishAlert: typeof PublishAlert = async (...args) =>
  (await import('./alerting')).publishAlert(...args);

export const emitDriftEvents: typeof EmitDriftEvents = async (...args) =>
  (await import('./alerting')).emitDriftEvents(...args);
