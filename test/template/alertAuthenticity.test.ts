// Who may publish to, subscribe to and change the alert topic, and who may sign and verify with the signing key,
// read from the packaged template and evaluated for concrete principals (test/template/policyEval.ts).
import { describe, expect, it } from 'vitest';
import {
  ACCOUNT,
  REGION,
  anonymous,
  arnOfResource,
  asRole,
  asRoleArn,
  asService,
  decision,
  resolve,
  type Request,
} from './policyEval';
import {
  allPolicyStatements,
  asArray,
  loadTemplate,
  props,
  referencedId,
  resourcesOfType,
  type PolicyStatement,
} from './template';

const template = loadTemplate();
const types = Object.fromEntries(Object.entries(template.Resources).map(([id, r]) => [id, r.Type]));
const resolved = <T>(value: unknown): T => resolve(value, types) as T;

const PUBLISHERS = ['CheckRole', 'SweepRole', 'SweepPageRole'];
const NOTIFIERS = ['SlackNotifierRole'];
const roleArn = (id: string) => arnOfResource(id, 'AWS::IAM::Role');
const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const DEFAULT_ADMIN_ROLE = `arn:aws:iam::${ACCOUNT}:role/OrganizationAccountAccessRole`;
const TOPIC = arnOfResource('AlertTopic', 'AWS::SNS::Topic');
/** Every alarm whose actions notify the alert topic: exactly these may publish to it. */
const ALARMS = resourcesOfType(template, 'AWS::CloudWatch::Alarm')
  .filter(([, r]) =>
    [...asArray(props(r).AlarmActions as unknown[]), ...asArray(props(r).OKActions as unknown[])].some(
      (a) => referencedId(a) === 'AlertTopic',
    ),
  )
  .map(([id]) => id);
const alarmArn = (id: string) => arnOfResource(id, 'AWS::CloudWatch::Alarm');

function topicPolicy(): PolicyStatement[] {
  const policies = resourcesOfType(template, 'AWS::SNS::TopicPolicy').filter(([, r]) =>
    asArray(props(r).Topics as unknown[]).some((t) => referencedId(t) === 'AlertTopic'),
  );
  expect(policies.map(([id]) => id)).toEqual(['AlertTopicPolicy']);
  return resolved<{ Statement: PolicyStatement[] }>(props(policies[0]![1]).PolicyDocument).Statement;
}

const keyPolicy = (id: string): PolicyStatement[] =>
  resolved<{ Statement: PolicyStatement[] }>(props(template.Resources[id]).KeyPolicy).Statement;

const sid = (statements: PolicyStatement[], name: string) => {
  const found = statements.find((s) => s.Sid === name);
  expect(found, name).toBeDefined();
  return found!;
};

/** Principals of the account that are not the guard's publishers: admins, notifiers, anyone else. */
const OTHER_PRINCIPALS = [
  ROOT,
  DEFAULT_ADMIN_ROLE,
  ...NOTIFIERS.map(roleArn),
  roleArn('ChatbotRole'),
  `arn:aws:iam::${ACCOUNT}:role/PowerUser`,
  `arn:aws:iam::${ACCOUNT}:role/ci-deploy`,
  `arn:aws:iam::${ACCOUNT}:user/alice`,
  // Look-alikes of a publisher: another path, another account, a longer name.
  `arn:aws:iam::${ACCOUNT}:role/evil/CheckRole`,
  `arn:aws:iam::444455556666:role/CheckRole`,
  `arn:aws:iam::${ACCOUNT}:role/CheckRoleX`,
];

