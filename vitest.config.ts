import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [
    cloudflareTest(({ inject }) => ({
      wrangler: { configPath: './wrangler.toml' },
      miniflare: {
        bindings: {
          DATABASE_URL: inject('databaseUrl'),
          PG_WS_PROXY: inject('wsProxy'),
          ADMIN_TOKEN: 'test-admin-token',
          ALLOW_PRIVATE_WEBHOOKS: 'true',
          ALLOW_TEST_CLOCK: 'true',
          RATE_LIMIT_PER_MINUTE: '400',
        },
      },
    })),
  ],
  test: {
    globalSetup: ['./test/global-setup.ts'],
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
