export * from './list-request-logs.ts';
export * from './redact.ts';
export * from './request-log-writer.ts';
export * from './request-scope.ts';
export * from './settings.ts';
