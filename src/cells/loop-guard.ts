/**
 * The loop guard keeps a runaway loop (`while (true) {}`) from freezing the
 * page. transpile inserts `__lectern.guard()` at the top of every loop body;
 * the guard throws once the code has run for {@link DEFAULT_LOOP_BUDGET_MS}
 * without the event loop getting a turn. Time spent awaiting timers, network,
 * tfjs's nextFrame etc. gives the event loop turns, so long async cells are fine;
 * only uninterrupted synchronous (or microtask-only) work is counted.
 */

/** Default budget: long enough for honest heavy loops, short enough that a frozen page is noticed. */
export const DEFAULT_LOOP_BUDGET_MS = 2000;

/** Thrown by the guard; the runtime shows it at the cell like any other error. */
export class LoopBudgetError extends Error {
  constructor(budgetMs: number) {
    super(`A loop ran for more than ${budgetMs} ms without yielding to the page, so it was stopped (loop guard)`);
    this.name = 'LoopBudgetError';
  }
}

export interface LoopGuardArgs {
  /** Milliseconds of synchronous running allowed before the guard throws (default DEFAULT_LOOP_BUDGET_MS). */
  budgetMs?: number;
  /** Clock in ms (default performance.now). */
  now?: () => number;
  /** Schedules a macrotask, i.e. a callback that runs only when the event loop gets a turn (default setTimeout 0). */
  schedule?: (callback: () => void) => void;
}

/**
 * Makes a guard function. The first call in a synchronous stretch starts the
 * clock and schedules a macrotask that stops it; while that macrotask has not
 * run, the event loop has not had a turn. The clock is read every 256 calls
 * to keep tight loops fast.
 */
export function createLoopGuard({
  budgetMs = DEFAULT_LOOP_BUDGET_MS,
  now = () => performance.now(),
  schedule = (callback) => void setTimeout(callback, 0),
}: LoopGuardArgs = {}): () => void {
  let started: number | null = null;
  let calls = 0;
  const stop = (): void => {
    started = null;
  };
  return function guard(): void {
    if (started === null) {
      started = now();
      calls = 0;
      schedule(stop);
      return;
    }
    if ((++calls & 0xff) === 0 && now() - started > budgetMs) throw new LoopBudgetError(budgetMs);
  };
}
