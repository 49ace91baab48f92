import { describe, it, expect } from 'vitest';
import {
  defaultRootMfaSerial,
  isAccountId,
  isMfaSerial,
  isProfileName,
  isRegion,
  partitionOf,
} from '../../lib/domain/awsIds';

describe('isAccountId', () => {
  it('accepts twelve digits', () => {
    expect(isAccountId('111122223333')).toBe(true);
    expect(isAccountId('000000000000')).toBe(true);
  });

  it.each([
    '11112222333',
    '1111222233334',
    '11112222333a',
    ' 111122223333',
    '111122223333\n',
    '',
    111122223333,
    null,
  ])('rejects %j', (v) => {
    expect(isAccountId(v)).toBe(false);
  });
});

describe('isRegion', () => {
  it.each([
    'us-east-1',
    'eu-west-1',
    'ap-southeast-7',
    'me-central-1',
    'mx-central-1',
    'cn-north-1',
    'cn-northwest-1',
    'us-gov-west-1',
    'us-iso-east-1',
    'us-isob-east-1',
    'eu-isoe-west-1',
  ])('accepts %s', (r) => {
    expect(isRegion(r)).toBe(true);
  });

  it.each([
    'EU-WEST-1',
    'eu-west',
    'euwest1',
    'eu-west-123',
    'eu-west-1;id',
    'eu-west-1 ',
    '$(id)-west-1',
    '',
    'global',
    'moon-1',
    42,
    undefined,
  ])('rejects %j', (r) => {
    expect(isRegion(r)).toBe(false);
  });
});

describe('isMfaSerial', () => {
  it.each([
    'arn:aws:iam::111122223333:mfa/root-account-mfa-device',
    'arn:aws-cn:iam::111122223333:mfa/my.device@x',
    'GAHT12345678',
    '123456789',
  ])('accepts %s', (s) => {
    expect(isMfaSerial(s)).toBe(true);
  });

  it.each([
    '12345678',
    'x'.repeat(257),
    'arn:aws:iam::111122223333:mfa/dev ice',
    "arn:aws:iam::111122223333:mfa/dev'ice",
    'arn:aws:iam::111122223333:mfa/$(id)',
    'arn:aws:iam::111122223333:mfa/dev\nice',
    '',
    null,
  ])('rejects %j', (s) => {
    expect(isMfaSerial(s)).toBe(false);
  });

  it('accepts 256 characters', () => {
    expect(isMfaSerial('x'.repeat(256))).toBe(true);
  });
});

describe('isProfileName', () => {
  it.each(['root_user', 'root', 'a', 'Root-1.prod@acme+x', 'x'.repeat(64)])('accepts %s', (p) => {
    expect(isProfileName(p)).toBe(true);
  });

  it.each(['', 'x'.repeat(65), 'has space', 'semi;colon', "quo'te", 'dollar$', 'new\nline', 'a/b', 7])(
    'rejects %j',
    (p) => {
      expect(isProfileName(p)).toBe(false);
    },
  );
});

describe('partitionOf and defaultRootMfaSerial', () => {
  it('maps regions to partitions', () => {
    expect(partitionOf('eu-west-1')).toBe('aws');
    expect(partitionOf('us-east-1')).toBe('aws');
    expect(partitionOf('cn-north-1')).toBe('aws-cn');
    expect(partitionOf('cn-northwest-1')).toBe('aws-cn');
    expect(partitionOf('us-gov-west-1')).toBe('aws-us-gov');
    expect(partitionOf('us-gov-east-1')).toBe('aws-us-gov');
  });

  it('builds the legacy root virtual device ARN in the right partition', () => {
    expect(defaultRootMfaSerial('111122223333', 'eu-west-1')).toBe(
      'arn:aws:iam::111122223333:mfa/root-account-mfa-device',
    );
    expect(defaultRootMfaSerial('111122223333', 'cn-north-1')).toBe(
      'arn:aws-cn:iam::111122223333:mfa/root-account-mfa-device',
    );
    expect(defaultRootMfaSerial('111122223333', 'us-gov-west-1')).toBe(
      'arn:aws-us-gov:iam::111122223333:mfa/root-account-mfa-device',
    );
  });

  it('produces a serial that isMfaSerial accepts', () => {
    expect(isMfaSerial(defaultRootMfaSerial('111122223333', 'eu-west-1'))).toBe(true);
  });
});
