/** Keras-style model summaries: text identical to Keras 3 + rich, and an HTML rendering. */
export { summary, renderSummaryText, defaultLineLength, kerasColumns, type SummaryArgs } from './text.ts';
export { summaryHtml, renderSummaryHtml, SUMMARY_CSS, type SummaryHtmlArgs } from './html.ts';
export { summarize, formatShape, type ModelSummary, type SummaryRow, type SummaryTotals } from './rows.ts';
