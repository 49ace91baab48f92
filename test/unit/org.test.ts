import { describe, expect, it } from 'vitest';
import { SpokeSessions, RENEW_BEFORE_EXPIRY_MS } from '../../lib/aws/spokeSessions';
import { ConfigError, guardConfigFromEnv } from '../../lib/domain/config';
import { isMember, orgConfigFromEnv, orgDigestLines, spokeRoleArn } from '../../lib/domain/org';
import { S3ClientPool } from '../../lib/aws/clients';
import type { GuardDeps } from '../../lib/guard';
import { memberDeps } from '../../lib/org/hub';

describe('orgConfigFromEnv', () => {
  it('is standalone without ORG_MODE', () => {
    expect(orgConfigFromEnv({})).toBeUndefined();
    expect(orgConfigFromEnv({ ORG_MODE: ' ' })).toBeUndefined();
  });
  it('reads a hub with its organization, accounts and spoke role name', () => {
    expect(
      orgConfigFromEnv({
        ORG_MODE: 'hub',
        ORG_ID: 'o-exampleorg1',
        ORG_ACCOUNTS: '222233334444, 333344445555,222233334444',
        SPOKE_ROLE_NAME: 'guard-spoke',
      }),
    ).toEqual({
      mode: 'hub',
      organizationId: 'o-exampleorg1',
      accounts: ['222233334444', '333344445555'],
      spokeRoleName: 'guard-spoke',
    });
  });
  it.each([
    [{ ORG_MODE: 'spoke', ORG_ID: 'o-exampleorg1' }, /ORG_MODE/],
    [{ ORG_MODE: 'hub' }, /ORG_ID/],
    [{ ORG_MODE: 'hub', ORG_ID: 'o-exampleorg1', ORG_ACCOUNTS: '1234' }, /ORG_ACCOUNTS entry "1234"/],
    [{ ORG_MODE: 'hub', ORG_ID: 'o-exampleorg1', SPOKE_ROLE_NAME: 'a b' }, /SPOKE_ROLE_NAME/],
  ])('refuses %j in one line', (env, message) => {
    expect(() => orgConfigFromEnv(env)).toThrow(ConfigError);
    expect(() => orgConfigFromEnv(env)).toThrow(message);
  });
});

describe('membership and role ARNs', () => {
  const org = { mode: 'hub' as const, organizationId: 'o-exampleorg1', spokeRoleName: 'guard-spoke' };
  it('builds the spoke role ARN in the partition of the hub', () => {
    expect(spokeRoleArn(org, '222233334444', 'eu-west-1')).toBe('arn:aws:iam::222233334444:role/guard-spoke');
    expect(spokeRoleArn(org, '222233334444', 'cn-north-1')).toBe(
      'arn:aws-cn:iam::222233334444:role/guard-spoke',
    );
  });
  it('believes the hub, listed accounts, and without a list any account ID', () => {
    const listed = { ...org, accounts: ['222233334444'] };
    expect(isMember(listed, '111122223333', '111122223333')).toBe(true);
    expect(isMember(listed, '111122223333', '222233334444')).toBe(true);
    expect(isMember(listed, '111122223333', '333344445555')).toBe(false);
    expect(isMember(org, '111122223333', '333344445555')).toBe(true);
    expect(isMember(org, '111122223333', '3333')).toBe(false);
  });
});

describe('orgDigestLines', () => {
  it('lists accounts worst first and names every account not covered, cleaned', () => {
    const lines = orgDigestLines([
      { account: '111122223333', covered: true, total: 5, counts: { compliant: 5 } },
      { account: '222233334444', covered: true, total: 3, counts: { drift: 1, compliant: 2 } },
      { account: '444455556666', covered: false, reason: 'the account is SUSPENDED, not ACTIVE' },
      { account: '333344445555', covered: false, reason: 'AccessDenied\u202e\nforged line' },
    ]);
    expect(lines[0]).toBe('ACCOUNTS: 4 (2 checked, 2 not covered)');
    expect(lines[1]).toMatch(/^ {2}222233334444 +3 buckets {2}drift 1/);
    expect(lines[2]).toMatch(/^ {2}111122223333/);
    expect(lines).toContain('  333344445555  AccessDenied forged line');
    expect(lines).toContain('  444455556666  the account is SUSPENDED, not ACTIVE');
    expect(lines.join('\n')).not.toContain('\u202e');
  });
});

