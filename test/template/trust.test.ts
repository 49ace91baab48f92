// The template's side of "trust nothing that reaches the guard, and guard the guard" (docs/security.md):
// tamper rules and the digest heartbeat, S3 reads fenced to this account, drift events with the guard's source
// only, the page queue open to the sweep role only, and the Slack webhook host.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  allPolicyStatements,
  asArray,
  loadTemplate,
  matchesPattern,
  props,
  referencedId,
  resourceOf,
  resourcesOfType,
  textOf,
  type CfnResource,
} from './template';

const template = loadTemplate();
const PREFIX = 'mfa-delete-guard-prod';

const resource = (id: string): CfnResource => resourceOf(template, id);

const tamperRules = resourcesOfType(template, 'AWS::Events::Rule').filter(([, r]) =>
  String(props(r).Name).startsWith(`${PREFIX}-tamper-`),
);

/** A CloudTrail record as EventBridge delivers it, for one API call. */
function cloudTrail(eventSource: string, eventName: string, requestParameters: Record<string, unknown> = {}) {
  return {
    version: '0',
    'detail-type': 'AWS API Call via CloudTrail',
    source: `aws.${eventSource.split('.')[0]}`,
    account: '111122223333',
    region: 'eu-west-1',
    detail: { eventSource, eventName, awsRegion: 'eu-west-1', requestParameters },
  };
}
const matchedBy = (event: unknown) =>
  tamperRules.filter(([, r]) => matchesPattern(props(r).EventPattern, event)).map(([id]) => id);

// The list, by the resource each call changes. Lambda's event names carry an API version suffix
// (https://docs.aws.amazon.com/lambda/latest/dg/logging-using-cloudtrail.html).
const FUNCTION_CALLS = [
  'PutFunctionConcurrency20171031',
  'UpdateFunctionConfiguration20150331v2',
  'UpdateFunctionCode20150331v2',
  'DeleteFunction20150331',
  'RemovePermission20150331v2',
];
const PLUMBING_CALLS: Array<[string, string]> = [
  ['events.amazonaws.com', 'DisableRule'],
  ['events.amazonaws.com', 'DeleteRule'],
  ['events.amazonaws.com', 'RemoveTargets'],
  ['cloudtrail.amazonaws.com', 'StopLogging'],
  ['cloudtrail.amazonaws.com', 'DeleteTrail'],
  ['cloudtrail.amazonaws.com', 'UpdateTrail'],
  ['cloudtrail.amazonaws.com', 'PutEventSelectors'],
  ['sns.amazonaws.com', 'DeleteTopic'],
  ['sns.amazonaws.com', 'SetTopicAttributes'],
  ['sns.amazonaws.com', 'Subscribe'],
  ['sns.amazonaws.com', 'Unsubscribe'],
  ['sns.amazonaws.com', 'SetSubscriptionAttributes'],
  ['kms.amazonaws.com', 'DisableKey'],
  ['kms.amazonaws.com', 'ScheduleKeyDeletion'],
  ['kms.amazonaws.com', 'PutKeyPolicy'],
  ['monitoring.amazonaws.com', 'DisableAlarmActions'],
  ['monitoring.amazonaws.com', 'DeleteAlarms'],
  ['sqs.amazonaws.com', 'DeleteQueue'],
  ['sqs.amazonaws.com', 'SetQueueAttributes'],
  ['sqs.amazonaws.com', 'PurgeQueue'],
  ['lambda.amazonaws.com', 'UpdateEventSourceMapping20150331'],
  ['lambda.amazonaws.com', 'DeleteEventSourceMapping20150331'],
];

