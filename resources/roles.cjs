// One IAM role per function, each with only what its code path calls (docs/security.md). The grants several
// roles share are written once below. osls calls this function while resolving ${file(./resources/roles.cjs)}.
'use strict';

module.exports = async ({ resolveVariable }) => {
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  const eventBus = await resolveVariable('param:eventBusName');
  const driftSource = await resolveVariable('self:provider.environment.DRIFT_EVENT_SOURCE');
  // The stack's own topic ({ Ref: AlertTopic }) or a topic ARN anywhere (docs/alerts-and-channels.md,
  // "A central topic and bus"); with the latter, the key that encrypts it, if any.
  const topic = await resolveVariable('param:alertTopicArn');
  const topicKey = String((await resolveVariable('param:alertTopicKeyArn')) ?? '').trim();
  // Organization mode (resources/org.cjs): undefined in a standalone deployment, which stays as it was.
  const { hubParams, hubRoleName } = await import('./org.cjs');
  const hub = await hubParams(resolveVariable);
  const sub = (text) => ({ 'Fn::Sub': text });
  const arnOf = (id) => ({ 'Fn::GetAtt': [id, 'Arn'] });
  const allow = (Action, Resource, Condition) => ({
    Effect: 'Allow',
    Action,
    Resource,
    ...(Condition && { Condition }),
  });

  // Logs: osls creates each log group; a role writes only to its own function's group.
  const logs = (fn) =>
    allow(
      ['logs:CreateLogStream', 'logs:PutLogEvents'],
      sub(
        `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${service}-${stage}-${fn}:*`,
      ),
    );
  // Bucket reads, on buckets of this account only: s3:ResourceAccount is the bucket owner's account
  // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html). Without it, a bucket of
  // another account whose policy trusts this one could be read through the guard by whoever can invoke it.
  // No s3:ListBucket: it would list every bucket's objects, and no call needs it (a bucket's Region comes from
  // ListBuckets or from S3's own redirect). The lifecycle is read on the event path and in manual checks only;
  // a sweep leaves it to the remediation script.
  const thisAccount = { StringEquals: { 's3:ResourceAccount': sub('${AWS::AccountId}') } };
  const bucketReads = (...more) =>
    allow(
      ['s3:GetBucketVersioning', 's3:GetBucketTagging', ...more],
      sub('arn:${AWS::Partition}:s3:::*'),
      thisAccount,
    );
  // A sweep reads guard tags in bulk, per Region, from this account's own resources
  // (https://docs.aws.amazon.com/resourcegroupstagging/latest/APIReference/API_GetResources.html); GetResources
  // supports no resource-level permission.
  const readTagsInBulk = allow('tag:GetResources', '*');
  // Publishing to a KMS-encrypted topic needs kms:GenerateDataKey* and kms:Decrypt on its key
  // (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html). The stack's own key allows them only
  // via SNS; a central topic's key is granted exactly, and its key policy must admit these roles.
  const ownTopic = topic && typeof topic === 'object' && topic.Ref === 'AlertTopic';
  // A bad parameter is one line, not a stack trace (osls prints the error's stack).
  const fail = (message) => {
    const error = new Error(`mfa-delete-guard: ${message}`);
    error.stack = error.message;
    throw error;
  };
  if (!ownTopic && !/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/.test(String(topic)))
    fail(`alertTopicArn must be an SNS topic ARN, not ${JSON.stringify(topic)}`);
  if (topicKey && !/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/.test(topicKey))
    fail(
      `alertTopicKeyArn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not ${JSON.stringify(topicKey)}`,
    );
  const topicKeyArn = ownTopic ? arnOf('AlertTopicKey') : topicKey || undefined;
  const publishAlerts = [
    allow('sns:Publish', ownTopic ? { Ref: 'AlertTopic' } : topic),
    ...(topicKeyArn ? [allow(['kms:GenerateDataKey*', 'kms:Decrypt'], topicKeyArn)] : []),
  ];
  // Drift events: only with the guard's own source (events:source,
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-conditions.html), to the configured bus
  // (a bus of this account and Region by name, or any bus by ARN: PutEvents then goes to its Region) or, with
  // dedicatedDriftBus, to the bus of its own (resources/drift-bus.yml).
  const busArn = String(eventBus).startsWith('arn:')
    ? /^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/[\w./-]{1,256}$/.test(eventBus)
      ? eventBus
      : fail(`eventBusName must be a bus name or an event bus ARN, not ${JSON.stringify(eventBus)}`)
    : sub(`arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/${eventBus}`);
  const putDriftEvents = allow(
    'events:PutEvents',
    { 'Fn::If': ['HasDedicatedDriftBus', arnOf('DriftEventBus'), busArn] },
    { StringEquals: { 'events:source': driftSource } },
  );
  // An on-failure destination: Lambda sends failed invocations with the function's role.
  const onFailureTo = (queue) => allow('sqs:SendMessage', arnOf(queue));

  const role = (Description, PolicyName, Statement, more = {}) => ({
    Type: 'AWS::IAM::Role',
    ...(more.Condition && { Condition: more.Condition }),
    Properties: {
      ...(more.RoleName && { RoleName: more.RoleName }),
      ...(Description && { Description }),
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      },
      Policies: [
        { PolicyName, PolicyDocument: { Version: '2012-10-17', Statement } },
        ...(more.policies ?? []),
      ],
    },
  });
  // A policy that exists only under a condition (its resources exist only then).
  const policyIf = (condition, PolicyName, Statement) => ({
    'Fn::If': [
      condition,
      { PolicyName, PolicyDocument: { Version: '2012-10-17', Statement } },
      { Ref: 'AWS::NoValue' },
    ],
  });

  // A hub's check and sweep read member accounts through their spoke roles: only roles of that name, and
  // only inside the organization (aws:ResourceOrgID, the organization of the role being assumed). The
  // role names are fixed so that each spoke can trust exactly these two roles.
  const hubPolicies = (fn, extra = []) =>
    hub
      ? {
          RoleName: hubRoleName(service, stage, fn),
          policies: [
            {
              PolicyName: `${fn}-spokes`,
              PolicyDocument: {
                Version: '2012-10-17',
                Statement: [
                  allow('sts:AssumeRole', sub(`arn:\${AWS::Partition}:iam::*:role/${hub.spokeRoleName}`), {
                    StringEquals: { 'aws:ResourceOrgID': hub.organizationId },
                  }),
                  ...extra,
                ],
              },
            },
          ],
        }
      : { policies: [] };
  const checkHub = hubPolicies('check');
  const sweepPageHub = hubPolicies('sweepPage');
  // ListAccounts supports no resource scoping; it is needed only when no account list is given.
  const sweepHub = hubPolicies(
    'sweep',
    hub && !hub.accounts.length ? [allow('organizations:ListAccounts', '*')] : [],
  );

  return {
    Resources: {
      CheckRole: role(
        'The check function (CloudTrail events, manual checks); it cannot list buckets nor sweep.',
        'check',
        [
          logs('check'),
          bucketReads('s3:GetLifecycleConfiguration'),
          ...publishAlerts,
          putDriftEvents,
          onFailureTo('CheckDeadLetterQueue'),
          // The check queue's event source mapping polls with the function's role (no ChangeMessageVisibility: unused).
          allow(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], arnOf('CheckQueue')),
        ],
        {
          ...(checkHub.RoleName && { RoleName: checkHub.RoleName }),
          policies: [
            ...checkHub.policies,
            // Powertools idempotency records, only when the dedupe table exists.
            policyIf('HasDedupeTable', 'check-dedupe', [
              allow(
                ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
                arnOf('DedupeTable'),
              ),
            ]),
          ],
        },
      ),
      SweepRole: role(
        'The sweep function (schedule, {"all":true}); in the sweep Region it also plans the fan-out.',
        'sweep',
        [
          logs('sweep'),
          allow('s3:ListAllMyBuckets', '*'), // this action supports no resource scoping
          // It also checks a CloudTrail record or {"bucket": …} as the check function does.
          bucketReads('s3:GetLifecycleConfiguration'),
          readTagsInBulk,
          ...publishAlerts,
          putDriftEvents,
          onFailureTo('CheckDeadLetterQueue'),
        ],
        {
          ...(sweepHub.RoleName && { RoleName: sweepHub.RoleName }),
          policies: [
            ...sweepHub.policies,
            // The planner of a fanned-out sweep, where the queue and table exist.
            policyIf('IsSweepRegion', 'sweep-fanout-planner', [
              allow('sqs:SendMessage', arnOf('SweepPageQueue')), // SendMessageBatch is authorised as SendMessage
              // createRun (PutItem; GetItem when the run exists), setPageCount (UpdateItem).
              allow(['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem'], arnOf('SweepRunTable')),
            ]),
          ],
        },
      ),
      SweepPageRole: role(
        'The sweepPage worker of a fanned-out sweep; it cannot list buckets nor send pages.',
        'sweep-page',
        [
          logs('sweepPage'),
          bucketReads(),
          readTagsInBulk,
          // The worker that completes the run sends the digest and the drift events.
          ...publishAlerts,
          putDriftEvents,
          // The SQS event source mapping polls with the function's role (no ChangeMessageVisibility: unused).
          allow(
            ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
            arnOf('SweepPageQueue'),
          ),
          // recordPage (TransactWriteItems: authorised per item as PutItem + UpdateItem; GetItem to tell a
          // duplicate), getRun (GetItem), claimDigest/digestSent/releaseDigest (UpdateItem), pages (Query).
          allow(
            ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
            arnOf('SweepRunTable'),
          ),
        ],
        {
          Condition: 'IsSweepRegion',
          // A hub's page worker sweeps a whole member account per message.
          ...(sweepPageHub.RoleName && { RoleName: sweepPageHub.RoleName }),
          policies: sweepPageHub.policies,
        },
      ),
      // Only with HasSlackWebhook (resources/slack.yml): the only role that may read the webhook URL.
      SlackNotifierRole: role(
        undefined,
        'slack-notifier',
        [
          logs('slackNotifier'),
          // The one parameter that holds the webhook URL, nothing else in Parameter Store.
          allow(
            'ssm:GetParameter',
            sub(
              'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${SlackWebhookParameter}',
            ),
          ),
          onFailureTo('SlackDeadLetterQueue'),
          // SecureString: decrypt only when SSM asks on the function's behalf, never directly.
          allow('kms:Decrypt', sub('arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/*'), {
            StringEquals: { 'kms:ViaService': sub('ssm.${AWS::Region}.amazonaws.com') },
          }),
        ],
        { Condition: 'HasSlackWebhook' },
      ),
    },
    // osls adds a DependsOn on a custom role that the role's GetAtt already implies; cfn-lint W3005 flags that
    // redundancy, and an extension can only add to DependsOn, so the rule is ignored on these four functions.
    extensions: Object.fromEntries(
      [
        'CheckLambdaFunction',
        'SweepLambdaFunction',
        'SweepPageLambdaFunction',
        'SlackNotifierLambdaFunction',
      ].map((id) => [id, { Metadata: { 'cfn-lint': { config: { ignore_checks: ['W3005'] } } } }]),
    ),
  };
};
