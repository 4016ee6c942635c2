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
import { Runtime, RuntimeError, type Module, type Variable } from '@observablehq/runtime';
import { compileCell } from '../cells/compile.ts';
import { createLoopGuard, DEFAULT_LOOP_BUDGET_MS, LoopBudgetError } from '../cells/loop-guard.ts';
import type { CellContext, CompiledCell } from '../cells/types.ts';
import { CellError } from './errors.ts';
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
  let duplicates = new Map<string, string[]>();

  const notifyIdle = (): void => {
    if ([...entries.values()].some((e) => !e.done)) return;
    for (const waiter of idleWaiters) {
      if (!waiter.armed) continue;
      idleWaiters.delete(waiter);
      waiter.resolve();
    }
  };

  /** Names declared by more than one cell, with the ids of those cells. */
  const findDuplicates = (): Map<string, string[]> => {
    const owners = new Map<string, string[]>();
    for (const { cell } of entries.values()) for (const name of cell.declarations) owners.set(name, [...(owners.get(name) ?? []), cell.id]);
    return new Map([...owners].filter(([, ids]) => ids.length > 1));
  };

  const duplicateError = (cell: CompiledCell): CellError | undefined => {
    const names = cell.declarations.filter((name) => duplicates.has(name));
    if (!names.length) return undefined;
    const others = [...new Set(names.flatMap((n) => duplicates.get(n) ?? []))].filter((id) => id !== cell.id);
    const list = names.map((n) => `"${n}"`).join(', ');
    return new CellError(`${list} ${names.length > 1 ? 'are' : 'is'} defined more than once (also in ${others.join(', ')})`, { cellId: cell.id, kind: 'duplicate', name: 'RuntimeError' });
  };

  const toCellError = (cell: CompiledCell, error: unknown): CellError => {
    if (error instanceof CellError) return error;
    if (error instanceof RuntimeError) {
      const input = error.input;
      if (input === undefined && error.message === 'circular definition') {
        return new CellError(circularMessage(cell, entries), { cellId: cell.id, kind: 'circular', name: 'RuntimeError', cause: error });
      }
      if (input !== undefined && error.message === `${input} is not defined`) {
        return new CellError(`"${input}" is not defined: no cell declares it and it is not in the library`, { cellId: cell.id, kind: 'undefined', name: 'RuntimeError', cause: error });
      }
      if (input !== undefined) {
        const message = error.message.startsWith(`${input} `) ? error.message : `input "${input}" failed: ${error.message}`;
        return new CellError(message, { cellId: cell.id, kind: 'input', name: 'RuntimeError', cause: error });
      }
    }
    if (error instanceof LoopBudgetError) {
      return new CellError(error.message, { cellId: cell.id, kind: 'loop', name: error.name, cause: error, line: throwLine(error, cell.id) });
    }
    if (error instanceof Error) {
      return new CellError(error.message, { cellId: cell.id, kind: 'runtime', name: error.name, cause: error, line: throwLine(error, cell.id) });
    }
    return new CellError(`threw ${String(error)}`, { cellId: cell.id, kind: 'runtime', cause: error });
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
      const duplicate = duplicateError(cell);
      if (duplicate) throw duplicate;
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
      entry.observer.rejected?.(toCellError(entry.cell, error));
      notifyIdle();
    },
  });

  /** Re-runs cells whose duplicate status changed, so they show or clear the error. */
  const refreshDuplicates = (before: Map<string, string[]>, except: string): void => {
    duplicates = findDuplicates();
    const changed = new Set([...before.keys(), ...duplicates.keys()].filter((n) => String(before.get(n)) !== String(duplicates.get(n))));
    for (const entry of entries.values()) {
      if (entry.cell.id === except || !entry.cell.declarations.some((n) => changed.has(n))) continue;
      entry.done = false;
      entry.variable.define(`cell ${entry.cell.id}`, runtimeInputs(entry.cell), makeDefinition(entry));
    }
  };

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
    const before = duplicates;
    duplicates = findDuplicates();
    entry.variable.define(`cell ${cell.id}`, runtimeInputs(cell), makeDefinition(entry));
    for (const [name, variable] of entry.outputs) {
      if (!cell.declarations.includes(name)) {
        variable.delete();
        entry.outputs.delete(name);
      }
    }
    for (const name of cell.declarations) {
      if (entry.outputs.has(name)) continue;
      // Observed ({}), so the runtime computes it even before another cell reads it.
      const output = main.variable({}).define(name, [`cell ${cell.id}`], (exports: Record<string, unknown>) => exports[name]);
      entry.outputs.set(name, output);
    }
    refreshDuplicates(before, cell.id);
  };

  const remove = (id: string): void => {
    const entry = entries.get(id);
    if (!entry) return;
    entry.removed = true;
    entries.delete(id);
    for (const variable of entry.outputs.values()) variable.delete();
    entry.variable.delete();
    refreshDuplicates(duplicates, id);
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

/** Turns a compiled body into a function; the sourceURL names the cell in stack traces. */
function evaluateBody(body: string, id: string): (...args: unknown[]) => unknown {
  return new Function(`return (${body})\n//# sourceURL=${sourceUrl(id)}`)() as (...args: unknown[]) => unknown;
}

function sourceUrl(id: string): string {
  return `lectern-${id.replace(/[^\w-]/g, '_')}.js`;
}

/** Stack line of `error` in the cell's own code, as a stack entry "lectern-<id>.js:LINE:COL". */
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
function throwLine(error: Error, id: string): number | undefined {
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

/** "circular definition: a → b → a", following declared names from the failing cell. */
function circularMessage(cell: CompiledCell, entries: Map<string, CellEntry>): string {
  const owner = new Map<string, CompiledCell>();
  for (const { cell: c } of entries.values()) for (const name of c.declarations) owner.set(name, c);
  const path: string[] = [];
  const seen = new Set<string>();
  const visit = (current: CompiledCell): boolean => {
    if (seen.has(current.id)) return false;
    seen.add(current.id);
    for (const name of current.references) {
      const next = owner.get(name);
      if (!next) continue;
      path.push(name);
      if (next.id === cell.id || visit(next)) return true;
      path.pop();
    }
    return false;
  };
  if (!visit(cell)) return 'Circular definition: this cell depends on itself through other cells';
  return `Circular definition: ${cell.id} reads ${path.join(' → ')}, which depends on this cell again`;
}
