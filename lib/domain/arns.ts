// Where to send a publish: SNS serves a topic only from its own Region (a client in another Region gets
// `InvalidParameter: TopicArn`), and PutEvents goes to the Region of the bus. So clients are built from
// the ARN, not from the function's Region.
// https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
// https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
import { isAccountId, isRegion } from './awsIds';

export interface ArnParts {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

/** arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE, with a Region and an account; undefined otherwise. */
export function parseArn(arn: string | undefined): ArnParts | undefined {
  const m = arn?.match(/^arn:(aws[a-z-]*):([a-z0-9-]+):([a-z0-9-]+):(\d{12}):(.+)$/);
  if (!m || !isRegion(m[3]) || !isAccountId(m[4])) return undefined;
  return { partition: m[1]!, service: m[2]!, region: m[3]!, account: m[4]!, resource: m[5]! };
}

/** The Region an SNS topic ARN names. */
export const topicRegion = (topicArn: string): string | undefined => {
  const arn = parseArn(topicArn);
  return arn?.service === 'sns' ? arn.region : undefined;
};

/** An event bus given by name (this account and Region) or by ARN (any account and Region). */
export interface EventBusTarget {
  /** What PutEvents' EventBusName gets: the name, or the ARN for a bus elsewhere. */
  eventBusName: string;
  region: string;
}

export function eventBusTarget(nameOrArn: string, homeRegion: string): EventBusTarget {
  const arn = parseArn(nameOrArn);
  if (arn?.service === 'events' && arn.resource.startsWith('event-bus/'))
    return { eventBusName: nameOrArn, region: arn.region };
  return { eventBusName: nameOrArn, region: homeRegion };
}
