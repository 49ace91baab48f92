// The pipeline in one place: invocation → target → live state → decision → alert → publish.
// AWS clients come in through GuardDeps, so tests and the CLI run the very same code.
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import type { SNSClient } from '@aws-sdk/client-sns';
import { checkBucketName, describe } from './domain/bucketName';
import type { PublishConfig } from './domain/config';
import { ALERTING_STATUSES, decide, decideScopeChange, type Decision } from './domain/decide';
import { deliveryEventKey } from './domain/deliveryKey';
import { driftEventEntry } from './domain/driftEvent';
import type { Invocation } from './domain/parseInvocation';
import { remediationScript, validated } from './domain/remediationScript';
import { newTestAlert, resultMessage } from './domain/topicMessage';
import {
  eventFieldsOf,
  type CheckResult,
  type GuardConfig,
  type LiveState,
  type Report,
  type TagChangeRecord,
  type TestAlertReport,
  type Trigger,
  type VersioningChangeRecord,
} from './domain/types';
import { CannotRunError, TransientAwsError, describeError } from './aws/errors';
import { readLiveState, type LiveStateOptions, type S3ByRegion } from './aws/liveState';
import type { ClientRef } from './aws/clientDefaults';
import type { MessageMac } from './aws/messageMac';
import type { DeliveryDedupe, DeliveryKey } from './aws/deliveryDedupe';
import type { Log } from './log';

/**
 * The alerting path's code (lib/alerting.ts: the channels' rendering, SNS with its KMS signing, EventBridge),
 * loaded with the first message that goes out: a check that alerts no one never loads it. Its functions are
 * taken out of the module before they are called, so that a stack trace names them plainly.
 */
export const loadAlerting = () => import('./alerting');

export type { Log } from './log';

export interface GuardDeps {
  s3: S3ByRegion;
  /** Resource Groups Tagging API clients by Region: a sweep reads the guard tags in bulk through them. */
  tagging?: { get(region: string): ResourceGroupsTaggingAPIClient };
  /** The alert topic's client, or its loader (the Lambda wiring: SNS code is loaded on the first alert). */
  sns?: ClientRef<SNSClient>;
  /** Signs every message published to the topic (KMS GenerateMac); none: published unsigned (the CLI). */
  mac?: MessageMac;
  eventBridge?: ClientRef<EventBridgeClient>;
  config: GuardConfig;
  publish: PublishConfig;
  /** Where to ask first for a bucket named without its Region (S3 redirects to the right one). */
  homeRegion: string;
  /** The account the function runs in: manual checks have no CloudTrail record to say it. */
  account?: string;
  now?: () => Date;
  log?: Log;
  /** De-duplicates the event path's alert and drift event per CloudTrail eventID; none: every delivery sends. */
  dedupe?: DeliveryDedupe;
}

/** The time now: the deps' clock when one is given (tests pin it), the system's otherwise. */
export const clockNow = (deps: Pick<GuardDeps, 'now'>): Date => (deps.now ? deps.now() : new Date());

export interface CheckTarget {
  bucket: string;
  region?: string;
  account?: string;
  record?: VersioningChangeRecord;
  trigger: Trigger;
}

export type SweepRunner = (inv: Extract<Invocation, { kind: 'sweep' }>, deps: GuardDeps) => Promise<Report>;

/** The result for an input that was never checked: not ours (`ignored`) or not understood (`invalid-input`). */
export function uncheckedResult(
  inv: Extract<Invocation, { kind: 'ignored' | 'invalid' }>,
  checkedAt: string,
): CheckResult {
  const status = inv.kind === 'ignored' ? 'ignored' : 'invalid-input';
  return {
    bucket: inv.kind === 'invalid' ? (inv.bucket ?? '') : '',
    account: inv.kind === 'invalid' ? inv.account : undefined,
    region: inv.kind === 'invalid' ? inv.region : undefined,
    status,
    severity: status === 'ignored' ? 'info' : 'low',
    findings: [],
    alerted: false,
    reason: inv.reason,
    trigger: 'manual',
    checkedAt,
  };
}

