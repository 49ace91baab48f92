// Assertions over the packaged production-like template (run by scripts/check-template.sh after packaging).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  allPolicyStatements,
  asArray,
  deadLetterTargets,
  ifBranches,
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
const CHECK_FUNCTION = 'CheckLambdaFunction';
// The CloudTrail rule targets the check queue; the queue's event source mapping invokes the check function.
const CHECK_QUEUE = 'CheckQueue';

const resource = (id: string): CfnResource => resourceOf(template, id);

function checkRule(): CfnResource {
  const rules = resourcesOfType(template, 'AWS::Events::Rule').filter(([, rule]) =>
    asArray(props(rule).Targets as { Arn: unknown }[]).some((t) => referencedId(t.Arn) === CHECK_QUEUE),
  );
  const cloudTrailRules = rules.filter(([, rule]) => props(rule).EventPattern !== undefined);
  expect(cloudTrailRules, 'exactly one CloudTrail rule targets the check queue').toHaveLength(1);
  return cloudTrailRules[0]![1];
}

function checkTarget(): Record<string, unknown> {
  const targets = props(checkRule()).Targets as Record<string, unknown>[];
  return targets.find((t) => referencedId(t.Arn) === CHECK_QUEUE)!;
}

function alertTopicId(): string {
  const topics = resourcesOfType(template, 'AWS::SNS::Topic');
  expect(topics.length).toBeGreaterThanOrEqual(1);
  const alert = topics.find(([id]) => id === 'AlertTopic');
  expect(alert, 'AlertTopic').toBeDefined();
  return alert![0];
}

describe('the CloudTrail rule', () => {
  const pattern = props(checkRule()).EventPattern as Record<string, unknown>;
  const samples = readdirSync('events')
    .filter((name) => name.startsWith('cloudtrail-'))
    .map((name) => ({ name, event: JSON.parse(readFileSync(join('events', name), 'utf8')) as unknown }));

  it('selects S3 PutBucketVersioning and tagging calls (scope changes) recorded by CloudTrail', () => {
    expect(pattern.source).toEqual(['aws.s3']);
    expect(pattern['detail-type']).toEqual(['AWS API Call via CloudTrail']);
    const detail = pattern.detail as Record<string, unknown>;
    expect(detail.eventSource).toEqual(['s3.amazonaws.com']);
    expect(detail.eventName).toEqual(['PutBucketVersioning', 'PutBucketTagging', 'DeleteBucketTagging']);
    // Failed calls (errorCode) must still match: an attempt is worth an alert.
    expect(detail.errorCode).toBeUndefined();
  });

  it('matches every sample PutBucketVersioning and bucket tagging event and no other sample', () => {
    expect(samples.length).toBeGreaterThan(3);
    const routed = ['PutBucketVersioning', 'PutBucketTagging', 'DeleteBucketTagging'];
    for (const { name, event } of samples) {
      const eventName = (event as { detail?: { eventName?: string } }).detail?.eventName ?? '';
      expect(matchesPattern(pattern, event), name).toBe(routed.includes(eventName));
    }
    expect(samples.some(({ event }) => !matchesPattern(pattern, event))).toBe(true);
  });

  it('is enabled for write events (no read-only CloudTrail events needed)', () => {
    expect(props(checkRule()).State).toBe('ENABLED');
  });

  it('retries deliberately, then parks undelivered events in an encrypted SQS dead-letter queue', () => {
    const target = checkTarget();
    const retry = target.RetryPolicy as { MaximumEventAgeInSeconds: number; MaximumRetryAttempts: number };
    // EventBridge defaults are 24 h and 185 attempts; ours are set and tighter.
    expect(retry.MaximumEventAgeInSeconds).toBeGreaterThanOrEqual(60);
    expect(retry.MaximumEventAgeInSeconds).toBeLessThan(86_400);
    expect(retry.MaximumRetryAttempts).toBeGreaterThanOrEqual(1);
    expect(retry.MaximumRetryAttempts).toBeLessThan(185);
    const dlqId = referencedId((target.DeadLetterConfig as { Arn: unknown }).Arn);
    expect(dlqId).toBeDefined();
    const dlq = resource(dlqId!);
    expect(dlq.Type).toBe('AWS::SQS::Queue');
    expect(props(dlq).SqsManagedSseEnabled === true || props(dlq).KmsMasterKeyId !== undefined).toBe(true);
  });

  it('lets only this rule write to its dead-letter queue', () => {
    const dlqId = referencedId((checkTarget().DeadLetterConfig as { Arn: unknown }).Arn)!;
    const ruleName = props(checkRule()).Name as string;
    const grants = resourcesOfType(template, 'AWS::SQS::QueuePolicy')
      .filter(([, p]) => asArray(props(p).Queues as unknown[]).some((q) => referencedId(q) === dlqId))
      .flatMap(([, p]) => asArray((props(p).PolicyDocument as { Statement: unknown }).Statement))
      .map(
        (s) =>
          s as { Effect: string; Principal?: { Service?: string }; Action: unknown; Condition?: unknown },
      )
      .filter((s) => s.Effect === 'Allow' && s.Principal?.Service === 'events.amazonaws.com');
    expect(grants).toHaveLength(1);
    expect(asArray(grants[0]!.Action as string[])).toEqual(['sqs:SendMessage']);
    const sourceArns = asArray(
      (grants[0]!.Condition as { ArnEquals?: Record<string, unknown> }).ArnEquals?.['aws:SourceArn'],
    ).map(textOf);
    expect(sourceArns.some((arn) => arn?.endsWith(`:rule/${ruleName}`))).toBe(true);
    // Any other rule allowed in must be one of this stack's rules that uses the queue.
    const ruleNames = resourcesOfType(template, 'AWS::Events::Rule').map(([, r]) => props(r).Name as string);
    for (const arn of sourceArns) expect(ruleNames, arn).toContain(arn?.split(':rule/')[1]);
  });
});

