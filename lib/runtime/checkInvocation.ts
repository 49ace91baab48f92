// What the check and sweep handlers share: parse the event, run it, log one line per bucket.
import type { Logger } from '@aws-lambda-powertools/logger';
import { parseInvocation, type InvocationOptions } from '../domain/parseInvocation';
import type { Report } from '../domain/types';
import { runInvocation, type GuardDeps, type SweepRunner } from '../guard';

export async function checkInvocation(
  event: unknown,
  deps: GuardDeps,
  sweep: SweepRunner,
  logger: Pick<Logger, 'info'>,
  options: InvocationOptions = {},
  /** How the parsed invocation runs: a hub (organization mode) checks a member's record in that account. */
  run: typeof runInvocation = runInvocation,
): Promise<Report> {
  const report = await run(parseInvocation(event, options), deps, sweep);
  for (const r of report.results) {
    logger.info('bucket checked', {
      bucket: r.bucket,
      status: r.status,
      severity: r.severity,
      alerted: r.alerted,
    });
  }
  return report;
}