/** Run one invocation end to end and return the report. Throws only for faults worth a retry. */
export async function runInvocation(inv: Invocation, deps: GuardDeps, sweep?: SweepRunner): Promise<Report> {
  const now = () => clockNow(deps).toISOString();
  switch (inv.kind) {
    case 'ignored':
    case 'invalid': {
      const result = uncheckedResult(inv, now());
      deps.log?.warn(`input ${result.status}`, { reason: inv.reason });
      return { results: [result] };
    }
    case 'event': {
      const { record } = inv;
      const result = await checkTarget(
        {
          bucket: record.bucket,
          region: record.region,
          account: record.account,
          record,
          trigger: 'cloudtrail',
        },
        deps,
      );
      await deliver([result], deps, false);
      return { results: [result] };
    }
    case 'tagging': {
      const result = await checkScopeChange(inv.record, deps);
      await deliver([result], deps, false);
      return { results: [result] };
    }
    case 'manual': {
      const results: CheckResult[] = [];
      // One bucket's fault is that bucket's result; it does not hide the others.
      for (const bucket of inv.buckets) {
        try {
          results.push(
            await checkTarget({ bucket, region: inv.region, account: deps.account, trigger: 'manual' }, deps),
          );
        } catch (err) {
          // No credentials or no endpoint: every bucket would fail alike, so the run itself failed.
          if (!(err instanceof TransientAwsError) || err instanceof CannotRunError) throw err;
          results.push(faultResult(bucket, inv.region, deps.account, describeError(err), now(), 'manual'));
        }
      }
      await deliver(results, deps, inv.dryRun);
      return { results };
    }
    case 'sweep':
      if (!sweep) throw new Error('this entry point cannot sweep all buckets');
      return sweep(inv, deps);
    case 'test':
      return { results: [], test: await sendTestAlert(deps, inv.origin) };
  }
}

/**
 * A synthetic alert through every channel, so that an operator sees email, Chatbot and Slack work right
 * after deploying. It names no bucket and carries nothing to run. Without a topic it is only rendered.
 */
export async function sendTestAlert(deps: GuardDeps, origin: 'lambda' | 'cli'): Promise<TestAlertReport> {
  const test = newTestAlert({
    account: deps.account,
    region: deps.homeRegion,
    now: clockNow(deps),
    origin,
  });
  const { topicArn } = deps.publish;
  if (!topicArn || !deps.sns) {
    deps.log?.warn('test alert not published: no alert topic', { testId: test.id });
    return { id: test.id, published: false };
  }
  const { publishAlert, snsPublication } = await loadAlerting();
  const messageId = await publishAlert(deps.sns, topicArn, snsPublication({ kind: 'test', test }), deps.mac);
  deps.log?.info('test alert published', { testId: test.id, topicArn, messageId });
  return { id: test.id, published: true, topicArn, messageId };
}

/** Check one bucket: validate, confirm live, decide, prepare the remediation. Publishes nothing. */
export async function checkTarget(target: CheckTarget, deps: GuardDeps): Promise<CheckResult> {
  return (await checkTargetLive(target, deps)).result;
}

/**
 * checkTarget, also returning the live state the result was decided from (none for an invalid name), so
 * that a compact record of it can be stored and the very same result rebuilt later with resultFromLive.
 */
