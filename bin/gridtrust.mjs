#!/usr/bin/env node
// gridtrust CLI launcher: runs the TypeScript sources through tsx (no build step after `npm ci`).
import { register } from 'tsx/esm/api';

register();
// `gridtrust ... --json | head` closes stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
