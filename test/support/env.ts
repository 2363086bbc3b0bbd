// The Worker's bindings as the tests see them (the vitest config's miniflare bindings).
import { env } from 'cloudflare:test';
import type { Env } from '../../src/env';

export const testEnv = env as unknown as Env;
