export * from './cursor.ts';
export * from './keyset.ts';
export * from './page.ts';
