// Runs a wasm32-wasi command under node's WASI (preview1) the way
// `kiln run --dir DIR::/sb WASM ARGS...` runs it, for output comparison.
// Usage: node --experimental-wasi-unstable-preview1 node_wasi.mjs WASM DIR ARGS...
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';

const [wasmPath, dir, ...args] = process.argv.slice(2);
const wasi = new WASI({
  version: 'preview1',
  args: [wasmPath, ...args],
  env: {},
  preopens: { '/sb': dir },
  returnOnExit: true,
});
const module = await WebAssembly.compile(readFileSync(wasmPath));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
