// Everything the alerting path loads, in one module so that one import() brings it in: the SNS publish (with
// the KMS signing it calls), the drift events, and their clients. A check that alerts no one never loads it
// (delivery.ts, lib/runtime/wiring.ts); one module rather than several keeps the bundle to fewer files.
export { emitDriftEvents, newEventBridgeClient } from './emitDriftEvents';
export { newSnsClient, publishAlert } from './publishAlert';
