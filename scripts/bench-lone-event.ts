// npm run bench:lone-event [-- --runs 30 --window 60]: the latency the check queue adds to a lone CloudTrail
// record, measured, not assumed. A lone record waits in the queue until the event source mapping's batching
// window ends (Lambda invokes when the window ends, the batch is full, or the payload limit is reached:
// https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html), so the added latency is
//   batching window + the queue hop (SendMessage → ReceiveMessage) + the batch path's own overhead.
// The last two are measured here: the queue hop on moto's SQS (real software on loopback; AWS adds network
// time), the overhead as the real check handler's time for a one-record batch minus a direct invoke of the
// same record, against the loopback fake S3/SNS/EventBridge. The window is the configured one.
import { parseArgs } from 'node:util';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { startFakeAws } from '../test/support/fakeAws';
import { loadCheckHandler } from '../test/support/checkHandler';
import { lambdaContext } from '../test/support/lambdaContext';
import { startMoto } from '../test/support/moto';
import { loadEvent } from '../test/support/scenarios';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '30' }, window: { type: 'string', default: '60' } },
});
const RUNS = Number(values.runs);
const WINDOW_S = Number(values.window);

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return { median: at(0.5), p95: at(0.95), max: s[s.length - 1]! };
};
const ms = (n: number) => `${n.toFixed(1)} ms`;

async function main() {
  // Only loopback servers see these: fake keys, as the test suites set them.
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'fake-secret-for-loopback-bench',
    AWS_REGION: 'eu-west-1',
  });
  const [fake, moto] = await Promise.all([startFakeAws(), startMoto()]);
  try {
    const handler = await loadCheckHandler(fake, {
      ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:bench',
    });
    const sample = loadEvent('cloudtrail-mfa-delete-disabled.json') as {
      detail: { eventID: string; requestParameters: { bucketName: string } };
    };
    fake.addBucket({
      name: 'bench-bucket',
      region: 'eu-west-1',
      versioning: 'Enabled',
      mfaDelete: 'Disabled',
    });
    const eventFor = (i: number) => {
      const e = structuredClone(sample);
      e.detail.eventID = `5b7e2f0a-2222-4c3d-9e8f-${String(i).padStart(12, '0')}`;
      e.detail.requestParameters.bucketName = 'bench-bucket';
      return e;
    };

    // 1. The queue hop on moto's SQS: SendMessage, then a long-polling ReceiveMessage as the poller does.
    const sqs = new SQSClient({ endpoint: moto.url, region: 'eu-west-1' });
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'bench-check' }));
    const hop: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify(eventFor(i)) }));
      const out = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20, MaxNumberOfMessages: 10 }),
      );
      hop.push(performance.now() - t0);
      for (const m of out.Messages ?? [])
        await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
    }
    sqs.destroy();

    // 2. The check itself, direct and as a one-record batch, alternating (a warm-up of each first).
    const direct: number[] = [];
    const batch: number[] = [];
    for (let i = -1; i < RUNS; i++) {
      const e1 = eventFor(1000 + i);
      let t0 = performance.now();
      await handler(e1, lambdaContext());
      if (i >= 0) direct.push(performance.now() - t0);
      const record = {
        messageId: `m-${i}`,
        receiptHandle: `r-${i}`,
        body: JSON.stringify(eventFor(2000 + i)),
        attributes: {},
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:eu-west-1:111122223333:bench-check',
        awsRegion: 'eu-west-1',
      };
      t0 = performance.now();
      await handler({ Records: [record] }, lambdaContext());
      if (i >= 0) batch.push(performance.now() - t0);
    }
    if (fake.published.length !== 2 * (RUNS + 1))
      throw new Error(`expected every check to alert, got ${fake.published.length}`);

    const h = stats(hop);
    const d = stats(direct);
    const b = stats(batch);
    const overhead = b.median - d.median;
    console.log(`runs: ${RUNS}`);
    console.log(
      `queue hop (moto SQS, send → receive): median ${ms(h.median)}, p95 ${ms(h.p95)}, max ${ms(h.max)}`,
    );
    console.log(`check, direct invoke:                 median ${ms(d.median)}, p95 ${ms(d.p95)}`);
    console.log(`check, one-record batch:              median ${ms(b.median)}, p95 ${ms(b.p95)}`);
    console.log(`batch path overhead (median):         ${ms(overhead)}`);
    console.log(
      `added latency for a lone event: batching window ${WINDOW_S} s + ${ms(h.median + overhead)} measured = ${(WINDOW_S + (h.median + overhead) / 1000).toFixed(2)} s (p95 ${(WINDOW_S + (h.p95 + b.p95 - d.median) / 1000).toFixed(2)} s)`,
    );
  } finally {
    await Promise.all([fake.close(), moto.stop()]);
  }
}

main().catch((err: unknown) => {
  console.error(`bench-lone-event: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
