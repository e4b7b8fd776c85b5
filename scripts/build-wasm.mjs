#!/usr/bin/env node
// Assembles src/analytics/wasm/*.wat into the base64 TypeScript modules the analytics area embeds
// (`npm run build:wasm`); a unit test fails when a .wat and its embedded module drift apart.
import { readFileSync, writeFileSync } from 'node:fs';
import wabtInit from 'wabt';

const MODULES = [
  {
    wat: 'src/analytics/wasm/kmeans-assign.wat',
    out: 'src/analytics/wasm/kmeans-assign-wasm.ts',
    name: 'KMEANS_ASSIGN_WASM',
    what: 'The k-means assignment kernel',
  },
];

export async function assembleWat(path) {
  const wabt = await wabtInit();
  const mod = wabt.parseWat(path, readFileSync(path, 'utf8'), { simd: true });
  try {
    return Buffer.from(mod.toBinary({}).buffer);
  } finally {
    mod.destroy();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const m of MODULES) {
    const bytes = await assembleWat(m.wat);
    const text =
      `// Generated from ${m.wat.split('/').pop()} (wabt wat2wasm); do not edit — rebuild with \`npm run build:wasm\`.\n` +
      `/** ${m.what} as WebAssembly (base64), ${bytes.length} bytes. */\n` +
      `export const ${m.name} =\n  '${bytes.toString('base64')}';\n`;
    writeFileSync(m.out, text);
    console.log(`${m.out}: ${bytes.length} bytes`);
  }
}