export async function checkTargetLive(
  target: CheckTarget,
  deps: GuardDeps,
  options?: LiveStateOptions,
): Promise<{ result: CheckResult; live?: LiveState }> {
  const checkedAt = clockNow(deps).toISOString();
  const invalid = (reason: string): { result: CheckResult } => ({
    result: {
      ...baseResult(target, checkedAt),
      bucket: describe(target.bucket).slice(1, -1),
      status: 'invalid-input',
      severity: 'low',
      findings: [],
      reason,
    },
  });
  // The Region is only where to ask first: a name may be a legacy us-east-1 name (upper case, '_'), whose
  // characters are safe to send, and it is checked again against the Region S3 answers from.
  const name = checkBucketName(target.bucket, 'us-east-1');
  if (!name.valid) return invalid(name.reason);

  const answer = await readLiveState(
    deps.s3,
    target.bucket,
    target.region ?? deps.homeRegion,
    deps.config,
    options,
  );
  // S3's answer wins over the caller's Region: results, scripts and links name where the bucket is.
  const region = answer.region ?? target.region;
  if (answer.region) {
    const recheck = checkBucketName(target.bucket, answer.region);
    if (!recheck.valid) return invalid(recheck.reason);
  }
  return { result: resultFromLive({ ...target, region }, answer.live, deps, checkedAt), live: answer.live };
}

function baseResult(target: CheckTarget, checkedAt: string) {
  return {
    bucket: target.bucket,
    account: target.account,
    region: target.region,
    trigger: target.trigger,
    checkedAt,
    alerted: false,
    ...(target.record && eventFieldsOf(target.record)),
  };
}

/**
 * The result for a bucket whose live state is known: decide, then prepare the remediation. Pure; the one
 * place a result is rendered from a live state, both for a check and when a stored sweep page is rebuilt.
 */
export function resultFromLive(
  target: CheckTarget,
  live: LiveState,
  deps: Pick<GuardDeps, 'config'>,
  checkedAt: string,
): CheckResult {
  const { record, region } = target;
  const decision = namedBucketMissing(target, live) ?? decide(target.bucket, live, deps.config, record);
  const result: CheckResult = {
    ...baseResult(target, checkedAt),
    status: decision.status,
    severity: decision.severity,
    findings: decision.findings,
    ...(live.kind === 'observed' && { versioning: live.versioning }),
    ...(live.kind === 'denied' && { reason: live.message }),
  };
  if (decision.status === 'drift' && region && live.kind === 'observed') {
    if (target.account) {
      const repair = {
        bucket: target.bucket,
        account: target.account,
        region,
        versioning: live.versioning.status,
        mfaDelete: live.versioning.mfaDelete,
      };
      const creds = { mfaSerial: deps.config.rootMfaSerial, profile: deps.config.rootProfile };
      if (target.trigger !== 'sweep') return { ...result, remediation: remediationScript(repair, creds) };
      // A sweep's result keeps only what the script is made from and writes it whenever it is read (the script
      // is a pure function of these): ten thousand drifting buckets would otherwise hold ten thousand scripts
      // until the report is printed. The values are checked now, so that one the script refuses fails here.
      validated(repair, creds);
      return {
        ...result,
        get remediation() {
          return remediationScript(repair, creds);
        },
      };
    } else {
      result.reason =
        'No remediation script: the account ID is unknown. Run the check again with --account <12-digit ID>.';
    }
  }
  return result;
}

/**
 * A bucket a person named that S3 does not know is a typo until shown otherwise: "no such bucket", not
 * "gone" (which says an event's bucket was deleted since), so that a pipeline gate does not pass on it.
 */
function namedBucketMissing(target: CheckTarget, live: LiveState): Decision | undefined {
  if (live.kind !== 'gone' || target.trigger !== 'manual') return undefined;
  return {
    status: 'no-such-bucket',
    severity: 'low',
    findings: [
      { code: 'no-such-bucket', message: `No bucket named ${target.bucket} exists: check the name.` },
    ],
  };
}

/** A change of the guard's tag: read the bucket as it is now, then decide whether its scope changed. */
export async function checkScopeChange(record: TagChangeRecord, deps: GuardDeps): Promise<CheckResult> {
  const checkedAt = clockNow(deps).toISOString();
  const answer = await readLiveState(deps.s3, record.bucket, record.region, deps.config);
  // The Region S3 answers from is the one reported, as for every other check.
  const located = answer.region ? { ...record, region: answer.region } : record;
  return scopeResultFromLive(located, answer.live, deps, checkedAt);
}

