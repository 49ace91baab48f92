import { describe, it, expect } from 'vitest';
import { ConfigError, guardConfigFromEnv, publishConfigFromEnv } from '../../lib/domain/config';

function configError(fn: () => unknown): ConfigError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  expect((caught as Error).name).toBe('ConfigError');
  return caught as ConfigError;
}

describe('guardConfigFromEnv', () => {
  it('has safe defaults', () => {
    expect(guardConfigFromEnv({})).toEqual({
      scope: 'configured',
      exemptPatterns: [],
      rootMfaSerial: undefined,
      rootProfile: 'root_user',
    });
  });

  it('treats empty and blank values as unset', () => {
    expect(
      guardConfigFromEnv({
        GUARD_SCOPE: '  ',
        EXEMPT_BUCKET_PATTERNS: ' , ,',
        ROOT_MFA_SERIAL: ' ',
        ROOT_PROFILE: '',
      }),
    ).toEqual({
      scope: 'configured',
      exemptPatterns: [],
      rootMfaSerial: undefined,
      rootProfile: 'root_user',
    });
  });

  it('reads every setting, trimmed', () => {
    expect(
      guardConfigFromEnv({
        GUARD_SCOPE: ' all ',
        EXEMPT_BUCKET_PATTERNS: 'tmp-*, *-scratch ,,cdk-hnb659fds-assets-*,Legacy_*',
        ROOT_MFA_SERIAL: ' arn:aws:iam::111122223333:mfa/ops-yubikey ',
        ROOT_PROFILE: ' acme-root ',
      }),
    ).toEqual({
      scope: 'all',
      exemptPatterns: ['tmp-*', '*-scratch', 'cdk-hnb659fds-assets-*', 'Legacy_*'],
      rootMfaSerial: 'arn:aws:iam::111122223333:mfa/ops-yubikey',
      rootProfile: 'acme-root',
    });
  });

  it('accepts a hardware token serial', () => {
    expect(guardConfigFromEnv({ ROOT_MFA_SERIAL: 'GAHT12345678' }).rootMfaSerial).toBe('GAHT12345678');
  });

  it.each(['ALL', 'everything', 'configured,all', 'none'])('rejects GUARD_SCOPE=%j', (value) => {
    const err = configError(() => guardConfigFromEnv({ GUARD_SCOPE: value }));
    expect(err.message).toContain('GUARD_SCOPE must be "configured" or "all"');
    expect(err.message).toContain(JSON.stringify(value));
  });

  it.each(['bad;pattern', 'a b', '$(id)', 'x?', '[ab]', 'p'.repeat(256), 'new\nline'])(
    'rejects the exempt pattern %j',
    (pattern) => {
      const err = configError(() => guardConfigFromEnv({ EXEMPT_BUCKET_PATTERNS: `ok-*,${pattern}` }));
      expect(err.message).toContain('EXEMPT_BUCKET_PATTERNS entry');
      expect(err.message).toContain("bucket-name characters and '*'");
    },
  );

  it.each([
    'short',
    'arn:aws:iam::111122223333:mfa/a b',
    "arn:aws:iam::111122223333:mfa/x'y",
    'x'.repeat(257),
  ])('rejects ROOT_MFA_SERIAL=%j', (serial) => {
    const err = configError(() => guardConfigFromEnv({ ROOT_MFA_SERIAL: serial }));
    expect(err.message).toMatch(/^ROOT_MFA_SERIAL .* is not an IAM MFA serial number or device ARN$/);
  });

  it.each(['root user', '$(id)', 'a;b', 'x'.repeat(65), 'a/b'])('rejects ROOT_PROFILE=%j', (profile) => {
    const err = configError(() => guardConfigFromEnv({ ROOT_PROFILE: profile }));
    expect(err.message).toContain('ROOT_PROFILE');
    expect(err.message).toContain('may hold only letters, digits and . _ @ + -');
  });
});

describe('publishConfigFromEnv', () => {
  it('has defaults: no topic, no bus, source mfa-delete-guard', () => {
    expect(publishConfigFromEnv({})).toEqual({
      topicArn: undefined,
      eventBusName: undefined,
      eventSource: 'mfa-delete-guard',
    });
    expect(
      publishConfigFromEnv({ ALERT_TOPIC_ARN: ' ', EVENT_BUS_NAME: '', DRIFT_EVENT_SOURCE: ' ' }),
    ).toEqual({
      topicArn: undefined,
      eventBusName: undefined,
      eventSource: 'mfa-delete-guard',
    });
  });

  it.each([
    'arn:aws:sns:eu-west-1:111122223333:mfa-delete-alerts',
    'arn:aws-cn:sns:cn-north-1:111122223333:alerts_1',
    'arn:aws-us-gov:sns:us-gov-west-1:111122223333:a',
  ])('accepts the topic %s', (arn) => {
    expect(publishConfigFromEnv({ ALERT_TOPIC_ARN: ` ${arn} ` }).topicArn).toBe(arn);
  });

  it.each([
    'mfa-delete-alerts',
    'arn:aws:sqs:eu-west-1:111122223333:queue',
    'arn:aws:sns:eu-west-1:1111:topic',
    'arn:aws:sns:eu-west-1:111122223333:',
    'arn:aws:sns:eu-west-1:111122223333:topic/extra',
    'arn:aws:sns:eu-west-1:111122223333:topic name',
    `arn:aws:sns:eu-west-1:111122223333:${'t'.repeat(257)}`,
  ])('rejects ALERT_TOPIC_ARN=%j', (arn) => {
    const err = configError(() => publishConfigFromEnv({ ALERT_TOPIC_ARN: arn }));
    expect(err.message).toMatch(/^ALERT_TOPIC_ARN .* is not an SNS topic ARN$/);
  });

  it.each(['com.example.mfa-delete-guard', 'acme_guard', 'awsome.guard', 'my.aws.guard'])(
    'accepts the custom source %s',
    (source) => {
      expect(publishConfigFromEnv({ DRIFT_EVENT_SOURCE: source }).eventSource).toBe(source);
    },
  );

  it.each(['aws.s3', 'aws.mfa-delete-guard', ' aws.events ', 'bad source', 'src;x', 's'.repeat(257)])(
    'rejects DRIFT_EVENT_SOURCE=%j',
    (source) => {
      const err = configError(() => publishConfigFromEnv({ DRIFT_EVENT_SOURCE: source }));
      expect(err.message).toContain('DRIFT_EVENT_SOURCE');
      expect(err.message).toContain('must be a custom source (not aws.*)');
    },
  );

  it.each([
    'default',
    'security-events',
    'org/bus.name_1',
    'arn:aws:events:eu-west-1:111122223333:event-bus/central',
    'arn:aws-us-gov:events:us-gov-west-1:111122223333:event-bus/default',
  ])('accepts EVENT_BUS_NAME=%s', (bus) => {
    expect(publishConfigFromEnv({ EVENT_BUS_NAME: bus }).eventBusName).toBe(bus);
  });

  it.each([
    'bus name',
    'bus;rm',
    'b'.repeat(257),
    'arn:aws:events:eu-west-1:1111:event-bus/x',
    'arn:aws:events:eu-west-1:111122223333:rule/x y',
  ])('rejects EVENT_BUS_NAME=%j', (bus) => {
    const err = configError(() => publishConfigFromEnv({ EVENT_BUS_NAME: bus }));
    expect(err.message).toMatch(/^EVENT_BUS_NAME .* is not an event bus name or ARN$/);
  });
});
