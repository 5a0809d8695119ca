import { defineConfig } from 'vitest/config';

// Type tests only (`npm run lint:types`): compile-time assertions, no fixtures and no native addon.
export default defineConfig({
  test: {
    include: [],
    typecheck: {
      enabled: true,
      only: true,
      include: ['test/types/**/*.test-d.ts'],
      tsconfig: 'test/types/tsconfig.json',
    },
  },
});
