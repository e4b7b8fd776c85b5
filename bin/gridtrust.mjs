#!/usr/bin/env node
// gridtrust CLI launcher: runs the TypeScript sources through tsx (no build step after `npm ci`).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
