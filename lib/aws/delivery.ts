// Delivery as the pipeline calls it: an alert or digest to SNS, drift events to EventBridge. Each loads its
// module (the SNS or EventBridge client, and the KMS signing) on the first message that goes out, so that a
// check that alerts no one never loads that code. The function is taken out of the module before the call,
// so that a stack trace names it plainly (not `Module.publishAlert`).
import type { emitDriftEvents as EmitDriftEvents } from './emitDriftEvents';
import type { publishAlert as PublishAlert } from './publishAlert';

export const publishAlert: typeof PublishAlert = async (...args) => {
  const { publishAlert: publish } = await import('./alerting');
  return publish(...args);
};

export const emitDriftEvents: typeof EmitDriftEvents = async (...args) => {
  const { emitDriftEvents: emit } = await import('./alerting');
  return emit(...args);
};
