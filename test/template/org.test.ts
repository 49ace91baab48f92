// Organization mode's templates: the hub (the service packaged with --param orgMode=hub, HUB_TEMPLATE_PATH)
// and the spoke (spoke/template.yml), each against the standalone template (TEMPLATE_PATH) where they must
// agree. scripts/check-template.sh packages both and runs cfn-lint over all three first.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { arnOfResource, asRole, asService, decision, resolve as resolveIntrinsics } from './policyEval';
import { summarize } from './summary';
import {
  allPolicyStatements,
  asArray,
  loadTemplate,
  props,
  referencedId,
  resourceOf,
  resourcesOfType,
  textOf,
  type CfnResource,
  type CfnTemplate,
  type PolicyStatement,
} from './template';

const standalone = loadTemplate();
const hub = JSON.parse(
  readFileSync(
    resolve(process.env.HUB_TEMPLATE_PATH ?? '.serverless-hub/cloudformation-template-update-stack.json'),
    'utf8',
  ),
) as CfnTemplate;
const spoke = parse(
  readFileSync(resolve(process.env.SPOKE_TEMPLATE_PATH ?? 'spoke/template.yml'), 'utf8'),
) as CfnTemplate & {
  Outputs?: Record<string, unknown>;
};
const ORGANIZATION_ID = 'o-exampleorg1'; // scripts/check-template.sh
const GOLDEN = join(__dirname, 'golden', 'hub.summary.txt');

/** The pattern of the standalone CloudTrail rule (to the check queue; serverless.yml custom.checkRulePattern). */
const standalonePattern = (template: CfnTemplate) => {
  const rules = resourcesOfType(template, 'AWS::Events::Rule').filter(
    ([id, r]) => id === 'PutBucketVersioningRule' && props(r).EventPattern,
  );
  expect(rules).toHaveLength(1);
  return props(rules[0]![1]).EventPattern;
};
const statementsOfRole = (role: CfnResource): PolicyStatement[] =>
  asArray(props(role).Policies as Array<{ PolicyDocument: { Statement: PolicyStatement[] } }>).flatMap((p) =>
    asArray(p.PolicyDocument.Statement),
  );
const actionsOf = (statements: PolicyStatement[]) => statements.flatMap((s) => asArray(s.Action));

