/**
 * The DOM observer of one cell: where its values, `display()` calls, errors and pending state show.
 *
 * A run starts with `pending()`; the previous output stays (dimmed) until the run produces
 * something, so a slider drag does not make the page jump. The first output of a run replaces
 * the previous run's; later `display()` calls of the same run append. An error replaces everything
 * with an inline message at the cell.
 */
import { inspect } from './inspector.ts';

export interface CellOutput {
  /** The element holding the output. */
  root: HTMLElement;
  /** A new run of the cell started. */
  pending: () => void;
  /** The cell's value (an expression cell's value, or a generator's latest). */
  fulfilled: (value: unknown) => void;
  /** The cell ended this run without a value to show (a program cell): drop a stale output. */
  settled: () => void;
  /** The cell failed. */
  rejected: (error: unknown) => void;
  /** `display(value)` from inside the cell. Returns the value, like Observable's. */
  display: <T>(value: T) => T;
}

export interface CellOutputArgs {
  /** Element the output is rendered into. */
  root: HTMLElement;
  /** Element that gets the `is-pending` / `has-error` classes. Default: root. */
  stateHolder?: HTMLElement;
}

export function createCellOutput({ root, stateHolder = root }: CellOutputArgs): CellOutput {
  let fresh = true; // the next output of this run replaces what is shown
  let shownThisRun = false;

  const setState = (pending: boolean, failed: boolean) => {
    stateHolder.classList.toggle('is-pending', pending);
    stateHolder.classList.toggle('has-error', failed);
    root.setAttribute('aria-busy', String(pending));
  };
  // `is-empty`: the last run ended showing nothing (a cell of declarations). Set when a run settles,
  // not while one is pending, so a re-run of such a cell does not make the page jump.
  const setEmpty = (empty: boolean) => stateHolder.classList.toggle('is-empty', empty);
  const show = (node: Node) => {
    if (fresh) root.replaceChildren();
    fresh = false;
    shownThisRun = true;
    root.append(node);
    setEmpty(false);
  };

  return {
    root,
    pending() {
      fresh = true;
      shownThisRun = false;
      setState(true, false);
    },
    fulfilled(value) {
      // A generator yields many values: each replaces the previous one.
      fresh = true;
      show(inspect(value));
      setState(false, false);
    },
    settled() {
      if (!shownThisRun) root.replaceChildren();
      setEmpty(!root.hasChildNodes());
      setState(false, false);
    },
    rejected(error) {
      root.replaceChildren(errorElement(error));
      setEmpty(false);
      fresh = true;
      setState(false, true);
    },
    display(value) {
      show(inspect(value));
      setState(false, false);
      return value;
    },
  };
}

/** The inline message of a failed cell. */
export function errorElement(error: unknown): HTMLElement {
  const el = document.createElement('div');
  el.className = 'cell-error';
  el.setAttribute('role', 'alert');
  el.textContent = errorMessage(error);
  return el;
}

/**
 * "TypeError: x is not a function", or the message alone for plain errors and runtime errors. The
 * runtime's CellError describes itself, with the line and column in the cell for syntax errors.
 */
export function errorMessage(error: unknown): string {
  if (isDescribed(error)) return error.describe();
  if (error instanceof Error) {
    const generic = error.name === 'Error' || error.name === 'RuntimeError' || !error.name;
    return generic ? error.message : `${error.name}: ${error.message}`;
  }
  return `Error: ${String(error)}`;
}

function isDescribed(error: unknown): error is { describe: () => string } {
  return error instanceof Error && typeof (error as { describe?: unknown }).describe === 'function';
}
