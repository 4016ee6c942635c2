/**
 * The import bridge as Vite builds it: a loader for each package of the lessons' import table
 * (src/runtime/lesson-imports.ts) and for each file in notebooks/, each loaded lazily. Vite bundles
 * all of them, so the same imports work in `npm start` and in the static build, with no CDN.
 */
import type { LessonPackage } from '../runtime/lesson-imports.ts';
import { createImportBridge, type ModuleLoader } from './import-bridge.ts';

/** The lessons' own helper files (notebooks/**), the only files lessons import by path. */
export const lessonFiles: Record<string, ModuleLoader> = import.meta.glob(['/notebooks/**/*.{ts,js}', '!/notebooks/**/*.d.ts']);

/** One loader per package of the table: TypeScript fails the build when the table gains one without a loader here. */
export const packages: Record<LessonPackage, ModuleLoader> = {
  lectern: () => import('../lectern.ts'),
  'lectern/engine': () => import('../engine.ts'),
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

/** The page's importModule for a lesson in `baseDir` (from the project root; default notebooks/). */
export function lessonImports(baseDir?: string) {
  return createImportBridge({ packages, files: lessonFiles, baseDir });
}

export const importModule = lessonImports();
