// Golden files, reviewed like code: each rendering must equal its file byte for byte; UPDATE_GOLDEN=1 rewrites
// them first.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';

const update = process.env.UPDATE_GOLDEN === '1';

/**
 * The files one SNS publication is kept as: the email (subject and text), Chatbot's and the machine copy's JSON
 * from the publication itself, and the Slack notifier's Block Kit rendering.
 */
export function channelFiles(
  published: { subject: string; message: string },
  slack: unknown,
): Record<string, string> {
  const channels = JSON.parse(published.message) as Record<string, string>;
  return {
    'email.txt': `Subject: ${published.subject}\n\n${channels.email}`,
    'chatbot.json': `${JSON.stringify(JSON.parse(channels.https!), null, 2)}\n`,
    'slack.json': `${JSON.stringify(slack, null, 2)}\n`,
    'default.json': `${JSON.stringify(JSON.parse(channels.default!), null, 2)}\n`,
  };
}

/** Every file equal to its golden copy in `dir`; `testFile` is the test to run with UPDATE_GOLDEN=1. */
export function expectGolden(dir: string, files: Record<string, string>, testFile: string): void {
  for (const [file, rendered] of Object.entries(files)) {
    const path = join(dir, file);
    if (update) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(path, rendered);
    }
    expect(existsSync(path), `${path} is missing: run UPDATE_GOLDEN=1 npx vitest run ${testFile}`).toBe(true);
    expect(rendered, `${dir.split('/').pop()}/${file}`).toBe(readFileSync(path, 'utf8'));
  }
}
