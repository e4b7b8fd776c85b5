// Types of scripts/build-wasm.mjs for the test that checks the embedded modules.
/** Assembles a WebAssembly text file (SIMD enabled) into its binary. */
export function assembleWat(path: string): Promise<Buffer>;
