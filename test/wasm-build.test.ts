// The embedded WebAssembly modules must be exactly what their .wat sources assemble to.
import { describe, expect, it } from 'vitest';
import { assembleWat } from '../scripts/build-wasm.mjs';
import { KMEANS_ASSIGN_WASM } from '../src/analytics/wasm/kmeans-assign-wasm.ts';

describe('embedded wasm', () => {
  it('kmeans-assign matches its .wat (run `npm run build:wasm` after editing the .wat)', async () => {
    const bytes = await assembleWat('src/analytics/wasm/kmeans-assign.wat');
    expect(bytes.toString('base64')).toBe(KMEANS_ASSIGN_WASM);
  });
});
