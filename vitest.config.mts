import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      // Tests must never reach a real AWS endpoint: every client is pointed at a loopback server explicitly.
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'fake-secret-for-loopback-tests',
      AWS_REGION: 'eu-west-1',
      AWS_MAX_ATTEMPTS: '3',
    },
    testTimeout: 20_000,
    pool: 'forks',
  },
});
