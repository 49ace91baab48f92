import { defineConfig } from 'vitest/config';

// Tests over the generated CloudFormation template; run by scripts/check-template.sh after `serverless package`
// (`npm run test:template`), since they need the packaged template (TEMPLATE_PATH).
export default defineConfig({
  test: {
    include: ['test/template/**/*.test.ts'],
    pool: 'forks',
  },
});
