// The Lambda functions' structured logger (Powertools). A module of its own, so that the CLI, which
// shares the wiring but prints for a person, never creates it.
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: 'mfa-delete-guard' });
