import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import {
  S3Client,
  GetBucketVersioningCommand,
  PutBucketVersioningCommand,
  GetBucketTaggingCommand,
  GetBucketLifecycleConfigurationCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  paginateListBuckets,
} from '@aws-sdk/client-s3';
import { SNSClient, PublishCommand, CreateTopicCommand } from '@aws-sdk/client-sns';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { startFakeAws, type FakeAws } from '../support/fakeAws';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const credentials = { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake' };
const MFA = 'arn:aws:iam::111122223333:mfa/root-account-mfa-device 123456';

let fake: FakeAws;
let s3: S3Client;
let sns: SNSClient;
let eb: EventBridgeClient;

type AwsError = Error & {
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string> };
};

async function caught(p: Promise<unknown>): Promise<AwsError> {
  try {
    await p;
  } catch (e) {
    return e as AwsError;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  fake = await startFakeAws({ homeRegion: 'eu-west-1' });
  const cfg = { endpoint: fake.url, region: 'eu-west-1', credentials, forcePathStyle: true };
  s3 = new S3Client(cfg);
  sns = new SNSClient({ endpoint: fake.url, region: 'eu-west-1', credentials });
  eb = new EventBridgeClient({ endpoint: fake.url, region: 'eu-west-1', credentials });
});

afterAll(async () => {
  s3?.destroy();
  sns?.destroy();
  eb?.destroy();
  await fake?.close();
});

beforeEach(() => {
  fake.reset();
  fake.buckets.clear();
});