describe('the alert topic policy: publishing', () => {
  const statements = topicPolicy();

  it('allows sns:Publish to exactly the publishing roles', () => {
    const allow = sid(statements, 'GuardRolesPublish');
    expect(allow).toMatchObject({ Effect: 'Allow', Action: 'sns:Publish', Resource: TOPIC });
    expect(allow.Principal).toEqual({ AWS: PUBLISHERS.map(roleArn) });
  });

  it('allows cloudwatch.amazonaws.com to publish only for this stack’s alarms, each by its exact ARN', () => {
    const allow = sid(statements, 'StackAlarmsPublish');
    expect(allow.Principal).toEqual({ Service: 'cloudwatch.amazonaws.com' });
    expect(allow.Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': ACCOUNT },
      ArnEquals: { 'aws:SourceArn': ALARMS.map(alarmArn) },
    });
    expect(ALARMS.length).toBeGreaterThanOrEqual(8);
    expect(ALARMS).toContain('DigestHeartbeatAlarm');
  });

  it('the Allow statements are the only ones, with the Deny statements stated exactly', () => {
    expect(statements.map((s) => `${s.Effect} ${s.Sid}`)).toEqual([
      'Allow GuardRolesPublish',
      'Allow StackAlarmsPublish',
      'Deny NoOtherPrincipalPublishes',
      'Deny NoOtherServicePublishes',
      'Allow AdministratorsSubscribeAndChange',
      'Deny NobodyElseSubscribesOrChanges',
    ]);
    expect(sid(statements, 'NoOtherPrincipalPublishes')).toEqual({
      Sid: 'NoOtherPrincipalPublishes',
      Effect: 'Deny',
      Principal: '*',
      Action: 'sns:Publish',
      Resource: TOPIC,
      Condition: {
        ArnNotEquals: { 'aws:PrincipalArn': PUBLISHERS.map(roleArn) },
        BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
      },
    });
    expect(sid(statements, 'NoOtherServicePublishes')).toEqual({
      Sid: 'NoOtherServicePublishes',
      Effect: 'Deny',
      Principal: '*',
      Action: 'sns:Publish',
      Resource: TOPIC,
      Condition: {
        Bool: { 'aws:PrincipalIsAWSService': 'true' },
        ArnNotEquals: { 'aws:SourceArn': ALARMS.map(alarmArn) },
      },
    });
  });

  it.each(PUBLISHERS)('%s may publish', (role) => {
    expect(decision(statements, asRole(role, 'sns:Publish'), TOPIC)).toBe('allow');
  });

  it.each(ALARMS)('the stack’s alarm %s may publish', (alarm) => {
    expect(
      decision(statements, asService('cloudwatch.amazonaws.com', 'sns:Publish', alarmArn(alarm)), TOPIC),
    ).toBe('allow');
  });

  it.each(OTHER_PRINCIPALS)('%s is denied sns:Publish explicitly, whatever its IAM policies say', (arn) => {
    expect(decision(statements, asRoleArn(arn, 'sns:Publish'), TOPIC)).toBe('deny');
  });

  const otherServices: Array<[string, Request]> = [
    [
      'an alarm outside this stack named like ours',
      asService(
        'cloudwatch.amazonaws.com',
        'sns:Publish',
        `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:mfa-delete-guard-prod-check-errors-2`,
      ),
    ],
    [
      'an alarm in another account',
      asService('cloudwatch.amazonaws.com', 'sns:Publish', alarmArn('X'), '444455556666'),
    ],
    ['CloudWatch without a source', asService('cloudwatch.amazonaws.com', 'sns:Publish')],
    [
      'an EventBridge rule',
      asService('events.amazonaws.com', 'sns:Publish', `arn:aws:events:${REGION}:${ACCOUNT}:rule/r`),
    ],
    ['S3 event notifications', asService('s3.amazonaws.com', 'sns:Publish', 'arn:aws:s3:::some-bucket')],
    ['an anonymous request', anonymous('sns:Publish')],
  ];
  it.each(otherServices)('%s is denied sns:Publish', (_label, request) => {
    expect(decision(statements, request, TOPIC)).toBe('deny');
  });

  it('no other statement anywhere in the template allows sns:Publish on the topic', () => {
    const publishGrants = allPolicyStatements(template).filter(
      (s) =>
        s.statement.Effect === 'Allow' &&
        asArray(s.statement.Action).some((a) => a === 'sns:Publish' || a === 'sns:*' || a === '*') &&
        asArray(s.statement.Resource as unknown).some((r) => referencedId(r) === 'AlertTopic'),
    );
    expect(publishGrants.map((s) => s.where.split(' ')[0]).sort()).toEqual(
      ['AlertTopicPolicy', 'AlertTopicPolicy', ...PUBLISHERS].sort(),
    );
  });
});

