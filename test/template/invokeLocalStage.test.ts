// `npx serverless invoke local` on a stage whose function environment holds CloudFormation references fails
// before any AWS call, in one line naming --stage local (scripts/invoke-local-stage.cjs). The real osls CLI
// runs; AWS_ENDPOINT_URL points at a closed loopback port, so a lookup that slipped through would fail too.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');
// The real osls CLI starts in seconds, more on a loaded machine; vitest's default 5 s is too short.
const CLI_TIMEOUT_MS = 60_000;

function invokeLocal(args: string[]): { status: number | null; output: string } {
  const result = spawnSync('npx', ['--no-install', 'serverless', 'invoke', 'local', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: CLI_TIMEOUT_MS,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'fake-secret-for-loopback-tests',
      AWS_REGION: 'eu-west-1',
    },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const errorLine = (output: string): string | undefined =>
  output.split('\n').find((line) => line.startsWith('invoke local:'));

describe('invoke local on a stage without literal parameters', () => {
  it(
    'fails fast with one line naming --stage local, before any CloudFormation lookup',
    () => {
      const { status, output } = invokeLocal([
        '-f',
        'check',
        '--path',
        'events/cloudtrail-mfa-delete-disabled.json',
      ]);
      expect(status).not.toBe(0);
      expect(output).not.toContain('ListStackResources');
      expect(errorLine(output)).toBe(
        'invoke local: stage "dev" leaves ALERT_TOPIC_ARN, ALERT_SIGNING_KEY_ARN, EVENT_BUS_NAME of function check to CloudFormation; ' +
          'run it with --stage local (literal values, no AWS lookup): ' +
          'npx serverless invoke local --stage local -f check --path events/cloudtrail-mfa-delete-disabled.json',
      );
    },
    CLI_TIMEOUT_MS,
  );

  it(
    'says which function needs a deployed stack even on stage local',
    () => {
      const { status, output } = invokeLocal([
        '--stage',
        'local',
        '-f',
        'sweepPage',
        '--path',
        'events/manual-all.json',
      ]);
      expect(status).not.toBe(0);
      expect(errorLine(output)).toBe(
        'invoke local: function sweepPage needs SWEEP_RUN_TABLE, SWEEP_QUEUE_URL from a deployed stack, even on ' +
          'stage local; run it deployed, or its tests (npm run test:e2e)',
      );
    },
    CLI_TIMEOUT_MS,
  );
});
