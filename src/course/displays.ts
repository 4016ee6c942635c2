/**
 * Engine results as values that show themselves (the display protocol, src/runtime/display.ts):
 * the page shows their HTML, `lectern run` their text, and a cell needs no `typeof document`:
 *
 * ```ts
 * summary(frozen, { showTrainable: true })   // Keras's table; an HTML table in the page
 * diagnose(training)                          // the lesson's diagnosis; a card in the page
 * ```
 */
import type * as tf from '@tensorflow/tfjs';
import { diagnose as engineDiagnose, diagnosisHtml, formatDiagnosis, type DiagnoseOptions, type Diagnosis } from '../ml/diagnose.ts';
import { summary as summaryText, summaryHtml, type SummaryArgs } from '../ml/summary/index.ts';
import { rich, withDisplay, type Displayable } from '../runtime/display.ts';
import { historyMarkers, scalarsSvg, scalarsText, type ScalarLog, type ScalarMarker, type ScalarRun } from '../ml/scalars.ts';
import { LESSON_DIAGNOSIS, type DiagnosedRun } from './diagnosis.ts';

/**
 * Keras's `model.summary()`: as text (rich's table, Keras's widths) where there is no page, as an
 * HTML table in the page (with the frozen beginning folded).
 */
export function summary(model: tf.LayersModel, args: SummaryArgs = {}): Displayable {
  return rich(() => ({ text: summaryText(model, args), html: summaryHtml(model, { showTrainable: args.showTrainable ?? false }) }));
}

/**
 * Reads a run's curves as lesson 8 teaches: a Training (or a fineTune history) of a finished or
 * running training. The diagnosis is data (verdict, evidence, remedies, figures) and shows itself
 * as a card in the page. `options` changes the course's thresholds, words or sections.
 */
export function diagnose(run: DiagnosedRun, options: Partial<Omit<DiagnoseOptions, 'classes'>> = {}): Diagnosis & Displayable {
  const diagnosis = engineDiagnose(run.logs, { ...LESSON_DIAGNOSIS, batchNormTrained: run.batchNormTrained, batchNormCheck: run.batchNormCheck, ...options, classes: run.classes.length });
  return withDisplay(diagnosis, () => ({ text: formatDiagnosis(diagnosis), html: diagnosisHtml(diagnosis) }));
}

/**
 * A line that says where something stands (the backend in use, the images loaded, what comes
 * next): prose in the page, not a quoted string; the same text in `lectern run`.
 *
 * ```ts
 * status(backend.message)
 * ```
 */
export function status(text: string): Displayable {
  const line = String(text);
  return rich({ text: line, html: `<p class="lectern-status">${escapeHtml(line)}</p>` });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** What the curves read of a run: a Training (or anything with logs, done and a fineTune history). */
export interface CurvesRun {
  logs: readonly ScalarLog[];
  done?: boolean;
  /** Epochs asked for: the placeholder before the first epoch names it. */
  epochs?: number;
  history?: { bestEpoch?: number | null; restoredEpoch?: number | null; stoppedEpoch?: number | null } | null;
}

export interface TrainingCurvesOptions {
  /** Width of the figure in CSS pixels (pass the page's `width`). Default 720. */
  width?: number;
}

/** The chart's height with one run (scalarsSvg: 240 for the panels, 40 for the key and legend). */
const CHART_HEIGHT = 280;

/**
 * Lesson 8's training curves: loss and accuracy each on its own scale (two panels), training solid
 * and validation dashed, the best epoch (lowest val_loss) ringed and the one EarlyStopping restored
 * dotted, and the previous run kept faint behind this one. Before the first epoch of the first run
 * a placeholder of the chart's size says what is happening. Made once (a cell that runs once) and
 * called with each epoch's Training, because it remembers the run before:
 *
 * ```ts
 * const curves = trainingCurves();   // once
 * curves(training, { width })        // re-runs with every epoch
 * ```
 */
export function trainingCurves(): (run: CurvesRun, options?: TrainingCurvesOptions) => Displayable {
  let current: ScalarRun | undefined;
  let previous: ScalarRun | undefined;
  return (run, { width } = {}) => {
    const logs = [...run.logs];
    const done = run.done ?? false;
    if (current && !sameRun(current, logs, done) && current.logs.length > 0) previous = { ...current, name: 'previous run', faint: true };
    current = { name: 'this run', logs, done, markers: curveMarkers(run) };
    const runs = previous ? [current, previous] : [current];
    if (logs.length === 0 && !previous) return waiting(run, width ?? 720);
    return rich(() => ({ html: scalarsSvg(runs, { smoothing: 0, ...(width ? { width } : {}) }), text: scalarsText(runs, { smoothing: 0 }) }));
  };
}

/**
 * Whether `logs` are the run shown last: the same first epoch, and either that run goes on (it was
 * training and has as many epochs or more) or it is drawn again as it was (a new width, say). A new
 * run starts with no epochs, so a run that repeats the last one's numbers exactly still counts as new.
 */
function sameRun(shown: ScalarRun, logs: readonly ScalarLog[], done: boolean): boolean {
  if (logs.length === 0) return shown.logs.length === 0 && !shown.done;
  const first = shown.logs[0];
  if (first !== undefined && (logs[0]!.loss !== first.loss || logs[0]!.val_loss !== first.val_loss)) return false;
  return shown.done ? done && logs.length === shown.logs.length : logs.length >= shown.logs.length;
}

/** The chart's place before the first epoch: what is happening, at the chart's size (the page does not jump). */
function waiting(run: CurvesRun, width: number): Displayable {
  const of = run.epochs ? ` of ${run.epochs}` : '';
  const text = `No epoch yet: the curves start when epoch 1${of} ends.`;
  const html = `<div class="lectern-curves-waiting" role="status" style="max-width: ${width}px; height: ${CHART_HEIGHT}px">` +
    `<p><span class="lectern-spinner" aria-hidden="true"></span>Training epoch 1${of}: the loss and accuracy curves start when it ends.</p></div>`;
  return rich({ text, html });
}

/** The best epoch (the history's, else the lowest val_loss so far) and the restored one. */
function curveMarkers(run: CurvesRun): ScalarMarker[] {
  let best = run.history?.bestEpoch ?? null;
  if (best === null && run.logs.length) {
    best = run.logs.reduce((a, b) => (b.val_loss < a.val_loss ? b : a)).epoch;
  }
  return [...(best === null ? [] : [{ epoch: best, label: `best epoch ${best}` }]), ...historyMarkers(run.history)];
}