describe('the alert topic policy: subscribing and changing the topic', () => {
  const statements = topicPolicy();
  const changes = [
    'sns:Subscribe',
    'sns:SetTopicAttributes',
    'sns:DeleteTopic',
    'sns:AddPermission',
    'sns:RemovePermission',
    'sns:PutDataProtectionPolicy',
    'sns:TagResource',
    'sns:UntagResource',
  ];

  it('names the administrators exactly: the root user and the default admin role', () => {
    expect(sid(statements, 'AdministratorsSubscribeAndChange').Condition).toEqual({
      ArnEquals: { 'aws:PrincipalArn': [ROOT, DEFAULT_ADMIN_ROLE] },
    });
    expect(sid(statements, 'NobodyElseSubscribesOrChanges').Condition).toEqual({
      ArnNotEquals: { 'aws:PrincipalArn': [ROOT, DEFAULT_ADMIN_ROLE] },
      BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
    });
  });

  it.each(changes)('%s: administrators allowed, the guard’s own roles and everyone else denied', (action) => {
    for (const admin of [ROOT, DEFAULT_ADMIN_ROLE]) {
      expect(decision(statements, asRoleArn(admin, action), TOPIC), admin).toBe('allow');
    }
    for (const other of [...PUBLISHERS.map(roleArn), ...OTHER_PRINCIPALS.slice(2)]) {
      expect(decision(statements, asRoleArn(other, action), TOPIC), other).toBe('deny');
    }
  });
});

