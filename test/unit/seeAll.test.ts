import { describe, expect, it } from 'vitest';
import { seeAllText } from '../../lib/domain/seeAll';

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
