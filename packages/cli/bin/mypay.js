#!/usr/bin/env node
// The built CLI (dist/main.js, `pnpm build`: plain JavaScript, no TypeScript loader) when it is
// there; else, in a checkout that was not built, the TypeScript sources through tsx.
import { existsSync } from 'node:fs';

const built = new URL('../dist/main.js', import.meta.url);
let main;
if (existsSync(built)) {
  main = await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  main = await import('../src/main.ts');
}
main.runAndExit();
