// The one entry for the test helpers; each concern lives in its own module under test/support/.
export * from './support/env';
export * from './support/http';
export * from './support/db';
export * from './support/calendar';
export * from './support/webhooks';
export * from './support/queue';
export * from './support/mail';