/** The result for a tagging call against the bucket's live state. Pure, like resultFromLive. */
export function scopeResultFromLive(
  record: TagChangeRecord,
  live: LiveState,
  deps: Pick<GuardDeps, 'config'>,
  checkedAt: string,
): CheckResult {
  const decision = decideScopeChange(record, live, deps.config);
  return {
    bucket: record.bucket,
    account: record.account,
    region: record.region,
    trigger: 'cloudtrail',
    checkedAt,
    alerted: false,
    ...eventFieldsOf(record),
    status: decision.status,
    severity: decision.severity,
    findings: decision.findings,
    ...(live.kind === 'observed' && { versioning: live.versioning }),
    ...(decision.status === 'ignored' && {
      reason: 'this tagging call cannot have changed what the guard reports about the bucket',
    }),
  };
}

/** A bucket whose live check kept failing (a manual check's or a sweep's): not verified, with the cause. */
export function faultResult(
  bucket: string,
  region: string | undefined,
  account: string | undefined,
  message: string,
  checkedAt: string,
  trigger: Extract<Trigger, 'manual' | 'sweep'>,
): CheckResult {
  return {
    bucket,
    account,
    region,
    status: 'unverified',
    severity: 'medium',
    findings: [{ code: 'live-check-denied', message: `The live check kept failing: ${message}` }],
    alerted: false,
    reason: message,
    trigger,
    checkedAt,
  };
}

/**
 * Publish an alert per alerting result, then the drift events. A publish error propagates so that the
 * invocation fails and Lambda retries; nothing is swallowed.
 */
export async function deliver(results: CheckResult[], deps: GuardDeps, dryRun: boolean): Promise<void> {
  const alerting = results.filter((r) => ALERTING_STATUSES.has(r.status));
  for (const r of alerting) {
    if (dryRun || !deps.publish.topicArn || !deps.sns) {
      deps.log?.info('alert not published', {
        bucket: r.bucket,
        status: r.status,
        dryRun,
        topic: deps.publish.topicArn ?? null,
      });
      continue;
    }
    const { sns } = deps;
    const topicArn = deps.publish.topicArn;
    const { publishAlert, snsPublication } = await loadAlerting();
    const alert = snsPublication(resultMessage(r));
    const { sent, value: messageId } = await once(deps, 'alert', r, () =>
      publishAlert(sns, topicArn, alert, deps.mac),
    );
    r.alerted = true;
    deps.log?.info(sent ? 'alert published' : 'alert already published for this CloudTrail event', {
      bucket: r.bucket,
      status: r.status,
      severity: r.severity,
      messageId,
    });
  }
  if (!dryRun && deps.publish.eventBusName && deps.eventBridge && alerting.length) {
    const { eventBridge } = deps;
    const entries = alerting.map((r) =>
      driftEventEntry(r, deps.publish.eventSource, deps.publish.eventBusName as string),
    );
    // The event path has one result; batches (manual checks, sweeps) are never de-duplicated.
    const single = alerting.length === 1 ? alerting[0] : undefined;
    const { emitDriftEvents } = await loadAlerting();
    const emit = () => emitDriftEvents(eventBridge, entries);
    await (single ? once(deps, 'drift-event', single, emit) : emit());
  }
}

/** A CloudTrail-triggered side effect runs once per eventID within the window; anything else always runs. */
export async function once<T>(
  deps: GuardDeps,
  step: 'alert' | 'drift-event',
  r: CheckResult,
  send: () => Promise<T>,
): Promise<{ sent: boolean; value: T }> {
  // The eventID with a digest of the reported facts: a crafted copy cannot suppress the real alert.
  const eventId = deliveryEventKey(r);
  if (!deps.dedupe || !eventId) return { sent: true, value: await send() };
  const key: DeliveryKey = { eventId, bucket: r.bucket, status: r.status };
  return deps.dedupe.once(step, key, send);
}
