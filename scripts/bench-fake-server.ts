// The fake AWS for npm run bench, in its own process: N generated buckets, a fixed latency, no request log.
import { startFakeAws } from '../test/support/fakeAws';

const { n, latencyMs, regions } = JSON.parse(process.argv[2] ?? '{}') as {
  n: number;
  latencyMs: number;
  regions: string[];
};

void startFakeAws({ latencyMs, recordRequests: false }).then((fake) => {
  for (let i = 0; i < n; i++) {
    const name = `bench-${String(i).padStart(7, '0')}`;
    const region = regions[i % regions.length] as string;
    // 5% in drift (3 calls: versioning, tags, lifecycle), 15% never configured (2 calls), 80% compliant (1).
    if (i % 20 === 0) fake.addBucket({ name, region, versioning: 'Enabled', mfaDelete: 'Disabled' });
    else if (i % 20 <= 3) fake.addBucket({ name, region });
    else fake.addBucket({ name, region, versioning: 'Enabled', mfaDelete: 'Enabled' });
  }
  process.on('message', () => process.send?.(fake.stats()));
  process.on('disconnect', () => void fake.close().then(() => process.exit(0)));
  process.send?.({ url: fake.url });
});
