/**
 * `summaryHtml(model)`: the same summary as `summary()` as an HTML string (DOM-free, so it is built
 * in Node and in the page alike): same rows and numbers, a Trainable column, a header that stays
 * visible while the layer list scrolls, and the long frozen beginning of the model folded into an
 * expandable "… N frozen layers" (like the deck's `...`).
 *
 * Accessibility: a real <table> with column and row headers, a labelled scrollable region that
 * takes keyboard focus, a native <details>/<summary> for the fold (keyboard and screen readers
 * handle it), and Y/N/- explained by <abbr title>.
 */
import type * as tf from '@tensorflow/tfjs';
import { formatCount, readableSize, summarize, type ModelSummary, type SummaryRow } from './rows.ts';

export interface SummaryHtmlArgs {
  /** Show the Trainable column. Default true. */
  showTrainable?: boolean;
  /** Fold the leading run of frozen layers (`trainable === false`) into a <details>. Default true. */
  foldFrozen?: boolean;
  /** Fold only when at least this many layers lead frozen. Default 2. */
  minFold?: number;
  /** Include the component's <style> element. Default true (set false if the page loads SUMMARY_CSS). */
  includeStyle?: boolean;
}

/** Styles of the component, scoped under `.lectern-summary`. */
export const SUMMARY_CSS = `
.lectern-summary { font: 13px/1.35 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.lectern-summary-title { margin: 0 0 .25rem; }
.lectern-summary-scroll { max-height: var(--lectern-summary-height, 24rem); overflow: auto; border: 1px solid #8884; }
.lectern-summary-scroll:focus-visible { outline: 2px solid Highlight; }
/* Wide enough that no header breaks inside a word; on a phone the table scrolls inside its box. */
.lectern-summary-table { width: 100%; min-width: 46rem; table-layout: fixed; border-collapse: collapse; }
.lectern-summary-table th, .lectern-summary-table td { padding: .15rem .4rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; border-top: 1px solid #8883; font-weight: normal; }
.lectern-summary-table thead th { overflow-wrap: normal; hyphens: none; position: sticky; top: 0; z-index: 1; background: Canvas; color: CanvasText; font-weight: bold; border-bottom: 2px solid #888; }
.lectern-summary-table .num { text-align: right; font-variant-numeric: tabular-nums; }
.lectern-summary-table .mark { text-align: center; }
.lectern-summary-table .cls { font-style: italic; }
.lectern-summary-table tr.frozen { color: color-mix(in srgb, CanvasText 70%, Canvas); }
.lectern-summary-table td.fold { padding: 0; }
.lectern-summary-table td.fold > details > summary { padding: .2rem .4rem; cursor: pointer; }
.lectern-summary-nested { border: 0; }
.lectern-summary .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.lectern-summary-totals { margin: .25rem 0 0; }
.lectern-summary-totals div { display: flex; gap: .5ch; }
.lectern-summary-totals dt, .lectern-summary-totals dd { margin: 0; }
`;

const MARK_TITLES = { Y: 'trainable', N: 'frozen', '-': 'no weights' } as const;

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

interface Column {
  header: string;
  /** Share of the width, from Keras's column positions. */
  percent: number;
  className?: string;
  cell: (row: SummaryRow) => string;
}

function columnsFor(s: ModelSummary, showTrainable: boolean): Column[] {
  let positions = s.sequentialLike ? [0.45, 0.8, 1.0] : [0.3, 0.56, 0.74, 1.0];
  if (showTrainable) positions = [...positions.map((p) => p * 0.88), 1.0]; // "Trainable" needs 12% of 46rem
  const columns: Omit<Column, 'percent'>[] = [
    {
      header: 'Layer (type)',
      cell: (r) => `<th scope="row">${escapeHtml(r.name)} <span class="cls">(${escapeHtml(r.className)})</span></th>`,
    },
    { header: 'Output Shape', cell: (r) => `<td>${escapeHtml(r.outputShape)}</td>` },
    { header: 'Param #', className: 'num', cell: (r) => `<td class="num">${formatCount(r.params)}</td>` },
  ];
  if (!s.sequentialLike) {
    columns.push({
      header: 'Connected to',
      cell: (r) => `<td>${r.connectedTo.length ? r.connectedTo.map(escapeHtml).join(', ') : '-'}</td>`,
    });
  }
  if (showTrainable) {
    columns.push({
      header: 'Trainable',
      className: 'mark',
      cell: (r) => `<td class="mark"><abbr title="${MARK_TITLES[r.trainableMark]}">${r.trainableMark}</abbr></td>`,
    });
  }
  return columns.map((c, i) => ({ ...c, percent: Math.round((positions[i] - (positions[i - 1] ?? 0)) * 1000) / 10 }));
}