describe('the hub template', () => {
  it('matches its reviewed summary: resources, grants, function wiring', () => {
    const summary = summarize(hub);
    if (process.env.UPDATE_GOLDEN === '1') {
      mkdirSync(dirname(GOLDEN), { recursive: true });
      writeFileSync(GOLDEN, summary);
    }
    expect(existsSync(GOLDEN), `${GOLDEN} is missing: run UPDATE_GOLDEN=1 npm run check:template`).toBe(true);
    expect(summary).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('is the standalone stack plus the org bus, its rule, dead letters and alarm', () => {
    const added = Object.keys(hub.Resources).filter((id) => !(id in standalone.Resources));
    expect(added.filter((id) => resourceOf(hub, id).Type !== 'AWS::Lambda::Version').sort()).toEqual([
      'OrgDeadLetterAlarm',
      'OrgDeadLetterQueue',
      'OrgDeadLetterQueuePolicy',
      'OrgEventBus',
      'OrgEventBusPolicy',
      'OrgPutBucketVersioningRule',
    ]);
  });

  it('admits onto its bus only PutEvents from principals of the organization', () => {
    // The org bus's own policy (the optional drift bus has its own, tested in trust.test.ts).
    const policies = resourcesOfType(hub, 'AWS::Events::EventBusPolicy').filter(
      ([, r]) => referencedId(props(r).EventBusName) === 'OrgEventBus',
    );
    expect(policies).toHaveLength(1);
    const p = props(policies[0]![1]);
    expect(referencedId(p.EventBusName)).toBe('OrgEventBus');
    expect(p.Statement).toEqual({
      Effect: 'Allow',
      Principal: '*',
      Action: 'events:PutEvents',
      Resource: { 'Fn::GetAtt': ['OrgEventBus', 'Arn'] },
      Condition: { StringEquals: { 'aws:PrincipalOrgID': ORGANIZATION_ID } },
    });
  });

  it('sends what arrives on the bus, by the standalone pattern, to the check queue as the standalone rule does', () => {
    const rule = props(resourceOf(hub, 'OrgPutBucketVersioningRule'));
    expect(referencedId(rule.EventBusName)).toBe('OrgEventBus');
    expect(rule.EventPattern).toEqual(standalonePattern(standalone));
    const targets = rule.Targets as Array<Record<string, unknown>>;
    expect(targets.map((t) => referencedId(t.Arn))).toEqual(['CheckQueue']);
    // The same retries as the standalone rule's target; what still fails is parked in the org's own
    // dead-letter queue, whose alarm names forwarded records.
    const standaloneTarget = (
      props(resourceOf(standalone, 'PutBucketVersioningRule')).Targets as Array<Record<string, unknown>>
    )[0]!;
    expect(referencedId(standaloneTarget.Arn)).toBe('CheckQueue');
    expect(targets[0]!.RetryPolicy).toEqual(standaloneTarget.RetryPolicy);
    expect(referencedId((targets[0]!.DeadLetterConfig as { Arn: unknown }).Arn)).toBe('OrgDeadLetterQueue');
    const alarm = props(resourceOf(hub, 'OrgDeadLetterAlarm'));
    expect(JSON.stringify(alarm.Dimensions)).toContain('OrgDeadLetterQueue');
    expect(asArray(alarm.AlarmActions as unknown[]).map(referencedId)).toEqual(['AlertTopic']);
  });

  it('lets no rule invoke the check function directly: both CloudTrail rules go through the queue', () => {
    const invokers = resourcesOfType(hub, 'AWS::Lambda::Permission').filter(
      ([, p]) => referencedId(props(p).FunctionName) === 'CheckLambdaFunction',
    );
    expect(invokers).toEqual([]);
    const toFunction = resourcesOfType(hub, 'AWS::Events::Rule').filter(([, r]) =>
      asArray(props(r).Targets as Array<{ Arn: unknown }>).some(
        (t) => referencedId(t.Arn) === 'CheckLambdaFunction',
      ),
    );
    expect(toFunction).toEqual([]);
  });

  it('admits onto the check queue exactly the two CloudTrail rules in hub mode, only the standalone one otherwise', () => {
    const queuePolicy = (template: CfnTemplate): PolicyStatement[] => {
      const policies = resourcesOfType(template, 'AWS::SQS::QueuePolicy').filter(([, p]) =>
        asArray(props(p).Queues as unknown[]).some((q) => referencedId(q) === 'CheckQueue'),
      );
      expect(policies).toHaveLength(1);
      return asArray((props(policies[0]![1]).PolicyDocument as { Statement: PolicyStatement[] }).Statement);
    };
    const types = (template: CfnTemplate) =>
      Object.fromEntries(Object.entries(template.Resources).map(([id, r]) => [id, r.Type]));
    const ruleArn = (id: string) => arnOfResource(id, 'AWS::Events::Rule');
    const queueArn = arnOfResource('CheckQueue', 'AWS::SQS::Queue');
    const admitted = (template: CfnTemplate) => {
      const statements = resolveIntrinsics(queuePolicy(template), types(template)) as PolicyStatement[];
      const rules = [
        'PutBucketVersioningRule',
        'OrgPutBucketVersioningRule',
        'TamperPlumbingRule',
        'SweepSchedule',
      ];
      return rules.filter(
        (id) =>
          decision(
            statements,
            asService('events.amazonaws.com', 'sqs:SendMessage', ruleArn(id)),
            queueArn,
          ) === 'allow',
      );
    };
    expect(admitted(hub)).toEqual(['PutBucketVersioningRule', 'OrgPutBucketVersioningRule']);
    expect(admitted(standalone)).toEqual(['PutBucketVersioningRule']);
    // Only sqs:SendMessage, and from no service but EventBridge; over TLS only.
    const send = asService('events.amazonaws.com', 'sqs:SendMessage', ruleArn('OrgPutBucketVersioningRule'));
    const hubStatements = resolveIntrinsics(queuePolicy(hub), types(hub)) as PolicyStatement[];
    expect(decision(hubStatements, { ...send, action: 'sqs:ReceiveMessage' }, queueArn)).toBe('none');
    expect(decision(hubStatements, { ...send, service: 'sns.amazonaws.com' }, queueArn)).toBe('none');
    expect(
      decision(
        hubStatements,
        { ...send, context: { ...send.context, 'aws:SecureTransport': 'false' } },
        queueArn,
      ),
    ).toBe('deny');
    // No principal of the account sends a record, whatever its own grants: an explicit deny, in both modes.
    for (const template of [hub, standalone]) {
      const statements = resolveIntrinsics(queuePolicy(template), types(template)) as PolicyStatement[];
      const admin = asRole('Admin', 'sqs:SendMessage');
      expect(decision(statements, admin, queueArn)).toBe('deny');
    }
    // Nothing else differs from the standalone policy: the hub adds one ARN where the rules are named.
    const withoutSourceArns = (statements: PolicyStatement[]) =>
      statements.map((st) => ({
        ...st,
        Condition: { ...st.Condition, ArnEquals: undefined, ArnNotEquals: undefined },
      }));
    expect(withoutSourceArns(queuePolicy(hub))).toEqual(withoutSourceArns(queuePolicy(standalone)));
  });

  it('lets only the check, sweep and page-worker roles assume spoke roles, by name, inside the organization', () => {
    const assumers = allPolicyStatements(hub).filter((s) =>
      asArray(s.statement.Action).includes('sts:AssumeRole'),
    );
    expect(assumers.map((s) => s.where.split(' ')[0]).sort()).toEqual([
      'CheckRole',
      'SweepPageRole',
      'SweepRole',
    ]);
    for (const { statement } of assumers) {
      expect(asArray(statement.Action)).toEqual(['sts:AssumeRole']);
      expect(textOf(statement.Resource)).toBe('arn:${AWS::Partition}:iam::*:role/mfa-delete-guard-spoke');
      expect(statement.Condition).toEqual({ StringEquals: { 'aws:ResourceOrgID': ORGANIZATION_ID } });
    }
    // Fixed names, so that each spoke's trust policy can name these two roles exactly.
    expect(props(resourceOf(hub, 'CheckRole')).RoleName).toBe('mfa-delete-guard-prod-hub-check');
    expect(props(resourceOf(hub, 'SweepRole')).RoleName).toBe('mfa-delete-guard-prod-hub-sweep');
    expect(props(resourceOf(hub, 'SweepPageRole')).RoleName).toBe('mfa-delete-guard-prod-hub-sweepPage');
    // What each spoke is told to trust: these roles, the page worker only where it exists.
    const outputs = (hub as { Outputs?: Record<string, { Value: unknown }> }).Outputs;
    const join = (ids: string[]) => ({ 'Fn::Join': [',', ids.map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] }))] });
    expect(outputs?.HubRoleArns?.Value).toEqual({
      'Fn::If': [
        'IsSweepRegion',
        join(['CheckRole', 'SweepRole', 'SweepPageRole']),
        join(['CheckRole', 'SweepRole']),
      ],
    });
  });

  it("runs the check, the sweep and its page worker in hub mode with the organization's settings", () => {
    for (const fn of ['CheckLambdaFunction', 'SweepLambdaFunction', 'SweepPageLambdaFunction']) {
      const vars = (props(resourceOf(hub, fn)).Environment as { Variables: Record<string, unknown> })
        .Variables;
      expect(vars).toMatchObject({
        ORG_MODE: 'hub',
        ORG_ID: ORGANIZATION_ID,
        SPOKE_ROLE_NAME: 'mfa-delete-guard-spoke',
      });
      // Everything the standalone function has is still there.
      const own = (props(resourceOf(standalone, fn)).Environment as { Variables: Record<string, unknown> })
        .Variables;
      expect(Object.keys(vars)).toEqual(expect.arrayContaining(Object.keys(own)));
    }
  });
});

