/**
 * The names every cell can read besides other cells' outputs. `display`,
 * `view` and `invalidation` come from the runtime itself; this module gives
 * the rest, each loaded only when a cell first uses it.
 */
import { Generators, now } from './generators.ts';
import type { ImportModule } from './lesson-runtime.ts';

export interface StandardLibraryArgs {
  /** Loads packages for `Inputs`, `Plot` and `tf` (the same importModule the runtime gets). */
  importModule: ImportModule;
  /** `Inputs` (default: the @observablehq/inputs module, which needs a DOM). */
  Inputs?: unknown;
  /** `Plot` (default: the @observablehq/plot module, which needs a DOM). */
  Plot?: unknown;
  /** `width`: a number, or a generator function yielding the page's content width (default 640). */
  width?: number | (() => Generator<number>);
}

/**
 * The standard library: `Inputs`, `Plot`, `tf` (@tensorflow/tfjs), `now`
 * (ms timestamps, one per frame), `width` and Observable's `Generators`
 * (observe, queue, input, now, width, dark). Pass it as `library` to
 * createLessonRuntime.
 */
export function standardLibrary({ importModule, Inputs, Plot, width = 640 }: StandardLibraryArgs): Record<string, unknown> {
  // A function is a lazy definition for @observablehq/runtime: wrap values so
  // that a module object is never mistaken for one.
  const value = (v: unknown) => () => v;
  return {
    Inputs: Inputs === undefined ? () => importModule('@observablehq/inputs') : value(Inputs),
    Plot: Plot === undefined ? () => importModule('@observablehq/plot') : value(Plot),
    tf: () => importModule('@tensorflow/tfjs'),
    now,
    Generators: value(Generators),
    width: typeof width === 'number' ? value(width) : width,
  };
}
