/**
 * Compiled cell bodies become functions here; the sourceURL names the cell in
 * stack traces, which is how a runtime error finds its line in the cell.
 */
import { CellError } from './errors.ts';

/**
 * Hears when a cell's code starts and stops running synchronously. The headless runner uses it to
 * name the cell that blocks the event loop or runs out of memory; the page sets none.
 */
export interface CellScope {
  enter(id: string): void;
  leave(id: string): void;
}

let scope: CellScope | undefined;

/** Sets (or clears, with undefined) the one CellScope of this thread. */
export function setCellScope(next: CellScope | undefined): void {
  scope = next;
}

/** Turns a compiled body into a function; the sourceURL names the cell in stack traces. */
export function evaluateBody(body: string, id: string): (...args: unknown[]) => unknown {
  const run = new Function(`return (${body})\n//# sourceURL=${sourceUrl(id)}`)() as (...args: unknown[]) => unknown;
  return function scoped(this: unknown, ...args: unknown[]): unknown {
    const current = scope;
    if (!current) return run.apply(this, args);
    current.enter(id);
    try {
      return run.apply(this, args);
    } finally {
      current.leave(id);
    }
  };
}

function sourceUrl(id: string): string {
  return `lectern-${id.replace(/[^\w-]/g, '_')}.js`;
}

/**
 * The cell whose code threw `error`: the first (innermost) stack entry in a cell's code, among
 * `ids`. Attributes an error that reached no cell (a rejection nobody handled, a throw in a timer)
 * to the cell it came from.
 */
export function cellOfError(error: unknown, ids: Iterable<string>): string | undefined {
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  let found: { id: string; at: number } | undefined;
  for (const id of ids) {
    const at = stack.indexOf(`${sourceUrl(id)}:`);
    if (at >= 0 && (!found || at < found.at)) found = { id, at };
  }
  return found?.id;
}

/** Line of `error`'s first stack entry in the cell's own code ("lectern-<id>.js:LINE:COL"). */
function stackLine(error: Error, id: string): number | undefined {
  const url = sourceUrl(id).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`${url}:(\\d+):\\d+`).exec(error.stack ?? '');
  return match ? Number(match[1]) : undefined;
}

/**
 * How many lines the engine's Function wrapper and the body's header add:
 * measured once with a probe whose throw is on cell line 1.
 */
let stackLineOffset: number | null | undefined;
export function throwLine(error: Error, id: string): number | undefined {
  if (stackLineOffset === undefined) {
    try {
      (evaluateBody('function () {\nthrow new Error("probe");\n}', 'probe') as () => void)();
    } catch (probe) {
      const line = probe instanceof Error ? stackLine(probe, 'probe') : undefined;
      stackLineOffset = line === undefined ? null : line - 1;
    }
  }
  const line = stackLine(error, id);
  if (line === undefined || stackLineOffset === null || stackLineOffset === undefined) return undefined;
  const cellLine = line - stackLineOffset;
  return cellLine >= 1 ? cellLine : undefined;
}

/** How an error reached no cell's run, in the words the page and `lectern run` show. */
export const UNCAUGHT_HOW = {
  rejection: 'a rejected promise nobody handled',
  callback: 'uncaught, in a timer or callback',
} as const;

/**
 * The error to show at the cell whose code threw `error` outside any cell's run (see cellOfError),
 * or undefined when no cell's code is on its stack (a thrown string has no stack at all).
 */
export function uncaughtCellError(error: unknown, how: keyof typeof UNCAUGHT_HOW, ids: Iterable<string>): CellError | undefined {
  const id = cellOfError(error, ids);
  if (id === undefined || !(error instanceof Error)) return undefined;
  return new CellError(`${error.message} — ${UNCAUGHT_HOW[how]}`, { cellId: id, kind: 'uncaught', name: error.name, line: throwLine(error, id), cause: error });
}
