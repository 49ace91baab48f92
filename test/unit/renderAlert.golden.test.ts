// Golden files: every status × channel, reviewed like code. UPDATE_GOLDEN=1 rewrites them; otherwise
// each rendering must equal its file byte for byte.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderSlack } from '../../lib/channels/slack/alert';
import { renderAlert } from '../support/renderAlert';
import { edgeFixtures, scenarioFixtures } from '../golden/fixtures';

const GOLDEN_DIR = join(__dirname, '..', 'golden');
const update = process.env.UPDATE_GOLDEN === '1';
const fixtures = [...scenarioFixtures(), ...edgeFixtures()];

function renderings(name: string) {
  const result = fixtures.find((f) => f.name === name)!.result;
  const alert = renderAlert(result);
  const channels = JSON.parse(alert.message) as Record<string, string>;
  return {
    'email.txt': `Subject: ${alert.subject}\n\n${channels.email}`,
    'chatbot.json': `${JSON.stringify(JSON.parse(channels.https!), null, 2)}\n`,
    'slack.json': `${JSON.stringify(renderSlack(result), null, 2)}\n`,
    'default.json': `${JSON.stringify(JSON.parse(channels.default!), null, 2)}\n`,
  };
}

describe('golden renderings', () => {
  it('cover every status', () => {
    const statuses = new Set(fixtures.map((f) => f.result.status));
    expect([...statuses].sort()).toEqual(
      [
        'attempt-failed',
        'compliant',
        'drift',
        'exempt',
        'gone',
        'ignored',
        'invalid-input',
        'not-required',
        'restored',
        'scope-change',
        'unverified',
      ].sort(),
    );
  });

  for (const { name } of fixtures) {
    it(`${name} matches its golden files`, () => {
      const dir = join(GOLDEN_DIR, name);
      for (const [file, rendered] of Object.entries(renderings(name))) {
        const path = join(dir, file);
        if (update) {
          mkdirSync(dir, { recursive: true });
          writeFileSync(path, rendered);
        }
        expect(existsSync(path), `${path} is missing: run UPDATE_GOLDEN=1 npx vitest run ${__filename}`).toBe(
          true,
        );
        expect(rendered, `${name}/${file}`).toBe(readFileSync(path, 'utf8'));
      }
    });
  }
});
