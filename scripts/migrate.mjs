// Applies pending migrations to DATABASE_URL. Used by `npm run deploy` and by hand.
import { migrate } from './lib/stack.mjs';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is not set');
  process.exit(2);
}
await migrate(url);
console.log('migrations applied');
