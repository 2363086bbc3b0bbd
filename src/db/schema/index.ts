export * from './accounts';
export * from './contacts';
export * from './labels';
export * from './calendar';
export * from './tasks';
export * from './alerts';
export * from './mail';
export * from './sequences';
