// A small evaluator of IAM policy statements over a request context, for the template tests: enough of the
// policy language for this stack's resource policies (Principal "*" / AWS / Service, Allow and Deny, the
// condition operators below, `…IfExists`), with CloudFormation intrinsics resolved for one account and Region.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
import { asArray, type PolicyStatement } from './template';

export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';
export const PARTITION = 'aws';

/** The ARN a Fn::GetAtt [id, Arn] stands for in these tests. */
export function arnOfResource(id: string, type: string | undefined): string {
  switch (type) {
    case 'AWS::IAM::Role':
      return `arn:${PARTITION}:iam::${ACCOUNT}:role/${id}`;
    case 'AWS::CloudWatch::Alarm':
      return `arn:${PARTITION}:cloudwatch:${REGION}:${ACCOUNT}:alarm:${id}`;
    case 'AWS::KMS::Key':
      return `arn:${PARTITION}:kms:${REGION}:${ACCOUNT}:key/${id}`;
    case 'AWS::SNS::Topic':
      return `arn:${PARTITION}:sns:${REGION}:${ACCOUNT}:${id}`;
    default:
      return `arn:${PARTITION}:test:${REGION}:${ACCOUNT}:${id}`;
  }
}

const NO_VALUE = Symbol('AWS::NoValue');

/**
 * Resolve intrinsics: Ref (pseudo parameters, resources), Fn::GetAtt Arn, Fn::Sub, Fn::If (by `conditions`,
 * true unless named false), Fn::Join, Fn::Split. AWS::NoValue disappears from lists and objects.
 */
export function resolve(
  value: unknown,
  types: Record<string, string>,
  conditions: Record<string, boolean> = {},
): unknown {
  const pseudo: Record<string, string> = {
    'AWS::AccountId': ACCOUNT,
    'AWS::Region': REGION,
    'AWS::Partition': PARTITION,
  };
  const go = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(go).filter((x) => x !== NO_VALUE);
    if (!v || typeof v !== 'object') return v;
    const o = v as Record<string, unknown>;
    if ('Ref' in o) {
      const ref = o.Ref as string;
      if (ref === 'AWS::NoValue') return NO_VALUE;
      if (ref in pseudo) return pseudo[ref];
      const type = types[ref];
      return type === 'AWS::SNS::Topic' ? arnOfResource(ref, type) : ref;
    }
    if ('Fn::GetAtt' in o) {
      const [id, attr] = o['Fn::GetAtt'] as [string, string];
      if (attr !== 'Arn') throw new Error(`GetAtt ${id}.${attr} is not modelled`);
      return arnOfResource(id, types[id]);
    }
    if ('Fn::Sub' in o) {
      const s = o['Fn::Sub'];
      if (typeof s !== 'string') throw new Error('Fn::Sub with variables is not modelled');
      return s.replace(/\$\{([^}]+)\}/g, (_m, name: string) => {
        if (name in pseudo) return pseudo[name]!;
        throw new Error(`Fn::Sub variable ${name} is not modelled`);
      });
    }
    if ('Fn::If' in o) {
      const [condition, yes, no] = o['Fn::If'] as [string, unknown, unknown];
      return go(conditions[condition] === false ? no : yes);
    }
    if ('Fn::Join' in o) {
      const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
      return (go(parts) as unknown[]).join(sep);
    }
    if ('Fn::Split' in o) {
      const [sep, text] = o['Fn::Split'] as [string, unknown];
      return String(go(text)).split(sep);
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) {
      const r = go(x);
      if (r !== NO_VALUE) out[k] = r;
    }
    return out;
  };
  const r = go(value);
  return r === NO_VALUE ? undefined : r;
}

/** Who asks, and the request context keys the policies read (absent keys are simply not there). */
export interface Request {
  /** An IAM principal's ARN (role ARN for a role session, account root ARN for the root user). */
  principalArn?: string;
  /** A service principal, e.g. cloudwatch.amazonaws.com. */
  service?: string;
  action: string;
  context: Record<string, string>;
}

