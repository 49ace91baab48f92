// Every alarm of the stack, written once: each publishes to the alert topic on ALARM and OK, so it reaches the
// same email, Chatbot and webhook subscribers. osls calls this function while resolving
// ${file(./resources/alarms.cjs)}.
'use strict';

module.exports = async ({ resolveVariable }) => {
  const prefix = `${await resolveVariable('self:service')}-${await resolveVariable('sls:stage')}`;

  // Errors of a function: it failed as a whole (an invocation error, not one bucket's finding).
  const functionErrors = (fn, description) => ({
    Namespace: 'AWS/Lambda',
    MetricName: 'Errors',
    Dimensions: [{ Name: 'FunctionName', Value: { Ref: fn } }],
    Statistic: 'Sum',
    description,
  });
  // Messages waiting in a dead-letter queue.
  const deadLetters = (queue, description) => ({
    Namespace: 'AWS/SQS',
    MetricName: 'ApproximateNumberOfMessagesVisible',
    Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }],
    Statistic: 'Maximum',
    description,
  });

  const alarms = [
    // [logical ID, alarm name suffix, condition, metric]
    [
      'CheckErrorsAlarm',
      'check-errors',
      undefined,
      functionErrors(
        'CheckLambdaFunction',
        "The MFA delete check failed; alerts may be missing. See the function's logs.",
      ),
    ],
    [
      'CheckDeadLetterAlarm',
      'check-dead-letters',
      undefined,
      deadLetters(
        'CheckDeadLetterQueue',
        'Events the MFA delete check could not process are waiting in the dead-letter queue.',
      ),
    ],
    [
      'CheckQueueAgeAlarm',
      'check-queue-age',
      undefined,
      {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateAgeOfOldestMessage',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['CheckQueue', 'QueueName'] } }],
        Statistic: 'Maximum',
        // Older than five minutes: past the batching window, records wait for a failing or throttled check.
        threshold: 300,
        description:
          'CloudTrail records wait in the check queue for more than five minutes: alerts are late. See the check function.',
      },
    ],
    [
      'SweepErrorsAlarm',
      'sweep-errors',
      undefined,
      functionErrors(
        'SweepLambdaFunction',
        'The bucket sweep failed; drift missed by CloudTrail events may go unreported. See its logs.',
      ),
    ],
    [
      'SweepPageErrorsAlarm',
      'sweep-page-errors',
      'IsSweepRegion',
      functionErrors(
        'SweepPageLambdaFunction',
        'The sweep page worker failed as a whole (not one page); a fanned-out sweep may stall. See its logs.',
      ),
    ],
    [
      'SweepPageDeadLetterAlarm',
      'sweep-page-dead-letters',
      'IsSweepRegion',
      deadLetters(
        'SweepPageDeadLetterQueue',
        "Pages of a fanned-out sweep kept failing and wait in the dead-letter queue; that sweep's digest was not sent.",
      ),
    ],
    [
      'SlackNotifierErrorsAlarm',
      'slack-notifier-errors',
      'HasSlackWebhook',
      functionErrors(
        'SlackNotifierLambdaFunction',
        'The Slack webhook notifier failed; Slack may be missing alerts (email and Chatbot are not affected).',
      ),
    ],
    [
      'SlackDeadLetterAlarm',
      'slack-dead-letters',
      'HasSlackWebhook',
      deadLetters(
        'SlackDeadLetterQueue',
        'Alerts SNS could not deliver to the Slack notifier are waiting in its dead-letter queue.',
      ),
    ],
  ];

  const Resources = {};
  for (const [id, suffix, condition, { description, threshold = 1, ...metric }] of alarms) {
    Resources[id] = {
      Type: 'AWS::CloudWatch::Alarm',
      ...(condition && { Condition: condition }),
      Properties: {
        AlarmName: `${prefix}-${suffix}`,
        AlarmDescription: description,
        ...metric,
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: threshold,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: 'AlertTopic' }],
        OKActions: [{ Ref: 'AlertTopic' }],
      },
    };
  }
  return { Resources };
};
