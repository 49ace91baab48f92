// The multi-Region deploy plan: parse and check the command line, then list one `serverless deploy` per Region.
// Pure (no process, no AWS), so that every refusal is tested; scripts/deploy.ts runs the plan.
import { parseArgs } from 'node:util';

export class DeployUsageError extends Error {
  override name = 'DeployUsageError';
}

export interface DeployRequest {
  stage: string;
  regions: string[];
  /** The one Region that runs the sweep and, with createTrail, holds the multi-Region trail. */
  sweepRegion: string;
  /** Extra stage parameters, passed to every Region as --param="name=value". */
  params: [name: string, value: string][];
  dryRun: boolean;
}

export interface RegionDeploy {
  region: string;
  runsSweep: boolean;
  /** argv for `npx`: ["serverless", "deploy", ...]. */
  argv: string[];
}

export const USAGE = `usage: npm run deploy -- --stage STAGE --regions REGION[,REGION...] [--sweep-region REGION]
                         [--param NAME=VALUE ...] [--dry-run]

Deploys one stack per Region, one after the other, stopping at the first failure.
  --stage         stage name, e.g. prod (its params in serverless.yml apply)
  --regions       comma-separated Regions that hold buckets, e.g. eu-west-1,us-east-1
  --sweep-region  the one Region that runs the sweep (and holds the trail with createTrail=true);
                  default: the first of --regions
  --param         a stage parameter for every Region, e.g. --param alertEmail=secops@example.com
  --dry-run       print the commands, run nothing`;

const STAGE = /^[a-zA-Z][a-zA-Z0-9-]{0,15}$/;
// Commercial, GovCloud and China partitions: us-east-1, us-gov-west-1, cn-north-1, ap-southeast-5, ...
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;
const PARAM_NAME = /^[a-zA-Z][a-zA-Z0-9]{0,63}$/;
// The script owns these: they must agree across all Regions of one deployment.
const RESERVED_PARAMS = new Set(['sweepRegion']);

export function parseDeployArgs(args: string[]): DeployRequest {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        stage: { type: 'string' },
        regions: { type: 'string' },
        'sweep-region': { type: 'string' },
        param: { type: 'string', multiple: true },
        'dry-run': { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new DeployUsageError((error as Error).message);
  }

  const stage = values.stage?.trim();
  if (!stage) throw new DeployUsageError('--stage is required, e.g. --stage prod');
  if (!STAGE.test(stage)) {
    throw new DeployUsageError(
      `--stage ${JSON.stringify(stage)}: use a letter then up to 15 letters, digits or '-'`,
    );
  }
  if (stage === 'local') {
    throw new DeployUsageError('--stage local is for `serverless invoke local` only; it cannot be deployed');
  }

  if (values.regions === undefined) {
    throw new DeployUsageError('--regions is required, e.g. --regions eu-west-1,us-east-1');
  }
  const regions = values.regions.split(',').map((r) => r.trim());
  for (const region of regions) {
    if (!REGION.test(region)) {
      throw new DeployUsageError(`--regions: ${JSON.stringify(region)} is not an AWS Region code`);
    }
  }
  const duplicate = regions.find((r, i) => regions.indexOf(r) !== i);
  if (duplicate) throw new DeployUsageError(`--regions: ${duplicate} is listed twice`);

  const sweepRegion = values['sweep-region']?.trim() ?? regions[0]!;
  if (!regions.includes(sweepRegion)) {
    throw new DeployUsageError(
      `--sweep-region ${JSON.stringify(sweepRegion)} is not one of --regions (${regions.join(',')}): ` +
        'no Region would run the sweep',
    );
  }

  const params: [string, string][] = [];
  for (const param of values.param ?? []) {
    const eq = param.indexOf('=');
    const name = eq > 0 ? param.slice(0, eq) : '';
    if (!PARAM_NAME.test(name)) {
      throw new DeployUsageError(
        `--param ${JSON.stringify(param)}: expected NAME=VALUE, e.g. alertEmail=a@b.c`,
      );
    }
    if (RESERVED_PARAMS.has(name)) {
      throw new DeployUsageError(`--param ${name}: set it with --sweep-region, so every Region agrees`);
    }
    if (params.some(([n]) => n === name)) throw new DeployUsageError(`--param ${name} is given twice`);
    params.push([name, param.slice(eq + 1)]);
  }

  return { stage, regions, sweepRegion, params, dryRun: values['dry-run'] };
}

export function planDeploy(request: DeployRequest): RegionDeploy[] {
  return request.regions.map((region) => ({
    region,
    runsSweep: region === request.sweepRegion,
    argv: [
      'serverless',
      'deploy',
      '--stage',
      request.stage,
      '--region',
      region,
      `--param=sweepRegion=${request.sweepRegion}`,
      ...request.params.map(([name, value]) => `--param=${name}=${value}`),
    ],
  }));
}

/** A POSIX-shell rendering of argv, for the dry run and the log: every word single-quoted unless plain. */
export function shellLine(argv: string[]): string {
  return argv
    .map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`))
    .join(' ');
}
