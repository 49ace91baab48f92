// The DynamoDB client of the de-dup table and the sweep's run table, with the same retry and timeout settings
// as every other client (a hung connection must not eat the Lambda timeout). A module of its own (and SQS in
// sqsClient.ts), so that a function loads only the clients its own path uses.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { clientDefaults } from './clientDefaults';

export const newDynamoDbClient = (overrides: { maxAttempts?: number } = {}) =>
  new DynamoDBClient({ ...clientDefaults, ...overrides });
