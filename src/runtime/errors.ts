/**
 * CellError: every failure the runtime reports at a cell (its observer's
 * `rejected`) is one of these, so the page and the headless runner can say
 * which cell failed, how, and where.
 */

export type CellErrorKind =
  /** The cell does not parse (or assigns another cell's variable, or uses `export`). */
  | 'syntax'
  /** The cell threw (or rejected) while running. */
  | 'runtime'
  /** The cell reads a name that no cell, library or global defines. */
  | 'undefined'
  /** An input of the cell failed, so the cell could not run. */
  | 'input'
  /** The cell reads a name that more than one cell declares. */
  | 'duplicate'
  /** The cell depends on itself through other cells. */
  | 'circular'
  /** A loop in the cell ran past the loop guard's budget. */
  | 'loop'
  /** The headless runner gave up waiting for the cell. */
  | 'timeout'
  /** The cell waits for something that can no longer happen: nothing else is left to run (headless). */
  | 'stalled'
  /** A rejection nobody handled, or a throw in a timer or callback, that came from the cell's code. */
  | 'uncaught'
  /** The lesson ran out of memory while the cell was running (headless: its process hit the heap limit). */
  | 'memory';

export interface CellErrorArgs {
  cellId: string;
  kind: CellErrorKind;
  /** Error name to show, e.g. "TypeError" (default "Error"; "SyntaxError" for kind 'syntax'). */
  name?: string;
  /** 1-based position in the cell's source, when known. */
  line?: number;
  column?: number;
  /** The original thrown value. */
  cause?: unknown;
}

export class CellError extends Error {
  readonly cellId: string;
  readonly kind: CellErrorKind;
  readonly line?: number;
  readonly column?: number;

  constructor(message: string, { cellId, kind, name, line, column, cause }: CellErrorArgs) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = name ?? (kind === 'syntax' ? 'SyntaxError' : 'Error');
    this.cellId = cellId;
    this.kind = kind;
    this.line = line;
    this.column = column;
  }

  /** "SyntaxError: Unexpected token (line 2, column 7)" — the one-line form for text output. */
  describe(): string {
    const where = this.line === undefined ? '' : this.column === undefined ? ` (line ${this.line})` : ` (line ${this.line}, column ${this.column})`;
    const label = this.name === 'Error' ? '' : `${this.name}: `;
    return `${label}${this.message}${where}`;
  }
}