describe('SpokeSessions', () => {
  const creds = (n: number, expiresAt: number) => ({
    accessKeyId: `ASIA${n}`,
    secretAccessKey: 's',
    sessionToken: 't',
    expiration: new Date(expiresAt),
  });

  it('assumes once per account, shares one call in flight, and renews shortly before expiry', async () => {
    let now = 1_000_000;
    const calls: string[] = [];
    const sessions = new SpokeSessions({
      roleArn: (a) => `arn:aws:iam::${a}:role/guard-spoke`,
      sessionName: 'hub',
      stsRegion: 'eu-west-1',
      now: () => now,
      provider: (roleArn) => async () => {
        calls.push(roleArn);
        return creds(calls.length, now + 3_600_000);
      },
    });
    await Promise.all([sessions.credentials('222233334444'), sessions.credentials('222233334444')]);
    await sessions.credentials('222233334444');
    expect(calls).toHaveLength(1);
    now += 3_600_000 - RENEW_BEFORE_EXPIRY_MS - 1;
    await sessions.credentials('222233334444');
    expect(calls).toHaveLength(1);
    now += 2;
    expect((await sessions.credentials('222233334444')).accessKeyId).toBe('ASIA2');
    await sessions.credentials('333344445555');
    expect(calls).toEqual([
      'arn:aws:iam::222233334444:role/guard-spoke',
      'arn:aws:iam::222233334444:role/guard-spoke',
      'arn:aws:iam::333344445555:role/guard-spoke',
    ]);
  });

  it('does not cache a failure, and tells a refused role from a failing STS', async () => {
    let fail: Error | undefined = Object.assign(new Error('not authorized'), { name: 'AccessDenied' });
    const sessions = new SpokeSessions({
      roleArn: (a) => `arn:aws:iam::${a}:role/guard-spoke`,
      sessionName: 'hub',
      stsRegion: 'eu-west-1',
      provider: () => async () => {
        if (fail) throw fail;
        return creds(1, Date.now() + 3_600_000);
      },
    });
    expect(await sessions.access('222233334444')).toMatchObject({ ok: false, kind: 'denied' });
    fail = Object.assign(new Error('down'), { name: 'InternalFailure', $metadata: { httpStatusCode: 500 } });
    expect(await sessions.access('222233334444')).toMatchObject({ ok: false, kind: 'fault' });
    fail = undefined;
    expect(await sessions.access('222233334444')).toMatchObject({ ok: true });
  });
});

describe('memberDeps', () => {
  it('keeps every hub dependency (signing included) and its lazy clients lazy; S3, account, config and tagging are the member’s', () => {
    let snsBuilt = 0;
    const hubS3 = new S3ClientPool();
    const memberS3 = new S3ClientPool();
    const mac = { generate: async () => 'mac', verify: async () => true };
    const hub = {
      s3: hubS3,
      get sns() {
        snsBuilt++;
        return undefined;
      },
      mac,
      tagging: { get: () => undefined },
      config: guardConfigFromEnv({}),
      publish: { topicArn: 'arn:aws:sns:eu-west-1:111122223333:t', eventSource: 'mfa-delete-guard' },
      homeRegion: 'eu-west-1',
      account: '111122223333',
    } as unknown as GuardDeps;
    const member = memberDeps(hub, '222233334444', memberS3);
    expect(snsBuilt).toBe(0);
    expect(member.mac).toBe(mac);
    expect(member.s3).toBe(memberS3);
    expect(member.account).toBe('222233334444');
    expect(member.publish).toBe(hub.publish);
    // The hub's Tagging API clients act in the hub: a member's tags are read through its spoke role.
    expect(hub.tagging).toBeDefined();
    expect(member.tagging).toBeUndefined();
    void member.sns;
    expect(snsBuilt).toBe(1);
  });
});
