import { parseArgs } from 'node:util';
import type { Scope } from '../domain/types';

export interface CheckOptions {
  buckets: string[];
  eventFile?: string;
  all: boolean;
  /** Send a labelled test alert to --topic-arn instead of checking buckets. */
  test: boolean;
  dryRun: boolean;
  json: boolean;
  scope?: Scope;
  region?: string;
  account?: string;
  topicArn?: string;
  eventBus?: string;
  concurrency?: number;
}

export type CliCommand =
  | { kind: 'check'; options: CheckOptions }
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'usage-error'; message: string };

export const USAGE = `Usage: mfa-delete-guard check (--bucket NAME... | --event FILE | --all | --test --topic-arn ARN) [options]
       mfa-delete-guard verify-script [FILE]   (is a root script exactly what the guard generates? --help)
       mfa-delete-guard --version | --help

Checks S3 buckets' live versioning and MFA delete state with your AWS credentials.

  --bucket NAME       a bucket to check (repeat for several)
  --event FILE        a CloudTrail PutBucketVersioning event (EventBridge JSON) to replay
  --all               every bucket of the account, each in its own Region
  --test              send a labelled test alert (no bucket, nothing to run) to --topic-arn, through
                      every channel subscribed to it
  --dry-run           publish nothing, even with --topic-arn / --event-bus
  --json              print the report as JSON
  --scope SCOPE       configured (default) or all: require MFA delete on every bucket
  --region REGION     the Region of the named buckets (default: asked of S3)
  --account ID        the account ID for the remediation script (default: asked of STS)
  --topic-arn ARN     publish alerts to this SNS topic
  --event-bus NAME    emit drift events to this EventBridge bus
  --concurrency N     buckets checked at once with --all (default 24)

Exit status (the first that applies): 1 drift found; 2 bad usage or input, a bucket name that is not
valid or a --bucket that does not exist; 3 some bucket could not be verified; 0 no drift. 4: the check
could not run at all (no credentials, AWS unreachable or failing).`;

export function parseCliArgs(argv: string[]): CliCommand {
  const [command, ...rest] = argv;
  if (command === undefined) return { kind: 'usage-error', message: 'no command given' };
  if (command === '--help' || command === '-h' || command === 'help') return { kind: 'help' };
  if (command === '--version' || command === '-v' || command === 'version') return { kind: 'version' };
  if (command !== 'check')
    return { kind: 'usage-error', message: `unknown command ${JSON.stringify(command)}` };
  let values;
  try {
    ({ values } = parseArgs({
      args: rest,
      strict: true,
      allowPositionals: false,
      options: {
        bucket: { type: 'string', multiple: true },
        event: { type: 'string' },
        all: { type: 'boolean', default: false },
        test: { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        scope: { type: 'string' },
        region: { type: 'string' },
        account: { type: 'string' },
        'topic-arn': { type: 'string' },
        'event-bus': { type: 'string' },
        concurrency: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    return { kind: 'usage-error', message: (err as Error).message };
  }
  if (values.help) return { kind: 'help' };
  const buckets = values.bucket ?? [];
  const sources = [buckets.length > 0, values.event !== undefined, values.all, values.test].filter(
    Boolean,
  ).length;
  if (sources !== 1)
    return { kind: 'usage-error', message: 'give exactly one of --bucket, --event, --all or --test' };
  if (values.test && values['topic-arn'] === undefined)
    return { kind: 'usage-error', message: '--test needs --topic-arn: the topic whose channels it proves' };
  if (values.test && values['dry-run'])
    return { kind: 'usage-error', message: '--test sends one message; it cannot be combined with --dry-run' };
  if (values.scope !== undefined && values.scope !== 'configured' && values.scope !== 'all') {
    return {
      kind: 'usage-error',
      message: `--scope must be "configured" or "all", not ${JSON.stringify(values.scope)}`,
    };
  }
  let concurrency: number | undefined;
  if (values.concurrency !== undefined) {
    concurrency = Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
      return { kind: 'usage-error', message: '--concurrency must be a whole number from 1 to 256' };
    }
  }
  return {
    kind: 'check',
    options: {
      buckets,
      eventFile: values.event,
      all: values.all,
      test: values.test,
      dryRun: values['dry-run'],
      json: values.json,
      scope: values.scope as Scope | undefined,
      region: values.region,
      account: values.account,
      topicArn: values['topic-arn'],
      eventBus: values['event-bus'],
      concurrency,
    },
  };
}