describe('the check function', () => {
  const fn = props(resource(CHECK_FUNCTION));

  it('runs on nodejs24.x with JSON logs and no event logging', () => {
    expect(fn.Runtime).toBe('nodejs24.x');
    expect((fn.LoggingConfig as { LogFormat?: string }).LogFormat).toBe('JSON');
    const env = (fn.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env.POWERTOOLS_LOGGER_LOG_EVENT).not.toBe('true');
  });

  it('sends failed asynchronous invocations to the dead-letter queue after deliberate retries', () => {
    const configs = resourcesOfType(template, 'AWS::Lambda::EventInvokeConfig').filter(
      ([, c]) => referencedId(props(c).FunctionName) === CHECK_FUNCTION,
    );
    expect(configs).toHaveLength(1);
    const config = props(configs[0]![1]);
    expect(config.MaximumRetryAttempts).toBeTypeOf('number');
    expect(config.MaximumRetryAttempts).toBeLessThanOrEqual(2);
    expect(config.MaximumEventAgeInSeconds).toBeTypeOf('number');
    expect(config.MaximumEventAgeInSeconds).toBeLessThan(21_600); // Lambda's default is 6 h
    const destination = (config.DestinationConfig as { OnFailure: { Destination: unknown } }).OnFailure
      .Destination;
    const queueId = referencedId(destination);
    expect(resource(queueId!).Type).toBe('AWS::SQS::Queue');
    // The same queue as the rule's, so one alarm watches every lost event.
    expect(queueId).toBe(referencedId((checkTarget().DeadLetterConfig as { Arn: unknown }).Arn));
    // The function's role may send to it (Lambda uses the execution role for destinations).
    const roleId = referencedId(fn.Role)!;
    const roleGrants = allPolicyStatements(template).filter(
      (s) =>
        s.where.startsWith(`${roleId} `) &&
        s.statement.Effect === 'Allow' &&
        asArray(s.statement.Action).includes('sqs:SendMessage'),
    );
    expect(roleGrants.some((s) => referencedId(s.statement.Resource) === queueId)).toBe(true);
  });

  it('gives every asynchronously invoked function an on-failure queue its own role can write to', () => {
    // SNS and EventBridge invoke asynchronously: without a destination, a function error is retried and dropped.
    const functions = resourcesOfType(template, 'AWS::Lambda::Function');
    expect(functions.map(([id]) => id)).toEqual(
      expect.arrayContaining(['CheckLambdaFunction', 'SweepLambdaFunction', 'SlackNotifierLambdaFunction']),
    );
    // A function that an SQS event source mapping polls is invoked synchronously: its queue's redrive policy
    // is its dead-letter path (checked under "the sweep fan-out"), and it has no invoke permission.
    const polled = new Set(
      resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').map(([, m]) =>
        referencedId(props(m).FunctionName),
      ),
    );
    const invokable = new Set(
      resourcesOfType(template, 'AWS::Lambda::Permission').map(([, p]) =>
        referencedId(props(p).FunctionName),
      ),
    );
    for (const [id, lambda] of functions) {
      if (polled.has(id) && !invokable.has(id)) continue;
      const config = resourcesOfType(template, 'AWS::Lambda::EventInvokeConfig').find(
        ([, c]) => referencedId(props(c).FunctionName) === id,
      );
      expect(config, `${id} has an EventInvokeConfig`).toBeDefined();
      const destination = (props(config![1]).DestinationConfig as { OnFailure?: { Destination: unknown } })
        ?.OnFailure?.Destination;
      const queueId = referencedId(destination);
      expect(queueId && resource(queueId).Type, `${id} on-failure destination`).toBe('AWS::SQS::Queue');
      const roleId = referencedId(props(lambda).Role)!;
      const grants = allPolicyStatements(template).filter(
        (s) =>
          s.where.startsWith(`${roleId} `) &&
          s.statement.Effect === 'Allow' &&
          asArray(s.statement.Action).includes('sqs:SendMessage') &&
          referencedId(s.statement.Resource) === queueId,
      );
      expect(grants.length, `${roleId} may send to ${queueId}`).toBeGreaterThan(0);
    }
  });

  it('logs to groups with a retention period', () => {
    const groups = resourcesOfType(template, 'AWS::Logs::LogGroup');
    expect(groups.length).toBeGreaterThanOrEqual(1);
    for (const [id, group] of groups) {
      expect(props(group).RetentionInDays, id).toBeTypeOf('number');
    }
  });

  it('carries no secret in its environment', () => {
    for (const [id, f] of resourcesOfType(template, 'AWS::Lambda::Function')) {
      const env =
        (props(f).Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
      for (const [name, value] of Object.entries(env)) {
        const text = JSON.stringify(value);
        expect(text, `${id} ${name}`).not.toMatch(/hooks\.slack\.com|A(KI|SI)A[0-9A-Z]{16}|xox[abp]-/);
      }
    }
  });
});

