// What the paths that call STS load, in one module so that one import() brings it in: the hub's spoke
// sessions (AssumeRole) and the caller's account (GetCallerIdentity, for `invoke local`). Both share the STS
// client; one module rather than two keeps the bundle to fewer files.
export { callerAccountIn } from './callerAccount';
export { SpokeSessions } from './spokeSessions';
