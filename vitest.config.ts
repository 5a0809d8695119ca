import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The pack-and-install test builds the addon a second time (minutes): its own CI step, `npm run test:package`.
    exclude: [...configDefaults.exclude, ...(process.env.NEUROSWIPE_PACK_INSTALL ? [] : ['test/package/pack-install.test.ts'])],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
  },
});
