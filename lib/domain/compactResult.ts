// The compact record of a sweep result that needs a person: enough to rebuild the full result (findings,
// remediation script) later with the same code, at a fraction of its size. A fanned-out sweep stores these
// per page (lib/sweepFanout.ts), so that a 1,000-bucket page stays far below DynamoDB's 400 KB item limit.
import { gunzipSync, gzipSync } from 'node:zlib';
import type { LiveState } from './types';

/** What S3 answered (the live state), or why it could not be asked (a fault that outlasted the retries). */
export type CompactState = LiveState | { kind: 'fault'; message: string };

export interface CompactResult {
  bucket: string;
  region?: string;
  state: CompactState;
}

/** S3's and the SDK's error messages are short; a longer one is cut so that no page can grow unbounded. */
export const MAX_MESSAGE_CHARS = 300;

const cut = (message: string) =>
  message.length > MAX_MESSAGE_CHARS ? `${message.slice(0, MAX_MESSAGE_CHARS - 1)}…` : message;

/** The record with every free-text message cut to MAX_MESSAGE_CHARS. */
export function boundedCompact(c: CompactResult): CompactResult {
  const { state } = c;
  if (state.kind === 'fault') return { ...c, state: { kind: 'fault', message: cut(state.message) } };
  if (state.kind === 'denied') return { ...c, state: { ...state, message: cut(state.message) } };
  return c;
}

/** gzip'd JSON: records of one page repeat the same keys and Regions, so they compress about tenfold. */
export function packCompact(records: CompactResult[]): Uint8Array {
  return gzipSync(JSON.stringify(records.map(boundedCompact)));
}

export function unpackCompact(packed: Uint8Array): CompactResult[] {
  const parsed: unknown = JSON.parse(gunzipSync(packed).toString('utf8'));
  if (!Array.isArray(parsed)) throw new Error('a stored sweep page does not hold a list of records');
  return parsed as CompactResult[];
}
