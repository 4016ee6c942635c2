/**
 * The names every cell can read in the browser, beyond `display`, `view` and `invalidation`
 * (which the runtime always provides): `Inputs`, `Plot`, `tf` (each loaded on first use through
 * the import bridge), `now` and `width`, the width of the lesson's text column as it resizes.
 */
import { observe } from '../runtime/generators.ts';
import { standardLibrary } from '../runtime/library.ts';
import { importModule } from './vite-imports.ts';
import { useBundledWasm } from './wasm-paths.ts';

// Cells start backends with selectBackend('wasm'); in the page its binaries are Vite assets.
useBundledWasm();

export interface BrowserLibraryArgs {
  /** Element whose content width `width` follows. Default: document.body. */
  column?: HTMLElement;
}

export function browserLibrary({ column = document.body }: BrowserLibraryArgs = {}): Record<string, unknown> {
  // The runtime awaits the promises this generator yields while waiting for a resize; the
  // standard library's type names only the plain numbers.
  const width = () => columnWidth(column) as Generator<number>;
  return standardLibrary({ importModule, width });
}

/** Yields the column's content width now and after each resize (whole pixels, only on change). */
export function columnWidth(column: HTMLElement): Generator<number | Promise<number>, void, unknown> {
  return observe<number>((change) => {
    let last = -1;
    const measure = () => {
      const style = getComputedStyle(column);
      const width = Math.floor(column.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight));
      if (width !== last) change((last = width));
    };
    const observer = new ResizeObserver(measure);
    observer.observe(column);
    measure();
    return () => observer.disconnect();
  });
}
