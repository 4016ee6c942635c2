/**
 * Browser only: tells tfjs-backend-wasm where Vite serves its three `.wasm` binaries (dev server
 * and static build alike), so `selectBackend('wasm')` can start in the page. Without it the
 * backend looks next to its own bundled script and fails ("Incorrect response MIME type").
 * Pass `useBundledWasm` as `beforeWasm` to `selectBackend`.
 */
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import plain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

export function useBundledWasm(): void {
  setWasmPaths({
    'tfjs-backend-wasm.wasm': plain,
    'tfjs-backend-wasm-simd.wasm': simd,
    'tfjs-backend-wasm-threaded-simd.wasm': threadedSimd,
  });
}
