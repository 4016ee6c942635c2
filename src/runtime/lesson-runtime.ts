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
import { guardedFunction, guardSource } from '../cells/dynamic-code.ts';
import type { CellContext, CompiledCell } from '../cells/types.ts';
import { toCellError } from './cell-errors.ts';
import { CellError } from './errors.ts';
import { evaluateBody } from './evaluate.ts';
import { builtinsChangedMessage, restoreBuiltins, watchBuiltins } from './builtins-guard.ts';
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
  /** A value of a generator the cell declared (`const epoch = (async function* () {...})()`), each time it yields. */
  yielded?(name: string, value: unknown): void;
  /**
   * The latest run is over: right after fulfilled (its first value), settled or rejected, or, with
   * `followGenerators`, once every generator the run made has ended too.
   */
  finished?(): void;
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
  /**
   * Follow generators to their end, as headless runs do: a cell whose value or declared name is a
   * generator stays in busy() and keeps idle() waiting until each such generator is done, fails,
   * or is returned (the cell re-ran). Generators of view() are inputs and are not followed.
   * Default false: the page shows values as they come and a cell is idle at its latest value.
   */
  followGenerators?: boolean;
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
  /** Generators of this cell's runs still going (with followGenerators). */
  generators: Set<object>;
  /** True once the observer heard `finished` for the latest run. */
  finished: boolean;
  removed: boolean;
}

export function createLessonRuntime({
  library = {},
  importModule = (specifier) => Promise.reject(new Error(`Cannot import "${specifier}": this runtime has no importModule`)),
  observe = () => ({}),
  view = (input) => inputValues(input as ValueSource),
  loopBudgetMs = DEFAULT_LOOP_BUDGET_MS,
  followGenerators = false,
}: LessonRuntimeArgs = {}): LessonRuntime {
  // What the built-ins were before any cell ran: cells that change them fail, and they are put back.
  watchBuiltins();
  /** Async runs not settled yet, with the changes to the built-ins found while they were in flight. */
  const inFlight = new Set<{ changes: string[] }>();
  /**
   * Changed since the last look: by a cell's code after an await (or in a timer). Put back before a
   * cell runs and before a value is reported (the host formats it with JSON, String...); the runs
   * still in flight are blamed when they settle.
   */
  const sweepBuiltins = (): void => {
    const meanwhile = restoreBuiltins();
    if (meanwhile.length > 0) for (const flight of inFlight) flight.changes.push(...meanwhile);
  };
  const runtime = new Runtime({ ...library });
  const main: Module = runtime.module();
  const entries = new Map<string, CellEntry>();
  const guard = createLoopGuard({ budgetMs: loopBudgetMs });
  const context: CellContext = { guard, import: importModule, Function: guardedFunction({ guard }), code: guardSource };
  // A waiter is armed once the recomputation pending when idle() was called has started.
  const idleWaiters = new Set<{ resolve: () => void; armed: boolean }>();

  // view()'s generators: inputs wait for the reader, so following them would never end.
  const inputGenerators = new WeakSet<object>();

  const cellsOf = (map: Map<string, CellEntry>): CompiledCell[] => [...map.values()].map((e) => e.cell);
  const isBusy = (entry: CellEntry): boolean => !entry.done || entry.generators.size > 0;

  const notifyIdle = (): void => {
    if ([...entries.values()].some(isBusy)) return;
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
        sweepBuiltins();
        entry.observer.display?.(value);
        return value;
      };
      const cellView = (input: unknown, name?: string): unknown => {
        const values = view(input, name);
        if (typeof values === 'object' && values !== null) inputGenerators.add(values);
        display(input);
        return values;
      };
      let k = 0;
      const args = cell.references.map((name) => (name === 'display' ? display : name === 'view' ? cellView : inputs[k++]));
      sweepBuiltins();
      let result: unknown;
      try {
        result = run!(context, ...args);
      } catch (error) {
        throw changedBuiltins(cell) ?? error;
      }
      const changed = changedBuiltins(cell);
      if (changed) {
        // The run's own promise is dropped for this error: it must not also surface as unhandled.
        if (result instanceof Promise) result.catch(() => {});
        throw changed;
      }
      // An async cell can change them after an await too.
      if (result instanceof Promise) {
        const flight = { changes: [] as string[] };
        inFlight.add(flight);
        const late = () => {
          inFlight.delete(flight);
          return changedBuiltins(cell, flight.changes);
        };
        result = result.then(
          (value) => { const error = late(); if (error) throw error; return value; },
          (error) => { throw late() ?? error; },
        );
      }
      return followGenerators ? whenValue(result, (value) => followValue(entry, value)) : result;
    };
  };

  /** Wraps the generators a run made (its value, or its declared names') so their end is seen. */
  const followValue = (entry: CellEntry, value: unknown): unknown => {
    const follow = (v: unknown): unknown => {
      if (!isGenerator(v) || inputGenerators.has(v)) return v;
      entry.generators.add(v);
      return onGeneratorEnd(v, () => {
        if (!entry.generators.delete(v) || entry.removed) return;
        // Let the runtime schedule what the last value changed before checking for idle.
        void runtime._compute().then(() => finishIfDone(entry));
      });
    };
    if (entry.cell.expression) return follow(value);
    const exports = value as Record<string, unknown>;
    for (const name of Object.keys(exports)) exports[name] = follow(exports[name]);
    return exports;
  };

  const finishIfDone = (entry: CellEntry): void => {
    if (entry.removed || isBusy(entry)) return;
    if (!entry.finished) {
      entry.finished = true;
      entry.observer.finished?.();
    }
    notifyIdle();
  };

  const runtimeInputs = (cell: CompiledCell): string[] => cell.references.filter((name) => name !== 'display' && name !== 'view');

  const observerFor = (entry: CellEntry) => ({
    pending() {
      if (entry.removed) return;
      entry.done = false;
      entry.finished = false;
      entry.observer.pending?.();
    },
    fulfilled(value: unknown) {
      if (entry.removed) return;
      sweepBuiltins();
      entry.done = true;
      if (entry.cell.expression) entry.observer.fulfilled?.(value);
      else entry.observer.settled?.();
      finishIfDone(entry);
    },
    rejected(error: unknown) {
      if (entry.removed) return;
      sweepBuiltins();
      entry.done = true;
      entry.observer.rejected?.(toCellError(entry.cell, error, cellsOf(entries)));
      finishIfDone(entry);
    },
  });

  const define = (cell: CompiledCell): void => {
    let entry = entries.get(cell.id);
    const observer = observe(cell);
    if (!entry) {
      entry = { cell, variable: undefined as unknown as Variable, outputs: new Map(), observer, done: false, generators: new Set(), finished: false, removed: false };
      entry.variable = main.variable(observerFor(entry));
      entries.set(cell.id, entry);
    }
    entry.cell = cell;
    entry.observer = observer;
    entry.done = false;
    entry.finished = false;
    entry.variable.define(`cell ${cell.id}`, runtimeInputs(cell), makeDefinition(entry));
    for (const [name, variable] of entry.outputs) {
      if (!cell.declarations.includes(name)) {
        variable.delete();
        entry.outputs.delete(name);
      }
    }
    for (const name of cell.declarations) {
      if (entry.outputs.has(name)) continue;
      // Observed, so the runtime computes it even before another cell reads it. A name two
      // cells declare: both cells run, and the runtime fails the cells that read it (as Framework).
      let generated = false;
      const owner = entry;
      const observer = { fulfilled: (value: unknown) => generated && owner.observer.yielded?.(name, value) };
      const output = main.variable(observer).define(name, [`cell ${cell.id}`], (exports: Record<string, unknown>) => {
        generated = isGenerator(exports[name]) && !inputGenerators.has(exports[name] as object);
        return exports[name];
      });
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
    busy: () => [...entries.values()].filter(isBusy).map((e) => e.cell.id),
    dispose() {
      for (const entry of entries.values()) entry.removed = true;
      runtime.dispose();
      for (const waiter of idleWaiters) waiter.resolve();
      idleWaiters.clear();
    },
  };
}

