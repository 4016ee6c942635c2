/**
 * The part of the `rich` library (Textualize/rich: rich/table.py, rich/_ratio.py, rich/_wrap.py,
 * rich/text.py, rich/containers.py) that Keras's summary uses: a table with fixed-width columns,
 * one space of padding, the HEAVY_HEAD box and a rule between rows, shrunk to the table width the
 * way rich does it, and cells wrapped at spaces with long words cut to end in "…".
 *
 * Re-implemented from rich's algorithms (not a list of widths), so any table width renders as rich
 * would. Assumes every character is one cell wide (layer names and shapes are ASCII).
 */

export type Justify = 'left' | 'right' | 'center';

export interface RichColumn {
  header: string;
  /** Fixed content width asked for (rich `Column(width=...)`), before padding. */
  width: number;
  justify: Justify;
}

export interface RichTableArgs {
  columns: RichColumn[];
  rows: string[][];
  /** Total table width in cells, borders included (rich `Table(width=...)`). */
  width: number;
}

/** rich's HEAVY_HEAD box: heavy header, light body. */
const BOX = {
  top: ['┏', '━', '┳', '┓'],
  headRow: ['┃', '┃', '┃'],
  headRule: ['┡', '━', '╇', '┩'],
  row: ['│', '│', '│'],
  rowRule: ['├', '─', '┼', '┤'],
  bottom: ['└', '─', '┴', '┘'],
} as const;

/** Left + right padding of every cell (rich's default padding (0, 1)). */
const PADDING = 2;

/** Python's round(): halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** rich `_ratio.ratio_reduce`: take `total` away from `values` in proportion to `ratios`. */
export function ratioReduce(total: number, ratios: number[], maximums: number[], values: number[]): number[] {
  const usable = ratios.map((r, i) => (maximums[i] ? r : 0));
  let totalRatio = usable.reduce((a, b) => a + b, 0);
  if (!totalRatio) return values.slice();
  let remaining = total;
  return values.map((value, i) => {
    const ratio = usable[i];
    if (!ratio || totalRatio <= 0) return value;
    const distributed = Math.min(maximums[i], roundHalfEven((ratio * remaining) / totalRatio));
    remaining -= distributed;
    totalRatio -= ratio;
    return value - distributed;
  });
}

/** rich `_ratio.ratio_distribute`: share `total` out in proportion to `ratios`. */
export function ratioDistribute(total: number, ratios: number[]): number[] {
  let totalRatio = ratios.reduce((a, b) => a + b, 0);
  let remaining = total;
  return ratios.map((ratio) => {
    const distributed = totalRatio > 0 ? Math.ceil((ratio * remaining) / totalRatio) : remaining;
    totalRatio -= ratio;
    remaining -= distributed;
    return distributed;
  });
}

/**
 * rich `Table._calculate_column_widths` for fixed-width columns (padding included, borders not).
 * Fixed-width columns are not "wrapable" to `_collapse_widths`, so when they are too wide rich's
 * last resort applies: reduce all columns evenly with ratio_reduce. A table narrower than its
 * width expands (a set width implies `expand`).
 */
export function columnWidths(requested: number[], tableWidth: number): number[] {
  const extra = 2 + (requested.length - 1); // outer edges + dividers
  const maxWidth = tableWidth - extra;
  let widths = requested.map((w) => Math.min(w + PADDING, maxWidth));
  const total = widths.reduce((a, b) => a + b, 0);
  if (total > maxWidth) {
    widths = ratioReduce(total - maxWidth, widths.map(() => 1), widths, widths);
    widths = widths.map((w) => Math.max(0, w));
  } else if (total < maxWidth) {
    const pads = ratioDistribute(maxWidth - total, widths);
    widths = widths.map((w, i) => w + pads[i]);
  }
  return widths;
}

/** rich `_wrap.divide_line` with fold=False (overflow "ellipsis"): offsets to break the text at. */
export function divideLine(text: string, width: number): number[] {
  const breaks: number[] = [];
  let offset = 0;
  for (const match of text.matchAll(/\s*\S+\s*/g)) {
    const start = match.index ?? 0;
    const word = match[0];
    const wordLength = word.trimEnd().length;
    if (width - offset >= wordLength) {
      offset += word.length;
    } else if (wordLength > width) {
      // Too long for any line: it gets a line of its own and is cut later.
      if (start) breaks.push(start);
      offset = word.length;
    } else if (offset && start) {
      breaks.push(start);
      offset = word.length;
    }
  }
  return breaks;
}

/** rich `Text.truncate` with overflow "ellipsis". */
function truncate(line: string, width: number): string {
  return line.length > width ? line.slice(0, Math.max(0, width - 1)) + '…' : line;
}

/** Wraps one cell's text to `width` cells and justifies each line to exactly `width`. */
export function wrapCell(text: string, width: number, justify: Justify): string[] {
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    const breaks = [0, ...divideLine(paragraph, width), paragraph.length];
    for (let i = 0; i + 1 < breaks.length; i++) {
      let line = paragraph.slice(breaks[i], breaks[i + 1]);
      // rstrip_end: drop trailing whitespace that goes beyond the width.
      if (line.length > width) {
        const trailing = line.length - line.trimEnd().length;
        line = line.slice(0, line.length - Math.min(trailing, line.length - width));
      }
      if (justify === 'left') {
        line = truncate(line, width).padEnd(width);
      } else {
        line = truncate(line.trimEnd(), width);
        const left = justify === 'right' ? width - line.length : Math.floor((width - line.length) / 2);
        line = (' '.repeat(left) + line).padEnd(width);
      }
      out.push(line.slice(0, width));
    }
  }
  return out;
}

function rule([left, fill, cross, right]: readonly string[], widths: number[]): string {
  return left + widths.map((w) => fill.repeat(w)).join(cross) + right;
}

/** Renders cells of one row, each column `widths[i]` wide, padded and aligned (header: bottom). */
function renderRow(
  cells: string[],
  widths: number[],
  justify: Justify[],
  [left, divider, right]: readonly string[],
  vertical: 'top' | 'bottom',
): string[] {
  const wrapped = cells.map((cell, i) => wrapCell(cell, Math.max(0, widths[i] - PADDING), justify[i]));
  const height = Math.max(1, ...wrapped.map((lines) => lines.length));
  const blank = (i: number) => ' '.repeat(Math.max(0, widths[i] - PADDING));
  const aligned = wrapped.map((lines, i) => {
    const fill = Array.from({ length: height - lines.length }, () => blank(i));
    return vertical === 'top' ? [...lines, ...fill] : [...fill, ...lines];
  });
  return Array.from({ length: height }, (_, row) =>
    left + aligned.map((lines, i) => ` ${lines[row]} `.slice(0, widths[i]).padEnd(widths[i])).join(divider) + right,
  );
}

/** Renders the table as rich would at `width` cells, one string per line (no trailing newline). */
export function renderRichTable(args: RichTableArgs): string[] {
  const { columns, rows } = args;
  const widths = columnWidths(columns.map((c) => c.width), args.width);
  const justify = columns.map((c) => c.justify);
  const lines = [rule(BOX.top, widths)];
  lines.push(...renderRow(columns.map((c) => c.header), widths, justify, BOX.headRow, 'bottom'));
  lines.push(rule(BOX.headRule, widths));
  rows.forEach((cells, i) => {
    if (i > 0) lines.push(rule(BOX.rowRule, widths));
    lines.push(...renderRow(cells, widths, justify, BOX.row, 'top'));
  });
  lines.push(rule(BOX.bottom, widths));
  return lines;
}
