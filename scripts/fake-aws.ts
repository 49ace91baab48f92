// npm run fake-aws [-- --port 4566]: the loopback AWS server with the sample buckets of events/scenarios.json,
// for `serverless invoke local` and the CLI. Ctrl-C stops it. A bad or taken port: one line, exit 2.
import { startFakeAws } from '../test/support/fakeAws';
import { scenarioFile } from '../test/support/scenarios';

const DEFAULT_PORT = 4566;

/** The port from `--port N` / `--port=N`, or a one-line reason it is not usable. */
function parsePort(argv: string[]): { port: number } | { error: string } {
  let raw: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--port') raw = argv[++i] ?? '';
    else if (arg.startsWith('--port=')) raw = arg.slice('--port='.length);
    else return { error: `unknown argument ${JSON.stringify(arg)} (usage: npm run fake-aws -- --port N)` };
  }
  if (raw === undefined) return { port: DEFAULT_PORT };
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isInteger(port) || port < 1 || port > 65535)
    return { error: `--port must be a whole number from 1 to 65535, not ${JSON.stringify(raw)}` };
  return { port };
}

function fail(message: string): never {
  process.stderr.write(`fake-aws: ${message}\n`);
  process.exit(2);
}

async function run(): Promise<void> {
  const parsed = parsePort(process.argv.slice(2));
  if ('error' in parsed) fail(parsed.error);
  const fake = await startFakeAws({ port: parsed.port }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EADDRINUSE')
      fail(
        `port ${parsed.port} is already in use (another fake AWS or LocalStack?); choose one with --port N`,
      );
    if (err.code === 'EACCES')
      fail(`port ${parsed.port} needs privileges; choose one above 1023 with --port N`);
    fail(`cannot listen on 127.0.0.1:${parsed.port}: ${err.message}`);
  });
  for (const b of scenarioFile().buckets) fake.addBucket(b);
  process.stdout.write(
    `fake AWS on ${fake.url} with ${fake.buckets.size} sample buckets\n` +
      `  export AWS_ENDPOINT_URL=${fake.url} AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=fake AWS_REGION=eu-west-1\n`,
  );
  const stop = () => void fake.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void run();
