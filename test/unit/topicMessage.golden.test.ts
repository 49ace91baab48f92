// Golden files for every kind of topic message that is not one bucket's alert (those are in
// renderAlert.golden.test.ts), in every channel. UPDATE_GOLDEN=1 rewrites them.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { snsPublication } from '../../lib/channels/publish';
import { renderSlack } from '../../lib/channels/slack';
import { slackLimitViolations } from '../../lib/channels/slack/blockKit';
import { TOPIC_MESSAGE_KINDS } from '../../lib/domain/topicMessage';
import { topicFixtures } from '../golden/topicFixtures';
import { channelFiles, expectGolden } from '../support/golden';

const GOLDEN_DIR = join(__dirname, '..', 'golden', 'topic');
const fixtures = topicFixtures();

function renderings(name: string) {
  const message = fixtures.find((f) => f.name === name)!.message;
  return channelFiles(snsPublication(message), renderSlack(message));
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
      expectGolden(join(GOLDEN_DIR, name), renderings(name), __filename);
    });
  }
});
