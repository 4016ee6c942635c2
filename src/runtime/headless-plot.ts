/**
 * `Plot` for headless runs: Observable Plot draws with the DOM, which Node
 * lacks. Every `Plot.x(...)` call returns a description of the mark or figure
 * whose text form names what would be drawn, so lessons with plots still run.
 */

export interface HeadlessFigure {
  readonly kind: string;
  readonly marks: HeadlessFigure[];
  /** Number of data points of a mark (its first argument's length), when it has data. */
  readonly length?: number;
  plot(options?: Record<string, unknown>): HeadlessFigure;
  toString(): string;
}

function figure(kind: string, args: unknown[]): HeadlessFigure {
  const [first] = args;
  const marks = kind === 'plot' ? collectMarks(first) : [];
  const hasData = kind !== 'plot' && first !== null && typeof first === 'object' && 'length' in first;
  const length = hasData ? Number((first as { length: unknown }).length) : undefined;
  const self: HeadlessFigure = {
    kind,
    marks,
    length,
    // A mark's own .plot() draws a figure of that one mark, as in Plot.
    plot: (options = {}) => figure('plot', [{ ...options, marks: [self] }]),
    toString() {
      if (kind === 'plot') return `Plot(${marks.map((m) => m.toString()).join(', ') || 'no marks'})`;
      return length === undefined ? kind : `${kind}[${length}]`;
    },
  };
  return self;
}

function collectMarks(options: unknown): HeadlessFigure[] {
  const marks = (options as { marks?: unknown } | undefined)?.marks;
  if (!Array.isArray(marks)) return [];
  return marks.flat(Infinity).filter((m): m is HeadlessFigure => typeof m === 'object' && m !== null && 'kind' in m);
}

/**
 * Names the Proxy must not answer: a `then` would make it look like a promise,
 * `next`/`return` like a generator, to the runtime and to `await`.
 */
const notPlotFunctions: ReadonlySet<string> = new Set(['then', 'next', 'return', 'throw', 'toJSON', 'constructor', 'valueOf', 'toString', 'inspect', 'nodeType']);

/** A Proxy standing in for the Plot module: any other function name works. */
export const headlessPlot: Record<string, (...args: unknown[]) => HeadlessFigure> = new Proxy(
  {},
  {
    get: (_target, name) => (typeof name === 'string' && !notPlotFunctions.has(name) ? (...args: unknown[]) => figure(name, args) : undefined),
  },
);
