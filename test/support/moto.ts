/**
 * Start a real `moto_server` (SNS, SQS, EventBridge, S3 listing…) on a free loopback port for a test
 * file, and stop it afterwards. A missing moto_server is an error, never a reason to skip: the e2e
 * suite exists to prove the pipeline against real software.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface Moto {
  url: string;
  port: number;
  /** The account every ARN moto makes will carry (MOTO_ACCOUNT_ID). */
  account: string;
  stop(): Promise<void>;
}

export interface StartMotoOptions {
  account?: string;
  /** How long to wait for the server to answer its first request. */
  readyTimeoutMs?: number;
}

const INSTALL_HINT = 'install it with: python3 -m pip install "moto[server]"';

export async function startMoto(opts: StartMotoOptions = {}): Promise<Moto> {
  try {
    return await startOnce(opts);
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') throw err;
    return startOnce(opts); // a slow start on a busy machine: once more
  }
}

async function startOnce(opts: StartMotoOptions): Promise<Moto> {
  const account = opts.account ?? '111122223333';
  // Port 0: the OS picks a free port when moto binds, and moto prints it. A port probed beforehand could be
  // taken by another process (other test files, other suites on a shared machine) before moto binds it, and
  // this test would then talk to somebody else's moto.
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', '0'], {
    env: { ...process.env, MOTO_ACCOUNT_ID: account },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let announced: (port: number) => void = () => undefined;
  const listening = new Promise<number>((resolve) => (announced = resolve));
  const onOutput = (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4_000);
    const m = /Running on http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr);
    if (m) announced(Number(m[1]));
  };
  child.stderr?.on('data', onOutput);
  child.stdout?.on('data', onOutput);
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') {
        reject(Object.assign(new Error(`moto_server is not on PATH; ${INSTALL_HINT}`), { code: 'ENOENT' }));
      } else reject(err);
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`moto_server exited early (${signal ?? code}):\n${stderr}`)),
    );
  });
  exited.catch(() => undefined); // observed through the race below
  let port: number;
  let url: string;
  try {
    const timeoutMs = opts.readyTimeoutMs ?? 30_000;
    const silent = new Promise<never>((_, reject) => {
      const t = setTimeout(
        () => reject(new Error(`moto_server did not say its port in ${timeoutMs} ms`)),
        timeoutMs,
      );
      void listening.then(() => clearTimeout(t));
      void exited.catch(() => clearTimeout(t));
    });
    port = await Promise.race([listening, exited, silent]);
    url = `http://127.0.0.1:${port}`;
    await Promise.race([waitUntilAnswering(url, opts.readyTimeoutMs ?? 30_000), exited]);
  } catch (err) {
    await stopChild(child);
    throw err;
  }
  return { url, port, account, stop: () => stopChild(child) };
}

async function waitUntilAnswering(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fetch(`${url}/moto-api/`, { signal: AbortSignal.timeout(2_000) });
      return; // any HTTP answer means the server is up
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`moto_server did not answer on ${url}: ${String(err)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** The sweep's run table as serverless.yml's SweepRunTable creates it: `pk` run ID, `sk` run or page, on demand. */
/** The de-duplication table as the stack creates it: key `id`, on-demand (Powertools writes `expiration`). */
export async function createDedupeTable(dynamodb: DynamoDBClient, tableName: string): Promise<void> {
  await dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}

export async function createSweepRunTable(dynamodb: DynamoDBClient, tableName: string): Promise<void> {
  await dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
    }),
  );
}
