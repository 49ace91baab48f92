// DynamoDB and SQS clients for the de-dup table and the sweep fan-out, with the same retry and timeout
// settings as every other client (a hung connection must not eat the Lambda timeout). A module of their own,
// so that functions without them (the Slack notifier) do not bundle these SDK clients.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { clientDefaults } from './clients';

export const newDynamoDbClient = (overrides: { maxAttempts?: number } = {}) =>
  new DynamoDBClient({ ...clientDefaults, ...overrides });
export const newSqsClient = () => new SQSClient({ ...clientDefaults });