/** The request context AWS builds for a role session, the root user, a service principal, or anonymous. */
export const asRole = (name: string, action: string): Request => {
  const arn = `arn:${PARTITION}:iam::${ACCOUNT}:role/${name}`;
  return {
    principalArn: arn,
    action,
    context: { 'aws:PrincipalArn': arn, 'aws:PrincipalIsAWSService': 'false' },
  };
};
export const asRoleArn = (arn: string, action: string): Request => ({
  principalArn: arn,
  action,
  context: { 'aws:PrincipalArn': arn, 'aws:PrincipalIsAWSService': 'false' },
});
export const asService = (
  service: string,
  action: string,
  sourceArn?: string,
  sourceAccount = ACCOUNT,
): Request => ({
  service,
  action,
  context: {
    'aws:PrincipalIsAWSService': 'true',
    'aws:PrincipalServiceName': service,
    'aws:SourceAccount': sourceAccount,
    ...(sourceArn && { 'aws:SourceArn': sourceArn }),
  },
});
export const anonymous = (action: string): Request => ({ action, context: {} });

const glob = (pattern: string, value: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  ).test(value);

function principalMatches(principal: unknown, r: Request): boolean {
  if (principal === '*') return true;
  const p = principal as { AWS?: unknown; Service?: unknown };
  if (p.AWS !== undefined) {
    for (const a of asArray(p.AWS as string | string[])) {
      if (a === '*' && r.principalArn) return true;
      if (!r.principalArn) continue;
      if (a === r.principalArn) return true;
      // The account principal (arn:…:root or the bare ID) stands for every principal of the account.
      const acct = /^arn:[^:]+:iam::(\d{12}):root$/.exec(a)?.[1] ?? (/^\d{12}$/.test(a) ? a : undefined);
      if (acct && r.principalArn.split(':')[4] === acct) return true;
    }
  }
  if (p.Service !== undefined && r.service)
    return asArray(p.Service as string | string[]).includes(r.service);
  return false;
}

function conditionHolds(
  operator: string,
  key: string,
  expected: unknown,
  context: Record<string, string>,
): boolean {
  const ifExists = operator.endsWith('IfExists');
  const op = ifExists ? operator.slice(0, -'IfExists'.length) : operator;
  const actual = context[key];
  const values = asArray(expected as string | string[]).map(String);
  if (actual === undefined) return ifExists || op.includes('Not');
  switch (op) {
    case 'StringEquals':
      return values.includes(actual);
    case 'StringNotEquals':
      return !values.includes(actual);
    case 'StringLike':
      return values.some((v) => glob(v, actual));
    case 'ArnEquals':
    case 'ArnLike':
      return values.some((v) => glob(v, actual));
    case 'ArnNotEquals':
    case 'ArnNotLike':
      return !values.some((v) => glob(v, actual));
    case 'Bool':
      return values.includes(actual);
    default:
      throw new Error(`condition operator ${operator} is not modelled`);
  }
}

export function statementMatches(s: PolicyStatement, r: Request, resource?: string): boolean {
  if (!principalMatches(s.Principal, r)) return false;
  const actions = asArray(s.Action);
  if (!actions.some((a) => glob(a.toLowerCase(), r.action.toLowerCase()))) return false;
  if (
    resource !== undefined &&
    s.Resource !== undefined &&
    !asArray(s.Resource as string).some((x) => glob(x, resource))
  )
    return false;
  for (const [operator, block] of Object.entries(s.Condition ?? {})) {
    for (const [key, expected] of Object.entries(block)) {
      if (!conditionHolds(operator, key, expected, r.context)) return false;
    }
  }
  return true;
}

/** What a resource policy says about a request: an explicit deny wins, then an allow, else nothing. */
export function decision(
  statements: PolicyStatement[],
  r: Request,
  resource?: string,
): 'deny' | 'allow' | 'none' {
  const matching = statements.filter((s) => statementMatches(s, r, resource));
  if (matching.some((s) => s.Effect === 'Deny')) return 'deny';
  if (matching.some((s) => s.Effect === 'Allow')) return 'allow';
  return 'none';
}