function colgroup(columns: Column[]): string {
  return `<colgroup>${columns.map((c) => `<col style="width:${c.percent}%">`).join('')}</colgroup>`;
}

function headerRow(columns: Column[]): string {
  return `<tr>${columns.map((c) => `<th scope="col"${c.className ? ` class="${c.className}"` : ''}>${c.header}</th>`).join('')}</tr>`;
}

function bodyRow(row: SummaryRow, columns: Column[]): string {
  const state = row.trainableMark === '-' ? 'no-weights' : row.trainable ? 'trainable' : 'frozen';
  return `<tr class="${state}">${columns.map((c) => c.cell(row)).join('')}</tr>`;
}

/** Number of leading layers with `trainable === false`: the part the fold hides. */
export function leadingFrozen(rows: SummaryRow[]): number {
  const first = rows.findIndex((r) => r.trainable);
  return first === -1 ? rows.length : first;
}

/** Renders an already-summarized model (see `summarize`). */
export function renderSummaryHtml(s: ModelSummary, args: SummaryHtmlArgs = {}): string {
  const columns = columnsFor(s, args.showTrainable ?? true);
  const frozen = leadingFrozen(s.rows);
  const fold = (args.foldFrozen ?? true) && frozen >= (args.minFold ?? 2) ? frozen : 0;
  const name = escapeHtml(s.name);
  const body: string[] = [];
  if (fold) {
    const label = `… ${fold} frozen layer${fold === 1 ? '' : 's'}`;
    body.push(
      `<tr class="fold"><td class="fold" colspan="${columns.length}"><details><summary>${label}</summary>` +
        `<table class="lectern-summary-table lectern-summary-nested" aria-label="${fold} frozen layers of ${name}">` +
        `${colgroup(columns)}<thead class="visually-hidden">${headerRow(columns)}</thead><tbody>` +
        s.rows.slice(0, fold).map((r) => bodyRow(r, columns)).join('') +
        `</tbody></table></details></td></tr>`,
    );
  }
  body.push(...s.rows.slice(fold).map((r) => bodyRow(r, columns)));
  const t = s.totals;
  const total = (label: string, count: number, bytes: number) =>
    `<div><dt>${label}</dt><dd>${formatCount(count)} (${readableSize(bytes)})</dd></div>`;
  return [
    `<section class="lectern-summary" aria-label="Model summary of ${name}">`,
    args.includeStyle ?? true ? `<style>${SUMMARY_CSS}</style>` : '',
    `<p class="lectern-summary-title">Model: "<strong>${name}</strong>"</p>`,
    `<div class="lectern-summary-scroll" role="region" tabindex="0" aria-label="Layers of ${name}">`,
    `<table class="lectern-summary-table">${colgroup(columns)}<thead>${headerRow(columns)}</thead>`,
    `<tbody>${body.join('')}</tbody></table></div>`,
    `<dl class="lectern-summary-totals">`,
    total('Total params:', t.total, t.totalBytes),
    total('Trainable params:', t.trainable, t.trainableBytes),
    total('Non-trainable params:', t.nonTrainable, t.nonTrainableBytes),
    `</dl></section>`,
  ].join('');
}

/** The Keras-style summary of a tfjs model as an HTML string (see SummaryHtmlArgs for defaults). */
export function summaryHtml(model: tf.LayersModel, args: SummaryHtmlArgs = {}): string {
  return renderSummaryHtml(summarize(model), args);
}
