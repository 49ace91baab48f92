/**
 * The deployable artefact, as `serverless package` builds it: the CloudFormation template and the
 * function zip. The e2e suite reads the rule and the function's settings from here, never from a copy.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

export const REPO_ROOT = join(__dirname, '..', '..', '..');
export const TEMPLATE_FILE = 'cloudformation-template-update-stack.json';
/** serverless.yml `functions:` keys of the functions the suite runs. */
export const CHECK_FUNCTION = 'check';
export const SWEEP_FUNCTION = 'sweep';

/** `serverless package` (with `--param=` each of `params`) into `outDir`, then unzip the function as Lambda would into `outDir/code`. */
export async function packageService(outDir: string, stage = 'prod', params: string[] = []): Promise<void> {
  const serverless = join(REPO_ROOT, 'node_modules', '.bin', 'serverless');
  const args = ['package', '--stage', stage, '--package', outDir, ...params.map((p) => `--param=${p}`)];
  await execFileP(serverless, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, SLS_TELEMETRY_DISABLED: '1' },
    maxBuffer: 16 * 1024 * 1024,
  });
  const template = loadTemplate(outDir);
  // Python is already required for moto; its zipfile module saves a dependency on an unzip binary.
  for (const zip of new Set(lambdaFunctions(template).map(zipName))) {
    await execFileP('python3', ['-m', 'zipfile', '-e', join(outDir, zip), codeDir(outDir, zip)]);
  }
}

/** Where the zip of a function is unzipped: Lambda's task root for it. */
export const codeDir = (packageDir: string, zip: string) =>
  join(packageDir, 'code', zip.replace(/\.zip$/, ''));

// ---------------------------------------------------------------- template reading

type Json = Record<string, unknown>;
interface Resource {
  Type: string;
  Properties?: Json;
}
export interface Template {
  Resources: Record<string, Resource>;
}

export function loadTemplate(dir: string): Template {
  return JSON.parse(readFileSync(join(dir, TEMPLATE_FILE), 'utf8')) as Template;
}

const lambdaFunctions = (t: Template) =>
  Object.values(t.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');

/** The zip a function's code is in: the last part of its Code.S3Key. */
function zipName(r: Resource): string {
  const key = (r.Properties?.Code as { S3Key?: unknown } | undefined)?.S3Key;
  const zip = typeof key === 'string' ? key.split('/').pop() : undefined;
  if (!zip?.endsWith('.zip')) throw new Error(`a function has no Code.S3Key zip: ${JSON.stringify(key)}`);
  return zip;
}

export interface CheckFunction {
  logicalId: string;
  resource: Resource;
  functionName: string;
  /** `file.export`, as Lambda reads it. */
  handler: string;
  /** The zip holding its code (unzipped under codeDir()). */
  zip: string;
  /** Environment exactly as packaged; CloudFormation intrinsics (Ref…) left as objects. */
  environment: Record<string, unknown>;
}

/**
 * A function by its serverless.yml key. Serverless names its resource `<Key>LambdaFunction` whatever
 * the stage (its documented naming convention), so this depends neither on the stage nor on handlers
 * (the check and sweep functions share one).
 */
export function lambdaFunction(t: Template, key: string): CheckFunction {
  const normalized =
    key.charAt(0).toUpperCase() + key.slice(1).replace(/-/g, 'Dash').replace(/_/g, 'Underscore');
  const logicalId = `${normalized}LambdaFunction`;
  const resource = t.Resources[logicalId];
  if (resource?.Type !== 'AWS::Lambda::Function') {
    throw new Error(`the packaged template has no ${logicalId} (serverless.yml function "${key}")`);
  }
  const props = resource.Properties ?? {};
  return {
    logicalId,
    resource,
    functionName: String(props.FunctionName ?? logicalId),
    handler: String(props.Handler),
    zip: zipName(resource),
    environment: ((props.Environment as Json | undefined)?.Variables as Record<string, unknown>) ?? {},
  };
}

export const checkFunction = (t: Template) => lambdaFunction(t, CHECK_FUNCTION);

/** The logical ID a target ARN points at: `Fn::GetAtt [X, Arn]` or `Ref X` (following alias/version). */
function targetFunctionId(t: Template, arn: unknown): string | undefined {
  const a = arn as { 'Fn::GetAtt'?: unknown; Ref?: unknown } | undefined;
  let id: unknown;
  if (Array.isArray(a?.['Fn::GetAtt'])) id = a['Fn::GetAtt'][0];
  else if (typeof a?.['Fn::GetAtt'] === 'string') id = a['Fn::GetAtt'].split('.')[0];
  else id = a?.Ref;
  if (typeof id !== 'string') return undefined;
  const r = t.Resources[id];
  if (r?.Type === 'AWS::Lambda::Alias' || r?.Type === 'AWS::Lambda::Version') {
    return targetFunctionId(t, r.Properties?.FunctionName);
  }
  // A queue target reaches the function its event source mapping polls for (the check queue).
  if (r?.Type === 'AWS::SQS::Queue') {
    const mapping = Object.values(t.Resources).find(
      (m) =>
        m.Type === 'AWS::Lambda::EventSourceMapping' &&
        JSON.stringify(m.Properties?.EventSourceArn) === JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] }),
    );
    return mapping ? targetFunctionId(t, mapping.Properties?.FunctionName) : id;
  }
  return id;
}

export interface PatternRule {
  logicalId: string;
  eventPattern: Json;
  /** The name of the custom bus the rule is on (a bus of the stack, by its Name), or undefined: the default bus. */
  eventBusName?: string;
  /** What the rule targets on its way to the function: a queue (its logical ID), or the function itself. */
  via: { queue: string } | 'function';
}

/**
 * Every event-pattern rule whose target is the check function, found by type and target rather than by
 * logical name (which serverless derives from the stage and may change). Schedule rules are left out.
 */
export function checkPatternRules(t: Template): PatternRule[] {
  const fn = checkFunction(t).logicalId;
  return Object.entries(t.Resources)
    .filter(([, r]) => r.Type === 'AWS::Events::Rule' && r.Properties?.EventPattern !== undefined)
    .filter(([, r]) =>
      ((r.Properties?.Targets as Array<{ Arn?: unknown }> | undefined) ?? []).some(
        (target) => targetFunctionId(t, target.Arn) === fn,
      ),
    )
    .map(([logicalId, r]) => {
      const raw = r.Properties?.EventPattern;
      // CloudFormation accepts the pattern as an object or as a JSON string.
      const eventPattern = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Json;
      const target = ((r.Properties?.Targets as Array<{ Arn?: unknown }> | undefined) ?? []).find(
        (x) => targetFunctionId(t, x.Arn) === fn,
      );
      const targetId = (target?.Arn as { 'Fn::GetAtt'?: unknown[] } | undefined)?.['Fn::GetAtt']?.[0];
      const via: PatternRule['via'] =
        typeof targetId === 'string' && t.Resources[targetId]?.Type === 'AWS::SQS::Queue'
          ? { queue: targetId }
          : 'function';
      const bus = r.Properties?.EventBusName as { Ref?: unknown } | undefined;
      if (bus === undefined) return { logicalId, eventPattern, via };
      const busName = typeof bus.Ref === 'string' ? t.Resources[bus.Ref]?.Properties?.Name : undefined;
      if (typeof busName !== 'string')
        throw new Error(`rule ${logicalId}: EventBusName ${JSON.stringify(bus)} is not a bus of the stack`);
      return { logicalId, eventPattern, eventBusName: busName, via };
    });
}