/** What @observablehq/runtime iterates: anything with next() and return(). */
interface Generatorish {
  next(value?: unknown): unknown;
  return(value?: unknown): unknown;
  throw?(error?: unknown): unknown;
}

function isGenerator(value: unknown): value is Generatorish {
  const v = value as Partial<Generatorish> | null;
  return typeof v === 'object' && v !== null && typeof v.next === 'function' && typeof v.return === 'function';
}

/** `f(value)`, or `f` of what `value` resolves to. */
/** The cell's error when its run changed the built-ins (they are put back first), else undefined. */
function changedBuiltins(cell: CompiledCell, earlier: readonly string[] = []): CellError | undefined {
  const changes = [...new Set([...earlier, ...restoreBuiltins()])];
  return changes.length === 0 ? undefined : new CellError(builtinsChangedMessage(changes), { cellId: cell.id, kind: 'runtime' });
}

function whenValue(value: unknown, f: (v: unknown) => unknown): unknown {
  return value instanceof Promise ? value.then(f) : f(value);
}

/**
 * The same generator (sync or async), calling `onEnd` once when it is done, throws, or is returned.
 * A plain object rather than a wrapping generator: `return()` must reach the original at once,
 * even while it is waiting, as it does for the runtime's own invalidation.
 */
function onGeneratorEnd(generator: Generatorish, onEnd: () => void): Generatorish {
  let ended = false;
  const end = (): void => {
    if (ended) return;
    ended = true;
    onEnd();
  };
  const watch = (step: () => unknown): unknown => {
    let result: unknown;
    try {
      result = step();
    } catch (error) {
      end();
      throw error;
    }
    if (result instanceof Promise) {
      return result.then(
        (r: { done?: boolean }) => (r?.done && end(), r),
        (error: unknown) => {
          end();
          throw error;
        },
      );
    }
    if ((result as { done?: boolean } | undefined)?.done) end();
    return result;
  };
  const followed: Generatorish & Record<symbol, unknown> = {
    next: (value) => watch(() => generator.next(value)),
    return: (value) => {
      end();
      return generator.return(value);
    },
    throw: (error) => watch(() => (generator.throw ? generator.throw(error) : Promise.reject(error))),
    [Symbol.iterator]: () => followed,
    [Symbol.asyncIterator]: () => followed,
  };
  return followed;
}
