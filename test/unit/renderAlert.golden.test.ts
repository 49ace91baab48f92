// Golden files: every status × channel, reviewed like code. UPDATE_GOLDEN=1 rewrites them; otherwise
// each rendering must equal its file byte for byte.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderSlack } from '../../lib/channels/slack/alert';
import { renderAlert } from '../support/renderAlert';
import { edgeFixtures, scenarioFixtures } from '../golden/fixtures';
import { channelFiles, expectGolden } from '../support/golden';

const GOLDEN_DIR = join(__dirname, '..', 'golden');
const fixtures = [...scenarioFixtures(), ...edgeFixtures()];

function renderings(name: string) {
  const result = fixtures.find((f) => f.name === name)!.result;
  return channelFiles(renderAlert(result), renderSlack(result));
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
      expectGolden(join(GOLDEN_DIR, name), renderings(name), __filename);
    });
  }
});
