// The multi-Region deploy script, in its dry-run mode only: it must never reach AWS from a test.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DeployUsageError, parseDeployArgs, planDeploy, shellLine } from '../../scripts/deployPlan';

describe('parseDeployArgs', () => {
  it('reads stage, Regions, sweep Region and parameters', () => {
    const request = parseDeployArgs([
      '--stage',
      'prod',
      '--regions',
      'eu-west-1, us-east-1,ap-southeast-2',
      '--sweep-region',
      'us-east-1',
      '--param',
      'alertEmail=secops@example.com',
      '--param',
      'exemptPatterns=tmp-*,a=b',
      '--dry-run',
    ]);
    expect(request).toEqual({
      stage: 'prod',
      regions: ['eu-west-1', 'us-east-1', 'ap-southeast-2'],
      sweepRegion: 'us-east-1',
      params: [
        ['alertEmail', 'secops@example.com'],
        ['exemptPatterns', 'tmp-*,a=b'],
      ],
      dryRun: true,
    });
  });

  it('runs the sweep in the first Region unless told otherwise', () => {
    expect(parseDeployArgs(['--stage', 'prod', '--regions', 'us-west-2,eu-west-1']).sweepRegion).toBe(
      'us-west-2',
    );
  });

  it.each([
    [[], /--stage is required/],
    [['--stage', 'prod'], /--regions is required/],
    [['--stage', 'local', '--regions', 'eu-west-1'], /cannot be deployed/],
    [['--stage', 'prod;rm -rf /', '--regions', 'eu-west-1'], /--stage/],
    [['--stage', 'prod', '--regions', 'eu-west-1,,us-east-1'], /"" is not an AWS Region/],
    [['--stage', 'prod', '--regions', 'eu-west-1,EU-WEST-2'], /"EU-WEST-2" is not an AWS Region/],
    [['--stage', 'prod', '--regions', 'eu-west-1,eu-west-1'], /eu-west-1 is listed twice/],
    [
      ['--stage', 'prod', '--regions', 'eu-west-1', '--sweep-region', 'us-east-1'],
      /no Region would run the sweep/,
    ],
    [['--stage', 'prod', '--regions', 'eu-west-1', '--param', 'alertEmail'], /expected NAME=VALUE/],
    [['--stage', 'prod', '--regions', 'eu-west-1', '--param', '=x'], /expected NAME=VALUE/],
    [['--stage', 'prod', '--regions', 'eu-west-1', '--param', 'sweepRegion=us-east-1'], /--sweep-region/],
    [['--stage', 'prod', '--regions', 'eu-west-1', '--param', 'a=1', '--param', 'a=2'], /given twice/],
    [['--stage', 'prod', '--regions', 'eu-west-1', '--region', 'us-east-1'], /Unknown option '--region'/],
    [['--stage', 'prod', '--regions', 'eu-west-1', 'extra'], /positional/i],
  ])('refuses %j', (args, message) => {
    expect(() => parseDeployArgs(args)).toThrow(DeployUsageError);
    expect(() => parseDeployArgs(args)).toThrow(message);
  });
});

describe('planDeploy', () => {
  it('deploys every Region with the same sweep Region and parameters, and marks the one that sweeps', () => {
    const plan = planDeploy(
      parseDeployArgs([
        '--stage',
        'prod',
        '--regions',
        'eu-west-1,us-east-1',
        '--sweep-region',
        'us-east-1',
        '--param',
        'createTrail=true',
      ]),
    );
    expect(plan.map((p) => [p.region, p.runsSweep])).toEqual([
      ['eu-west-1', false],
      ['us-east-1', true],
    ]);
    for (const step of plan) {
      expect(step.argv.slice(0, 6)).toEqual([
        'serverless',
        'deploy',
        '--stage',
        'prod',
        '--region',
        step.region,
      ]);
      expect(step.argv).toContain('--param=sweepRegion=us-east-1');
      expect(step.argv).toContain('--param=createTrail=true');
    }
  });
});

describe('shellLine', () => {
  it('quotes what a shell would interpret', () => {
    expect(shellLine(['serverless', '--param=a=b', "it's; $(x) *"])).toBe(
      `serverless --param=a=b 'it'\\''s; $(x) *'`,
    );
  });
});

// The real script, as `npm run deploy` runs it, in dry-run mode (no serverless, no AWS).
function runScript(args: string[]) {
  const result = spawnSync('npx', ['tsx', 'scripts/deploy.ts', ...args], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('scripts/deploy.ts', () => {
  it('prints one deploy command per Region in dry-run mode', () => {
    const { status, stdout } = runScript([
      '--stage',
      'prod',
      '--regions',
      'eu-west-1,us-east-1',
      '--param',
      'alertEmail=secops@example.com',
      '--dry-run',
    ]);
    expect(status).toBe(0);
    const commands = stdout.split('\n').filter((line) => line.startsWith('npx '));
    expect(commands).toEqual([
      'npx serverless deploy --stage prod --region eu-west-1 --param=sweepRegion=eu-west-1 --param=alertEmail=secops@example.com',
      'npx serverless deploy --stage prod --region us-east-1 --param=sweepRegion=eu-west-1 --param=alertEmail=secops@example.com',
    ]);
    expect(stdout).toContain('the sweep runs in eu-west-1 only');
  });

  it('refuses bad input with a clear message, exit status 2 and the usage', () => {
    const { status, stdout, stderr } = runScript([
      '--stage',
      'prod',
      '--regions',
      'eu-west-1,mars-1',
      '--dry-run',
    ]);
    expect(status).toBe(2);
    expect(stderr).toContain('deploy: --regions: "mars-1" is not an AWS Region code');
    expect(stderr).toContain('usage: npm run deploy');
    expect(stdout).not.toContain('npx serverless');
  });
});