describe('the alert topic', () => {
  it('is encrypted with a rotating customer-managed key of this stack', () => {
    const topicId = alertTopicId();
    const keyId = referencedId(props(resource(topicId)).KmsMasterKeyId);
    expect(keyId, 'KmsMasterKeyId refers to a key in the stack, not alias/aws/sns').toBeDefined();
    const key = resource(keyId!);
    expect(key.Type).toBe('AWS::KMS::Key');
    expect(props(key).EnableKeyRotation).toBe(true);
  });

  it('has a key policy that lets CloudWatch alarms and (via SNS) the function role publish', () => {
    const keyId = referencedId(props(resource(alertTopicId())).KmsMasterKeyId)!;
    const statements = asArray(
      (props(resource(keyId)).KeyPolicy as { Statement: unknown }).Statement,
    ) as import('./template').PolicyStatement[];
    const allows = (principal: (p: unknown) => boolean) =>
      statements.filter((s) => s.Effect === 'Allow' && principal(s.Principal));
    const publishActions = ['kms:Decrypt', 'kms:GenerateDataKey*'];

    const cloudwatch = allows((p) => (p as { Service?: string })?.Service === 'cloudwatch.amazonaws.com');
    expect(cloudwatch).toHaveLength(1);
    expect(asArray(cloudwatch[0]!.Action).sort()).toEqual(publishActions);
    // Every alarm of the stack must fall under the grant's SourceArn, or CloudWatch drops its notifications.
    const alarmArnPattern = textOf(cloudwatch[0]!.Condition?.ArnLike?.['aws:SourceArn'])!;
    const alarmNames = resourcesOfType(template, 'AWS::CloudWatch::Alarm').map(
      ([, a]) => props(a).AlarmName as string,
    );
    expect(alarmNames.length).toBeGreaterThanOrEqual(2);
    const prefix = alarmArnPattern.slice(alarmArnPattern.indexOf(':alarm:') + ':alarm:'.length, -1);
    expect(alarmArnPattern.endsWith('*')).toBe(true);
    for (const name of alarmNames) expect(name.startsWith(prefix), name).toBe(true);

    const viaSns = statements.filter(
      (s) =>
        s.Effect === 'Allow' && textOf(s.Condition?.StringEquals?.['kms:ViaService'])?.startsWith('sns.'),
    );
    expect(viaSns).toHaveLength(1);
    expect(asArray(viaSns[0]!.Action).sort()).toEqual(publishActions);

    // The role that publishes also holds the key actions in its own policy, on this key.
    const publishers = allPolicyStatements(template).filter(
      (s) =>
        s.kind === 'identity' &&
        asArray(s.statement.Action).includes('sns:Publish') &&
        asArray(s.statement.Resource).some((r) => referencedId(r) === 'AlertTopic'),
    );
    expect(publishers.length).toBeGreaterThanOrEqual(1);
    for (const publisher of publishers) {
      const role = publisher.where.split(' ')[0]!;
      const keyGrant = allPolicyStatements(template).find(
        (s) =>
          s.where.startsWith(`${role} `) &&
          publishActions.every((a) => asArray(s.statement.Action).includes(a)) &&
          referencedId(s.statement.Resource) === keyId,
      );
      expect(keyGrant, `${role} may use the topic key`).toBeDefined();
    }
  });
});

describe('alarms', () => {
  it('fires on check function errors, to the alert topic', () => {
    const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm').filter(
      ([, a]) =>
        props(a).MetricName === 'Errors' &&
        (props(a).Dimensions as { Value: unknown }[]).some((d) => referencedId(d.Value) === CHECK_FUNCTION),
    );
    expect(alarms.length, 'an Errors alarm on the check function').toBeGreaterThanOrEqual(1);
    const alarm = props(alarms[0]![1]);
    expect(alarm.Namespace).toBe('AWS/Lambda');
    const dimensions = alarm.Dimensions as { Name: string; Value: unknown }[];
    expect(dimensions.find((d) => d.Name === 'FunctionName')?.Value).toEqual({ Ref: CHECK_FUNCTION });
    expect((alarm.AlarmActions as unknown[]).map(referencedId)).toContain('AlertTopic');
    expect(alarm.Threshold).toBe(1);
    expect(alarm.TreatMissingData).toBe('notBreaching');
  });

  it('fires on any message in the dead-letter queue, to the alert topic', () => {
    const dlqId = referencedId((checkTarget().DeadLetterConfig as { Arn: unknown }).Arn);
    const onQueue = resourcesOfType(template, 'AWS::CloudWatch::Alarm').filter(
      ([, a]) =>
        props(a).MetricName === 'ApproximateNumberOfMessagesVisible' &&
        (props(a).Dimensions as { Value: unknown }[]).some((d) => referencedId(d.Value) === dlqId),
    );
    expect(onQueue.length, `an alarm on ${dlqId}`).toBeGreaterThanOrEqual(1);
    const alarm = props(onQueue[0]![1]);
    expect(alarm.Namespace).toBe('AWS/SQS');
    const dimensions = alarm.Dimensions as { Name: string; Value: unknown }[];
    expect(dimensions.find((d) => d.Name === 'QueueName')?.Value).toEqual({
      'Fn::GetAtt': [dlqId, 'QueueName'],
    });
    expect((alarm.AlarmActions as unknown[]).map(referencedId)).toContain('AlertTopic');
    expect(alarm.Threshold).toBe(1);
    expect(alarm.ComparisonOperator).toBe('GreaterThanOrEqualToThreshold');
  });

  it('watches every function and every dead-letter queue of the stack, under the same condition', () => {
    const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm').map(([, a]) => a);
    const watched = (metric: string, dimension: string, id: string) =>
      alarms.filter(
        (a) =>
          props(a).MetricName === metric &&
          (props(a).Dimensions as { Name: string; Value: unknown }[]).some(
            (d) => d.Name === dimension && referencedId(d.Value) === id,
          ),
      );
    for (const [id, fn] of resourcesOfType(template, 'AWS::Lambda::Function')) {
      const found = watched('Errors', 'FunctionName', id);
      expect(found.length, `Errors alarm for ${id}`).toBeGreaterThanOrEqual(1);
      expect(found[0]!.Condition, id).toBe(fn.Condition);
    }
    // Dead-letter queues: rule targets, async-invoke failure destinations, SNS and SQS redrive policies.
    const deadLetterIds = new Set(
      deadLetterTargets(template).filter((id) => template.Resources[id]?.Type === 'AWS::SQS::Queue'),
    );
    expect(deadLetterIds.size).toBeGreaterThanOrEqual(1);
    for (const id of deadLetterIds) {
      const found = watched('ApproximateNumberOfMessagesVisible', 'QueueName', id);
      expect(found.length, `dead-letter alarm for ${id}`).toBeGreaterThanOrEqual(1);
      expect(found[0]!.Condition, id).toBe(resource(id).Condition);
    }
  });
});

