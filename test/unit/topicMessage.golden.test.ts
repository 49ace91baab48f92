// Golden files for every kind of topic message that is not one bucket's alert (those are in
// renderAlert.golden.test.ts), in every channel. UPDATE_GOLDEN=1 rewrites them.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { snsPublication } from '../../lib/channels/publish';
import { renderSlack } from '../../lib/channels/slack';
import { slackLimitViolations } from '../../lib/channels/slack/blockKit';
import { TOPIC_MESSAGE_KINDS } from '../../lib/domain/topicMessage';
import { topicFixtures } from '../golden/topicFixtures';

const GOLDEN_DIR = join(__dirname, '..', 'golden', 'topic');
const update = process.env.UPDATE_GOLDEN === '1';
const fixtures = topicFixtures();

function renderings(name: string) {
  const message = fixtures.find((f) => f.name === name)!.message;
  const published = snsPublication(message);
  const channels = JSON.parse(published.message) as Record<string, string>;
  return {
    'email.txt': `Subject: ${published.subject}\n\n${channels.email}`,
    'chatbot.json': `${JSON.stringify(JSON.parse(channels.https!), null, 2)}\n`,
    'slack.json': `${JSON.stringify(renderSlack(message), null, 2)}\n`,
    'default.json': `${JSON.stringify(JSON.parse(channels.default!), null, 2)}\n`,
  };
}

describe('golden renderings of topic messages', () => {
  it('cover every kind but the per-bucket alert and notice', () => {
    const kinds = new Set(fixtures.map((f) => f.message.kind));
    expect([...kinds].sort()).toEqual(
      TOPIC_MESSAGE_KINDS.filter((k) => k !== 'alert' && k !== 'notice').sort(),
    );
  });

  for (const { name, message } of fixtures) {
    it(`${name} matches its golden files, and Slack would accept it`, () => {
      expect(slackLimitViolations(renderSlack(message))).toEqual([]);
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
