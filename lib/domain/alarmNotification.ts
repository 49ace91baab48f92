// A CloudWatch alarm notification as SNS carries it: the Message is AWS's JSON (AlarmName, NewStateValue,
// NewStateReason, StateChangeTime, Region as a display name such as "EU (Ireland)", AlarmArn, …) and the
// Subject reads `ALARM: "name" in EU (Ireland)`.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Notify_Users_Alarm_Changes.html
// The stack's own alarms publish to the alert topic, so every subscriber of it must understand them.
import * as z from 'zod/mini';
import { lazySchema } from './schema';
import { isAccountId, isRegion } from './awsIds';
import { cleanText } from './text';

export const ALARM_STATES = ['ALARM', 'OK', 'INSUFFICIENT_DATA'] as const;
export type AlarmState = (typeof ALARM_STATES)[number];

/** What a person needs from the notification; every text field is cleaned and bounded, never trusted. */
export interface AlarmNotification {
  name: string;
  state: AlarmState;
  previousState?: AlarmState;
  reason: string;
  description?: string;
  /** As CloudWatch wrote it, e.g. 2026-10-05T14:03:11.236+0000. */
  changedAt: string;
  /** The Region code, from the alarm ARN (the Region field is a display name). */
  region?: string;
  regionName?: string;
  account?: string;
  /** What the alarm watches, e.g. AWS/Lambda Errors FunctionName=mfa-delete-guard-prod-check. */
  metric?: string;
}

const cloudWatchAlarm = lazySchema(() => {
  const text = z.string().check(z.maxLength(100_000));
  const state = z.enum(ALARM_STATES);
  const dimension = z.union([z.object({ name: text, value: text }), z.object({ Name: text, Value: text })]);

  // Only the fields we show; CloudWatch adds others over time (passthrough keeps that from failing us).
  return z.looseObject({
    AlarmName: text.check(z.minLength(1)),
    AlarmDescription: z.nullish(text),
    AWSAccountId: z.nullish(text),
    NewStateValue: state,
    OldStateValue: z.nullish(state),
    NewStateReason: z.nullish(text),
    StateChangeTime: z.nullish(text),
    Region: z.nullish(text),
    AlarmArn: z.nullish(text),
    Trigger: z.nullish(
      z.looseObject({
        MetricName: z.nullish(text),
        Namespace: z.nullish(text),
        Dimensions: z.nullish(z.array(dimension).check(z.maxLength(30))),
      }),
    ),
  });
});

/** True when the JSON claims to be an alarm notification (it has AlarmName and NewStateValue). */
export const looksLikeAlarm = (json: unknown): boolean =>
  typeof json === 'object' && json !== null && 'AlarmName' in json && 'NewStateValue' in json;

export type AlarmParse = { ok: true; alarm: AlarmNotification } | { ok: false; reason: string };

/** Parse the JSON of an alarm notification; a bad one is described, never thrown. */
export function parseAlarmNotification(json: unknown): AlarmParse {
  const parsed = cloudWatchAlarm().safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      reason: `an alarm notification that does not match CloudWatch's format (${issue?.path.join('.') || 'root'}: ${issue?.code ?? 'invalid'})`,
    };
  }
  const a = parsed.data;
  // arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME
  const arn = a.AlarmArn?.split(':') ?? [];
  const region = isRegion(arn[3]) ? arn[3] : undefined;
  const account = isAccountId(a.AWSAccountId) ? a.AWSAccountId : isAccountId(arn[4]) ? arn[4] : undefined;
  const trigger = a.Trigger;
  const dims = (trigger?.Dimensions ?? [])
    .map((d) => ('name' in d ? `${d.name}=${d.value}` : `${d.Name}=${d.Value}`))
    .join(' ');
  const metric = trigger?.MetricName
    ? cleanText([trigger.Namespace, trigger.MetricName, dims].filter(Boolean).join(' '), 300)
    : undefined;
  return {
    ok: true,
    alarm: {
      name: cleanText(a.AlarmName, 255),
      state: a.NewStateValue,
      ...(a.OldStateValue && { previousState: a.OldStateValue }),
      reason: cleanText(a.NewStateReason ?? 'no reason given', 500),
      ...(a.AlarmDescription && { description: cleanText(a.AlarmDescription, 500) }),
      changedAt: cleanText(a.StateChangeTime ?? 'unknown time', 40),
      ...(region && { region }),
      ...(a.Region && { regionName: cleanText(a.Region, 60) }),
      ...(account && { account }),
      ...(metric && { metric }),
    },
  };
}

/** The alarm's page in the CloudWatch console (a convenience: its name is printed too). */
export function alarmConsoleLink(alarm: AlarmNotification): string | undefined {
  if (!alarm.region || alarm.region.startsWith('cn-') || alarm.region.startsWith('us-gov-')) return undefined;
  return `https://${alarm.region}.console.aws.amazon.com/cloudwatch/home?region=${alarm.region}#alarmsV2:alarm/${encodeURIComponent(alarm.name)}`;
}

/** Our own sentence on what to look at, by the alarm's state. */
export function alarmAdvice(alarm: AlarmNotification): string {
  switch (alarm.state) {
    case 'ALARM':
      return 'Alerts may be missing until this is fixed. Read the alarm description below, then the logs of the function it watches (or the messages waiting in the queue it watches).';
    case 'OK':
      return 'The alarm is back to OK; nothing to do unless it keeps flapping.';
    case 'INSUFFICIENT_DATA':
      return 'The alarm has too little data to decide; check that the function or queue it watches still exists.';
  }
}