describe('the check queue (storm grouping)', () => {
  const mapping = () => {
    const found = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').filter(
      ([, m]) => referencedId(props(m).EventSourceArn) === CHECK_QUEUE,
    );
    expect(found).toHaveLength(1);
    return found[0]![1];
  };

  it('feeds the check function in batches gathered for the storm window, with partial failures', () => {
    const m = props(mapping());
    expect(m.Condition).toBeUndefined();
    expect(referencedId(m.FunctionName)).toBe(CHECK_FUNCTION);
    expect(m.MaximumBatchingWindowInSeconds).toBe(60);
    expect(m.BatchSize).toBe(1000);
    expect(m.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(m.ScalingConfig).toEqual({ MaximumConcurrency: 2 });
    const env = (props(resource(CHECK_FUNCTION)).Environment as { Variables: Record<string, unknown> })
      .Variables;
    expect(env.STORM_THRESHOLD).toBe('5');
    expect(env.STORM_WINDOW_SECONDS).toBe('60');
  });

  it('hides a batch longer than the check may run, parks a record that keeps failing, and alarms on both', () => {
    const queue = props(resource(CHECK_QUEUE));
    expect(queue.SqsManagedSseEnabled).toBe(true);
    expect(Number(queue.VisibilityTimeout)).toBeGreaterThanOrEqual(
      6 * Number(props(resource(CHECK_FUNCTION)).Timeout) + 60,
    );
    const redrive = queue.RedrivePolicy as { deadLetterTargetArn: unknown; maxReceiveCount: number };
    expect(referencedId(redrive.deadLetterTargetArn)).toBe('CheckDeadLetterQueue');
    expect(redrive.maxReceiveCount).toBeGreaterThanOrEqual(2);
    const age = props(resource('CheckQueueAgeAlarm'));
    expect(age.MetricName).toBe('ApproximateAgeOfOldestMessage');
    expect(age.Threshold).toBe(300);
    expect((age.Dimensions as { Value: unknown }[]).map((d) => referencedId(d.Value))).toEqual([CHECK_QUEUE]);
    expect(props(resource('CheckDeadLetterAlarm')).MetricName).toBe('ApproximateNumberOfMessagesVisible');
  });

  it('lets only the CloudTrail rule send to the queue, over TLS, and only the check role poll it', () => {
    const statements = resourcesOfType(template, 'AWS::SQS::QueuePolicy')
      .filter(([, p]) => asArray(props(p).Queues as unknown[]).some((q) => referencedId(q) === CHECK_QUEUE))
      .flatMap(([, p]) => asArray((props(p).PolicyDocument as { Statement: unknown }).Statement))
      .map((s) => s as { Effect: string; Principal?: unknown; Action: unknown; Condition?: unknown });
    const allowsSend = statements.filter((s) => s.Effect === 'Allow');
    expect(allowsSend).toHaveLength(1);
    expect(allowsSend[0]!.Principal).toEqual({ Service: 'events.amazonaws.com' });
    expect(asArray(allowsSend[0]!.Action as string[])).toEqual(['sqs:SendMessage']);
    const source = (allowsSend[0]!.Condition as { ArnEquals: Record<string, unknown> }).ArnEquals[
      'aws:SourceArn'
    ];
    expect(referencedId(source)).toBe('PutBucketVersioningRule');
    expect(
      statements.some((s) => s.Effect === 'Deny' && JSON.stringify(s.Condition).includes('SecureTransport')),
    ).toBe(true);
    // Identity policies only (the queue policy's own grant to the rule is checked above).
    const pollers = allPolicyStatements(template).filter(
      (s) =>
        s.statement.Effect === 'Allow' &&
        !s.where.includes('AWS::SQS::QueuePolicy') &&
        asArray(s.statement.Resource).some((r) => referencedId(r) === CHECK_QUEUE),
    );
    expect(pollers.map((s) => s.where.split(' ')[0])).toEqual(['CheckRole']);
  });

  it('no longer lets EventBridge invoke the check function directly', () => {
    const invokers = resourcesOfType(template, 'AWS::Lambda::Permission').filter(
      ([, p]) => referencedId(props(p).FunctionName) === CHECK_FUNCTION,
    );
    expect(invokers).toEqual([]);
  });
});

