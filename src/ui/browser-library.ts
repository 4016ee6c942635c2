/**
 * The names every cell can read in the browser, beyond `display`, `view` and `invalidation`
 * (which the runtime always provides). Each is a lazy definition: the module loads on first use.
 */
import { packages } from './vite-imports.ts';

export function browserLibrary(): Record<string, unknown> {
  return {
    Inputs: packages['@observablehq/inputs'],
    Plot: packages['@observablehq/plot'],
    tf: packages['@tensorflow/tfjs'],
  };
}
