// The packaged template against its reviewed summary (test/template/golden/prod.summary.txt): the resources,
// every grant and the wiring of each function. A change to any of them fails here with a readable diff;
// review it, then UPDATE_GOLDEN=1 npm run check:template rewrites the summary.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarize } from './summary';
import { loadTemplate } from './template';

const GOLDEN = join(__dirname, 'golden', 'prod.summary.txt');

describe('the packaged template', () => {
  it('matches its reviewed summary: resources, grants, function wiring', () => {
    const summary = summarize(loadTemplate());
    if (process.env.UPDATE_GOLDEN === '1') {
      mkdirSync(dirname(GOLDEN), { recursive: true });
      writeFileSync(GOLDEN, summary);
    }
    expect(existsSync(GOLDEN), `${GOLDEN} is missing: run UPDATE_GOLDEN=1 npm run check:template`).toBe(true);
    expect(summary).toBe(readFileSync(GOLDEN, 'utf8'));
  });
});