describe('the signing key', () => {
  const key = template.Resources.AlertSigningKey;
  const statements = keyPolicy('AlertSigningKey');
  const withMac = (r: Request): Request => ({
    ...r,
    context: { ...r.context, 'kms:MacAlgorithm': 'HMAC_SHA_256' },
  });

  it('is an HMAC_256 key for GENERATE_VERIFY_MAC', () => {
    expect(key?.Type).toBe('AWS::KMS::Key');
    expect(props(key)).toMatchObject({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' });
  });

  it('lets exactly the publishing roles generate MACs, and exactly the notifier roles verify them', () => {
    for (const role of PUBLISHERS) {
      expect(decision(statements, withMac(asRole(role, 'kms:GenerateMac'))), role).toBe('allow');
      expect(decision(statements, withMac(asRole(role, 'kms:VerifyMac'))), role).toBe('none');
    }
    for (const role of NOTIFIERS) {
      expect(decision(statements, withMac(asRole(role, 'kms:VerifyMac'))), role).toBe('allow');
      expect(decision(statements, withMac(asRole(role, 'kms:GenerateMac'))), role).toBe('none');
    }
    for (const other of OTHER_PRINCIPALS.filter((a) => !NOTIFIERS.map(roleArn).includes(a))) {
      for (const action of ['kms:GenerateMac', 'kms:VerifyMac', 'kms:CreateGrant']) {
        expect(decision(statements, withMac(asRoleArn(other, action))), `${other} ${action}`).toBe('none');
      }
    }
  });

  it('is administered by the administrators only, with no action that uses the key or hands it out', () => {
    const admin = sid(statements, 'AdministratorsManageTheKey');
    expect(admin.Condition).toEqual({ ArnEquals: { 'aws:PrincipalArn': [ROOT, DEFAULT_ADMIN_ROLE] } });
    const actions = asArray(admin.Action);
    for (const forbidden of ['kms:GenerateMac', 'kms:VerifyMac', 'kms:CreateGrant', 'kms:*'])
      expect(actions).not.toContain(forbidden);
    expect(
      decision(statements, asRoleArn(`arn:aws:iam::${ACCOUNT}:role/PowerUser`, 'kms:PutKeyPolicy')),
    ).toBe('none');
    expect(decision(statements, asRoleArn(DEFAULT_ADMIN_ROLE, 'kms:PutKeyPolicy'))).toBe('allow');
  });

  it('its only identity grants: GenerateMac to the publishing roles, VerifyMac to the notifier roles', () => {
    const grants = allPolicyStatements(template).filter((s) =>
      asArray(s.statement.Action).some((a) => /^kms:(GenerateMac|VerifyMac|\*)$/.test(a) || a === '*'),
    );
    const byPolicy = grants.filter((g) => g.kind === 'identity').map((g) => g.where.split(' ')[0]);
    expect(byPolicy.sort()).toEqual(['AlertSigningGrant', 'AlertVerifyingGrant']);
    const roles = (id: string) => resolved<string[]>(props(template.Resources[id]).Roles);
    expect(roles('AlertSigningGrant')).toEqual(PUBLISHERS);
    expect(roles('AlertVerifyingGrant')).toEqual(NOTIFIERS);
  });

  it('every function that publishes or verifies is told the key’s ARN', () => {
    const functions = resourcesOfType(template, 'AWS::Lambda::Function');
    for (const [id, fn] of functions) {
      const env =
        (props(fn).Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
      expect(referencedId(env.ALERT_SIGNING_KEY_ARN), id).toBe('AlertSigningKey');
    }
  });
});

describe('the topic’s encryption key, narrowed to match', () => {
  const statements = keyPolicy('AlertTopicKey');
  const TOPIC_BY_NAME = `arn:aws:sns:${REGION}:${ACCOUNT}:mfa-delete-guard-prod-alerts`;
  const viaSnsFor = (r: Request, topicArn: string): Request => ({
    ...r,
    context: {
      ...r.context,
      'kms:ViaService': `sns.${REGION}.amazonaws.com`,
      'kms:CallerAccount': ACCOUNT,
      'kms:EncryptionContext:aws:sns:topicArn': topicArn,
    },
  });

  it('serves principals of the account only through SNS, for this topic only (the topic policy says who publishes)', () => {
    expect(sid(statements, 'EncryptForThisTopicThroughSns').Condition).toEqual({
      StringEquals: {
        'kms:ViaService': `sns.${REGION}.amazonaws.com`,
        'kms:CallerAccount': ACCOUNT,
        'kms:EncryptionContext:aws:sns:topicArn': TOPIC_BY_NAME,
      },
    });
    for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
      for (const role of PUBLISHERS) {
        expect(decision(statements, viaSnsFor(asRole(role, action), TOPIC_BY_NAME)), role).toBe('allow');
        // Another topic, or directly: nothing.
        expect(decision(statements, viaSnsFor(asRole(role, action), `${TOPIC_BY_NAME}-2`)), role).toBe(
          'none',
        );
        expect(decision(statements, asRole(role, action)), role).toBe('none');
      }
      // Another account's principal, even through SNS for this topic: nothing.
      expect(
        decision(
          statements,
          viaSnsFor(asRoleArn('arn:aws:iam::444455556666:role/CheckRole', action), TOPIC_BY_NAME),
        ),
      ).toBe('none');
    }
  });

  it('the topic it serves is the stack’s alert topic', () => {
    expect(props(template.Resources.AlertTopic).TopicName).toBe('mfa-delete-guard-prod-alerts');
    expect(referencedId(props(template.Resources.AlertTopic).KmsMasterKeyId)).toBe('AlertTopicKey');
  });

  it('lets CloudWatch encrypt only for this stack’s alarms', () => {
    expect(
      decision(
        statements,
        asService('cloudwatch.amazonaws.com', 'kms:GenerateDataKey', alarmArn('mfa-delete-guard-prod-x')),
      ),
    ).toBe('allow');
    expect(
      decision(
        statements,
        asService('cloudwatch.amazonaws.com', 'kms:GenerateDataKey', alarmArn('someone-else')),
      ),
    ).toBe('none');
  });

  it('is administered by the administrators only', () => {
    expect(
      decision(statements, asRoleArn(`arn:aws:iam::${ACCOUNT}:role/PowerUser`, 'kms:PutKeyPolicy')),
    ).toBe('none');
    expect(decision(statements, asRoleArn(ROOT, 'kms:PutKeyPolicy'))).toBe('allow');
  });
});
