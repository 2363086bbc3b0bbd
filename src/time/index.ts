export * from './zones';
export * from './parse';
export * from './duration';
export * from './recurrence';
export * from './anniversaries';
export * from './range';
export * from './occurrences';
