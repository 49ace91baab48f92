// npm run deploy -- --stage prod --regions eu-west-1,us-east-1 [--sweep-region R] [--param k=v] [--dry-run]
// One `serverless deploy` per Region, in order, stopping at the first failure. Never run by the tests
// except with --dry-run.
import { spawnSync } from 'node:child_process';
import { DeployUsageError, USAGE, parseDeployArgs, planDeploy, shellLine } from './deployPlan';

function main(argv: string[]): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  let request;
  try {
    request = parseDeployArgs(argv);
  } catch (error) {
    if (error instanceof DeployUsageError) {
      console.error(`deploy: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }

  const plan = planDeploy(request);
  console.log(
    `${request.dryRun ? 'Would deploy' : 'Deploying'} stage ${request.stage} to ${plan.length} Region(s); ` +
      `the sweep runs in ${request.sweepRegion} only.`,
  );
  if (request.dryRun) {
    for (const step of plan) console.log(`npx ${shellLine(step.argv)}`);
    return 0;
  }

  const done: string[] = [];
  for (const step of plan) {
    console.log(
      `\n== ${step.region}${step.runsSweep ? ' (sweep)' : ''}: npx --no-install ${shellLine(step.argv)}`,
    );
    // --no-install: run the osls this project pins (node_modules), never fetch another `serverless`.
    const result = spawnSync('npx', ['--no-install', ...step.argv], { stdio: 'inherit' });
    if (result.status !== 0) {
      console.error(
        `\ndeploy: ${step.region} failed (exit ${result.status ?? result.signal}). ` +
          `Deployed: ${done.join(', ') || 'none'}. Not attempted: ` +
          `${
            plan
              .slice(plan.indexOf(step) + 1)
              .map((s) => s.region)
              .join(', ') || 'none'
          }.`,
      );
      return 1;
    }
    done.push(step.region);
  }
  console.log(`\nDeployed ${request.stage} to ${done.join(', ')}.`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
