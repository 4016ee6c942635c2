/**
 * The lesson runtime: compiled cells defined on @observablehq/runtime, one
 * variable per cell (named "cell <id>", its value the cell's declarations or
 * expression value) plus one variable per declared name. Used by the browser
 * page (DOM observers) and the headless runner (text observers) alike.
 *
 * ```ts
 * const runtime = createLessonRuntime({
 *   library: standardLibrary({ importModule }),
 *   importModule,
 *   observe: (cell) => ({ pending() {}, fulfilled(v) {}, settled() {}, rejected(e) {}, display(v) {} }),
 * });
 * for (const cell of lesson.cells) runtime.define(compileCell(cell));
 * runtime.redefine('cell-3', 'const dropout = 0.2'); // cell-3 and its dependents re-run, nothing else
 * await runtime.idle();
 * runtime.dispose();
 * ```
 */
import { Runtime, type Module, type Variable } from '@observablehq/runtime';
import { compileCell } from '../cells/compile.ts';
import { createLoopGuard, DEFAULT_LOOP_BUDGET_MS } from '../cells/loop-guard.ts';
import type { CellContext, CompiledCell } from '../cells/types.ts';
import { toCellError } from './cell-errors.ts';
import { CellError } from './errors.ts';
import { evaluateBody } from './evaluate.ts';
import { inputValues, type ValueSource } from './generators.ts';

/** Resolves a cell's `import` (Node: files and node_modules; browser: Vite). */
export type ImportModule = (specifier: string) => Promise<Record<string, unknown>>;

/**
 * Where a cell's output goes. All methods are optional. Within one run:
 * `pending`, then any number of `display`, then `fulfilled` (expression cells,
 * once per generator value), `settled` (program cells) or `rejected`.
 * Values of superseded runs are never delivered.
 */
export interface CellObserver {
  /** A new run started; the previous output may stay until the run shows something. */
  pending?(): void;
  /** `display(value)` (or `view(input)`) in the current run: append `value`. */
  display?(value: unknown): void;
  /** The value of an expression cell (each yield of a generator): replace the shown value with it. */
  fulfilled?(value: unknown): void;
  /** A program cell finished its run; if the run displayed nothing, clear the previous output. */
  settled?(): void;
  /** The cell failed; show the error at the cell. */
  rejected?(error: CellError): void;
}

/**
 * The function behind `view(input)`: returns what the declared name holds
 * (a generator of values). `name` is the declared name in
 * `const name = view(...)`, else undefined. The runtime displays `input` after calling it.
 */
export type ViewFunction = (input: unknown, name: string | undefined) => unknown;

export interface LessonRuntimeArgs {
  /**
   * Names every cell can read (`Inputs`, `Plot`, `tf`, `now`, `width`, ...).
   * A function value is a lazy definition: called once, on first use, and its
   * (awaited, or iterated if a generator) result is the value. Default none;
   * see standardLibrary. `display`, `view` and `invalidation` are always provided.
   */
  library?: Record<string, unknown>;
  /** Resolves cells' imports (default: rejects every import). */
  importModule?: ImportModule;
  /** Gives the observer of a cell, called on each define/redefine (default: no output). */
  observe?: (cell: CompiledCell) => CellObserver;
  /** Implements `view(input)` (default: yield the input's value now and on each "input" event). */
  view?: ViewFunction;
  /** Loop guard budget in ms (default DEFAULT_LOOP_BUDGET_MS = 2000). */
  loopBudgetMs?: number;
}

export interface LessonRuntime {
  /** Defines a cell, or replaces the cell with the same id (only it and its dependents re-run). */
  define(cell: CompiledCell): void;
  /** Recompiles cell `id` from new source (same language) and replaces it; returns the compiled cell. */
  redefine(id: string, source: string): CompiledCell;
  /** Removes a cell: its run is invalidated and its names disappear. */
  remove(id: string): void;
  /** The compiled cells currently defined, in definition order. */
  cells(): CompiledCell[];
  /** The current value of a declared name (waits for it to compute). */
  value(name: string): Promise<unknown>;
  /** Resolves when every cell has finished its latest run (generators: their latest value). */
  idle(): Promise<void>;
  /** Ids of cells whose latest run has not finished. */
  busy(): string[];
  /** Stops everything: invalidates all cells, returns all generators. */
  dispose(): void;
}

interface CellEntry {
  cell: CompiledCell;
  variable: Variable;
  outputs: Map<string, Variable>;
  observer: CellObserver;
  /** True once the latest run finished (fulfilled, settled or rejected). */
  done: boolean;
  removed: boolean;
}

