// Organization mode, the hub's resources (docs/organization.md): with --param orgMode=hub the stack also owns
// an event bus that only the organization's accounts may put events on, and a rule on it that sends the
// forwarded PutBucketVersioning records to the check queue, as the standalone rule sends the hub's own
// (resources/check.yml): one batch holds both, and a member account's storm is grouped like the hub's.
// Standalone (no orgMode): nothing at all.
// osls calls this function while resolving ${file(./resources/org.cjs)}.
'use strict';

const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
const ACCOUNT = /^\d{12}$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/** The hub's settings from the params, checked: a bad value stops `serverless package` in one line. */
async function hubParams(resolveVariable) {
  const orgMode = String((await resolveVariable('param:orgMode')) ?? '').trim();
  if (orgMode === '' || orgMode === 'standalone') return undefined;
  if (orgMode !== 'hub')
    throw new Error(`--param orgMode must be "hub" or empty, not ${JSON.stringify(orgMode)}`);
  const organizationId = String((await resolveVariable('param:organizationId')) ?? '').trim();
  if (!ORGANIZATION_ID.test(organizationId))
    throw new Error(
      `orgMode=hub needs --param organizationId=o-… (the organization's ID), not ${JSON.stringify(organizationId)}`,
    );
  const accounts = String((await resolveVariable('param:orgAccounts')) ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  const bad = accounts.find((a) => !ACCOUNT.test(a));
  if (bad) throw new Error(`--param orgAccounts: ${JSON.stringify(bad)} is not a 12-digit account ID`);
  const spokeRoleName = String(await resolveVariable('param:spokeRoleName')).trim();
  if (!ROLE_NAME.test(spokeRoleName))
    throw new Error(`--param spokeRoleName ${JSON.stringify(spokeRoleName)} is not an IAM role name`);
  return { organizationId, accounts, spokeRoleName };
}

/** The names of the hub's function roles: fixed, so that every spoke's trust policy can name them exactly. */
const hubRoleName = (service, stage, fn) => `${service}-${stage}-hub-${fn}`;

module.exports = async ({ resolveVariable }) => {
  const hub = await hubParams(resolveVariable);
  if (!hub) return {};
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  const prefix = `${service}-${stage}`;
  // The very pattern of the standalone rule (serverless.yml, custom.checkRulePattern): the spokes forward it too.
  const pattern = await resolveVariable('self:custom.checkRulePattern');
  const providerEnv = await resolveVariable('self:provider.environment');
  const orgEnv = {
    ORG_MODE: 'hub',
    ORG_ID: hub.organizationId,
    ORG_ACCOUNTS: hub.accounts.join(','),
    SPOKE_ROLE_NAME: hub.spokeRoleName,
  };
  // An extension replaces a function's Environment as a whole: the provider's and the function's own
  // variables are carried over, then the hub's.
  // Values are strings, as osls writes them (a number param such as 86400 would otherwise stay a number).
  const environment = async (fn) => {
    const merged = {
      ...providerEnv,
      ...((await resolveVariable(`self:functions.${fn}.environment`)) ?? {}),
      ...orgEnv,
    };
    const Variables = Object.fromEntries(
      Object.entries(merged).map(([k, v]) => [k, typeof v === 'object' && v !== null ? v : String(v)]),
    );
    return { Environment: { Variables } };
  };

  const arn = (id) => ({ 'Fn::GetAtt': [id, 'Arn'] });

  // The check queue admits the org rule too: the standalone queue policy (resources/check.yml) with this
  // rule's ARN added wherever it names the rules that may send (the Allow for EventBridge and the Deny for
  // everything else), so that nothing else in it changes. SQS keeps one policy per queue, hence an extension
  // of that policy rather than a second one.
  const queuePolicy = await resolveVariable(
    'file(./resources/check.yml):Resources.CheckQueuePolicy.Properties.PolicyDocument',
  );
  const sourceArnOperator = (s) =>
    ['ArnEquals', 'ArnNotEquals'].find((op) => s.Condition?.[op]?.['aws:SourceArn'] !== undefined);
  const naming = queuePolicy.Statement.filter((s) => s.Action === 'sqs:SendMessage' && sourceArnOperator(s));
  const shape = naming
    .map((s) => `${s.Effect}:${sourceArnOperator(s)}`)
    .sort()
    .join(',');
  if (shape !== 'Allow:ArnEquals,Deny:ArnNotEquals')
    throw new Error(
      'resources/check.yml: CheckQueuePolicy needs one Allow (ArnEquals) and one Deny (ArnNotEquals) of sqs:SendMessage on aws:SourceArn',
    );
  const withOrgRule = (s) => {
    const op = sourceArnOperator(s);
    return {
      ...s,
      Condition: {
        ...s.Condition,
        [op]: {
          'aws:SourceArn': [s.Condition[op]['aws:SourceArn'], arn('OrgPutBucketVersioningRule')].flat(),
        },
      },
    };
  };
  const checkQueuePolicy = {
    ...queuePolicy,
    Statement: queuePolicy.Statement.map((s) => (naming.includes(s) ? withOrgRule(s) : s)),
  };

  return {
    Resources: {
      OrgEventBus: {
        Type: 'AWS::Events::EventBus',
        Properties: { Name: `${prefix}-org` },
      },
      // Only principals of the organization may put events on the bus: the spokes' forwarding rules
      // (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html).
      OrgEventBusPolicy: {
        Type: 'AWS::Events::EventBusPolicy',
        Properties: {
          EventBusName: { Ref: 'OrgEventBus' },
          StatementId: 'OrganizationAccountsForwardPutBucketVersioning',
          Statement: {
            Effect: 'Allow',
            Principal: '*',
            Action: 'events:PutEvents',
            Resource: { 'Fn::GetAtt': ['OrgEventBus', 'Arn'] },
            Condition: { StringEquals: { 'aws:PrincipalOrgID': hub.organizationId } },
          },
        },
      },
      OrgPutBucketVersioningRule: {
        Type: 'AWS::Events::Rule',
        Properties: {
          Name: `${prefix}-org-put-bucket-versioning`,
          Description:
            'PutBucketVersioning records forwarded by the organization’s spokes, to the check queue.',
          EventBusName: { Ref: 'OrgEventBus' },
          EventPattern: pattern,
          State: 'ENABLED',
          Targets: [
            {
              Id: 'check-queue',
              Arn: { 'Fn::GetAtt': ['CheckQueue', 'Arn'] },
              // As the standalone rule: an hour of retries, then the dead-letter queue (and its alarm).
              RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 24 },
              DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['OrgDeadLetterQueue', 'Arn'] } },
            },
          ],
        },
      },
      // Forwarded records the hub's rule could not deliver to the check queue.
      OrgDeadLetterQueue: {
        Type: 'AWS::SQS::Queue',
        DeletionPolicy: 'Delete',
        UpdateReplacePolicy: 'Delete',
        Properties: {
          QueueName: `${prefix}-org-dlq`,
          MessageRetentionPeriod: 1209600,
          SqsManagedSseEnabled: true,
        },
      },
      OrgDeadLetterQueuePolicy: {
        Type: 'AWS::SQS::QueuePolicy',
        Properties: {
          Queues: [{ Ref: 'OrgDeadLetterQueue' }],
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'OrgRuleParksUndeliveredEvents',
                Effect: 'Allow',
                Principal: { Service: 'events.amazonaws.com' },
                Action: 'sqs:SendMessage',
                Resource: { 'Fn::GetAtt': ['OrgDeadLetterQueue', 'Arn'] },
                Condition: {
                  ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': ['OrgPutBucketVersioningRule', 'Arn'] } },
                },
              },
              {
                Sid: 'DenyPlainHttp',
                Effect: 'Deny',
                Principal: '*',
                Action: 'sqs:*',
                Resource: { 'Fn::GetAtt': ['OrgDeadLetterQueue', 'Arn'] },
                Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              },
            ],
          },
        },
      },
      OrgDeadLetterAlarm: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmName: `${prefix}-org-dead-letters`,
          AlarmDescription: 'Records forwarded by member accounts could not be delivered to the check queue.',
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['OrgDeadLetterQueue', 'QueueName'] } }],
          Statistic: 'Maximum',
          Period: 300,
          EvaluationPeriods: 1,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          TreatMissingData: 'notBreaching',
          AlarmActions: [{ Ref: 'AlertTopic' }],
          OKActions: [{ Ref: 'AlertTopic' }],
        },
      },
    },
    Outputs: {
      OrgEventBusArn: {
        Description: 'The HubEventBusArn parameter of spoke/template.yml.',
        Value: { 'Fn::GetAtt': ['OrgEventBus', 'Arn'] },
      },
      HubRoleArns: {
        Description:
          'The HubRoleArns parameter of spoke/template.yml: the hub roles the spoke read role trusts.',
        // The page worker exists in the sweep Region only: it sweeps one member account per page message.
        Value: {
          'Fn::If': [
            'IsSweepRegion',
            { 'Fn::Join': [',', ['CheckRole', 'SweepRole', 'SweepPageRole'].map(arn)] },
            { 'Fn::Join': [',', ['CheckRole', 'SweepRole'].map(arn)] },
          ],
        },
      },
    },
    extensions: {
      CheckQueuePolicy: { Properties: { PolicyDocument: checkQueuePolicy } },
      CheckLambdaFunction: { Properties: await environment('check') },
      SweepLambdaFunction: { Properties: await environment('sweep') },
      SweepPageLambdaFunction: { Properties: await environment('sweepPage') },
    },
  };
};

module.exports.hubParams = hubParams;
module.exports.hubRoleName = hubRoleName;
