/**
 * `summary(model)`: the text Keras 3 prints for `model.summary(show_trainable=..., line_length=...)`
 * (keras/src/utils/summary_utils.py `print_summary`, drawn by rich), character for character.
 */
import type * as tf from '@tensorflow/tfjs';
import { renderRichTable, type Justify, type RichColumn } from './rich-table.ts';
import { formatCount, readableSize, summarize, type ModelSummary } from './rows.ts';

export interface SummaryArgs {
  /** Add Keras's "Trainable" column (Y / N / -). Default false, as Keras. */
  showTrainable?: boolean;
  /**
   * Total line length. Default: Keras's default (108 for models with a "Connected to" column,
   * 88 for sequential-like ones, +12 with showTrainable) capped at `terminalColumns - 4`.
   */
  lineLength?: number;
  /**
   * Width of the terminal Keras would print to; only caps the default line length. Default 80,
   * Python's fallback when the output is not a terminal (so 76 columns). The table is never
   * cropped to this width (Keras's console would crop a longer explicit lineLength).
   */
  terminalColumns?: number;
}

/** Column layout exactly as Keras computes it: widths from relative positions × line length. */
export function kerasColumns(sequentialLike: boolean, showTrainable: boolean, lineLength: number): RichColumn[] {
  let positions = sequentialLike ? [0.45, 0.8, 1.0] : [0.3, 0.56, 0.74, 1.0];
  const headers = sequentialLike ? ['Layer (type)', 'Output Shape', 'Param #'] : ['Layer (type)', 'Output Shape', 'Param #', 'Connected to'];
  const justify: Justify[] = sequentialLike ? ['left', 'left', 'right'] : ['left', 'left', 'right', 'left'];
  if (showTrainable) {
    positions = [...positions.map((p) => p * 0.9), 1.0];
    headers.push('Trainable');
    justify.push('center');
  }
  let current = 0;
  return positions.map((position, i) => {
    const width = Math.floor(position * lineLength) - current;
    if (width < 4) throw new Error(`summary: line length ${lineLength} is too small to print the summary (Keras: "Insufficient console width")`);
    current += width;
    return { header: headers[i], width, justify: justify[i] };
  });
}

/** Keras's default line length for this model and these options. */
export function defaultLineLength(sequentialLike: boolean, showTrainable: boolean, terminalColumns = 80): number {
  const base = (sequentialLike ? 88 : 108) + (showTrainable ? 12 : 0);
  return Math.min(base, terminalColumns - 4);
}

/** Renders an already-summarized model (see `summarize`). */
export function renderSummaryText(s: ModelSummary, args: SummaryArgs = {}): string {
  const showTrainable = args.showTrainable ?? false;
  const lineLength = args.lineLength ?? defaultLineLength(s.sequentialLike, showTrainable, args.terminalColumns);
  if (!Number.isInteger(lineLength) || lineLength < 1) throw new Error(`summary: lineLength must be a positive integer; got ${lineLength}`);
  const columns = kerasColumns(s.sequentialLike, showTrainable, lineLength);
  const rows = s.rows.map((row) => {
    const cells = [`${row.name} (${row.className})`, row.outputShape, formatCount(row.params)];
    if (!s.sequentialLike) cells.push(row.connectedTo.length ? row.connectedTo.join(', ') : '-');
    if (showTrainable) cells.push(row.trainableMark);
    return cells;
  });
  const t = s.totals;
  return [
    `Model: "${s.name}"`,
    ...renderRichTable({ columns, rows, width: lineLength }),
    ` Total params: ${formatCount(t.total)} (${readableSize(t.totalBytes)})`,
    ` Trainable params: ${formatCount(t.trainable)} (${readableSize(t.trainableBytes)})`,
    ` Non-trainable params: ${formatCount(t.nonTrainable)} (${readableSize(t.nonTrainableBytes)})`,
    '',
  ].join('\n');
}

/**
 * The Keras 3 summary of a tfjs model as text (ends with a newline, as Keras's captured output).
 * `summary(base, {showTrainable: true})` at the default 76 columns is the deck's table.
 */
export function summary(model: tf.LayersModel, args: SummaryArgs = {}): string {
  return renderSummaryText(summarize(model), args);
}
