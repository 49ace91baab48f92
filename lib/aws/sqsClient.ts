// The SQS client of the sweep fan-out, with the guard's retry and timeout settings (see dynamoDbClient.ts).
import { SQSClient } from '@aws-sdk/client-sqs';
import { clientDefaults } from './clientDefaults';

export const newSqsClient = () => new SQSClient({ ...clientDefaults });
