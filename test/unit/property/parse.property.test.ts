import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isAccountId, isRegion } from '../../../lib/domain/awsIds';
import { checkBucketName } from '../../../lib/domain/bucketName';
import { MAX_MANUAL_BUCKETS, parseInvocation } from '../../../lib/domain/parseInvocation';
import { parseVersioningEvent } from '../../../lib/domain/parseVersioningEvent';
import {
  NUM_RUNS,
  RAW_CONTROL,
  SAMPLE_EVENTS,
  hostileLeaf,
  hostileName,
  hugeString,
  mutatedSampleEvent,
  timeoutFor,
} from './arbitraries';

const EVENT_KINDS = ['record', 'ignored', 'invalid'];
const INVOCATION_KINDS = ['event', 'tagging', 'manual', 'sweep', 'ignored', 'invalid'];

/** What must hold for every parse result, whatever came in. */
function assertWellFormedEvent(out: ReturnType<typeof parseVersioningEvent>): void {
  expect(EVENT_KINDS).toContain(out.kind);
  if (out.kind === 'record') {
    const { record } = out;
    expect(checkBucketName(record.bucket, record.region)).toEqual({ valid: true });
    expect(isAccountId(record.account)).toBe(true);
    expect(isRegion(record.region)).toBe(true);
    expect(typeof record.eventId).toBe('string');
    // Caller-chosen text is bounded (the parser cuts it at 2048 characters).
    expect(record.userAgent?.length ?? 0).toBeLessThanOrEqual(2048);
    expect(record.actor.arn?.length ?? 0).toBeLessThanOrEqual(2048);
  } else {
    expect(out.reason.length).toBeGreaterThan(0);
    // A reason goes to logs and to the caller: it must not carry raw control or bidi characters.
    expect(out.reason).not.toMatch(RAW_CONTROL);
    expect(out.reason.length).toBeLessThan(2000);
  }
}

function assertWellFormedInvocation(out: ReturnType<typeof parseInvocation>): void {
  expect(INVOCATION_KINDS).toContain(out.kind);
  if (out.kind === 'manual') {
    expect(out.buckets.length).toBeGreaterThan(0);
    expect(out.buckets.length).toBeLessThanOrEqual(MAX_MANUAL_BUCKETS);
    if (out.region !== undefined) expect(isRegion(out.region)).toBe(true);
  }
  if (out.kind === 'invalid' || out.kind === 'ignored') {
    expect(out.reason).not.toMatch(RAW_CONTROL);
  }
}