describe('tamper rules', () => {
  it('are three enabled rules publishing straight to the tamper topic (no function, no alert key)', () => {
    expect(tamperRules.map(([, r]) => props(r).Name).sort()).toEqual([
      `${PREFIX}-tamper-functions`,
      `${PREFIX}-tamper-plumbing`,
      `${PREFIX}-tamper-rules`,
    ]);
    for (const [id, rule] of tamperRules) {
      expect(props(rule).State, id).toBe('ENABLED');
      expect(rule.Condition, id).toBeUndefined();
      const targets = props(rule).Targets as Array<{ Arn: unknown }>;
      expect(
        targets.map((t) => referencedId(t.Arn)),
        id,
      ).toEqual(['TamperTopic']);
    }
    // The tamper topic is not encrypted with the alert key: disabling that key must not silence this path.
    expect(props(resource('TamperTopic')).KmsMasterKeyId).toBeUndefined();
  });

  it.each(FUNCTION_CALLS)(
    'report %s on a guard function, by name or ARN, and not on another function',
    (call) => {
      for (const functionName of [
        `${PREFIX}-check`,
        `arn:aws:lambda:eu-west-1:111122223333:function:${PREFIX}-sweepPage`,
      ]) {
        expect(matchedBy(cloudTrail('lambda.amazonaws.com', call, { functionName })), functionName).toEqual([
          'TamperFunctionsRule',
        ]);
      }
      expect(matchedBy(cloudTrail('lambda.amazonaws.com', call, { functionName: 'billing-api' }))).toEqual(
        [],
      );
    },
  );

  it.each(PLUMBING_CALLS)('report %s %s', (source, call) => {
    expect(matchedBy(cloudTrail(source, call)).length).toBeGreaterThanOrEqual(1);
  });

  it('watch each other: switching off either rule-watching rule is reported by the other', () => {
    for (const call of ['DisableRule', 'DeleteRule', 'RemoveTargets']) {
      expect(matchedBy(cloudTrail('events.amazonaws.com', call)).sort()).toEqual([
        'TamperPlumbingRule',
        'TamperRulesWatchRule',
      ]);
    }
  });

  it('ignore ordinary calls (reads, other services)', () => {
    expect(matchedBy(cloudTrail('sns.amazonaws.com', 'Publish'))).toEqual([]);
    expect(matchedBy(cloudTrail('s3.amazonaws.com', 'PutBucketVersioning'))).toEqual([]);
    expect(matchedBy(cloudTrail('lambda.amazonaws.com', 'GetFunction'))).toEqual([]);
  });

  it('only those rules (and the heartbeat alarm of this stack) may publish to the tamper topic', () => {
    const policies = resourcesOfType(template, 'AWS::SNS::TopicPolicy').filter(([, p]) =>
      asArray(props(p).Topics as unknown[]).some((t) => referencedId(t) === 'TamperTopic'),
    );
    expect(policies).toHaveLength(1);
    const statements = (
      props(policies[0]![1]).PolicyDocument as { Statement: Array<Record<string, unknown>> }
    ).Statement;
    const rules = statements.find((s) => JSON.stringify(s.Principal).includes('events.amazonaws.com'))!;
    const arns = (rules.Condition as { ArnEquals: Record<string, unknown[]> }).ArnEquals['aws:SourceArn']!;
    expect(arns.map((a) => textOf(a)!.split(':rule/')[1]).sort()).toEqual(
      tamperRules.map(([, r]) => String(props(r).Name)).sort(),
    );
  });
});

describe('digest heartbeat', () => {
  const alarm = props(resource('DigestHeartbeatAlarm'));

  it('fires when no digest was published for a day and a bit; missing data breaches', () => {
    expect(resource('DigestHeartbeatAlarm').Condition).toBe('IsSweepRegion');
    expect(alarm.TreatMissingData).toBe('breaching');
    expect(alarm.ComparisonOperator).toBe('LessThanThreshold');
    expect(alarm.Threshold).toBe(1);
    expect(alarm.Statistic).toBe('Sum');
    expect(Number(alarm.Period) * Number(alarm.EvaluationPeriods)).toBe(26 * 3600);
    expect(alarm.DatapointsToAlarm).toBe(alarm.EvaluationPeriods);
    // Through the tamper topic too: the alert key may be what was switched off.
    expect(
      asArray(alarm.AlarmActions as unknown[])
        .map(referencedId)
        .sort(),
    ).toEqual(['AlertTopic', 'TamperTopic']);
  });

  it('counts the very log line the sweep writes when it publishes a digest, from the sweep and the page worker', () => {
    const filters = resourcesOfType(template, 'AWS::Logs::MetricFilter').filter(([, f]) =>
      asArray(props(f).MetricTransformations as Array<{ MetricName: string }>).some(
        (t) => t.MetricName === alarm.MetricName,
      ),
    );
    expect(filters.map(([, f]) => props(f).LogGroupName).sort()).toEqual([
      `/aws/lambda/${PREFIX}-sweep`,
      `/aws/lambda/${PREFIX}-sweepPage`,
    ]);
    const message = /\$\.message = "([^"]+)"/.exec(String(props(filters[0]![1]).FilterPattern))?.[1];
    expect(message).toBe('sweep digest published');
    expect(readFileSync('lib/sweep.ts', 'utf8')).toContain(`'${message}'`);
  });
});