describe('fake S3 with the real SDK v3', () => {
  it('GetBucketVersioning reflects MFA enabled / disabled / never configured / never versioned', async () => {
    fake.addBucket({ name: 'mfa-on', region: 'eu-west-1', versioning: 'Enabled', mfaDelete: 'Enabled' });
    fake.addBucket({ name: 'mfa-off', region: 'eu-west-1', versioning: 'Enabled', mfaDelete: 'Disabled' });
    fake.addBucket({ name: 'mfa-never', region: 'eu-west-1', versioning: 'Suspended' });
    fake.addBucket({ name: 'plain', region: 'eu-west-1' });

    const on = await s3.send(new GetBucketVersioningCommand({ Bucket: 'mfa-on' }));
    expect(on.Status).toBe('Enabled');
    expect(on.MFADelete).toBe('Enabled');

    const off = await s3.send(new GetBucketVersioningCommand({ Bucket: 'mfa-off' }));
    expect(off).toMatchObject({ Status: 'Enabled', MFADelete: 'Disabled' });

    const never = await s3.send(new GetBucketVersioningCommand({ Bucket: 'mfa-never' }));
    expect(never.Status).toBe('Suspended');
    expect(never.MFADelete).toBeUndefined();

    const plain = await s3.send(new GetBucketVersioningCommand({ Bucket: 'plain' }));
    expect(plain.Status).toBeUndefined();
    expect(plain.MFADelete).toBeUndefined();
    expect(plain.$metadata.httpStatusCode).toBe(200);

    // the wire body really is the empty self-closing element
    const r = await fetch(`${fake.url}/plain?versioning`);
    expect(await r.text()).toContain(
      '<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>',
    );

    const rec = fake.requests.find((q) => q.operation === 'GetBucketVersioning');
    expect(rec).toMatchObject({ service: 's3', method: 'GET', region: 'eu-west-1' });
    expect(rec?.query).toHaveProperty('versioning');
  });

  it('missing bucket → NoSuchBucket 404; HeadBucket gives region or NotFound', async () => {
    fake.addBucket({ name: 'here', region: 'eu-west-1' });
    fake.addBucket({ name: 'far', region: 'ap-southeast-2' });
    const err = await caught(s3.send(new GetBucketVersioningCommand({ Bucket: 'gone' })));
    expect(err.name).toBe('NoSuchBucket');
    expect(err.$metadata?.httpStatusCode).toBe(404);

    const head = await s3.send(new HeadBucketCommand({ Bucket: 'here' }));
    expect(head.BucketRegion).toBe('eu-west-1');
    // From another Region: 301 without a body, the Region in x-amz-bucket-region.
    const farErr = await caught(s3.send(new HeadBucketCommand({ Bucket: 'far' })));
    expect(farErr.$metadata?.httpStatusCode).toBe(301);
    expect(farErr.$response?.headers?.['x-amz-bucket-region']).toBe('ap-southeast-2');
    const headErr = await caught(s3.send(new HeadBucketCommand({ Bucket: 'gone' })));
    expect(headErr.name).toBe('NotFound');
  });

  it('GetBucketTagging NoSuchTagSet and GetBucketLifecycleConfiguration', async () => {
    fake.addBucket({ name: 'untagged', region: 'eu-west-1', lifecycle: true });
    fake.addBucket({ name: 'tagged', region: 'eu-west-1', tags: { owner: 'team-a&b', env: 'prod' } });

    const err = await caught(s3.send(new GetBucketTaggingCommand({ Bucket: 'untagged' })));
    expect(err.name).toBe('NoSuchTagSet');
    expect(err.$metadata?.httpStatusCode).toBe(404);

    const tags = await s3.send(new GetBucketTaggingCommand({ Bucket: 'tagged' }));
    expect(tags.TagSet).toEqual([
      { Key: 'owner', Value: 'team-a&b' },
      { Key: 'env', Value: 'prod' },
    ]);

    const lc = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: 'untagged' }));
    expect(lc.Rules).toHaveLength(1);
    const noLc = await caught(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: 'tagged' })));
    expect(noLc.name).toBe('NoSuchLifecycleConfiguration');
  });

  it('ListBuckets paginates with MaxBuckets and returns BucketRegion only when paginated', async () => {
    const regions = ['eu-west-1', 'us-east-1', 'eu-central-1', 'us-west-2', 'eu-west-1'];
    // added out of order on purpose: output is sorted by name
    for (const i of [3, 0, 4, 1, 2]) fake.addBucket({ name: `bucket-${i}`, region: regions[i] as string });

    const pages: string[][] = [];
    const regionsSeen: Array<string | undefined> = [];
    for await (const page of paginateListBuckets({ client: s3, pageSize: 2 }, {})) {
      pages.push((page.Buckets ?? []).map((b) => b.Name as string));
      for (const b of page.Buckets ?? []) regionsSeen.push(b.BucketRegion);
    }
    expect(pages).toEqual([['bucket-0', 'bucket-1'], ['bucket-2', 'bucket-3'], ['bucket-4']]);
    expect(regionsSeen).toEqual(regions);

    const listReqs = fake.requests.filter((r) => r.operation === 'ListBuckets');
    expect(listReqs).toHaveLength(3);
    expect(listReqs[0]?.query['max-buckets']).toBe('2');
    expect(listReqs[1]?.query['continuation-token']).toBeTruthy();

    const unpaginated = await s3.send(new ListBucketsCommand({}));
    expect(unpaginated.Buckets).toHaveLength(5);
    expect(unpaginated.Buckets?.[0]?.BucketRegion).toBeUndefined();
    expect(unpaginated.ContinuationToken).toBeUndefined();

    const filtered = await s3.send(new ListBucketsCommand({ Prefix: 'bucket-', BucketRegion: 'eu-west-1' }));
    expect(filtered.Buckets?.map((b) => b.Name)).toEqual(['bucket-0', 'bucket-4']);
    expect(filtered.Prefix).toBe('bucket-');
  });

  it('PutBucketVersioning enforces MFA, the lifecycle conflict and updates state', async () => {
    fake.addBucket({ name: 'v', region: 'eu-west-1', versioning: 'Enabled', mfaDelete: 'Enabled' });
    fake.addBucket({ name: 'lc', region: 'eu-west-1', versioning: 'Enabled', lifecycle: true });

    const denied = await caught(
      s3.send(
        new PutBucketVersioningCommand({ Bucket: 'v', VersioningConfiguration: { Status: 'Suspended' } }),
      ),
    );
    expect(denied.name).toBe('AccessDenied');
    expect(denied.message).toBe('Mfa Authentication must be used for this request');
    expect(denied.$metadata?.httpStatusCode).toBe(403);

    const bad = await caught(
      s3.send(
        new PutBucketVersioningCommand({
          Bucket: 'v',
          MFA: 'no-code-here',
          VersioningConfiguration: { Status: 'Enabled', MFADelete: 'Disabled' },
        }),
      ),
    );
    expect(bad.name).toBe('InvalidArgument');

    await s3.send(
      new PutBucketVersioningCommand({
        Bucket: 'v',
        MFA,
        VersioningConfiguration: { Status: 'Enabled', MFADelete: 'Disabled' },
      }),
    );
    expect(fake.buckets.get('v')).toMatchObject({ versioning: 'Enabled', mfaDelete: 'Disabled' });
    const put = fake.requests.find(
      (r) => r.operation === 'PutBucketVersioning' && r.headers['x-amz-mfa'] === MFA,
    );
    expect(put?.body).toContain('<MfaDelete>Disabled</MfaDelete>');

    // no MFA needed to change Status while MFA delete is off
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: 'v', VersioningConfiguration: { Status: 'Suspended' } }),
    );
    expect(fake.buckets.get('v')?.versioning).toBe('Suspended');

    const lc = await caught(
      s3.send(
        new PutBucketVersioningCommand({
          Bucket: 'lc',
          MFA,
          VersioningConfiguration: { Status: 'Enabled', MFADelete: 'Enabled' },
        }),
      ),
    );
    expect(lc.name).toBe('InvalidBucketState');
    expect(lc.$metadata?.httpStatusCode).toBe(409);
  });

  it('a wrong-Region request: 301 PermanentRedirect, followed by the SDK when followRegionRedirects is on', async () => {
    const f2 = await startFakeAws();
    try {
      f2.addBucket({ name: 'far', region: 'us-west-2', versioning: 'Enabled', mfaDelete: 'Enabled' });
      const base = { endpoint: f2.url, region: 'eu-west-1', credentials, forcePathStyle: true };
      const plain = new S3Client(base);
      const err = await caught(plain.send(new GetBucketVersioningCommand({ Bucket: 'far' })));
      expect(err.name).toBe('PermanentRedirect');
      expect(err.$metadata?.httpStatusCode).toBe(301);

      const follow = new S3Client({ ...base, followRegionRedirects: true });
      const out = await follow.send(new GetBucketVersioningCommand({ Bucket: 'far' }));
      expect(out.MFADelete).toBe('Enabled');
      expect(f2.requests.map((r) => r.region)).toEqual(['eu-west-1', 'eu-west-1', 'us-west-2']);
      plain.destroy();
      follow.destroy();
    } finally {
      await f2.close();
    }
  });

  it('an injected SlowDown 503 (times: 1) is retried by the SDK and then succeeds', async () => {
    fake.addBucket({ name: 'busy', region: 'eu-west-1', versioning: 'Enabled', mfaDelete: 'Enabled' });
    fake.fail('GetBucketVersioning', { status: 503, code: 'SlowDown', times: 1 }, 'busy');
    const out = await s3.send(new GetBucketVersioningCommand({ Bucket: 'busy' }));
    expect(out.MFADelete).toBe('Enabled');
    expect(out.$metadata.attempts).toBe(2);
    expect(fake.stats().byOperation['GetBucketVersioning']).toBe(2);

    // a permanent fault surfaces with the S3 error code
    fake.fail('GetBucketVersioning', { status: 403, code: 'AccessDenied' });
    const err = await caught(s3.send(new GetBucketVersioningCommand({ Bucket: 'busy' })));
    expect(err.name).toBe('AccessDenied');
  });
});