describe('the spoke template', () => {
  it('forwards exactly the pattern of the standalone rule, to the hub bus, with a role that may only put there', () => {
    const rule = props(resourceOf(spoke, 'ForwardRule'));
    expect(rule.EventPattern).toEqual(standalonePattern(standalone));
    expect(rule.EventPattern).toEqual(props(resourceOf(hub, 'OrgPutBucketVersioningRule')).EventPattern);
    expect(rule.State).toBe('ENABLED');
    const targets = rule.Targets as Array<Record<string, unknown>>;
    expect(targets).toHaveLength(1);
    expect(referencedId(targets[0]!.Arn)).toBe('HubEventBusArn');
    expect(referencedId(targets[0]!.RoleArn)).toBe('ForwardRole');
    const role = resourceOf(spoke, 'ForwardRole');
    expect(statementsOfRole(role)).toEqual([
      { Effect: 'Allow', Action: 'events:PutEvents', Resource: { Ref: 'HubEventBusArn' } },
    ]);
    const trust = (props(role).AssumeRolePolicyDocument as { Statement: PolicyStatement[] }).Statement;
    expect(trust.map((s) => s.Principal)).toEqual([{ Service: 'events.amazonaws.com' }]);
  });

  it("lets exactly the hub's function roles assume the read role, from inside the organization", () => {
    const role = resourceOf(spoke, 'ReadRole');
    const trust = (props(role).AssumeRolePolicyDocument as { Statement: PolicyStatement[] }).Statement;
    expect(trust).toEqual([
      {
        Effect: 'Allow',
        Principal: { AWS: { Ref: 'HubRoleArns' } },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrganizationId' } } },
      },
    ]);
    expect(spoke.Parameters?.HubRoleArns).toMatchObject({ Type: 'CommaDelimitedList' });
    expect(props(role).RoleName).toEqual({ Ref: 'SpokeRoleName' });
    expect(spoke.Parameters?.SpokeRoleName?.Default).toBe('mfa-delete-guard-spoke');
    // IAM is global: one Region's stack instance creates it, the others only forward.
    expect(role.Condition).toBe('CreatesReadRole');
  });

  it('grants the read role only reads, and every read the standalone check and sweep make', () => {
    const actions = actionsOf(statementsOfRole(resourceOf(spoke, 'ReadRole')));
    for (const action of actions) expect(action).toMatch(/^(s3|tag):(Get|List)[A-Za-z]+$/);
    // Reads of the standalone roles; s3:ListBucket authorises HeadBucket, which only a manual check by
    // name makes, and the hub checks members only from events (with their Region) and by listing.
    const standaloneReads = actionsOf(
      allPolicyStatements(standalone)
        .filter((s) => /^(CheckRole|SweepRole) /.test(s.where))
        .map((s) => s.statement),
    ).filter((a) => /^(s3|tag):/.test(a) && a !== 's3:ListBucket');
    expect(new Set(actions)).toEqual(new Set([...standaloneReads, ...actions]));
    // S3 reads stay on this account's buckets.
    const s3Reads = statementsOfRole(resourceOf(spoke, 'ReadRole')).find((s) =>
      asArray(s.Action).includes('s3:GetBucketVersioning'),
    );
    expect(s3Reads?.Condition).toEqual({ StringEquals: { 's3:ResourceAccount': { Ref: 'AWS::AccountId' } } });
  });

  it('has no Lambda code and no wildcard action', () => {
    expect(
      Object.values(spoke.Resources)
        .map((r) => r.Type)
        .sort(),
    ).toEqual(['AWS::Events::Rule', 'AWS::IAM::Role', 'AWS::IAM::Role']);
    // The spoke: none at all. The hub: none beyond the standalone stack's (kms:GenerateDataKey* is
    // justified in stack.test.ts), and never a whole service or everything.
    for (const [template, pattern] of [
      [spoke, /\*/],
      [hub, /^\*$|^[\w-]+:\*$/],
    ] as const) {
      for (const { where, statement } of allPolicyStatements(template)) {
        expect(statement.NotAction, where).toBeUndefined();
        for (const action of asArray(statement.Action)) {
          if (statement.Effect === 'Allow') expect(action, where).not.toMatch(pattern);
        }
      }
    }
    const wildcards = (t: CfnTemplate) =>
      new Set(actionsOf(allPolicyStatements(t).map((s) => s.statement)).filter((a) => a.includes('*')));
    expect(wildcards(hub)).toEqual(wildcards(standalone));
  });
});

