#!/usr/bin/env node
// The CLI is TypeScript run as is (like the services): load tsx, then the entry point.
import { register } from 'tsx/esm/api';

register();
const { runAndExit } = await import('../src/main.ts');
runAndExit();
