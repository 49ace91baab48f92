import { describe, expect, it } from 'vitest';
import { eventBusTarget, parseArn, topicRegion } from '../../lib/domain/arns';
import { seeAllText } from '../../lib/domain/seeAll';

describe('ARN Regions', () => {
  it('takes the SNS Region from the topic ARN, whatever the account', () => {
    expect(topicRegion('arn:aws:sns:us-east-1:444455556666:central-alerts')).toBe('us-east-1');
    expect(topicRegion('arn:aws-us-gov:sns:us-gov-west-1:111122223333:t')).toBe('us-gov-west-1');
    expect(topicRegion('arn:aws:sqs:us-east-1:111122223333:q')).toBeUndefined();
    expect(topicRegion('not-an-arn')).toBeUndefined();
  });

  it('sends PutEvents for a bus ARN to its Region, and for a name to the home Region', () => {
    expect(eventBusTarget('arn:aws:events:us-east-1:444455556666:event-bus/central', 'eu-west-1')).toEqual({
      eventBusName: 'arn:aws:events:us-east-1:444455556666:event-bus/central',
      region: 'us-east-1',
    });
    expect(eventBusTarget('default', 'eu-west-1')).toEqual({ eventBusName: 'default', region: 'eu-west-1' });
  });

  it('refuses ARNs without a real Region or account', () => {
    expect(parseArn('arn:aws:sns:EVIL:111122223333:x')).toBeUndefined();
    expect(parseArn('arn:aws:sns:us-east-1:1234:x')).toBeUndefined();
  });
});

describe('seeAllText', () => {
  it('names the deployed sweep function and the CLI from a checkout, never npx', () => {
    const text = seeAllText({ functionName: 'mfa-delete-guard-prod-sweep', region: 'eu-west-1' });
    expect(text).toContain(
      'aws lambda invoke --function-name mfa-delete-guard-prod-sweep --region eu-west-1 --cli-binary-format raw-in-base64-out --payload \'{"all":true,"dryRun":true}\' sweep-report.json',
    );
    expect(text).toContain('npm run cli -- check --all');
    expect(text).not.toMatch(/npx/);
  });

  it('never puts an unchecked function name in a command', () => {
    for (const functionName of ['x; rm -rf /', '$(id)', 'a'.repeat(65), '']) {
      const text = seeAllText({ functionName, region: 'eu-west-1' });
      expect(text).not.toContain('aws lambda invoke');
      expect(text).toContain('npm run cli -- check --all');
    }
    expect(seeAllText({ functionName: 'ok', region: 'eu-west-1; id' })).not.toContain('aws lambda invoke');
  });
});