describe('the sweep fan-out', () => {
  const queueId = 'SweepPageQueue';
  const workerId = 'SweepPageLambdaFunction';
  const mappings = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').filter(
    ([, m]) => referencedId(props(m).EventSourceArn) === queueId,
  );
  const allows = () => allPolicyStatements(template).filter((s) => s.statement.Effect === 'Allow');
  const roleOf = (where: string) => where.split(' ')[0];

  it('puts the queue, its dead-letter queue, the table, the worker and its mapping in the sweep Region only', () => {
    for (const id of [
      queueId,
      'SweepPageDeadLetterQueue',
      'SweepRunTable',
      workerId,
      'SweepPageDeadLetterAlarm',
    ])
      expect(resource(id).Condition, id).toBe('IsSweepRegion');
    expect(mappings.map(([, m]) => m.Condition)).toEqual(['IsSweepRegion']);
  });

  it('polls the page queue one message at a time, with partial failures and bounded concurrency', () => {
    expect(mappings).toHaveLength(1);
    const mapping = props(mappings[0]![1]);
    expect(referencedId(mapping.EventSourceArn)).toBe(queueId);
    expect(referencedId(mapping.FunctionName)).toBe(workerId);
    expect(mapping.BatchSize).toBe(1);
    expect(mapping.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(mapping.ScalingConfig).toEqual({ MaximumConcurrency: 10 });
  });

  it('encrypts both queues, parks a page that keeps failing, and alarms on it', () => {
    const queue = props(resource(queueId));
    expect(queue.SqsManagedSseEnabled).toBe(true);
    const redrive = queue.RedrivePolicy as { deadLetterTargetArn: unknown; maxReceiveCount: number };
    const dlqId = referencedId(redrive.deadLetterTargetArn)!;
    expect(resource(dlqId).Type).toBe('AWS::SQS::Queue');
    expect(props(resource(dlqId)).SqsManagedSseEnabled).toBe(true);
    expect(redrive.maxReceiveCount).toBeGreaterThanOrEqual(2);
    // A message must stay hidden for longer than the worker may run, or a slow page would be checked twice.
    expect(Number(queue.VisibilityTimeout)).toBeGreaterThanOrEqual(
      6 * Number(props(resource(workerId)).Timeout),
    );
    const alarm = props(resource('SweepPageDeadLetterAlarm'));
    expect(alarm.MetricName).toBe('ApproximateNumberOfMessagesVisible');
    expect((alarm.Dimensions as { Value: unknown }[]).map((d) => referencedId(d.Value))).toEqual([dlqId]);
    expect((alarm.AlarmActions as unknown[]).map(referencedId)).toContain('AlertTopic');
  });

  it('keeps runs in an encrypted on-demand table whose items expire', () => {
    const table = props(resource('SweepRunTable'));
    expect(table.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.SSESpecification).toEqual({ SSEEnabled: true });
    expect(table.TimeToLiveSpecification).toEqual({ AttributeName: 'expiration', Enabled: true });
    expect(table.TableName).toBe('mfa-delete-guard-prod-sweep-runs');
  });

  it('lets only the worker poll the page queue, and only the planner and the worker use the run table', () => {
    const polls = allows().filter(
      (s) =>
        asArray(s.statement.Action).some((a) => ['sqs:ReceiveMessage', 'sqs:DeleteMessage'].includes(a)) &&
        asArray(s.statement.Resource).some((r) => referencedId(r) === queueId),
    );
    expect(polls.map((s) => roleOf(s.where))).toEqual(['SweepPageRole']);
    expect(asArray(polls[0]!.statement.Resource).map(referencedId)).toEqual([queueId]);
    const sends = allows().filter((s) =>
      asArray(s.statement.Resource).some((r) => referencedId(r) === queueId),
    );
    expect(sends.map((s) => [roleOf(s.where), s.onlyIf]).sort()).toEqual([
      ['SweepPageRole', undefined],
      ['SweepRole', 'IsSweepRegion'],
    ]);
    const table = allows().filter((s) =>
      asArray(s.statement.Resource).some(
        (r) => referencedId(r) === 'SweepRunTable' || textOf(r)?.includes('sweep-runs'),
      ),
    );
    expect(table.map((s) => [roleOf(s.where), s.onlyIf]).sort()).toEqual([
      ['SweepPageRole', undefined],
      ['SweepRole', 'IsSweepRegion'],
    ]);
    // Reading a whole run back is the completing worker's job, never the planner's.
    const query = allows().filter((s) => asArray(s.statement.Action).includes('dynamodb:Query'));
    expect(query.map((s) => roleOf(s.where))).toEqual(['SweepPageRole']);
  });

  it('gives the planner the queue and table in the sweep Region only, and the threshold', () => {
    const env = (props(resource('SweepLambdaFunction')).Environment as { Variables: Record<string, unknown> })
      .Variables;
    expect(env.SWEEP_INLINE_MAX_BUCKETS).toBe('20000');
    expect(env.SWEEP_RUN_TABLE).toEqual({ 'Fn::If': ['IsSweepRegion', { Ref: 'SweepRunTable' }, ''] });
    expect(env.SWEEP_QUEUE_URL).toEqual({ 'Fn::If': ['IsSweepRegion', { Ref: queueId }, ''] });
    const workerEnv = (props(resource(workerId)).Environment as { Variables: Record<string, unknown> })
      .Variables;
    expect(workerEnv.SWEEP_RUN_TABLE).toEqual({ Ref: 'SweepRunTable' });
    expect(props(resource(workerId)).Handler).toBe('functions/sweepPage.handler');
  });
});