export function createLessonRuntime({
  library = {},
  importModule = (specifier) => Promise.reject(new Error(`Cannot import "${specifier}": this runtime has no importModule`)),
  observe = () => ({}),
  view = (input) => inputValues(input as ValueSource),
  loopBudgetMs = DEFAULT_LOOP_BUDGET_MS,
}: LessonRuntimeArgs = {}): LessonRuntime {
  const runtime = new Runtime({ ...library });
  const main: Module = runtime.module();
  const entries = new Map<string, CellEntry>();
  const context: CellContext = { guard: createLoopGuard({ budgetMs: loopBudgetMs }), import: importModule };
  // A waiter is armed once the recomputation pending when idle() was called has started.
  const idleWaiters = new Set<{ resolve: () => void; armed: boolean }>();

  const cellsOf = (map: Map<string, CellEntry>): CompiledCell[] => [...map.values()].map((e) => e.cell);

  const notifyIdle = (): void => {
    if ([...entries.values()].some((e) => !e.done)) return;
    for (const waiter of idleWaiters) {
      if (!waiter.armed) continue;
      idleWaiters.delete(waiter);
      waiter.resolve();
    }
  };

  const makeDefinition = (entry: CellEntry): ((...inputs: unknown[]) => unknown) => {
    const { cell } = entry;
    let run: ((...args: unknown[]) => unknown) | undefined;
    let compileError: CellError | undefined;
    if (cell.error) {
      compileError = new CellError(cell.error.message, { cellId: cell.id, kind: 'syntax', line: cell.error.line, column: cell.error.column });
    } else {
      try {
        run = evaluateBody(cell.body, cell.id);
      } catch (error) {
        compileError = new CellError(error instanceof Error ? error.message : String(error), { cellId: cell.id, kind: 'syntax' });
      }
    }
    return function definition(...inputs: unknown[]): unknown {
      if (compileError) throw compileError;
      const version = entry.variable._version;
      const isCurrent = (): boolean => entry.variable._version === version && !entry.removed;
      const display = <T>(value: T): T => {
        // A superseded run stops at its next display() instead of showing stale output.
        if (!isCurrent()) throw new Error(`stale display from an earlier run of ${cell.id}`);
        entry.observer.display?.(value);
        return value;
      };
      const cellView = (input: unknown, name?: string): unknown => {
        const values = view(input, name);
        display(input);
        return values;
      };
      let k = 0;
      const args = cell.references.map((name) => (name === 'display' ? display : name === 'view' ? cellView : inputs[k++]));
      return run!(context, ...args);
    };
  };

  const runtimeInputs = (cell: CompiledCell): string[] => cell.references.filter((name) => name !== 'display' && name !== 'view');

  const observerFor = (entry: CellEntry) => ({
    pending() {
      if (entry.removed) return;
      entry.done = false;
      entry.observer.pending?.();
    },
    fulfilled(value: unknown) {
      if (entry.removed) return;
      entry.done = true;
      if (entry.cell.expression) entry.observer.fulfilled?.(value);
      else entry.observer.settled?.();
      notifyIdle();
    },
    rejected(error: unknown) {
      if (entry.removed) return;
      entry.done = true;
      entry.observer.rejected?.(toCellError(entry.cell, error, cellsOf(entries)));
      notifyIdle();
    },
  });

  const define = (cell: CompiledCell): void => {
    let entry = entries.get(cell.id);
    const observer = observe(cell);
    if (!entry) {
      entry = { cell, variable: undefined as unknown as Variable, outputs: new Map(), observer, done: false, removed: false };
      entry.variable = main.variable(observerFor(entry));
      entries.set(cell.id, entry);
    }
    entry.cell = cell;
    entry.observer = observer;
    entry.done = false;
    entry.variable.define(`cell ${cell.id}`, runtimeInputs(cell), makeDefinition(entry));
    for (const [name, variable] of entry.outputs) {
      if (!cell.declarations.includes(name)) {
        variable.delete();
        entry.outputs.delete(name);
      }
    }
    for (const name of cell.declarations) {
      if (entry.outputs.has(name)) continue;
      // Observed ({}), so the runtime computes it even before another cell reads it. A name two
      // cells declare: both cells run, and the runtime fails the cells that read it (as Framework).
      const output = main.variable({}).define(name, [`cell ${cell.id}`], (exports: Record<string, unknown>) => exports[name]);
      entry.outputs.set(name, output);
    }
  };

  const remove = (id: string): void => {
    const entry = entries.get(id);
    if (!entry) return;
    entry.removed = true;
    entries.delete(id);
    for (const variable of entry.outputs.values()) variable.delete();
    entry.variable.delete();
    notifyIdle();
  };

  return {
    define,
    redefine(id, source) {
      const entry = entries.get(id);
      if (!entry) throw new Error(`redefine: there is no cell "${id}" (cells: ${[...entries.keys()].join(', ') || 'none'})`);
      const cell = compileCell({ id, lang: entry.cell.lang, source });
      define(cell);
      return cell;
    },
    remove,
    cells: () => [...entries.values()].map((e) => e.cell),
    value: (name) => main.value(name),
    idle() {
      return new Promise<void>((resolve) => {
        const waiter = { resolve, armed: false };
        idleWaiters.add(waiter);
        // Let a pending recomputation start (and mark cells pending) before checking.
        void runtime._compute().then(() => {
          waiter.armed = true;
          notifyIdle();
        });
      });
    },
    busy: () => [...entries.values()].filter((e) => !e.done).map((e) => e.cell.id),
    dispose() {
      for (const entry of entries.values()) entry.removed = true;
      runtime.dispose();
      for (const waiter of idleWaiters) waiter.resolve();
      idleWaiters.clear();
    },
  };
}