describe('parseVersioningEvent under hostile input', { timeout: timeoutFor(NUM_RUNS, 1) }, () => {
  it('every sample event still parses to its closed-union kind (the baseline the mutations start from)', () => {
    for (const { name, event } of SAMPLE_EVENTS) {
      const out = parseInvocation(event);
      expect(INVOCATION_KINDS, name).toContain(out.kind);
    }
  });

  it('arbitrary JSON never throws and always yields a closed-union kind', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (input) => assertWellFormedEvent(parseVersioningEvent(input))),
      { numRuns: NUM_RUNS },
    );
  });

  it('arbitrary values with an EventBridge-shaped envelope never throw', () => {
    const envelope = fc.record(
      {
        source: fc.oneof(fc.constant('aws.s3'), hostileLeaf),
        'detail-type': fc.oneof(fc.constant('AWS API Call via CloudTrail'), hostileLeaf),
        account: fc.oneof(fc.constant('111122223333'), hostileLeaf),
        detail: fc.oneof(
          fc.record(
            {
              eventSource: fc.oneof(fc.constant('s3.amazonaws.com'), hostileLeaf),
              eventName: fc.oneof(fc.constant('PutBucketVersioning'), hostileLeaf),
              eventID: fc.oneof(fc.uuid(), hostileLeaf),
              eventTime: fc.oneof(fc.constant('2026-10-05T14:03:11Z'), hostileLeaf),
              awsRegion: fc.oneof(fc.constant('eu-west-1'), hostileLeaf),
              userAgent: fc.oneof(hostileLeaf, hugeString),
              userIdentity: fc.oneof(
                hostileLeaf,
                fc.record({ type: hostileLeaf, arn: hostileLeaf, accessKeyId: hostileLeaf }),
              ),
              requestParameters: fc.oneof(
                hostileLeaf,
                fc.record({
                  bucketName: fc.oneof(hostileName, hostileLeaf),
                  VersioningConfiguration: fc.oneof(
                    hostileLeaf,
                    fc.record({ Status: hostileLeaf, MfaDelete: hostileLeaf }),
                  ),
                }),
              ),
              errorCode: hostileLeaf,
            },
            { requiredKeys: [] },
          ),
          hostileLeaf,
        ),
      },
      { requiredKeys: ['source', 'detail-type'] },
    );
    fc.assert(
      fc.property(envelope, (input) => {
        assertWellFormedEvent(parseVersioningEvent(input));
        assertWellFormedInvocation(parseInvocation(input));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('truncated and mutated sample records never throw; a record that survives is still valid', () => {
    fc.assert(
      fc.property(mutatedSampleEvent, (input) => {
        assertWellFormedEvent(parseVersioningEvent(input));
        assertWellFormedInvocation(parseInvocation(input));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('a hostile bucket name in a real record is either a valid S3 name or an invalid-input', () => {
    const base = SAMPLE_EVENTS.find((s) => s.name === 'cloudtrail-mfa-delete-disabled.json')?.event as {
      detail: { requestParameters: Record<string, unknown>; awsRegion: string };
    };
    fc.assert(
      fc.property(hostileName, fc.constantFrom('eu-west-1', 'us-east-1'), (name, region) => {
        const event = structuredClone(base);
        event.detail.requestParameters.bucketName = name;
        event.detail.awsRegion = region;
        const out = parseVersioningEvent(event);
        assertWellFormedEvent(out);
        expect(out.kind === 'record').toBe(checkBucketName(name, region).valid);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('parseInvocation (manual input) under hostile input', { timeout: timeoutFor(NUM_RUNS, 1) }, () => {
  it('arbitrary values never throw and always yield a closed-union kind', () => {
    fc.assert(
      fc.property(fc.anything(), (input) => assertWellFormedInvocation(parseInvocation(input))),
      { numRuns: NUM_RUNS },
    );
  });

  it('manual-shaped objects with wrong types, unknown keys and huge lists never throw', () => {
    const manual = fc.record(
      {
        bucket: fc.oneof(hostileName, hostileLeaf),
        buckets: fc.oneof(
          fc.array(hostileName, { maxLength: 20 }),
          fc.integer({ min: 0, max: 1500 }).map((n) => Array.from({ length: n }, (_, i) => `b-${i}`)),
          hostileLeaf,
        ),
        region: fc.oneof(fc.constant('eu-west-1'), hostileName, hostileLeaf),
        all: fc.oneof(fc.boolean(), hostileLeaf),
        dryRun: fc.oneof(fc.boolean(), hostileLeaf),
        [`\u202eevil`]: hostileLeaf,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(manual, (input) => assertWellFormedInvocation(parseInvocation(input))),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('checkBucketName', { timeout: timeoutFor(NUM_RUNS, 1) }, () => {
  it('never throws; a valid name holds only S3 name characters (so never a shell metacharacter)', () => {
    fc.assert(
      fc.property(
        fc.oneof(hostileName, hostileLeaf),
        fc.constantFrom(undefined, 'eu-west-1', 'us-east-1'),
        (name, region) => {
          const out = checkBucketName(name, region);
          if (!out.valid) {
            expect(out.reason).not.toMatch(RAW_CONTROL);
            return;
          }
          expect(typeof name).toBe('string');
          const s = name as string;
          if (region === 'us-east-1') expect(s).toMatch(/^[A-Za-z0-9._-]{3,255}$/);
          else expect(s).toMatch(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/);
          expect(s.startsWith('-')).toBe(false);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('accepts every name built by S3 naming rules', () => {
    const label = fc.string({
      unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'),
      minLength: 1,
      maxLength: 10,
    });
    const name = fc
      .array(label, { minLength: 1, maxLength: 5 })
      .chain((labels) =>
        fc
          .array(fc.constantFrom('.', '-'), { minLength: labels.length - 1, maxLength: labels.length - 1 })
          .map((seps) => labels.reduce((acc, l, i) => (i === 0 ? l : `${acc}${seps[i - 1]}${l}`), '')),
      )
      .filter(
        (n) =>
          n.length >= 3 &&
          n.length <= 63 &&
          !/^\d+\.\d+\.\d+\.\d+$/.test(n) &&
          !/^(xn--|sthree-|amzn-s3-demo-)/.test(n) &&
          !/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(n),
      );
    fc.assert(
      fc.property(name, (n) => {
        expect(checkBucketName(n, 'eu-west-1')).toEqual({ valid: true });
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
