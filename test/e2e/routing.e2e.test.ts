/**
 * Part 1: does the EventBridge rule that `serverless package` produced route real CloudTrail records?
 * The rule's pattern is read from the packaged template, created on moto's default bus with an SQS
 * target, and every sample record in events/ is put on the bus.
 *
 * moto, unlike real EventBridge, accepts PutEvents with an `aws.*` source, so the records can travel
 * the bus itself; TestEventPattern is not needed (moto answers it with an empty body anyway).
 */
import { readdirSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startMoto, type Moto } from '../support/moto';
import { EVENTS_DIR, loadEvent } from '../support/scenarios';
import { checkPatternRules, loadTemplate, type PatternRule } from './support/package';
import {
  createQueue,
  drainQueue,
  motoClients,
  putEvents,
  putEventsEntry,
  type Queue,
  type SampleEvent,
} from './support/motoClients';

/** The one sample that is an S3 call but not PutBucketVersioning. Every other cloudtrail-* must route. */
const NOT_ROUTED = new Set(['cloudtrail-not-versioning.json']);

const sampleFiles = readdirSync(EVENTS_DIR)
  .filter((f) => /^cloudtrail-.*\.json$/.test(f))
  .sort();

let moto: Moto;
let clients: ReturnType<typeof motoClients>;
let rules: PatternRule[];
let queue: Queue;

/** Put events on moto's default bus and return the `detail` of each one the rules delivered. */
async function route(events: SampleEvent[]): Promise<Array<Record<string, unknown>>> {
  await putEvents(
    clients.eventBridge,
    events.map((e) => putEventsEntry(e)),
  );
  const bodies = await drainQueue(clients.sqs, queue);
  return bodies.map((b) => (JSON.parse(b) as SampleEvent).detail);
}

beforeAll(async () => {
  moto = await startMoto();
  clients = motoClients(moto);
  rules = checkPatternRules(loadTemplate(inject('packageDir')));
  queue = await createQueue(clients.sqs, 'check-function-stand-in');
  for (const rule of rules) {
    const name = `e2e-${rule.logicalId}`.slice(0, 64);
    await clients.eventBridge.send(
      new PutRuleCommand({ Name: name, EventPattern: JSON.stringify(rule.eventPattern), State: 'ENABLED' }),
    );
    await clients.eventBridge.send(
      new PutTargetsCommand({ Rule: name, Targets: [{ Id: 'check-function', Arn: queue.arn }] }),
    );
  }
});

afterAll(async () => {
  await moto?.stop();
});

describe('the packaged EventBridge rule, on moto', () => {
  it('exists in the template, targets the check function and asks for PutBucketVersioning', () => {
    expect(rules.length).toBeGreaterThanOrEqual(1);
    for (const rule of rules) expect(JSON.stringify(rule.eventPattern)).toContain('PutBucketVersioning');
  });

  it('routes every PutBucketVersioning sample record and nothing else', async () => {
    const events = sampleFiles.map((f) => loadEvent(f) as SampleEvent);
    // Routed records are matched back to their files by their whole `detail`, so each must be unique.
    for (let i = 0; i < events.length; i++) {
      for (let j = i + 1; j < events.length; j++) {
        expect(isDeepStrictEqual(events[i]?.detail, events[j]?.detail)).toBe(false);
      }
    }
    const delivered = await route(events);
    const routedFiles = sampleFiles.filter((_, i) =>
      delivered.some((d) => isDeepStrictEqual(d, events[i]?.detail)),
    );
    // A record matched by several rules arrives several times; each file still counts once.
    expect(routedFiles).toEqual(sampleFiles.filter((f) => !NOT_ROUTED.has(f)));
    expect(sampleFiles.length).toBeGreaterThan(NOT_ROUTED.size);
    for (const f of NOT_ROUTED) expect(sampleFiles).toContain(f);
  });

  it('does not route look-alikes: other S3 calls, other sources, other detail types', async () => {
    const base = loadEvent('cloudtrail-mfa-delete-disabled.json') as SampleEvent;
    const variant = (change: (e: SampleEvent) => void): SampleEvent => {
      const copy = structuredClone(base);
      change(copy);
      return copy;
    };
    const lookAlikes = [
      variant((e) => (e.detail.eventName = 'GetBucketVersioning')),
      variant((e) => (e.detail.eventName = 'putbucketversioning')), // matching is case-sensitive
      variant((e) => (e.source = 'aws.ec2')),
      variant((e) => (e['detail-type'] = 'Object Created')),
    ];
    expect(await route(lookAlikes)).toEqual([]);
    // The unchanged record still routes, so the empty answer above is not a dead bus.
    expect(await route([base])).toHaveLength(rules.length);
  });
});
