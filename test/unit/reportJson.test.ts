import { describe, expect, it } from 'vitest';
import { reportJsonChunks } from '../../lib/cli/format';

const text = (report: object) => [...reportJsonChunks(report)].join('');

describe('reportJsonChunks', () => {
  it('prints exactly what JSON.stringify(report, null, 2) prints, one array element per piece', () => {
    const report = {
      results: [
        {
          bucket: 'a',
          findings: [],
          nested: { list: [1, 2], text: 'line\nbreak "quoted"' },
          none: undefined,
        },
        { bucket: 'b', remediation: { script: '#!/bin/sh\necho hi\n', warnings: ['w'] } },
      ],
      empty: [],
      skipped: undefined,
      sweep: { total: 2, counts: { drift: 1, compliant: 1 }, digest: { published: false } },
    };
    expect(text(report)).toBe(`${JSON.stringify(report, null, 2)}\n`);
    expect([...reportJsonChunks(report)].length).toBeGreaterThan(4);
    expect(text({ results: [] })).toBe(`${JSON.stringify({ results: [] }, null, 2)}\n`);
    expect(text({})).toBe('{}\n');
  });
});
