/**
 * Vite plugin: minifies every JavaScript chunk of the build (Oxc's minifier, the one Vite's own
 * `build.minify` uses) except for one module's chunk, which it only strips of whitespace and
 * comments: tfjs-backend-wasm's threaded factory. The backend starts its threads from the text of
 * that function (`wasmFactoryThreadedSimd.toString()` in a Blob), so the function must not refer
 * to anything outside itself; mangling and compressing make it refer to renamed outer variables
 * (in the worker: "ReferenceError: e is not defined"), which is why `build.minify` stays false.
 * vite.config.ts gives the module a chunk of its own (THREADED_WASM_FACTORY), so everything else
 * is minified in full. Runs at build time in Node.
 */
import { minifySync, type Plugin } from 'vite';

/** tfjs-backend-wasm's threaded factory module, whose source its worker threads run. */
export const THREADED_WASM_FACTORY = /[\\/]@tensorflow[\\/]tfjs-backend-wasm[\\/]wasm-out[\\/]tfjs-backend-wasm-threaded-simd\.js$/;

export function minifyChunks(): Plugin {
  return {
    name: 'lectern-minify-chunks',
    apply: 'build',
    renderChunk(code, chunk) {
      const threaded = chunk.moduleIds.some((id) => THREADED_WASM_FACTORY.test(id));
      const options = threaded ? { compress: false, mangle: false } : { module: true };
      const result = minifySync(chunk.fileName, code, options);
      if (result.errors.length > 0) this.error(`minifying ${chunk.fileName}: ${result.errors.map((e) => e.message).join('; ')}`);
      return { code: result.code, map: null };
    },
  };
}
