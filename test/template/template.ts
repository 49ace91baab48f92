// Reading the CloudFormation template that `serverless package` generated (scripts/check-template.sh).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export interface CfnResource {
  Type: string;
  Condition?: string;
  DeletionPolicy?: string;
  Properties?: Record<string, unknown>;
}

export interface CfnTemplate {
  Parameters?: Record<string, { Default?: unknown }>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, CfnResource>;
}

/** The template under test: TEMPLATE_PATH, else osls's default output. */
export function loadTemplate(): CfnTemplate {
  const path = resolve(process.env.TEMPLATE_PATH ?? '.serverless/cloudformation-template-update-stack.json');
  return JSON.parse(readFileSync(path, 'utf8')) as CfnTemplate;
}

/** The resource with this logical ID; a missing one fails the test, naming it. */
export function resourceOf(template: CfnTemplate, id: string): CfnResource {
  const found = template.Resources[id];
  if (!found) throw new Error(`resource ${id} is not in the template`);
  return found;
}

export function resourcesOfType(template: CfnTemplate, type: string): [string, CfnResource][] {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

export function props(resource: CfnResource | undefined): Record<string, unknown> {
  return resource?.Properties ?? {};
}

/** The logical ID a `Ref` or `Fn::GetAtt` points to, or undefined for anything else. */
export function referencedId(value: unknown): string | undefined {
  if (value && typeof value === 'object') {
    const ref = (value as Record<string, unknown>).Ref;
    if (typeof ref === 'string') return ref;
    const getAtt = (value as Record<string, unknown>)['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  }
  return undefined;
}

/** A string, or the format string of an `Fn::Sub`, for matching ARN shapes. */
export function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const sub = (value as Record<string, unknown>)['Fn::Sub'];
    if (typeof sub === 'string') return sub;
    if (Array.isArray(sub) && typeof sub[0] === 'string') return sub[0];
  }
  return undefined;
}

export function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: unknown;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

export interface LocatedStatement {
  /** Where the statement lives, e.g. "IamRoleLambdaExecution (AWS::IAM::Role)". */
  where: string;
  /** Identity policies grant to their role; resource policies (key, queue, bucket, topic) name principals. */
  kind: 'identity' | 'resource';
  statement: PolicyStatement;
  /** The condition an `Fn::If` around the policy puts on it (its true branch), if any. */
  onlyIf?: string;
}

/**
 * The values an `Fn::If` may take, each with the condition it depends on (`!X` for the false branch);
 * `AWS::NoValue` is dropped. Anything else is itself, unconditionally.
 */
export function ifBranches(value: unknown): { value: unknown; onlyIf?: string }[] {
  const fnIf = (value as Record<string, unknown> | null)?.['Fn::If'];
  if (!Array.isArray(fnIf) || typeof fnIf[0] !== 'string') return [{ value }];
  const condition = fnIf[0];
  return [
    { value: fnIf[1], onlyIf: condition },
    { value: fnIf[2], onlyIf: `!${condition}` },
  ].filter((b) => referencedId(b.value) !== 'AWS::NoValue');
}

function statementsOf(document: unknown): PolicyStatement[] {
  const statement = (document as { Statement?: unknown } | undefined)?.Statement;
  // A statement inside an Fn::If counts in both branches, so that no test can overlook it.
  return asArray(statement).flatMap((s) => ifBranches(s).map((b) => b.value as PolicyStatement));
}

/** Every IAM-language statement anywhere in the template: role/managed/inline policies and resource policies. */
export function allPolicyStatements(template: CfnTemplate): LocatedStatement[] {
  const located: LocatedStatement[] = [];
  for (const [id, resource] of Object.entries(template.Resources)) {
    const p = props(resource);
    const where = `${id} (${resource.Type})`;
    const add = (kind: LocatedStatement['kind'], document: unknown, onlyIf?: string) => {
      for (const statement of statementsOf(document))
        located.push({ where, kind, statement, ...(onlyIf && { onlyIf }) });
    };
    switch (resource.Type) {
      case 'AWS::IAM::Role':
      case 'AWS::IAM::User':
      case 'AWS::IAM::Group':
        // A policy may sit in an Fn::If (e.g. grants on resources that exist only under a condition).
        for (const entry of asArray(p.Policies as unknown[] | undefined)) {
          for (const { value, onlyIf } of ifBranches(entry)) {
            add('identity', (value as { PolicyDocument?: unknown }).PolicyDocument, onlyIf);
          }
        }
        break;
      case 'AWS::IAM::Policy':
      case 'AWS::IAM::ManagedPolicy':
      case 'AWS::IAM::RolePolicy':
        add('identity', p.PolicyDocument);
        break;
      case 'AWS::KMS::Key':
        add('resource', p.KeyPolicy);
        break;
      case 'AWS::SQS::QueuePolicy':
      case 'AWS::SNS::TopicPolicy':
      case 'AWS::S3::BucketPolicy':
        add('resource', p.PolicyDocument);
        break;
      case 'AWS::Events::EventBusPolicy':
        add('resource', { Statement: p.Statement });
        break;
      case 'AWS::Lambda::Function':
      case 'AWS::Lambda::Permission':
      default:
        break;
    }
  }
  return located;
}

/** A minimal EventBridge pattern matcher: exact values, `exists`, `prefix` and `wildcard` (`*` only). */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  if (!pattern || typeof pattern !== 'object' || Array.isArray(pattern)) return false;
  for (const [key, expected] of Object.entries(pattern as Record<string, unknown>)) {
    const actual = event && typeof event === 'object' ? (event as Record<string, unknown>)[key] : undefined;
    if (Array.isArray(expected)) {
      const ok = expected.some((choice) => {
        if (choice && typeof choice === 'object' && 'exists' in choice) {
          return (choice as { exists: boolean }).exists === (actual !== undefined);
        }
        if (choice && typeof choice === 'object' && 'prefix' in choice) {
          const prefix = (choice as { prefix: string }).prefix;
          return asArray(actual as unknown).some((v) => typeof v === 'string' && v.startsWith(prefix));
        }
        if (choice && typeof choice === 'object' && 'wildcard' in choice) {
          const glob = (choice as { wildcard: string }).wildcard;
          const re = new RegExp(
            `^${glob
              .split('*')
              .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
              .join('.*')}$`,
          );
          return asArray(actual as unknown).some((v) => typeof v === 'string' && re.test(v));
        }
        if (choice && typeof choice === 'object') {
          throw new Error(`pattern operator not supported by this matcher: ${JSON.stringify(choice)}`);
        }
        return asArray(actual as unknown).some((v) => v === choice);
      });
      if (!ok) return false;
    } else if (!matchesPattern(expected, actual)) {
      return false;
    }
  }
  return true;
}

/** Logical IDs that receive dead letters: rule and function DLQs, async-invoke failure destinations, redrives. */
export function deadLetterTargets(template: CfnTemplate): string[] {
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      const v = value as Record<string, unknown> | undefined;
      const target =
        key === 'DeadLetterConfig'
          ? referencedId(v?.Arn ?? v?.TargetArn)
          : key === 'OnFailure'
            ? referencedId(v?.Destination)
            : key === 'deadLetterTargetArn'
              ? referencedId(value)
              : undefined;
      if (target) found.push(target);
      walk(value);
    }
  };
  walk(template.Resources);
  return found;
}
