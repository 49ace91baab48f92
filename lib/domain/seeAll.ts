// Where a digest reader sees every bucket: commands that work where they are, naming only what is ours.
// The package is not published on npm, so `npx mfa-delete-guard` would fetch whatever a stranger publishes
// under that name and run it with the responder's credentials: the digest never says it.
import { isRegion } from './awsIds';

/** Lambda function names: letters, digits, hyphens and underscores, at most 64 (validated before quoting). */
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export const CLI_FROM_CHECKOUT = 'from a checkout of mfa-delete-guard, `npm run cli -- check --all`';

/**
 * The "see all" sentence: invoke the deployed sweep function (a dry run, so that nobody is paged again)
 * and read its report, or run the CLI from a checkout. `--cli-binary-format raw-in-base64-out` is for AWS
 * CLI v2, which otherwise reads --payload as base64; v1 does not know the flag and needs it left out.
 */
export function seeAllText(sweep?: { functionName?: string; region?: string }): string {
  const name = sweep?.functionName;
  const region = sweep?.region;
  if (!name || !FUNCTION_NAME.test(name) || !isRegion(region)) {
    return `run ${CLI_FROM_CHECKOUT} with credentials for this account, or read the "bucket checked" lines in the sweep function's logs`;
  }
  return `run \`aws lambda invoke --function-name ${name} --region ${region} --cli-binary-format raw-in-base64-out --payload '{"all":true,"dryRun":true}' sweep-report.json\` (AWS CLI v2; leave out --cli-binary-format with v1) and read sweep-report.json, or ${CLI_FROM_CHECKOUT}`;
}
