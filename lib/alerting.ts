// Everything the alerting path loads, in one module so that one import() brings it in (loadAlerting in
// guard.ts): the channels' rendering, the SNS publish with the KMS signing it calls (the publishers' MAC
// loads KMS from here too: lib/runtime/signing.ts), the drift events, and their clients. A check that alerts
// no one never loads it; one module rather than several keeps the bundle to fewer files.
export { digestPublication, snsPublication } from './channels/publish';
export { emitDriftEvents, newEventBridgeClient } from './aws/emitDriftEvents';
export { kmsMessageMac, newKmsClient } from './aws/messageMac';
export { newSnsClient, publishAlert } from './aws/publishAlert';
