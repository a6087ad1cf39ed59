export * from './common.ts';
export * from './events.ts';
export * from './health.ts';
export * from './web-config.ts';
export * from './bus.ts';
export * from './scouter.ts';
export * from './hawk.ts';
export * from './hawk-annotations.ts';
