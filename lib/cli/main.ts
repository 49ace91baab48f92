import { readFile } from 'node:fs/promises';
import { describeError } from '../aws/errors';
import { hasCustomS3Endpoint } from '../aws/clients';
import { ConfigError, guardConfigFromEnv, publishConfigFromEnv } from '../domain/config';
import { parseInvocation, type Invocation } from '../domain/parseInvocation';
import type { Report } from '../domain/types';
import { runInvocation, type GuardDeps, type SweepRunner } from '../guard';
import { USAGE, parseCliArgs, type CheckOptions } from './args';
import { exitCodeFor, formatReport, reportJsonChunks } from './format';
import { createSweepRunner, type SweepReport } from '../sweep';
import { countLines } from '../domain/digest';
import { progressBar } from './progress';
import { withTagging } from '../runtime/sweepWiring';
import { callerAccount, guardClients, guardDeps, regionFromEnv } from '../runtime/wiring';
import { version as VERSION } from '../../package.json';
import { runVerifyScript } from './verifyScript';

export interface CliIO {
  /** Returns false when the stream's buffer is full (as stream.write does); then `drained` is awaited. */
  stdout: (s: string) => unknown;
  drained?: () => Promise<void>;
  stderr: (s: string) => void;
  isTTY: boolean;
  /** stderr is a terminal: `--all` then draws a progress bar there. */
  stderrIsTTY?: boolean;
  /** All of standard input (verify-script without FILE). */
  readStdin?: () => Promise<Uint8Array>;
  stdinIsTTY?: boolean;
}

export interface CliExtras {
  sweep?: SweepRunner;
}

/** Run the CLI and return its exit status. Never throws: every failure becomes a message and a status. */
export async function main(
  argv: string[],
  env: NodeJS.ProcessEnv,
  io: CliIO,
  extras: CliExtras = {},
): Promise<number> {
  if (argv[0] === 'verify-script') {
    return runVerifyScript(argv.slice(1), {
      stdout: io.stdout,
      stderr: io.stderr,
      readStdin: io.readStdin ?? (async () => new Uint8Array()),
      stdinIsTTY: io.stdinIsTTY,
    });
  }
  const cmd = parseCliArgs(argv);
  if (cmd.kind === 'help') {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (cmd.kind === 'version') {
    io.stdout(`mfa-delete-guard ${VERSION}\n`);
    return 0;
  }
  if (cmd.kind === 'usage-error') {
    io.stderr(`mfa-delete-guard: ${cmd.message}\n\n${USAGE}\n`);
    return 2;
  }
  const opts = cmd.options;
  let deps: GuardDeps;
  let invocation: Invocation;
  try {
    deps = await cliDeps(opts, env);
    invocation = await toInvocation(opts);
  } catch (err) {
    io.stderr(`mfa-delete-guard: ${(err as Error).message}\n`);
    return 2;
  }
  if (invocation.kind === 'invalid' || invocation.kind === 'ignored') {
    io.stderr(`mfa-delete-guard: ${invocation.reason}\n`);
    return 2;
  }
  let report: Report;
  const progress = invocation.kind === 'sweep' && io.stderrIsTTY ? progressBar(io.stderr) : undefined;
  // A person asked for every bucket: the report keeps them all, for the table and --json.
  const sweep =
    extras.sweep ??
    createSweepRunner({ keep: 'all', concurrency: opts.concurrency, onProgress: progress?.update });
  try {
    report = await runInvocation(invocation, deps, sweep);
  } catch (err) {
    io.stderr(`mfa-delete-guard: the check could not run: ${describeError(err)}\n`);
    return 4;
  } finally {
    progress?.done();
  }
  if (report.test && !opts.json) {
    const t = report.test;
    io.stdout(
      t.published
        ? `Test alert ${t.id} published to ${t.topicArn} (message ${t.messageId}): every channel subscribed to the topic should show it.
`
        : `Test alert ${t.id} not published: no topic.
`,
    );
    return t.published ? 0 : 4;
  }
  if (opts.json) {
    // Piece by piece, in writes of about 64 KB, waiting whenever the reader is slower: the JSON of a large
    // sweep is never whole in memory, and is not written one small piece per system call either.
    let pending = '';
    for (const chunk of reportJsonChunks(report)) {
      pending += chunk;
      if (pending.length < 65_536) continue;
      const full = io.stdout(pending) === false;
      pending = '';
      if (full) await io.drained?.();
    }
    if (pending) io.stdout(pending);
  } else io.stdout(formatReport(report));
  if (!opts.json && 'sweep' in report) io.stdout(sweepFooter(report as SweepReport));
  return exitCodeFor(report);
}

async function toInvocation(opts: CheckOptions): Promise<Invocation> {
  if (opts.eventFile !== undefined) {
    let raw: string;
    try {
      raw = await readFile(opts.eventFile, 'utf8');
    } catch (err) {
      throw new Error(
        `cannot read --event ${JSON.stringify(opts.eventFile)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      );
    }
    let event: unknown;
    try {
      event = JSON.parse(raw);
    } catch (err) {
      throw new Error(`--event ${JSON.stringify(opts.eventFile)} is not JSON: ${(err as Error).message}`);
    }
    const parsed = parseInvocation(event);
    if (parsed.kind === 'event' || parsed.kind === 'invalid' || parsed.kind === 'ignored') return parsed;
    return {
      kind: 'invalid',
      reason: `--event ${JSON.stringify(opts.eventFile)} is not a CloudTrail PutBucketVersioning event`,
    };
  }
  if (opts.all) return { kind: 'sweep', dryRun: opts.dryRun, scheduled: false };
  if (opts.test) return { kind: 'test', origin: 'cli' };
  return parseInvocation({
    buckets: opts.buckets,
    dryRun: opts.dryRun,
    ...(opts.region && { region: opts.region }),
  });
}

async function cliDeps(opts: CheckOptions, env: NodeJS.ProcessEnv): Promise<GuardDeps> {
  const config = guardConfigFromEnv({ ...env, ...(opts.scope && { GUARD_SCOPE: opts.scope }) });
  // The CLI publishes only when asked to: a person running it wants a report, not a page.
  const publish = publishConfigFromEnv({
    DRIFT_EVENT_SOURCE: env.DRIFT_EVENT_SOURCE,
    // --dry-run wins over --topic-arn / --event-bus for every kind of check, a replayed event included.
    ALERT_TOPIC_ARN: opts.dryRun ? undefined : opts.topicArn,
    EVENT_BUS_NAME: opts.dryRun ? undefined : opts.eventBus,
  });
  if (opts.account !== undefined && !/^\d{12}$/.test(opts.account))
    throw new ConfigError('--account must be a 12-digit AWS account ID');
  const homeRegion = opts.region ?? regionFromEnv(env);
  const account =
    opts.account ?? env.AWS_ACCOUNT_ID ?? (opts.eventFile ? undefined : await callerAccount(homeRegion));
  const wiring = { config, publish, homeRegion, forcePathStyle: hasCustomS3Endpoint(env) };
  return withTagging(guardDeps(wiring, guardClients(wiring), account));
}

/** After the table of a sweep: the counts per status, and whether the digest went out. */
function sweepFooter(report: SweepReport): string {
  const { sweep } = report;
  return [
    '',
    `Swept ${sweep.total} buckets (${sweep.concurrency} at a time):`,
    ...countLines(sweep.counts),
    sweep.digest.published ? `Digest published (${sweep.digest.messageId}).` : 'Digest not published.',
    '',
  ].join('\n');
}
