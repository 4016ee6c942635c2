/**
 * The compiled form of one live cell: the single typed node that the Node
 * runner, the browser page and the `lectern cells` command all consume.
 */

/** A position in a cell's own source: both 1-based, like editors and `tsc` print them. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** A problem found while compiling a cell (syntax error, forbidden assignment, `export`, ...). */
export interface CellDiagnostic extends SourcePosition {
  /** Message without position, e.g. "Unexpected token". */
  message: string;
}

/**
 * One module a cell imports: an `import` statement (after type-only imports are
 * erased), or an `import("...")` with a literal specifier anywhere in the cell.
 */
export interface CellImport {
  /** The module specifier as written: "lectern", "@tensorflow/tfjs", "/src/ml/x.ts", "./y.ts". */
  specifier: string;
  /** Names the import binds in the cell (its outputs), e.g. ["tf"] for `import * as tf from ...`; [] for dynamic ones. */
  names: string[];
  /** `static` for an import statement (loaded before the cell runs), `dynamic` for `import()`. */
  method: 'static' | 'dynamic';
}

/** Languages of live cells: the fence info string's first word. */
export type CellLanguage = 'ts' | 'js';

export interface CompiledCell {
  /** Stable id within its lesson (see parseLesson), or the one given to compileCell. */
  id: string;
  lang: CellLanguage;
  /** The source as the author wrote it (TypeScript for `ts`). */
  source: string;
  /** Top-level names the cell defines (its outputs), in source order. */
  declarations: string[];
  /**
   * Free names the cell reads (its inputs), in first-use order: other cells'
   * outputs and library names (`display`, `view`, `invalidation`, `Inputs`, ...);
   * JavaScript and browser globals are excluded.
   */
  references: string[];
  imports: CellImport[];
  /**
   * True when the cell is a single expression whose value is displayed: not when
   * it ends with a semicolon, nor when it calls `display()` (then it shows only what it displays).
   */
  expression: boolean;
  /** True when the body is an async function (top-level await or import). */
  async: boolean;
  /**
   * Names declared as `const name = view(...)`: the inputs the headless runner's
   * `--set name=value` addresses.
   */
  views: string[];
  /**
   * JavaScript source of a function expression taking `(__lectern, ...references)`,
   * where `__lectern` is a {@link CellContext}. Program cells return an object
   * of their declarations; expression cells return the expression's value.
   * Empty when `error` is set.
   */
  body: string;
  /** Set when the cell cannot run; the runtime reports it at the cell. */
  error?: CellDiagnostic;
}

/** What the compiled body receives as its first parameter. */
export interface CellContext {
  /** Called at the top of every loop iteration; throws when a loop hogs the event loop. */
  guard: () => void;
  /** Resolves an `import` of the cell. */
  import: (specifier: string) => Promise<Record<string, unknown>>;
  /** The Function constructor with the guard in the loops of what it compiles (dynamic-code.ts). */
  Function: (...args: unknown[]) => unknown;
  /** Code for a direct eval, with the guard in its loops. */
  code: (source: unknown) => unknown;
}
