/**
 * Errors that reach no cell's run in the page (issue 12, item 9): a rejection nobody handled, a
 * throw in a timer or an event listener that a cell set up. Each is shown at the cell whose code
 * it came from (its stack names the cell's source URL), as `lectern run` does; the other cells
 * keep running. One that names no cell's code is left to the browser's console, except a thrown
 * value that is not an Error (no stack can name its cell), which the page is told of.
 */
import type { CellError } from '../runtime/errors.ts';
import { UNCAUGHT_HOW, uncaughtCellError } from '../runtime/evaluate.ts';

export interface UncaughtArgs {
  /** The ids of this host's cells, now. */
  cellIds: () => Iterable<string>;
  /** Shows `error` at its cell. */
  report: (error: CellError) => void;
  /** Told of a thrown or rejected value that is not an Error (default: nothing). */
  unattributed?: (message: string) => void;
  /** Where errors are heard. Default: window. */
  target?: Pick<Window, 'addEventListener' | 'removeEventListener'>;
}

/** Starts routing; returns the function that stops it. */
export function routeUncaught({ cellIds, report, unattributed, target = window }: UncaughtArgs): () => void {
  const route = (value: unknown, how: keyof typeof UNCAUGHT_HOW, event: Event) => {
    const error = uncaughtCellError(value, how, cellIds());
    if (error) {
      report(error);
      // Shown where it happened: not again as the console's "Uncaught" line.
      event.preventDefault();
    } else if (!(value instanceof Error) && unattributed) {
      unattributed(`A cell threw ${describe(value)} (${UNCAUGHT_HOW[how]}); it is not an Error, so no stack says which cell: throw or reject with an Error.`);
    }
  };
  const onRejection = (event: PromiseRejectionEvent) => route(event.reason, 'rejection', event);
  const onError = (event: ErrorEvent) => {
    // A resource that failed to load fires a plain Event, not an ErrorEvent: not a thrown value.
    if (event instanceof ErrorEvent) route(event.error, 'callback', event);
  };
  target.addEventListener('unhandledrejection', onRejection);
  target.addEventListener('error', onError);
  return () => {
    target.removeEventListener('unhandledrejection', onRejection);
    target.removeEventListener('error', onError);
  };
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  try {
    return String(value);
  } catch {
    return 'a value';
  }
}