// Every grant of each function's role: `action on resource` (a stack resource by logical ID, else the ARN),
// with the condition of an Fn::If around its policy. A grant that is added, widened or lost fails the test.
const LOGS = 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:';
const BUCKETS = 'arn:${AWS::Partition}:s3:::*';
const BUS = 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default';
// No s3:ListBucket (it lists objects; nothing the guard calls needs it; HeadBucket is gone, a bucket's Region
// comes from ListBuckets or S3's redirect). A sweep page reads no lifecycle configuration; sweeps read guard
// tags in bulk with tag:GetResources.
const BUCKET_READS = ['s3:GetBucketVersioning', 's3:GetBucketTagging', 's3:GetLifecycleConfiguration'];
const SWEEP_PAGE_BUCKET_READS = ['s3:GetBucketVersioning', 's3:GetBucketTagging'];
const grants = (actions: string[], resource: string, onlyIf?: string, when?: string) =>
  actions.map((a) => `${a} on ${resource}${onlyIf ? ` if ${onlyIf}` : ''}${when ? ` when ${when}` : ''}`);
const OWN_ACCOUNT = 's3:ResourceAccount=${AWS::AccountId}';
const OWN_SOURCE = 'events:source=mfa-delete-guard';
const logGrants = (functionName: string) =>
  grants(['logs:CreateLogStream', 'logs:PutLogEvents'], `${LOGS}/aws/lambda/${functionName}:*`);
const publishing = [
  ...grants(['sns:Publish'], 'AlertTopic'),
  ...grants(['kms:GenerateDataKey*', 'kms:Decrypt'], 'AlertTopicKey'),
  // To the dedicated drift bus when there is one, else to the configured bus; with the guard's source only.
  ...grants(['events:PutEvents'], 'DriftEventBus', 'HasDedicatedDriftBus', OWN_SOURCE),
  ...grants(['events:PutEvents'], BUS, '!HasDedicatedDriftBus', OWN_SOURCE),
];
const EXPECTED_GRANTS: Record<string, { fn: string; role: string; grants: string[] }> = {
  check: {
    fn: 'CheckLambdaFunction',
    role: 'CheckRole',
    grants: [
      ...logGrants('mfa-delete-guard-prod-check'),
      ...grants(BUCKET_READS, BUCKETS, undefined, OWN_ACCOUNT),
      ...publishing,
      ...grants(['sqs:SendMessage'], 'CheckDeadLetterQueue'),
      ...grants(['sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'], 'CheckQueue'),
      ...grants(
        ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        'DedupeTable',
        'HasDedupeTable',
      ),
    ],
  },
  sweep: {
    fn: 'SweepLambdaFunction',
    role: 'SweepRole',
    grants: [
      ...logGrants('mfa-delete-guard-prod-sweep'),
      ...grants(['s3:ListAllMyBuckets'], '*'),
      ...grants(BUCKET_READS, BUCKETS, undefined, OWN_ACCOUNT),
      ...grants(['tag:GetResources'], '*'),
      ...publishing,
      ...grants(['sqs:SendMessage'], 'CheckDeadLetterQueue'),
      // The planner: pages to the queue; createRun, its retry's getRun, setPageCount.
      ...grants(['sqs:SendMessage'], 'SweepPageQueue', 'IsSweepRegion'),
      ...grants(
        ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem'],
        'SweepRunTable',
        'IsSweepRegion',
      ),
    ],
  },
  sweepPage: {
    fn: 'SweepPageLambdaFunction',
    role: 'SweepPageRole',
    grants: [
      ...logGrants('mfa-delete-guard-prod-sweepPage'),
      ...grants(SWEEP_PAGE_BUCKET_READS, BUCKETS, undefined, OWN_ACCOUNT),
      ...grants(['tag:GetResources'], '*'),
      ...publishing,
      ...grants(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], 'SweepPageQueue'),
      ...grants(
        ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
        'SweepRunTable',
      ),
    ],
  },
};

