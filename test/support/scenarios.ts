import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FakeAws, FakeBucket } from './fakeAws';

export const EVENTS_DIR = join(__dirname, '..', '..', 'events');

export interface Scenario {
  event: string;
  expect: string;
  severity: string;
  liveOverride?: Record<string, Partial<FakeBucket>>;
  fault?: { operation: string; bucket?: string; status: number; code: string };
}

export interface ScenarioFile {
  account: string;
  buckets: FakeBucket[];
  scenarios: Scenario[];
}

export const scenarioFile = (): ScenarioFile =>
  JSON.parse(readFileSync(join(EVENTS_DIR, 'scenarios.json'), 'utf8'));

export const loadEvent = (name: string): unknown => JSON.parse(readFileSync(join(EVENTS_DIR, name), 'utf8'));

/** Clear the fake (requests, faults, buckets) and load the sample buckets of events/scenarios.json. */
export function resetToSampleBuckets(fake: FakeAws, file: ScenarioFile = scenarioFile()): void {
  fake.reset();
  fake.buckets.clear();
  for (const b of file.buckets) fake.addBucket(b);
}

/** Put the fake S3 in the state a scenario needs: the shared buckets, then its overrides and faults. */
export function arrange(fake: FakeAws, file: ScenarioFile, scenario: Scenario): void {
  resetToSampleBuckets(fake, {
    ...file,
    buckets: file.buckets.map((b) => ({ ...b, ...scenario.liveOverride?.[b.name] })),
  });
  if (scenario.fault) {
    const { operation, bucket, ...fault } = scenario.fault;
    fake.fail(operation, fault, bucket);
  }
}
