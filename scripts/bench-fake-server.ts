// The fake AWS for npm run bench, in its own process: N generated buckets, a fixed latency, no request log.
import { startFakeAws, type FakeBucket } from '../test/support/fakeAws';

export type BenchMix = 'realistic' | 'worst';

const { n, latencyMs, regions, mix } = JSON.parse(process.argv[2] ?? '{}') as {
  n: number;
  latencyMs: number;
  regions: string[];
  mix: BenchMix;
};

/**
 * realistic (scope `configured`): 80 % protected; 5 % MFA delete turned off; 15 % never configured, some of
 * them tagged `required` (drift) or `exempt`, and a tenth of all buckets carry an unrelated tag.
 * worst (scope `all`): every bucket drifting, versioning Enabled or Suspended without MFA delete.
 */
function bucket(i: number): FakeBucket {
  const name = `bench-${String(i).padStart(7, '0')}`;
  const region = regions[i % regions.length] as string;
  if (mix === 'worst') return { name, region, versioning: i % 3 ? 'Enabled' : 'Suspended' };
  const tags = i % 10 === 5 ? { team: 'data' } : undefined;
  if (i % 20 === 0) return { name, region, versioning: 'Enabled', mfaDelete: 'Disabled' };
  if (i % 20 === 1) return { name, region, versioning: 'Enabled', tags: { 'mfa-delete-guard': 'required' } };
  if (i % 20 === 2) return { name, region, tags: { 'mfa-delete-guard': 'exempt' } };
  if (i % 20 === 3) return { name, region, versioning: 'Suspended', ...(tags && { tags }) };
  return { name, region, versioning: 'Enabled', mfaDelete: 'Enabled', ...(tags && { tags }) };
}

void startFakeAws({ latencyMs, recordRequests: false }).then((fake) => {
  for (let i = 0; i < n; i++) fake.addBucket(bucket(i));
  process.on('message', () => process.send?.(fake.stats()));
  process.on('disconnect', () => void fake.close().then(() => process.exit(0)));
  process.send?.({ url: fake.url });
});
