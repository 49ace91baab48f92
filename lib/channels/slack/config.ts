// The Slack notifier's one setting besides the webhook: the minimum severity of alerts and digests it posts.
import * as z from 'zod/mini';
import '../../domain/schema';
import { SEVERITIES, type Severity } from '../../domain/types';

export class SlackConfigError extends Error {
  override name = 'SlackConfigError';
}

const severity = z.enum(SEVERITIES);

export function parseMinSeverity(value: string | undefined): Severity {
  const parsed = severity.safeParse(value === undefined || value === '' ? 'info' : value);
  if (!parsed.success)
    throw new SlackConfigError(`SLACK_MIN_SEVERITY must be one of ${severity.options.join(', ')}`);
  return parsed.data;
}