describe('fake SNS and EventBridge with the real SDK v3', () => {
  it('SNS Publish records the message (and CreateTopic returns an ARN)', async () => {
    const topic = await sns.send(new CreateTopicCommand({ Name: 'mfa-delete-alerts' }));
    expect(topic.TopicArn).toBe('arn:aws:sns:eu-west-1:111122223333:mfa-delete-alerts');

    const message = JSON.stringify({ default: 'MFA delete off', https: '{"version":"1.0"}' });
    const out = await sns.send(
      new PublishCommand({
        TopicArn: topic.TopicArn,
        Subject: 'MFA delete turned off: example-bucket',
        Message: message,
        MessageStructure: 'json',
      }),
    );
    expect(out.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    await sns.send(
      new PublishCommand({
        TopicArn: topic.TopicArn,
        Message: 'plain',
        MessageAttributes: { severity: { DataType: 'String', StringValue: 'high' } },
      }),
    );
    expect(fake.published).toEqual([
      {
        TopicArn: 'arn:aws:sns:eu-west-1:111122223333:mfa-delete-alerts',
        Subject: 'MFA delete turned off: example-bucket',
        Message: message,
        MessageStructure: 'json',
      },
      {
        TopicArn: 'arn:aws:sns:eu-west-1:111122223333:mfa-delete-alerts',
        Message: 'plain',
        MessageAttributes: { severity: { DataType: 'String', StringValue: 'high' } },
      },
    ]);

    // injected fault → awsQuery error
    fake.fail('Publish', { status: 403, code: 'AuthorizationError', times: 1 });
    const err = await caught(sns.send(new PublishCommand({ TopicArn: topic.TopicArn, Message: 'x' })));
    expect(err.name).toBe('AuthorizationErrorException');
    expect(fake.published).toHaveLength(2);
  });

  it('PutEvents records entries and reports FailedEntryCount on injected partial failure', async () => {
    const entry = {
      Source: 'com.example.mfa-delete-guard',
      DetailType: 'S3 MFA Delete Disabled',
      Detail: JSON.stringify({ bucket: 'example-bucket' }),
      Resources: ['arn:aws:s3:::example-bucket'],
      EventBusName: 'default',
    };
    const ok = await eb.send(new PutEventsCommand({ Entries: [entry] }));
    expect(ok.FailedEntryCount).toBe(0);
    expect(ok.Entries?.[0]?.EventId).toBeTruthy();
    expect(fake.putEvents).toEqual([entry]);

    fake.failPutEventsEntries('ThrottlingException', 1, 'Rate exceeded');
    const partial = await eb.send(
      new PutEventsCommand({ Entries: [entry, { ...entry, Detail: '{"n":2}' }] }),
    );
    expect(partial.$metadata.httpStatusCode).toBe(200);
    expect(partial.FailedEntryCount).toBe(1);
    expect(partial.Entries?.[0]).toEqual({ ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' });
    expect(partial.Entries?.[1]?.EventId).toBeTruthy();
    expect(fake.putEvents).toHaveLength(2);
    expect(fake.putEvents[1]?.Detail).toBe('{"n":2}');

    fake.fail('PutEvents', { status: 400, code: 'AccessDeniedException', message: 'not allowed', times: 1 });
    const err = await caught(eb.send(new PutEventsCommand({ Entries: [entry] })));
    expect(err.name).toBe('AccessDeniedException');
    expect(err.message).toBe('not allowed');
  });
});

describe('scale', () => {
  it('10,000 buckets: paginated listing stays fast and peak in-flight is tracked', async () => {
    // The listing is what this measures: Region redirects are off so any bucket answers from eu-west-1.
    const big = await startFakeAws({ latencyMs: 5, recordRequests: false, redirectWrongRegion: false });
    try {
      for (let i = 0; i < 10_000; i++) {
        big.addBucket({ name: `b-${String(i).padStart(5, '0')}`, region: i % 3 ? 'eu-west-1' : 'us-east-1' });
      }
      const client = new S3Client({
        endpoint: big.url,
        region: 'eu-west-1',
        credentials,
        forcePathStyle: true,
      });
      let count = 0;
      const t0 = Date.now();
      for await (const page of paginateListBuckets({ client, pageSize: 1000 }, {}))
        count += page.Buckets?.length ?? 0;
      expect(count).toBe(10_000);
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          client.send(new GetBucketVersioningCommand({ Bucket: `b-${String(i * 250).padStart(5, '0')}` })),
        ),
      );
      expect(Date.now() - t0).toBeLessThan(10_000);
      const st = big.stats();
      expect(st.requests).toBe(50);
      expect(st.peakInFlight).toBeGreaterThan(1);
      expect(big.requests).toHaveLength(0);
      client.destroy();
    } finally {
      await big.close();
    }
  }, 30_000);
});
