// npm run fake-aws [-- --port 4566]: the loopback AWS server with the sample buckets of events/scenarios.json,
// for `serverless invoke local` and the CLI. Ctrl-C stops it.
import { startFakeAws } from '../test/support/fakeAws';
import { scenarioFile } from '../test/support/scenarios';

const portArg = process.argv.indexOf('--port');
const port = portArg > 0 ? Number(process.argv[portArg + 1]) : 4566;

startFakeAws({ port }).then((fake) => {
  for (const b of scenarioFile().buckets) fake.addBucket(b);
  process.stdout.write(
    `fake AWS on ${fake.url} with ${fake.buckets.size} sample buckets\n` +
      `  export AWS_ENDPOINT_URL=${fake.url} AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=fake AWS_REGION=eu-west-1\n`,
  );
  const stop = () => void fake.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
});
