import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';
import {
  CLOUDTRAIL_DETAIL_TYPE,
  looksLikeEventBridgeEvent,
  parseVersioningEvent,
  type ParsedVersioningEvent,
} from '../../lib/domain/parseVersioningEvent';
import type { VersioningChangeRecord } from '../../lib/domain/types';

const EVENTS_DIR = fileURLToPath(new URL('../../events/', import.meta.url));
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- sample events are mutated freely below
type Json = any;
const load = (file: string): Json => JSON.parse(readFileSync(`${EVENTS_DIR}${file}`, 'utf8'));
const base = (): Json => load('cloudtrail-mfa-delete-disabled.json');
const mutate = (fn: (e: Json) => void, from: Json = base()): ParsedVersioningEvent => {
  fn(from);
  return parseVersioningEvent(from);
};

function recordOf(parsed: ParsedVersioningEvent): VersioningChangeRecord {
  if (parsed.kind !== 'record') throw new Error(`expected a record, got ${JSON.stringify(parsed)}`);
  return parsed.record;
}
function invalidReason(parsed: ParsedVersioningEvent): string {
  if (parsed.kind !== 'invalid') throw new Error(`expected invalid, got ${JSON.stringify(parsed)}`);
  expect(parsed.reason.length).toBeGreaterThan(0);
  return parsed.reason;
}

const EXPECTED: Record<string, { kind: ParsedVersioningEvent['kind']; bucket?: string; region?: string }> = {
  'cloudtrail-attempt-denied.json': { kind: 'record', bucket: 'example-vault', region: 'eu-west-1' },
  'cloudtrail-bucket-gone.json': { kind: 'record', bucket: 'example-deleted', region: 'eu-west-1' },
  'cloudtrail-compliant-superseded.json': { kind: 'record', bucket: 'example-guarded', region: 'eu-west-1' },
  'cloudtrail-exempt.json': { kind: 'record', bucket: 'example-scratch', region: 'eu-west-1' },
  'cloudtrail-exempt-disabled.json': { kind: 'record', bucket: 'example-exempt-off', region: 'eu-west-1' },
  // Parses; the handler refuses it because the account is not its own (test/unit/trust.test.ts).
  'cloudtrail-foreign-account.json': { kind: 'record', bucket: 'example-bucket', region: 'eu-west-1' },
  // Tagging calls are parsed by parseS3Event (test/unit/parseTaggingEvent.test.ts), not as versioning.
  'cloudtrail-tagging-deleted.json': { kind: 'ignored' },
  'cloudtrail-tagging-exempt.json': { kind: 'ignored' },
  'cloudtrail-invalid-bucket.json': { kind: 'invalid' },
  'cloudtrail-legacy-2019-arrays.json': { kind: 'record', bucket: 'example-legacy', region: 'us-west-2' },
  'cloudtrail-mfa-delete-disabled.json': { kind: 'record', bucket: 'example-bucket', region: 'eu-west-1' },
  'cloudtrail-mfa-delete-enabled.json': { kind: 'record', bucket: 'example-bucket', region: 'eu-west-1' },
  'cloudtrail-not-required.json': { kind: 'record', bucket: 'example-plain', region: 'eu-west-1' },
  'cloudtrail-not-versioning.json': { kind: 'ignored' },
  'cloudtrail-required-never-configured.json': {
    kind: 'record',
    bucket: 'example-required',
    region: 'eu-west-1',
  },
  'cloudtrail-unverified.json': { kind: 'record', bucket: 'example-locked', region: 'us-east-1' },
  'cloudtrail-versioning-suspended.json': { kind: 'record', bucket: 'example-archive', region: 'eu-west-1' },
};

