import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { DriftEventEntry } from '../domain/driftEvent';
import { clientDefaults, resolveClient, type ClientRef } from './clientDefaults';
import { DriftEventError } from './errors';

const BATCH = 10; // PutEvents takes 1–10 entries a call.
const RETRYABLE = new Set(['InternalFailure', 'ThrottlingException']);

export const newEventBridgeClient = (region?: string) => new EventBridgeClient({ region, ...clientDefaults });

/**
 * Send entries in batches of 10. PutEvents answers 200 even when entries fail (FailedEntryCount):
 * retryable failures are sent again with backoff; anything still failing is thrown, naming each entry.
 */
export async function emitDriftEvents(
  ebRef: ClientRef<EventBridgeClient>,
  entries: DriftEventEntry[],
  opts: { attempts?: number; baseDelayMs?: number } = {},
): Promise<number> {
  const attempts = opts.attempts ?? 4;
  const baseDelayMs = opts.baseDelayMs ?? 100;
  const failed: DriftEventError['failed'] = [];
  let sent = 0;
  const eb = await resolveClient(ebRef);
  for (let i = 0; i < entries.length; i += BATCH) {
    let pending = entries.slice(i, i + BATCH);
    for (let attempt = 1; pending.length > 0; attempt++) {
      const out = await eb.send(new PutEventsCommand({ Entries: pending }));
      const results = out.Entries ?? [];
      const retry: DriftEventEntry[] = [];
      pending.forEach((entry, idx) => {
        // Result entries line up with request entries by index.
        const r = results[idx];
        if (r?.EventId) sent++;
        else if (r?.ErrorCode && RETRYABLE.has(r.ErrorCode) && attempt < attempts) retry.push(entry);
        else
          failed.push({ entry, errorCode: r?.ErrorCode ?? 'MissingResult', errorMessage: r?.ErrorMessage });
      });
      pending = retry;
      if (pending.length) await sleep(baseDelayMs * 2 ** (attempt - 1));
    }
  }
  if (failed.length) {
    const codes = [...new Set(failed.map((f) => f.errorCode))].join(', ');
    throw new DriftEventError(
      `${failed.length} of ${entries.length} drift events were not accepted (${codes})`,
      failed,
    );
  }
  return sent;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