describe('function roles', () => {
  const roleGrants = (roleId: string): string[] =>
    allPolicyStatements(template)
      .filter((s) => s.where.startsWith(`${roleId} `))
      .flatMap(({ statement, onlyIf }) => {
        expect(statement.Effect, `${roleId}: Allow only`).toBe('Allow');
        // Conditions are part of the grant: StringEquals only, one value per key.
        const when = Object.entries(statement.Condition ?? {})
          .flatMap(([operator, keys]) => {
            expect(operator, `${roleId}: condition operator`).toBe('StringEquals');
            return Object.entries(keys).map(([k, v]) => `${k}=${textOf(v) ?? JSON.stringify(v)}`);
          })
          .join(',');
        return asArray(statement.Resource as unknown[]).flatMap((resource) =>
          ifBranches(resource).flatMap(({ value: r, onlyIf: resourceIf }) =>
            grants(
              asArray(statement.Action),
              referencedId(r) ?? textOf(r) ?? JSON.stringify(r),
              onlyIf ?? resourceIf,
              when || undefined,
            ),
          ),
        );
      })
      .sort();

  it('gives each function its own role, under the same condition as the function', () => {
    const roles = new Set<string>();
    for (const [id, fn] of resourcesOfType(template, 'AWS::Lambda::Function')) {
      const roleId = referencedId(props(fn).Role);
      expect(roleId, `${id} has a role of this stack`).toBeDefined();
      expect(roles.has(roleId!), `${id} shares ${roleId}`).toBe(false);
      roles.add(roleId!);
      const role = resource(roleId!);
      expect(role.Type).toBe('AWS::IAM::Role');
      expect(role.Condition, roleId).toBe(fn.Condition);
      expect(props(role).ManagedPolicyArns, roleId).toBeUndefined();
      expect(props(role).AssumeRolePolicyDocument, roleId).toEqual({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      });
    }
    for (const { fn, role } of Object.values(EXPECTED_GRANTS))
      expect(referencedId(props(resource(fn)).Role)).toBe(role);
  });

  it("leaves no shared or unused role (osls's IamRoleLambdaExecution is gone)", () => {
    expect(template.Resources.IamRoleLambdaExecution).toBeUndefined();
    const used = new Set(
      [
        ...resourcesOfType(template, 'AWS::Lambda::Function').map(([, f]) => props(f).Role),
        ...resourcesOfType(template, 'AWS::Chatbot::SlackChannelConfiguration').map(
          ([, c]) => props(c).IamRoleArn,
        ),
        ...resourcesOfType(template, 'AWS::Chatbot::MicrosoftTeamsChannelConfiguration').map(
          ([, c]) => props(c).IamRoleArn,
        ),
      ].map(referencedId),
    );
    for (const [id] of resourcesOfType(template, 'AWS::IAM::Role'))
      expect(used.has(id), `${id} is used`).toBe(true);
  });

  it.each(Object.entries(EXPECTED_GRANTS))(
    'grants the %s function exactly what its code path calls',
    (_name, { role, grants: expected }) => {
      expect(roleGrants(role)).toEqual([...expected].sort());
    },
  );

  it("writes logs only to its own function's log group", () => {
    for (const { fn, role } of Object.values(EXPECTED_GRANTS)) {
      const group = `/aws/lambda/${String(props(resource(fn)).FunctionName)}`;
      expect(
        resourcesOfType(template, 'AWS::Logs::LogGroup').map(([, g]) => props(g).LogGroupName),
      ).toContain(group);
      const logs = roleGrants(role).filter((g) => g.startsWith('logs:'));
      expect(logs, role).toEqual([
        `logs:CreateLogStream on ${LOGS}${group}:*`,
        `logs:PutLogEvents on ${LOGS}${group}:*`,
      ]);
    }
  });

  it('keeps the check role away from the listing, the fan-out queue and the run table', () => {
    const check = roleGrants('CheckRole');
    expect(check.filter((g) => g.startsWith('s3:ListAllMyBuckets'))).toEqual([]);
    expect(check.filter((g) => g.startsWith('sqs:')).sort()).toEqual([
      'sqs:DeleteMessage on CheckQueue',
      'sqs:GetQueueAttributes on CheckQueue',
      'sqs:ReceiveMessage on CheckQueue',
      'sqs:SendMessage on CheckDeadLetterQueue',
    ]);
    expect(check.filter((g) => /SweepRunTable|SweepPageQueue|sweep-runs|sweep-pages/.test(g))).toEqual([]);
  });

  it('lets only the sweep function list the buckets', () => {
    const listers = allPolicyStatements(template).filter(
      (s) => s.statement.Effect === 'Allow' && asArray(s.statement.Action).includes('s3:ListAllMyBuckets'),
    );
    expect(listers.map((s) => s.where)).toEqual(['SweepRole (AWS::IAM::Role)']);
    expect(roleGrants('SweepPageRole').filter((g) => g.startsWith('s3:ListAllMyBuckets'))).toEqual([]);
  });
});

// Partial wildcards in actions that are allowed, each with its reason. Never `*` nor `service:*`.
const ACTION_WILDCARDS_JUSTIFIED: Record<string, string> = {
  'kms:GenerateDataKey*': 'the action set SNS documents for publishers to an encrypted topic',
};

// Identity-policy resources with a wildcard, each limited to the actions that need it and with its reason.
const RESOURCE_WILDCARDS_JUSTIFIED: {
  resource: RegExp;
  actions: string[];
  reason: string;
  /** A condition key the statement must carry for the wildcard to be acceptable. */
  requiredCondition?: string;
}[] = [
  {
    resource: /^\*$/,
    actions: ['s3:ListAllMyBuckets', 'tag:GetResources'],
    reason: 'ListBuckets and the Tagging API’s GetResources support no resource-level permission',
  },
  {
    resource: /^arn:\$\{AWS::Partition\}:s3:::\*$/,
    actions: ['s3:GetBucketVersioning', 's3:GetBucketTagging', 's3:GetLifecycleConfiguration'],
    reason:
      'the guard reads every bucket the account owns; bucket ARNs carry no account, s3:ResourceAccount does',
    requiredCondition: 's3:ResourceAccount',
  },
  {
    resource:
      /^arn:\$\{AWS::Partition\}:logs:\$\{AWS::Region\}:\$\{AWS::AccountId\}:log-group:\/aws\/lambda\/mfa-delete-guard-[\w-]+:\*$/,
    actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    reason: "the streams of one function's log group (each role names its own function's group)",
  },
  {
    resource: /^arn:\$\{AWS::Partition\}:kms:\$\{AWS::Region\}:\$\{AWS::AccountId\}:key\/\*$/,
    actions: ['kms:Decrypt'],
    reason:
      'an SSM SecureString is encrypted with a key the stack does not know (often aws/ssm); only via SSM',
    requiredCondition: 'kms:ViaService',
  },
];

