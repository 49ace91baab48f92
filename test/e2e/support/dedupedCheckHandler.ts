// The real check handler with Powertools idempotency on moto's DynamoDB and S3/SNS/EventBridge on the loopback
// fake: the set-up the de-duplication and storm suites share.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { loadCheckHandler, type CheckHandler } from '../../support/checkHandler';
import { startFakeAws, type FakeAws } from '../../support/fakeAws';
import { startMoto, type Moto } from '../../support/moto';

export interface DedupedCheckHandler {
  fake: FakeAws;
  moto: Moto;
  ddb: DynamoDBClient;
  handler: CheckHandler;
  stop(): Promise<void>;
}

export async function startDedupedCheckHandler(
  topicArn: string,
  table: string,
): Promise<DedupedCheckHandler> {
  const [fake, moto] = await Promise.all([startFakeAws(), startMoto()]);
  const ddb = new DynamoDBClient({ endpoint: moto.url, region: 'eu-west-1' });
  const handler = await loadCheckHandler(fake, {
    // The SDK's service-specific endpoint: only DynamoDB goes to moto.
    AWS_ENDPOINT_URL_DYNAMODB: moto.url,
    ALERT_TOPIC_ARN: topicArn,
    IDEMPOTENCY_TABLE: table,
    IDEMPOTENCY_WINDOW_SECONDS: '3600',
  });
  return {
    fake,
    moto,
    ddb,
    handler,
    stop: async () => {
      ddb.destroy();
      await Promise.all([fake.close(), moto.stop()]);
    },
  };
}
