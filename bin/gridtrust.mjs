#!/usr/bin/env -S node --max-semi-space-size=64
// gridtrust CLI launcher: runs the TypeScript sources through tsx (no build step after `npm ci`).
// --max-semi-space-size=64 (V8's young generation, 16 MiB semi-spaces by default): under load every
// frame's objects live until its group commit (≈ 0.1 s), so small semi-spaces copy and promote them
// all; 64 MiB halves the ingest path's GC time (docs/ingest.md "Performance"). It can only be given
// at start: here, and in package.json's `gridtrust` script.
import { register } from 'tsx/esm/api';

register();
// `gridtrust ... --json | head` closes stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
