// Messages as they really land on the alert topic, for the notifier and the classifier: CloudWatch alarm
// notifications in AWS's own format (JSON Message, `ALARM: "name" in <Region name>` Subject; see
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Notify_Users_Alarm_Changes.html),
// plain text, and JSON from another source.
import type { SNSEvent } from 'aws-lambda';

export const ALARM_NAME = 'mfa-delete-guard-prod-slack-notifier-errors';

/** The JSON CloudWatch publishes when an alarm changes state. */
export function cloudWatchAlarmMessage(
  state: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA',
  name = ALARM_NAME,
): string {
  const alarm = state === 'ALARM';
  return JSON.stringify({
    AlarmName: name,
    AlarmDescription:
      'The Slack webhook notifier failed; Slack may be missing alerts (email and Chatbot are not affected).',
    AWSAccountId: '111122223333',
    AlarmConfigurationUpdatedTimestamp: '2026-10-01T09:12:44.012+0000',
    NewStateValue: state,
    NewStateReason: alarm
      ? 'Threshold Crossed: 1 out of the last 1 datapoints [2.0 (05/10/26 14:00:00)] was greater than or equal to the threshold (1.0) (minimum 1 datapoint for OK -> ALARM transition).'
      : 'Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoint was treated as [NonBreaching].',
    StateChangeTime: alarm ? '2026-10-05T14:05:42.236+0000' : '2026-10-05T14:20:42.236+0000',
    Region: 'EU (Ireland)',
    AlarmArn: `arn:aws:cloudwatch:eu-west-1:111122223333:alarm:${name}`,
    OldStateValue: alarm ? 'OK' : 'ALARM',
    OKActions: ['arn:aws:sns:eu-west-1:111122223333:mfa-delete-guard-prod-alerts'],
    AlarmActions: ['arn:aws:sns:eu-west-1:111122223333:mfa-delete-guard-prod-alerts'],
    InsufficientDataActions: [],
    Trigger: {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      StatisticType: 'Statistic',
      Statistic: 'SUM',
      Unit: null,
      Dimensions: [{ value: 'mfa-delete-guard-prod-slackNotifier', name: 'FunctionName' }],
      Period: 300,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1.0,
      TreatMissingData: 'notBreaching',
      EvaluateLowSampleCountPercentile: '',
    },
  });
}

export const cloudWatchAlarmSubject = (state: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA', name = ALARM_NAME) =>
  `${state}: "${name}" in EU (Ireland)`;

export const PLAIN_TEXT = 'Hello from a script that published to the wrong topic <!channel> `rm -rf /`';
export const FOREIGN_JSON = JSON.stringify({
  version: '0',
  'detail-type': 'Some Other Event',
  source: 'com.example.other',
  detail: { text: '<https://evil.example|click here>' },
});

/** The SNS event Lambda hands a subscribed function for one message. */
export function snsEventFor(messages: Array<{ subject?: string | null; message: string }>): SNSEvent {
  return {
    Records: messages.map((m, i) => ({
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: 'arn:aws:sns:eu-west-1:111122223333:mfa-delete-guard-prod-alerts:sub',
      Sns: {
        Type: 'Notification',
        MessageId: `message-${i}`,
        TopicArn: 'arn:aws:sns:eu-west-1:111122223333:mfa-delete-guard-prod-alerts',
        // SNS gives null when the publisher set no subject.
        Subject: m.subject as string,
        Message: m.message,
        Timestamp: '2026-10-05T14:05:43.000Z',
        SignatureVersion: '1',
        Signature: 'EXAMPLE',
        SigningCertUrl: 'https://example.invalid/cert.pem',
        UnsubscribeUrl: 'https://example.invalid/unsubscribe',
        MessageAttributes: {},
      },
    })),
  };
}
