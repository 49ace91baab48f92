// A compact, reviewable summary of the packaged template: what exists, who may do what, and what runs when.
// test/template/summary.test.ts compares it with test/template/golden/prod.summary.txt, so that a change to
// resources, grants or wiring shows up as a readable diff (UPDATE_GOLDEN=1 rewrites the file).
import {
  allPolicyStatements,
  asArray,
  ifBranches,
  props,
  referencedId,
  resourcesOfType,
  textOf,
  type CfnTemplate,
} from './template';

/** A value as a reviewer reads it: a stack resource by logical ID, an ARN pattern by its text, else JSON. */
function show(value: unknown): string {
  const branches = ifBranches(value);
  if (branches.length > 1 || branches[0]?.onlyIf) {
    return branches.map((b) => `${show(b.value)} if ${b.onlyIf}`).join(' | ');
  }
  if (typeof value === 'string') return value === '' ? "''" : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return referencedId(value) ?? textOf(value) ?? JSON.stringify(value);
}

const condition = (c: string | undefined): string => (c ? `  [if ${c}]` : '');

// Version resources are named after the code's hash; they change with every code change, not with the design.
const isVersion = (type: string): boolean => type === 'AWS::Lambda::Version';

export function summarize(template: CfnTemplate): string {
  const lines: string[] = [];
  const resources = Object.entries(template.Resources).sort(([a], [b]) => a.localeCompare(b));

  lines.push('# Resources: logical ID, type, condition');
  for (const [id, r] of resources) {
    if (!isVersion(r.Type)) lines.push(`${id}  ${r.Type}${condition(r.Condition)}`);
  }

  lines.push(
    '',
    '# Grants: who may do what, on what (identity policies by role; resource policies by resource)',
  );
  const grants = new Map<string, Set<string>>();
  for (const { where, kind, statement, onlyIf } of allPolicyStatements(template)) {
    const owner = where.split(' ')[0]!;
    const actions = asArray(statement.Action ?? statement.NotAction).map((a) =>
      statement.NotAction ? `not ${a}` : a,
    );
    const targets = asArray(statement.Resource as unknown).map(show);
    const who = kind === 'resource' ? ` by ${JSON.stringify(statement.Principal)}` : '';
    const when = statement.Condition ? ` when ${JSON.stringify(statement.Condition)}` : '';
    const set = grants.get(owner) ?? new Set<string>();
    for (const action of actions) {
      for (const target of targets) {
        set.add(
          `  ${statement.Effect} ${action} on ${target}${who}${when}${onlyIf ? `  [if ${onlyIf}]` : ''}`,
        );
      }
    }
    grants.set(owner, set);
  }
  for (const owner of [...grants.keys()].sort()) {
    lines.push(owner, ...[...grants.get(owner)!].sort());
  }

  lines.push('', '# Functions: handler, sizing, environment, failure handling, what invokes them');
  const refersTo = (value: unknown, id: string) => referencedId(value) === id;
  for (const [id, fn] of resourcesOfType(template, 'AWS::Lambda::Function').sort(([a], [b]) =>
    a.localeCompare(b),
  )) {
    const p = props(fn);
    lines.push(
      `${id}${condition(fn.Condition)}`,
      `  handler ${String(p.Handler)}, role ${show(p.Role)}, ${String(p.MemorySize)} MB, ${String(p.Timeout)} s`,
    );
    const env = (p.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
    for (const name of Object.keys(env).sort()) lines.push(`  env ${name}=${show(env[name])}`);
    for (const [, config] of resourcesOfType(template, 'AWS::Lambda::EventInvokeConfig')) {
      const c = props(config);
      if (!refersTo(c.FunctionName, id)) continue;
      const onFailure = (c.DestinationConfig as { OnFailure?: { Destination?: unknown } } | undefined)
        ?.OnFailure;
      lines.push(
        `  async: ${String(c.MaximumRetryAttempts)} retries, max age ${String(c.MaximumEventAgeInSeconds)} s, ` +
          `on failure to ${show(onFailure?.Destination)}`,
      );
    }
    // The rules that target `targetId` (the function, or a queue its event source mapping reads).
    const rulesTo = (targetId: string, indent: string, verb: string) => {
      for (const [ruleId, rule] of resourcesOfType(template, 'AWS::Events::Rule')) {
        for (const target of asArray(props(rule).Targets as Record<string, unknown>[])) {
          if (!refersTo(target.Arn, targetId)) continue;
          const r = props(rule);
          const what = r.ScheduleExpression
            ? `schedule ${show(r.ScheduleExpression)}`
            : `pattern ${JSON.stringify(r.EventPattern)}`;
          const dlq = (target.DeadLetterConfig as { Arn?: unknown } | undefined)?.Arn;
          const bus = r.EventBusName ? ` on bus ${show(r.EventBusName)}` : '';
          lines.push(
            `${indent}${verb} rule ${ruleId}${bus} (${what})${dlq ? `, undelivered to ${show(dlq)}` : ''}`,
          );
        }
      }
    };
    rulesTo(id, '  ', 'invoked by');
    for (const [mappingId, mapping] of resourcesOfType(template, 'AWS::Lambda::EventSourceMapping')) {
      const m = props(mapping);
      if (!refersTo(m.FunctionName, id)) continue;
      lines.push(
        `  invoked by ${mappingId} from ${show(m.EventSourceArn)}, batch ${String(m.BatchSize)}, ` +
          `responses ${JSON.stringify(m.FunctionResponseTypes ?? [])}, scaling ${JSON.stringify(m.ScalingConfig ?? {})}`,
      );
      const queue = referencedId(m.EventSourceArn);
      if (queue) rulesTo(queue, '    ', 'fed by');
    }
    for (const [subId, sub] of resourcesOfType(template, 'AWS::SNS::Subscription')) {
      const s = props(sub);
      if (!refersTo(s.Endpoint, id)) continue;
      const redrive = (s.RedrivePolicy as { deadLetterTargetArn?: unknown } | undefined)?.deadLetterTargetArn;
      lines.push(
        `  invoked by ${subId} on ${show(s.TopicArn)}${redrive ? `, undeliverable to ${show(redrive)}` : ''}`,
      );
    }
    for (const [permId, perm] of resourcesOfType(template, 'AWS::Lambda::Permission')) {
      const q = props(perm);
      if (!refersTo(q.FunctionName, id)) continue;
      lines.push(`  permission ${permId}: ${show(q.Principal)} from ${show(q.SourceArn)}`);
    }
  }

  lines.push('', '# Outputs');
  for (const [name, output] of Object.entries(
    (template as { Outputs?: Record<string, { Value?: unknown }> }).Outputs ?? {},
  ).sort(([a], [b]) => a.localeCompare(b))) {
    if (!/QualifiedArn$/.test(name)) lines.push(`${name}  ${show(output.Value)}`);
  }
  return `${lines.join('\n')}\n`;
}
