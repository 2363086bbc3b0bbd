import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [
    cloudflareTest(({ inject }) => ({
      wrangler: { configPath: './wrangler.toml' },
      miniflare: {
        bindings: {
          DATABASE_URL: inject('databaseUrl'),
          DB_LOCAL_ENDPOINT: inject('localEndpoint'),
          ADMIN_TOKEN: 'test-admin-token',
          FILE_LINK_SECRET: 'test-file-link-secret',
          ALLOW_PRIVATE_WEBHOOKS: 'true',
          ALLOW_TEST_CLOCK: 'true',
          CORS_ORIGINS: 'https://app.example.com, http://localhost:5173',
        },
        // The sending binding of wrangler.toml, plus one the simulator itself refuses every
        // recipient of (it only delivers to its destination_address): a send the platform
        // refuses, through the real binding.
        email: { send_email: [{ name: 'EMAIL' }, { name: 'EMAIL_REFUSING', destination_address: 'only-this@refusing.invalid' }] },
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