describe('sample events on disk', () => {
  const files = readdirSync(EVENTS_DIR).filter((f) => f.startsWith('cloudtrail-') && f.endsWith('.json'));

  it('has an expectation for every cloudtrail-*.json file', () => {
    expect(files.length).toBeGreaterThanOrEqual(13);
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(files)('%s parses to the expected kind', (file) => {
    const expected = EXPECTED[file];
    expect(expected).toBeDefined();
    const parsed = parseVersioningEvent(load(file));
    expect(parsed.kind).toBe(expected?.kind);
    if (parsed.kind === 'record') {
      expect(parsed.record.bucket).toBe(expected?.bucket);
      expect(parsed.record.region).toBe(expected?.region);
      expect(parsed.record.account).toBe(
        file === 'cloudtrail-foreign-account.json' ? '444455556666' : '111122223333',
      );
      expect(parsed.record.eventId).toMatch(/^5b7e2f0a-2222-4c3d-9e8f-0000000000\d\d$/);
      expect(parsed.record.eventTime).toBe('2026-10-05T14:03:11Z');
      expect(parsed.record.sourceIp).toBe('198.51.100.23');
      expect(parsed.record.userAgent).toContain('aws-cli/2.17.0');
    }
  });

  it('turns the 2025-shape MFA-delete-off event into a full record', () => {
    expect(parseVersioningEvent(base())).toEqual({
      kind: 'record',
      record: {
        bucket: 'example-bucket',
        account: '111122223333',
        region: 'eu-west-1',
        eventId: '5b7e2f0a-2222-4c3d-9e8f-000000000002',
        eventTime: '2026-10-05T14:03:11Z',
        actor: {
          type: 'Root',
          arn: 'arn:aws:iam::111122223333:root',
          principalId: '111122223333',
          accountId: '111122223333',
          accessKeyId: 'AKIAEXAMPLEROOT00001',
        },
        sourceIp: '198.51.100.23',
        userAgent: '[aws-cli/2.17.0 md/awscrt#0.20 ua/2.0 os/linux command/s3api.put-bucket-versioning]',
        requested: { status: 'Enabled', mfaDelete: 'Disabled' },
      },
    });
  });

  it('reads requested state from each sample', () => {
    expect(recordOf(parseVersioningEvent(load('cloudtrail-mfa-delete-enabled.json'))).requested).toEqual({
      status: 'Enabled',
      mfaDelete: 'Enabled',
    });
    expect(recordOf(parseVersioningEvent(load('cloudtrail-versioning-suspended.json'))).requested).toEqual({
      status: 'Suspended',
    });
    expect(recordOf(parseVersioningEvent(load('cloudtrail-not-required.json'))).requested).toEqual({
      status: 'Enabled',
    });
  });

  it('reports the invalid bucket sample with account and region but without echoing the bucket', () => {
    const parsed = parseVersioningEvent(load('cloudtrail-invalid-bucket.json'));
    expect(parsed).toMatchObject({ kind: 'invalid', account: '111122223333', region: 'eu-west-1' });
    expect(invalidReason(parsed)).toMatch(/lowercase letters/);
    expect(parsed).not.toHaveProperty('bucket');
  });

  it('ignores the DeleteBucketPolicy sample', () => {
    const parsed = parseVersioningEvent(load('cloudtrail-not-versioning.json'));
    expect(parsed.kind).toBe('ignored');
    if (parsed.kind === 'ignored')
      expect(parsed.reason).toMatch(/DeleteBucketPolicy.*not PutBucketVersioning/);
  });
});

describe('record generations', () => {
  it('accepts the 2019 record with lower-case host and one-element arrays', () => {
    const event = load('cloudtrail-legacy-2019-arrays.json');
    expect(event.detail.requestParameters.host).toEqual(['example-legacy.s3.us-west-2.amazonaws.com']);
    expect(event.detail.requestParameters.versioning).toEqual(['']);
    const record = recordOf(parseVersioningEvent(event));
    expect(record.bucket).toBe('example-legacy');
    expect(record.requested).toEqual({ status: 'Enabled', mfaDelete: 'Disabled' });
    expect(record.actor).toMatchObject({ type: 'Root', mfaAuthenticated: true });
  });

  it('gives the same record for Host and host, string and array', () => {
    const withHost = recordOf(parseVersioningEvent(base()));
    const lower = recordOf(
      mutate((e) => {
        const rp = e.detail.requestParameters;
        rp.host = [rp.Host];
        delete rp.Host;
        rp.versioning = [''];
      }),
    );
    const noHost = recordOf(mutate((e) => delete e.detail.requestParameters.Host));
    expect(lower).toEqual(withHost);
    expect(noHost).toEqual(withHost);
  });

  it('unwraps one-element arrays of the bucket name, Status, MfaDelete and other fields', () => {
    const record = recordOf(
      mutate((e) => {
        const d = e.detail;
        d.requestParameters.bucketName = ['example-bucket'];
        d.requestParameters.VersioningConfiguration = [{ Status: ['Suspended'], MfaDelete: ['Disabled'] }];
        d.eventName = ['PutBucketVersioning'];
        d.userAgent = ['ua/1'];
        d.sourceIPAddress = ['203.0.113.9'];
      }),
    );
    expect(record.bucket).toBe('example-bucket');
    expect(record.requested).toEqual({ status: 'Suspended', mfaDelete: 'Disabled' });
    expect(record.userAgent).toBe('ua/1');
    expect(record.sourceIp).toBe('203.0.113.9');
  });

  it('treats a multi-element bucket name array as invalid', () => {
    const parsed = mutate((e) => (e.detail.requestParameters.bucketName = ['a-bucket', 'b-bucket']));
    expect(invalidReason(parsed)).toMatch(/not a string/);
  });
});

describe('requested versioning', () => {
  it('leaves mfaDelete undefined when MfaDelete is absent', () => {
    const record = recordOf(
      mutate((e) => delete e.detail.requestParameters.VersioningConfiguration.MfaDelete),
    );
    expect(record.requested).toEqual({ status: 'Enabled' });
    expect('mfaDelete' in record.requested).toBe(false);
  });

  it('gives an empty request when VersioningConfiguration is absent or null', () => {
    expect(
      recordOf(mutate((e) => delete e.detail.requestParameters.VersioningConfiguration)).requested,
    ).toEqual({});
    expect(
      recordOf(mutate((e) => (e.detail.requestParameters.VersioningConfiguration = null))).requested,
    ).toEqual({});
    expect(
      recordOf(mutate((e) => (e.detail.requestParameters.VersioningConfiguration = 'garbage'))).requested,
    ).toEqual({});
  });

  it('does not read the CLI spelling MFADelete as MfaDelete', () => {
    const record = recordOf(
      mutate((e) => {
        const vc = e.detail.requestParameters.VersioningConfiguration;
        delete vc.MfaDelete;
        vc.MFADelete = 'Disabled';
      }),
    );
    expect(record.requested.mfaDelete).toBeUndefined();
  });

  it('keeps MfaDelete when Status is not a value S3 accepts', () => {
    const record = recordOf(
      mutate((e) => {
        e.detail.requestParameters.VersioningConfiguration.Status = 'Disabled';
        e.detail.errorCode = 'MalformedXML';
      }),
    );
    expect(record.requested).toEqual({ mfaDelete: 'Disabled' });
  });

  it('drops an MfaDelete value that is not Enabled or Disabled', () => {
    const record = recordOf(
      mutate((e) => (e.detail.requestParameters.VersioningConfiguration.MfaDelete = 'Off')),
    );
    expect(record.requested).toEqual({ status: 'Enabled' });
  });
});

describe('errors', () => {
  it('carries errorCode and errorMessage', () => {
    const record = recordOf(parseVersioningEvent(load('cloudtrail-attempt-denied.json')));
    expect(record.error).toEqual({
      code: 'AccessDenied',
      message: 'Mfa Authentication must be used for this request',
    });
  });

  it('carries an errorCode without a message', () => {
    const record = recordOf(mutate((e) => (e.detail.errorCode = 'InvalidBucketState')));
    expect(record.error).toEqual({ code: 'InvalidBucketState', message: undefined });
  });

  it('has no error for a successful call, nor for null error fields', () => {
    expect(recordOf(parseVersioningEvent(base())).error).toBeUndefined();
    const record = recordOf(
      mutate((e) => {
        e.detail.errorCode = null;
        e.detail.errorMessage = null;
      }),
    );
    expect(record.error).toBeUndefined();
  });

  it('has no error for an empty errorCode', () => {
    expect(recordOf(mutate((e) => (e.detail.errorCode = ''))).error).toBeUndefined();
  });
});

describe('actor', () => {
  it('reads a Root identity', () => {
    const record = recordOf(parseVersioningEvent(load('cloudtrail-compliant-superseded.json')));
    expect(record.actor).toEqual({
      type: 'Root',
      arn: 'arn:aws:iam::111122223333:root',
      principalId: '111122223333',
      accountId: '111122223333',
      accessKeyId: 'AKIAEXAMPLEROOT00001',
    });
    expect(record.actor.mfaAuthenticated).toBeUndefined();
  });

  it('reads an IAMUser identity', () => {
    const record = recordOf(parseVersioningEvent(load('cloudtrail-not-required.json')));
    expect(record.actor).toEqual({
      type: 'IAMUser',
      arn: 'arn:aws:iam::111122223333:user/deploy-bot',
      principalId: 'AIDAEXAMPLEUSER00001',
      accountId: '111122223333',
      accessKeyId: 'AKIAEXAMPLEUSER00001',
      userName: 'deploy-bot',
    });
  });

  it('reads an IAMUser with session credentials and mfaAuthenticated "true"', () => {
    const record = recordOf(
      mutate((e) => {
        e.detail.userIdentity = {
          type: 'IAMUser',
          principalId: 'AIDAEXAMPLEUSER00001',
          arn: 'arn:aws:iam::111122223333:user/alice',
          accountId: '111122223333',
          accessKeyId: 'ASIAEXAMPLE000000009',
          userName: 'alice',
          sessionContext: { attributes: { creationDate: '2026-10-05T13:00:00Z', mfaAuthenticated: 'true' } },
        };
      }),
    );
    expect(record.actor).toMatchObject({ type: 'IAMUser', userName: 'alice', mfaAuthenticated: true });
    expect(record.actor.sessionName).toBeUndefined();
  });

  it('reads an AssumedRole identity: session name, issuer ARN, mfaAuthenticated "false"', () => {
    const record = recordOf(parseVersioningEvent(load('cloudtrail-attempt-denied.json')));
    expect(record.actor).toEqual({
      type: 'AssumedRole',
      arn: 'arn:aws:sts::111122223333:assumed-role/OpsAdmin/ops-session',
      principalId: 'AROAEXAMPLEROLEID0001:ops-session',
      accountId: '111122223333',
      accessKeyId: 'ASIAEXAMPLE000000001',
      sessionIssuerArn: 'arn:aws:iam::111122223333:role/OpsAdmin',
      sessionName: 'ops-session',
      mfaAuthenticated: false,
    });
  });

  it('reads mfaAuthenticated "true" on an assumed role and a boolean true', () => {
    const asString = recordOf(
      mutate(
        (e) => (e.detail.userIdentity.sessionContext.attributes.mfaAuthenticated = 'true'),
        load('cloudtrail-attempt-denied.json'),
      ),
    );
    expect(asString.actor.mfaAuthenticated).toBe(true);
    const asBool = recordOf(
      mutate((e) => (e.detail.userIdentity.sessionContext = { attributes: { mfaAuthenticated: true } })),
    );
    expect(asBool.actor.mfaAuthenticated).toBe(true);
  });

  it('keeps a session name that contains a slash', () => {
    const record = recordOf(
      mutate(
        (e) => (e.detail.userIdentity.arn = 'arn:aws:sts::111122223333:assumed-role/OpsAdmin/a/b'),
        load('cloudtrail-attempt-denied.json'),
      ),
    );
    expect(record.actor.sessionName).toBe('a/b');
  });

  it('keeps the raw type of an unknown identity type', () => {
    const record = recordOf(
      mutate(
        (e) =>
          (e.detail.userIdentity = {
            type: 'SAMLUser',
            principalId: 'SAMPLE:alice',
            userName: 'alice',
            invokedBy: 'signin.amazonaws.com',
          }),
      ),
    );
    expect(record.actor).toEqual({
      type: 'Unknown',
      rawType: 'SAMLUser',
      principalId: 'SAMPLE:alice',
      userName: 'alice',
      invokedBy: 'signin.amazonaws.com',
    });
  });

  it.each(['FederatedUser', 'IdentityCenterUser', 'AWSService', 'AWSAccount'])(
    'knows the type %s and keeps no rawType',
    (type) => {
      const record = recordOf(mutate((e) => (e.detail.userIdentity = { type })));
      expect(record.actor.type).toBe(type);
      expect(record.actor.rawType).toBeUndefined();
    },
  );

  it('gives an Unknown actor for a missing or malformed userIdentity', () => {
    expect(recordOf(mutate((e) => delete e.detail.userIdentity)).actor).toEqual({ type: 'Unknown' });
    expect(recordOf(mutate((e) => (e.detail.userIdentity = 'root'))).actor).toEqual({ type: 'Unknown' });
  });

  it('skips wrongly typed identity fields without rejecting the record', () => {
    const record = recordOf(
      mutate((e) => {
        e.detail.userIdentity.arn = 42;
        e.detail.userIdentity.sessionContext = { attributes: { mfaAuthenticated: 7 }, sessionIssuer: 'x' };
      }),
    );
    expect(record.actor.type).toBe('Root');
    expect(record.actor.arn).toBeUndefined();
    expect(record.actor.mfaAuthenticated).toBeUndefined();
    expect(record.actor.sessionIssuerArn).toBeUndefined();
  });

  it('cuts an over-long user agent instead of dropping it', () => {
    const record = recordOf(mutate((e) => (e.detail.userAgent = `evil/${'x'.repeat(5000)}`)));
    expect(record.userAgent?.startsWith('evil/')).toBe(true);
    expect(record.userAgent).toHaveLength(2048);
  });
});

describe('not ours → ignored', () => {
  it.each([
    ['another source', (e: Json) => (e.source = 'aws.ec2')],
    ['another detail type', (e: Json) => (e['detail-type'] = 'Object Created')],
    ['another event name', (e: Json) => (e.detail.eventName = 'PutBucketPolicy')],
    ['another event source', (e: Json) => (e.detail.eventSource = 'ec2.amazonaws.com')],
  ])('%s', (_name, fn) => {
    const parsed = mutate(fn);
    expect(parsed.kind).toBe('ignored');
    if (parsed.kind === 'ignored') expect(parsed.reason.length).toBeGreaterThan(0);
  });

  it('ignores a scheduled event', () => {
    expect(parseVersioningEvent(load('scheduled-sweep.json')).kind).toBe('ignored');
  });

  it('uses the CloudTrail detail type constant', () => {
    expect(CLOUDTRAIL_DETAIL_TYPE).toBe('AWS API Call via CloudTrail');
  });
});

describe('malformed → invalid with a reason, never a throw', () => {
  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
    ['a string', 'PutBucketVersioning'],
    ['an array', [base()]],
    ['an empty object', {}],
  ])('%s', (_name, input) => {
    expect(() => parseVersioningEvent(input)).not.toThrow();
    invalidReason(parseVersioningEvent(input));
  });

  it.each([
    ['missing detail', (e: Json) => delete e.detail],
    ['detail null', (e: Json) => (e.detail = null)],
    ['detail a string', (e: Json) => (e.detail = 'x')],
    ['eventName a number', (e: Json) => (e.detail.eventName = 5)],
    ['eventID missing', (e: Json) => delete e.detail.eventID],
    ['eventTime an object', (e: Json) => (e.detail.eventTime = {})],
    ['awsRegion missing', (e: Json) => delete e.detail.awsRegion],
    ['requestParameters a string', (e: Json) => (e.detail.requestParameters = 'bucketName=x')],
    ['source a number', (e: Json) => (e.source = 1)],
    ['account missing', (e: Json) => delete e.account],
  ])('%s', (_name, fn) => {
    const e = base();
    fn(e);
    expect(() => parseVersioningEvent(e)).not.toThrow();
    invalidReason(parseVersioningEvent(e));
  });

  it('null requestParameters → invalid: bucket name missing', () => {
    const parsed = mutate((e) => (e.detail.requestParameters = null));
    expect(invalidReason(parsed)).toMatch(/bucket name is not a string/);
    expect(parsed).toMatchObject({ account: '111122223333', region: 'eu-west-1' });
  });

  it('missing requestParameters or bucketName → invalid', () => {
    expect(invalidReason(mutate((e) => delete e.detail.requestParameters))).toMatch(/not a string/);
    expect(invalidReason(mutate((e) => delete e.detail.requestParameters.bucketName))).toMatch(
      /not a string/,
    );
    expect(invalidReason(mutate((e) => (e.detail.requestParameters.bucketName = 12345)))).toMatch(
      /not a string/,
    );
  });

  it('invalid account (recipientAccountId) → invalid', () => {
    expect(invalidReason(mutate((e) => (e.detail.recipientAccountId = '1234')))).toMatch(/12-digit/);
  });

  it('falls back to the envelope account without recipientAccountId', () => {
    expect(recordOf(mutate((e) => delete e.detail.recipientAccountId)).account).toBe('111122223333');
    expect(
      invalidReason(
        mutate((e) => {
          delete e.detail.recipientAccountId;
          e.account = 'not-an-account';
        }),
      ),
    ).toMatch(/"not-an-account" is not a 12-digit AWS account ID/);
  });

  it('a recipientAccountId that differs from the envelope account → invalid: EventBridge did not send it', () => {
    const parsed = mutate((e) => (e.detail.recipientAccountId = '444455556666'));
    expect(invalidReason(parsed)).toMatch(
      /recipientAccountId "444455556666" differs from the event's account/,
    );
    expect(recordOf(mutate((e) => (e.account = e.detail.recipientAccountId = '444455556666'))).account).toBe(
      '444455556666',
    );
  });

  it('invalid region → invalid, with the account', () => {
    const parsed = mutate((e) => (e.detail.awsRegion = 'eu-west-1; rm -rf /'));
    expect(invalidReason(parsed)).toMatch(/is not an AWS Region/);
    expect(parsed).toMatchObject({ kind: 'invalid', account: '111122223333' });
  });

  it.each(['bad;name$(id)', 'a`id`b', "x' || true", 'bucket\nname', 'UPPER', 'a..b', '$HOME', 'b k'])(
    'the bucket name %j → invalid',
    (name) => {
      const parsed = mutate((e) => (e.detail.requestParameters.bucketName = name));
      expect(parsed.kind).toBe('invalid');
      expect(parsed).not.toHaveProperty('bucket');
    },
  );

  it('accepts a legacy upper-case bucket name in us-east-1 only', () => {
    const inUsEast1 = mutate((e) => {
      e.detail.awsRegion = 'us-east-1';
      e.detail.requestParameters.bucketName = 'Legacy_Bucket';
    });
    expect(recordOf(inUsEast1).bucket).toBe('Legacy_Bucket');
    expect(mutate((e) => (e.detail.requestParameters.bucketName = 'Legacy_Bucket')).kind).toBe('invalid');
  });

  it('escapes bidi characters in the reason', () => {
    const reason = invalidReason(mutate((e) => (e.detail.requestParameters.bucketName = 'abc\u202eevil')));
    expect(reason).not.toContain('\u202e');
    expect(reason).toContain('\\u202e');
  });
});

describe('looksLikeEventBridgeEvent', () => {
  it('is true for EventBridge events', () => {
    expect(looksLikeEventBridgeEvent(base())).toBe(true);
    expect(looksLikeEventBridgeEvent(load('scheduled-sweep.json'))).toBe(true);
  });

  it.each([null, undefined, 'x', 1, [], { bucket: 'example-bucket' }, { source: 'aws.s3' }])(
    'is false for %j',
    (input) => {
      expect(looksLikeEventBridgeEvent(input)).toBe(false);
    },
  );
});
