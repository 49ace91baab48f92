// Alert authenticity (docs/security.md, "The alert channel"): only the guard publishes to the alert topic, only
// administrators subscribe to it or change it, and every message the guard publishes is signed with an HMAC key
// that only its publishing roles may use. osls calls this function while resolving
// ${file(./resources/authenticity.cjs)}.
//
// The signing key's policy names the roles by aws:PrincipalArn on the account principal, and their grants on it
// live in separate AWS::IAM::Policy resources: a role whose own policy named a key that names the role would be
// a dependency cycle.
'use strict';

// The same alarms osls adds from alarms.cjs, so that the topic policy names every one of them.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS file osls loads, like this one
const alarmsOf = require('./alarms.cjs');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- likewise: the hub's alarms (orgMode=hub only)
const orgResourcesOf = require('./org.cjs');

// IAM role names and paths (https://docs.aws.amazon.com/IAM/latest/APIReference/API_Role.html), without commas,
// which separate the names in alertAdminRoles.
const ROLE_NAME = /^(?:[\w+=.@-]+\/)*[\w+=.@-]{1,64}$/;

module.exports = async (options) => {
  const { resolveVariable } = options;
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  const adminRoles = String(await resolveVariable('param:alertAdminRoles'))
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  for (const name of adminRoles) {
    if (!ROLE_NAME.test(name))
      throw new Error(`alertAdminRoles: ${JSON.stringify(name)} is not an IAM role name`);
  }

  // The key the functions sign and verify with: the stack's own (GetAtt), or a central account's key by ARN.
  const signingKeyArn = await resolveVariable('param:alertSigningKeyArn');
  const sub = (text) => ({ 'Fn::Sub': text });
  const arnOf = (id) => ({ 'Fn::GetAtt': [id, 'Arn'] });
  const onlyIf = (condition, value) =>
    condition ? { 'Fn::If': [condition, value, { Ref: 'AWS::NoValue' }] } : value;
  const account = sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:root');

  // The roles that publish (alerts, notices, digests, test alerts) and the roles that verify (notifiers).
  const publishers = [
    ['CheckRole', undefined],
    ['SweepRole', undefined],
    ['SweepPageRole', 'IsSweepRegion'],
  ];
  const verifiers = [['SlackNotifierRole', 'HasSlackWebhook']];
  // Inside a statement or resource that already carries a role's condition, the role is named plainly.
  const roleArns = (roles, within) =>
    roles.map(([id, condition]) => onlyIf(condition === within ? undefined : condition, arnOf(id)));
  const roleIds = (roles, within) =>
    roles.map(([id, condition]) => onlyIf(condition === within ? undefined : condition, { Ref: id }));

  // Every alarm of this stack by its exact ARN: an alarm someone else names like ours cannot publish.
  // Those of alarms.cjs, and the alarms other files define that also notify the alert topic (the template tests
  // check that this list is every alarm whose actions name the topic).
  const { Resources: alarms } = await alarmsOf(options);
  const { Resources: orgResources = {} } = await orgResourcesOf(options);
  const orgAlarms = Object.entries(orgResources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm');
  const otherAlarms = [['DigestHeartbeatAlarm', 'IsSweepRegion']]; // resources/guard-watch.yml
  const alarmArns = [
    ...[...Object.entries(alarms), ...orgAlarms].map(([id, alarm]) => onlyIf(alarm.Condition, arnOf(id))),
    ...otherAlarms.map(([id, condition]) => onlyIf(condition, arnOf(id))),
  ];

  // The administrators: the account's root user, always, and the roles alertAdminRoles names.
  const administrators = [
    account,
    ...adminRoles.map((name) => sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${name}`)),
  ];

  const topic = { Ref: 'AlertTopic' };
  const topicArnByName = sub(
    `arn:\${AWS::Partition}:sns:\${AWS::Region}:\${AWS::AccountId}:${service}-${stage}-alerts`,
  );
  const topicChanges = [
    'sns:Subscribe',
    'sns:SetTopicAttributes',
    'sns:DeleteTopic',
    'sns:AddPermission',
    'sns:RemovePermission',
    'sns:PutDataProtectionPolicy',
    'sns:TagResource',
    'sns:UntagResource',
  ];
  // A role session's aws:PrincipalArn is its role's ARN. A service principal has none, and a …NotEquals test on
  // a missing key is true; BoolIfExists hands service principals to the Deny that judges them by aws:SourceArn.
  const notAwsService = { BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' } };

  const AlertTopicPolicy = {
    Type: 'AWS::SNS::TopicPolicy',
    Properties: {
      Topics: [topic],
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'GuardRolesPublish',
            Effect: 'Allow',
            Principal: { AWS: roleArns(publishers) },
            Action: 'sns:Publish',
            Resource: topic,
          },
          {
            Sid: 'StackAlarmsPublish',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: topic,
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnEquals: { 'aws:SourceArn': alarmArns },
            },
          },
          {
            Sid: 'NoOtherPrincipalPublishes',
            Effect: 'Deny',
            Principal: '*',
            Action: 'sns:Publish',
            Resource: topic,
            Condition: { ArnNotEquals: { 'aws:PrincipalArn': roleArns(publishers) }, ...notAwsService },
          },
          {
            Sid: 'NoOtherServicePublishes',
            Effect: 'Deny',
            Principal: '*',
            Action: 'sns:Publish',
            Resource: topic,
            Condition: {
              Bool: { 'aws:PrincipalIsAWSService': 'true' },
              ArnNotEquals: { 'aws:SourceArn': alarmArns },
            },
          },
          {
            Sid: 'AdministratorsSubscribeAndChange',
            Effect: 'Allow',
            Principal: { AWS: account },
            Action: [...topicChanges, 'sns:GetTopicAttributes', 'sns:ListSubscriptionsByTopic'],
            Resource: topic,
            Condition: { ArnEquals: { 'aws:PrincipalArn': administrators } },
          },
          {
            Sid: 'NobodyElseSubscribesOrChanges',
            Effect: 'Deny',
            Principal: '*',
            Action: topicChanges,
            Resource: topic,
            Condition: { ArnNotEquals: { 'aws:PrincipalArn': administrators }, ...notAwsService },
          },
        ],
      },
    },
  };

  // Key administration without any use of the key, and without kms:CreateGrant: a grant could hand out
  // GenerateMac. Whoever may change the key policy could grant themselves anything, hence administrators only.
  const keyAdministration = [
    'kms:CancelKeyDeletion',
    'kms:CreateAlias',
    'kms:DeleteAlias',
    'kms:DescribeKey',
    'kms:DisableKey',
    'kms:EnableKey',
    'kms:GetKeyPolicy',
    'kms:ListAliases',
    'kms:ListGrants',
    'kms:ListKeyPolicies',
    'kms:ListResourceTags',
    'kms:PutKeyPolicy',
    'kms:RevokeGrant',
    'kms:ScheduleKeyDeletion',
    'kms:TagResource',
    'kms:UntagResource',
    'kms:UpdateAlias',
    'kms:UpdateKeyDescription',
  ];
  const macAlgorithm = { StringEquals: { 'kms:MacAlgorithm': 'HMAC_SHA_256' } };

  const AlertSigningKey = {
    Type: 'AWS::KMS::Key',
    // It signs messages in flight only: a message signed before a deletion can no longer be verified, and a
    // notifier then fails (retried, dead-lettered) rather than showing it as genuine.
    DeletionPolicy: 'Delete',
    UpdateReplacePolicy: 'Delete',
    Properties: {
      Description: sub(`${service}-${stage} alert signing (HMAC) in \${AWS::Region}`),
      KeySpec: 'HMAC_256',
      KeyUsage: 'GENERATE_VERIFY_MAC',
      KeyPolicy: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'AdministratorsManageTheKey',
            Effect: 'Allow',
            Principal: { AWS: account },
            Action: keyAdministration,
            Resource: '*',
            Condition: { ArnEquals: { 'aws:PrincipalArn': administrators } },
          },
          {
            Sid: 'GuardRolesSign',
            Effect: 'Allow',
            Principal: { AWS: account },
            Action: 'kms:GenerateMac',
            Resource: '*',
            Condition: { ArnEquals: { 'aws:PrincipalArn': roleArns(publishers) }, ...macAlgorithm },
          },
          onlyIf('HasSlackWebhook', {
            Sid: 'NotifierRolesVerify',
            Effect: 'Allow',
            Principal: { AWS: account },
            Action: 'kms:VerifyMac',
            Resource: '*',
            Condition: {
              ArnEquals: { 'aws:PrincipalArn': roleArns(verifiers, 'HasSlackWebhook') },
              ...macAlgorithm,
            },
          }),
        ],
      },
    },
  };

  // The topic's own key. Customer-managed, because the AWS-managed alias/aws/sns key's policy cannot let
  // CloudWatch alarms publish (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
  // It protects messages in flight only, so `npx serverless remove` may schedule its deletion (30 days).
  const AlertTopicKey = {
    Type: 'AWS::KMS::Key',
    DeletionPolicy: 'Delete',
    UpdateReplacePolicy: 'Delete',
    Properties: {
      Description: sub(`${service}-${stage} alert topic encryption (\${AWS::Region})`),
      EnableKeyRotation: true,
      KeyPolicy: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'AdministratorsManageTheKey',
            Effect: 'Allow',
            Principal: { AWS: account },
            Action: [
              ...keyAdministration,
              'kms:DisableKeyRotation',
              'kms:EnableKeyRotation',
              'kms:GetKeyRotationStatus',
              'kms:ListKeyRotations',
              'kms:RotateKeyOnDemand',
            ].sort(),
            Resource: '*',
            Condition: { ArnEquals: { 'aws:PrincipalArn': administrators } },
          },
          // Through SNS, for this topic only (SNS passes the topic's ARN as encryption context:
          // https://docs.aws.amazon.com/gamelift/latest/flexmatchguide/queue-notification-sns-sse.html). Who may
          // publish is the topic policy's to say; naming the roles here would be a cycle (topic → key → role →
          // topic), so the ARN is built from the topic's name. The roles' own policies name this key.
          {
            Sid: 'EncryptForThisTopicThroughSns',
            Effect: 'Allow',
            Principal: { AWS: account },
            Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
            Resource: '*',
            Condition: {
              StringEquals: {
                'kms:ViaService': sub('sns.${AWS::Region}.amazonaws.com'),
                'kms:CallerAccount': { Ref: 'AWS::AccountId' },
                'kms:EncryptionContext:aws:sns:topicArn': topicArnByName,
              },
            },
          },
          // The alarms by name: their exact ARNs would make a cycle (alarm → topic → key → alarm); the topic
          // policy names them exactly, and that is what decides who publishes.
          {
            Sid: 'CloudWatchAlarmsOfThisStackPublish',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
            Resource: '*',
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnLike: {
                'aws:SourceArn': sub(
                  `arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:${service}-${stage}-*`,
                ),
              },
            },
          },
        ],
      },
    },
  };

  const grant = (PolicyName, Roles, Statement, Condition) => ({
    Type: 'AWS::IAM::Policy',
    ...(Condition && { Condition }),
    Properties: { PolicyName, Roles, PolicyDocument: { Version: '2012-10-17', Statement } },
  });

  return {
    Resources: {
      AlertTopicKey,
      AlertTopicPolicy,
      AlertSigningKey,
      AlertSigningKeyAlias: {
        Type: 'AWS::KMS::Alias',
        Properties: {
          AliasName: `alias/${service}-${stage}-alert-signing`,
          TargetKeyId: { Ref: 'AlertSigningKey' },
        },
      },
      AlertSigningGrant: grant('alert-signing', roleIds(publishers), [
        { Effect: 'Allow', Action: 'kms:GenerateMac', Resource: signingKeyArn },
      ]),
      AlertVerifyingGrant: grant(
        'alert-verifying',
        roleIds(verifiers, 'HasSlackWebhook'),
        [{ Effect: 'Allow', Action: 'kms:VerifyMac', Resource: signingKeyArn }],
        'HasSlackWebhook',
      ),
    },
    Outputs: {
      AlertSigningKeyArn: { Value: arnOf('AlertSigningKey') },
    },
  };
};