describe('least privilege, tightened', () => {
  const statements = allPolicyStatements(template).filter((s) => s.kind === 'identity');
  const s3Statements = statements.filter((s) => asArray(s.statement.Action).some((a) => a.startsWith('s3:')));

  it('grants no s3:ListBucket on arn:aws:s3:::* (it would list every object)', () => {
    for (const { where, statement } of s3Statements) {
      if (asArray(statement.Action).includes('s3:ListBucket')) {
        for (const r of asArray(statement.Resource as unknown[]))
          expect(textOf(r), where).not.toMatch(/s3:::\*$/);
      }
    }
    expect(JSON.stringify(template)).not.toContain('"s3:ListBucket"');
  });

  it('fences every S3 bucket statement to this account with s3:ResourceAccount', () => {
    expect(s3Statements.length).toBeGreaterThanOrEqual(4);
    for (const { where, statement } of s3Statements) {
      const actions = asArray(statement.Action);
      // ListBuckets lists only the caller's own buckets and names no bucket resource.
      if (actions.length === 1 && actions[0] === 's3:ListAllMyBuckets') {
        expect(statement.Resource, where).toBe('*');
        continue;
      }
      expect(statement.Condition, where).toEqual({
        StringEquals: { 's3:ResourceAccount': { 'Fn::Sub': '${AWS::AccountId}' } },
      });
    }
  });

  it('lets the roles put events only with the guard source', () => {
    const puts = statements.filter((s) => asArray(s.statement.Action).includes('events:PutEvents'));
    expect(puts.length).toBe(3);
    for (const { where, statement } of puts) {
      expect(statement.Condition, where).toEqual({ StringEquals: { 'events:source': 'mfa-delete-guard' } });
    }
  });

  it('offers a dedicated drift bus whose policy refuses PutEvents from everyone but the guard roles', () => {
    const bus = resource('DriftEventBus');
    expect(bus.Condition).toBe('HasDedicatedDriftBus');
    const policy = props(resource('DriftEventBusPolicy'));
    expect(referencedId(policy.EventBusName)).toBe('DriftEventBus');
    const statement = policy.Statement as Record<string, unknown>;
    expect(statement).toMatchObject({ Effect: 'Deny', Principal: '*', Action: 'events:PutEvents' });
    const allowed = (statement.Condition as { ArnNotEquals: Record<string, unknown[]> }).ArnNotEquals[
      'aws:PrincipalArn'
    ]!;
    expect(JSON.stringify(allowed)).toContain('CheckRole');
    expect(JSON.stringify(allowed)).toContain('SweepRole');
    expect(JSON.stringify(allowed)).toContain('SweepPageRole');
    // With the switch on, the functions send to that bus.
    const env = (props(resource('CheckLambdaFunction')).Environment as { Variables: Record<string, unknown> })
      .Variables;
    expect(env.EVENT_BUS_NAME).toEqual({
      'Fn::If': ['HasDedicatedDriftBus', { Ref: 'DriftEventBus' }, 'default'],
    });
  });
});

describe('fan-out integrity', () => {
  it('lets only the sweep role send to the page queue', () => {
    const policy = props(resource('SweepPageQueuePolicy')).PolicyDocument as {
      Statement: Array<Record<string, unknown>>;
    };
    const only = policy.Statement.find((s) => s.Sid === 'OnlyTheSweepRoleSendsPages');
    expect(only).toEqual({
      Sid: 'OnlyTheSweepRoleSendsPages',
      Effect: 'Deny',
      Principal: '*',
      Action: 'sqs:SendMessage',
      Resource: { 'Fn::GetAtt': ['SweepPageQueue', 'Arn'] },
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': { 'Fn::GetAtt': ['SweepRole', 'Arn'] } } },
    });
    // The one role with SendMessage on the queue is the sweep's.
    const senders = allPolicyStatements(template).filter(
      (s) =>
        s.kind === 'identity' &&
        asArray(s.statement.Action).includes('sqs:SendMessage') &&
        asArray(s.statement.Resource as unknown[]).some((r) => referencedId(r) === 'SweepPageQueue'),
    );
    expect(senders.map((s) => s.where)).toEqual(['SweepRole (AWS::IAM::Role)']);
  });
});

describe('the Slack webhook', () => {
  it('is posted only to hooks.slack.com unless the deployment allow-lists another host', () => {
    const env = (
      props(resource('SlackNotifierLambdaFunction')).Environment as { Variables: Record<string, unknown> }
    ).Variables;
    expect(env.SLACK_WEBHOOK_ALLOWED_HOSTS).toBe('');
    expect(readFileSync('lib/aws/webhookSecret.ts', 'utf8')).toContain(
      "SLACK_WEBHOOK_HOST = 'hooks.slack.com'",
    );
  });
});

describe('trust settings of the check function', () => {
  it('believes records of its own Region only, and caps manual calls, by default', () => {
    const env = (props(resource('CheckLambdaFunction')).Environment as { Variables: Record<string, unknown> })
      .Variables;
    expect(env.SERVED_REGIONS).toBe('');
    expect(env.MANUAL_MAX_BUCKETS).toBe('25');
  });
});
