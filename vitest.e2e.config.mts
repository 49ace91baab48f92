import { defineConfig } from 'vitest/config';

// The end-to-end suite (npm run test:e2e): real moto_server, the real AWS CLI and the packaged Lambda
// bundle, all on loopback. Kept apart from `npm test` because it starts servers and packages the service.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    globalSetup: ['test/e2e/globalSetup.ts'],
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      // Fake keys for the test's own SDK clients; each one is pointed at a loopback server explicitly.
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'fake-secret-for-loopback-tests',
      AWS_REGION: 'eu-west-1',
      AWS_MAX_ATTEMPTS: '3',
    },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
