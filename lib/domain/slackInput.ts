// What the Slack notifier accepts: the machine-readable copy of an alert that SNS delivers to a lambda
// subscription (the `lambda` key of our JSON-structured publish, or `default`). Checked with zod, so
// that a foreign message on the topic is reported, not half-rendered.
import { z } from 'zod';
import { SEVERITY_RANK } from './decide';
import { SEVERITIES, STATUSES, type CheckResult, type Severity } from './types';

const severity = z.enum(SEVERITIES);
const status = z.enum(STATUSES);
const requested = z.object({
  status: z.enum(['Enabled', 'Suspended']).optional(),
  mfaDelete: z.enum(['Enabled', 'Disabled']).optional(),
});

// Field names mirror CheckResult (lib/domain/types.ts); the golden and notifier tests round-trip it.
const checkResult = z.object({
  bucket: z.string(),
  account: z.string().optional(),
  region: z.string().optional(),
  status,
  severity,
  versioning: z
    .object({
      status: z.enum(['Enabled', 'Suspended', 'Unversioned']),
      mfaDelete: z.enum(['Enabled', 'Disabled', 'NeverConfigured']),
    })
    .optional(),
  findings: z.array(z.object({ code: z.string(), message: z.string() })),
  actor: z
    .object({
      type: z.string(),
      rawType: z.string().optional(),
      arn: z.string().optional(),
      principalId: z.string().optional(),
      accountId: z.string().optional(),
      accessKeyId: z.string().optional(),
      userName: z.string().optional(),
      sessionIssuerArn: z.string().optional(),
      sessionName: z.string().optional(),
      mfaAuthenticated: z.boolean().optional(),
      invokedBy: z.string().optional(),
    })
    .optional(),
  event: z
    .object({
      id: z.string(),
      time: z.string(),
      sourceIp: z.string().optional(),
      userAgent: z.string().optional(),
      requested,
    })
    .optional(),
  remediation: z.object({ script: z.string(), warnings: z.array(z.string()) }).optional(),
  alerted: z.boolean(),
  reason: z.string().optional(),
  trigger: z.enum(['cloudtrail', 'manual', 'sweep']),
  checkedAt: z.string(),
});

const machineAlert = z.object({ source: z.literal('mfa-delete-guard'), result: checkResult });

export class AlertMessageError extends Error {
  override name = 'AlertMessageError';
}

/** Parse an SNS Message body; throws AlertMessageError (with no message content) when it is not ours. */
export function parseAlertMessage(message: string): CheckResult {
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    throw new AlertMessageError(
      'SNS message is not JSON: is the topic publishing with MessageStructure json?',
    );
  }
  const parsed = machineAlert.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AlertMessageError(
      `SNS message is not an mfa-delete-guard alert (${issue?.path.join('.') || 'root'}: ${issue?.code ?? 'invalid'})`,
    );
  }
  // Finding codes and actor types are open strings on the wire; the renderer treats them as text.
  return parsed.data.result as CheckResult;
}

export function parseMinSeverity(value: string | undefined): Severity {
  const parsed = severity.safeParse(value === undefined || value === '' ? 'info' : value);
  if (!parsed.success)
    throw new AlertMessageError(`SLACK_MIN_SEVERITY must be one of ${severity.options.join(', ')}`);
  return parsed.data;
}

export const atLeast = (value: Severity, min: Severity): boolean =>
  SEVERITY_RANK[value] >= SEVERITY_RANK[min];