describe('the hub’s alarms and the alert topic policy', () => {
  // The topic policy admits CloudWatch only for this stack's alarms by exact ARN: an alarm it does not name
  // would have its notifications refused, and the hub's dead letters would go unseen.
  it('names every hub alarm that notifies the alert topic, the org bus alarm included', () => {
    const notifying = resourcesOfType(hub, 'AWS::CloudWatch::Alarm')
      .filter(([, r]) =>
        [...asArray(props(r).AlarmActions as unknown[]), ...asArray(props(r).OKActions as unknown[])].some(
          (a) => referencedId(a) === 'AlertTopic',
        ),
      )
      .map(([id]) => id);
    expect(notifying).toContain('OrgDeadLetterAlarm');
    const statements = asArray(
      (props(resourceOf(hub, 'AlertTopicPolicy')).PolicyDocument as { Statement: unknown[] }).Statement,
    ) as { Sid?: string; Condition?: unknown }[];
    for (const sid of ['StackAlarmsPublish', 'NoOtherServicePublishes']) {
      const statement = statements.find((s) => s.Sid === sid);
      expect(statement, sid).toBeDefined();
      const named = JSON.stringify(statement?.Condition);
      for (const id of notifying) expect(named, `${sid} names ${id}`).toContain(`["${id}","Arn"]`);
    }
  });
});
