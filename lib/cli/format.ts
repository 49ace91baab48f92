import { headline } from '../domain/alertText';
import { cleanText } from '../domain/text';
import type { CheckResult, Report } from '../domain/types';

const COLUMNS = ['BUCKET', 'REGION', 'STATUS', 'SEVERITY', 'VERSIONING', 'MFA DELETE', 'NOTE'] as const;

function row(r: CheckResult): string[] {
  const note =
    r.status === 'drift' && !r.remediation
      ? 'no script: account ID unknown, run again with --account ID'
      : r.status === 'drift' || r.status === 'restored'
        ? headline(r)
        : (r.reason ?? r.findings[0]?.message ?? '');
  return [
    cleanText(r.bucket, 63),
    r.region ?? '-',
    r.status,
    r.severity,
    r.versioning?.status ?? '-',
    r.versioning?.mfaDelete ?? '-',
    cleanText(note, 80),
  ];
}

/** A plain table, then each drift's remediation script. */
export function formatReport(report: Report): string {
  const rows = [COLUMNS as readonly string[], ...report.results.map(row)];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const lines = rows.map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
  const out = [lines.join('\n')];
  for (const r of report.results) {
    if (r.status === 'drift' && !r.remediation) {
      out.push(
        '',
        `# ${r.bucket}: ${headline(r)}`,
        `# ${cleanText(r.reason ?? 'No remediation script.', 300)}`,
      );
    }
    if (!r.remediation) continue;
    out.push(
      '',
      `# ${r.bucket}: ${headline(r)}`,
      ...r.remediation.warnings.map((w) => `# ! ${w}`),
      r.remediation.script.trimEnd(),
    );
  }
  return `${out.join('\n')}\n`;
}

/** 1 drift, 2 bad input (a name that is not valid or does not exist), 3 could not verify, else 0. */
export function exitCodeFor(report: Report): number {
  if (report.results.some((r) => r.status === 'drift')) return 1;
  if (report.results.some((r) => r.status === 'invalid-input' || r.status === 'no-such-bucket')) return 2;
  if (report.results.some((r) => r.status === 'unverified')) return 3;
  return 0;
}

/**
 * The report as `JSON.stringify(report, null, 2)` prints it, in pieces: each element of a top-level array is
 * serialised on its own, so that a sweep of thousands of buckets never holds its whole JSON text at once.
 */
export function* reportJsonChunks(report: object): Generator<string> {
  const indent = (text: string, by: string) => text.replace(/\n/g, `\n${by}`);
  const entries = Object.entries(report).filter(([, v]) => v !== undefined && typeof v !== 'function');
  if (entries.length === 0) {
    yield '{}\n';
    return;
  }
  yield '{';
  for (const [i, [key, value]] of entries.entries()) {
    const head = `${i ? ',' : ''}\n  ${JSON.stringify(key)}: `;
    if (!Array.isArray(value) || value.length === 0) {
      yield head + indent(JSON.stringify(value, null, 2), '  ');
      continue;
    }
    yield `${head}[`;
    for (const [j, item] of value.entries())
      yield `${j ? ',' : ''}\n    ${indent(JSON.stringify(item, null, 2) ?? 'null', '    ')}`;
    yield '\n  ]';
  }
  yield '\n}\n';
}
