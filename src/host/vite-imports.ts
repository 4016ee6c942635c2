/**
 * The import bridge as Vite builds it: the packages lessons may import, and the project modules
 * meant for cells, each loaded lazily. Vite bundles all of
 * them, so the same imports work in `npm start` and in the static build, with no CDN.
 */
import { createImportBridge, type ModuleLoader } from './import-bridge.ts';

/**
 * Project files importable from cells: the public API (src/lectern.ts, as "lectern"), the ML layer
 * and files next to the lessons. The rest of src/ (the page, the Node-only runner and command
 * line) is not for cells. Files named `*.node.ts` are Node-only and left out.
 */
export const projectFiles: Record<string, ModuleLoader> = import.meta.glob([
  '/src/lectern.ts',
  '/src/ml/**/*.ts',
  '/notebooks/**/*.{ts,js}',
  '!/src/**/*.d.ts',
  '!/src/**/*.node.ts',
]);

function projectFile(path: string): ModuleLoader {
  return () => {
    const load = projectFiles[path];
    return load ? load() : Promise.reject(new Error(`Cannot import "lectern": ${path} does not exist yet.`));
  };
}

/** Installed packages by the specifier cells use; add a line here to make another one importable. */
export const packages: Record<string, ModuleLoader> = {
  lectern: projectFile('/src/lectern.ts'),
  // Ready before a cell sees it: with the wasm backend registered (and preferred), tensor ops made
  // before its asynchronous start fail ("backend 'wasm' has not yet been initialized").
  '@tensorflow/tfjs': async () => {
    const tf = await import('@tensorflow/tfjs');
    await tf.ready();
    return tf;
  },
  '@tensorflow/tfjs-backend-wasm': () => import('@tensorflow/tfjs-backend-wasm'),
  '@observablehq/plot': () => import('@observablehq/plot'),
  // @ts-ignore -- the package ships no types; cells get it untyped anyway (types are erased).
  '@observablehq/inputs': () => import('@observablehq/inputs'),
};

export const importModule = createImportBridge({ packages, files: projectFiles });
