// Where a digest reader sees every bucket: commands that work where they are, naming only what is ours.
// The package is not published on npm, so `npx mfa-delete-guard` would fetch whatever a stranger publishes
// under that name and run it with the responder's credentials: the digest never says it.
import { isRegion } from './awsIds';

/** Lambda function names: letters, digits, hyphens and underscores, at most 64 (validated before quoting). */
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export const CLI_FROM_CHECKOUT = 'from a checkout of mfa-delete-guard, `npm run cli -- check --all`';

/**
 * The AWS CLI command that invokes the deployed sweep function, or undefined when its name or Region is not
 * known to be safe in a command. `--cli-binary-format raw-in-base64-out` is for AWS CLI v2, which otherwise
 * reads --payload as base64; v1 does not know the flag and needs it left out.
 */
export function sweepInvokeCommand(sweep: {
  functionName?: string;
  region?: string;
  dryRun: boolean;
}): string | undefined {
  const { functionName: name, region } = sweep;
  if (!name || !FUNCTION_NAME.test(name) || !isRegion(region)) return undefined;
  const payload = sweep.dryRun ? '{"all":true,"dryRun":true}' : '{"all":true}';
  return `aws lambda invoke --function-name ${name} --region ${region} --cli-binary-format raw-in-base64-out --payload '${payload}' sweep-report.json`;
}

/**
 * The "see all" sentence: invoke the deployed sweep function (a dry run, so that nobody is paged again)
 * and read its report, or run the CLI from a checkout.
 */
export function seeAllText(sweep?: { functionName?: string; region?: string }): string {
  const command = sweepInvokeCommand({ ...sweep, dryRun: true });
  if (!command)
    return `run ${CLI_FROM_CHECKOUT} with credentials for this account, or read the "bucket checked" lines in the sweep function's logs`;
  return `run \`${command}\` (AWS CLI v2; leave out --cli-binary-format with v1) and read sweep-report.json, or ${CLI_FROM_CHECKOUT}`;
}