describe('IAM', () => {
  const statements = allPolicyStatements(template);

  it('finds the statements it checks', () => {
    expect(statements.filter((s) => s.kind === 'identity').length).toBeGreaterThanOrEqual(4);
    expect(statements.filter((s) => s.kind === 'resource').length).toBeGreaterThanOrEqual(3);
  });

  it('never grants a wildcard action', () => {
    for (const { where, statement } of statements.filter((s) => s.statement.Effect === 'Allow')) {
      expect(statement.NotAction, `${where}: NotAction in an Allow`).toBeUndefined();
      for (const action of asArray(statement.Action)) {
        expect(action, where).not.toBe('*');
        expect(action, where).not.toMatch(/^[\w-]+:\*$/);
        if (action.includes('*'))
          expect(ACTION_WILDCARDS_JUSTIFIED, `${where}: ${action}`).toHaveProperty([action]);
      }
    }
  });

  it('scopes identity-policy resources, with every wildcard justified', () => {
    for (const { where, statement } of statements.filter(
      (s) => s.kind === 'identity' && s.statement.Effect === 'Allow',
    )) {
      for (const res of asArray(statement.Resource as unknown[])) {
        const text = textOf(res);
        if (text === undefined || !text.includes('*')) continue; // Ref/GetAtt to a stack resource, or exact ARN
        const justification = RESOURCE_WILDCARDS_JUSTIFIED.find((j) => j.resource.test(text));
        expect(justification, `${where}: resource ${text} is not justified`).toBeDefined();
        for (const action of asArray(statement.Action)) {
          expect(justification!.actions, `${where}: ${action} on ${text}`).toContain(action);
        }
        if (justification!.requiredCondition) {
          const conditionKeys = Object.values(statement.Condition ?? {}).flatMap((c) => Object.keys(c));
          expect(conditionKeys, `${where}: ${text} needs a condition`).toContain(
            justification!.requiredCondition,
          );
        }
      }
    }
  });

  it('names a principal in every resource-policy grant (no anonymous Allow)', () => {
    for (const { where, statement } of statements.filter(
      (s) => s.kind === 'resource' && s.statement.Effect === 'Allow',
    )) {
      const principal = JSON.stringify(statement.Principal);
      expect(principal, where).toBeDefined();
      expect(principal, where).not.toBe('"*"');
      expect(principal, where).not.toMatch(/"AWS":"\*"/);
    }
  });
});

describe('optional resources', () => {
  it('creates the trail only when asked, once per account, logging every Region to a locked bucket', () => {
    const trails = resourcesOfType(template, 'AWS::CloudTrail::Trail');
    expect(trails).toHaveLength(1);
    const [, trail] = trails[0]!;
    expect(trail.Condition).toBeDefined();
    const condition = JSON.stringify(template.Conditions?.[trail.Condition!]);
    expect(condition).toContain('CreateTrail');
    expect(condition).toContain('IsSweepRegion');
    expect(template.Parameters?.CreateTrail?.Default).toBeDefined();
    const t = props(trail);
    expect(t.IsMultiRegionTrail).toBe(true);
    expect(t.IsLogging).toBe(true);
    expect(t.EnableLogFileValidation).toBe(true);
    const bucket = resource(referencedId(t.S3BucketName)!);
    expect(bucket.Condition).toBe(trail.Condition);
    expect(JSON.stringify(props(bucket).BucketEncryption)).toMatch(/AES256|aws:kms/);
    expect(props(bucket).PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    // CloudTrail's grants are bound to this trail (confused-deputy protection).
    const policy = resourcesOfType(template, 'AWS::S3::BucketPolicy').find(
      ([, p]) => referencedId(props(p).Bucket) === referencedId(t.S3BucketName),
    );
    const cloudTrailGrants = asArray((props(policy![1]).PolicyDocument as { Statement: unknown }).Statement)
      .map(
        (s) =>
          s as { Principal?: { Service?: string }; Condition?: { StringEquals?: Record<string, unknown> } },
      )
      .filter((s) => s.Principal?.Service === 'cloudtrail.amazonaws.com');
    expect(cloudTrailGrants).toHaveLength(2);
    for (const grant of cloudTrailGrants) {
      expect(textOf(grant.Condition?.StringEquals?.['aws:SourceArn'])).toMatch(
        new RegExp(`:trail/${String(t.TrailName)}$`),
      );
    }
  });

  it('gives a Chatbot channel no command rights', () => {
    for (const [id, channel] of resourcesOfType(template, 'AWS::Chatbot::SlackChannelConfiguration')) {
      expect(channel.Condition, id).toBeDefined();
      const guardrails = JSON.stringify(props(channel).GuardrailPolicies);
      // Without guardrails Chatbot applies AdministratorAccess.
      expect(guardrails, id).toMatch(/AWSDenyAll|ReadOnlyAccess/);
    }
  });
});
