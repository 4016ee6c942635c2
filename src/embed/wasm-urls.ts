/**
 * URLs of tfjs-backend-wasm's three binaries as Vite serves and builds them (relative to the page
 * in dist/, so they work under any sub-path), for `setWasmPaths(wasmUrls)` before
 * `setBackend('wasm')`. Browser-only (Vite `?url` imports).
 */
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

export const wasmUrls = {
  'tfjs-backend-wasm.wasm': wasm,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
};

let configured = false;

/**
 * Points tfjs-backend-wasm at the bundled binaries, once per page, before any cell starts the
 * backend (cells then just `selectBackend('wasm')`). Slides and embeds call it at startup.
 */
export function useBundledWasm(): void {
  if (configured) return;
  configured = true;
  setWasmPaths(wasmUrls);
}
