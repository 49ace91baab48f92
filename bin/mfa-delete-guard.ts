#!/usr/bin/env node
import { main } from '../lib/cli/main';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
main(process.argv.slice(2), process.env, {
  stdout: (s) => process.stdout.write(s),
  drained: () =>
    new Promise<void>((resolve) => {
      // A closed or broken pipe never drains: stop waiting then too.
      const done = () => {
        for (const e of ['drain', 'close', 'error'] as const) process.stdout.off(e, done);
        resolve();
      };
      for (const e of ['drain', 'close', 'error'] as const) process.stdout.once(e, done);
    }),
  stderr: (s) => process.stderr.write(s),
  isTTY: Boolean(process.stdout.isTTY),
  stderrIsTTY: Boolean(process.stderr.isTTY),
  stdinIsTTY: Boolean(process.stdin.isTTY),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  },
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`mfa-delete-guard: unexpected error: ${(err as Error)?.message ?? String(err)}\n`);
    process.exitCode = 4;
  },
);
