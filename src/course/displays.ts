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

/** What the curves read of a run: a Training (or anything with logs, done and a fineTune history). */
export interface CurvesRun {
  logs: readonly ScalarLog[];
  done?: boolean;
  history?: { bestEpoch?: number | null; restoredEpoch?: number | null; stoppedEpoch?: number | null } | null;
}

export interface TrainingCurvesOptions {
  /** Width of the figure in CSS pixels (pass the page's `width`). Default 720. */
  width?: number;
}

/**
 * Lesson 8's training curves: loss and accuracy each on its own scale (two panels), training solid
 * and validation dashed, the best epoch (lowest val_loss) ringed and the one EarlyStopping restored
 * dotted, and the previous run kept faint behind this one. Made once (a cell that runs once) and
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
    // The same run when it goes on from where the last call left it (an epoch later, or done).
    const continues = current !== undefined && !current.done && logs.length >= current.logs.length &&
      (current.logs.length === 0 || (logs[0]!.loss === current.logs[0]!.loss && logs[0]!.val_loss === current.logs[0]!.val_loss));
    if (current && !continues && current.logs.length > 0) previous = { ...current, name: 'previous run', faint: true };
    current = { name: 'this run', logs, done: run.done ?? false, markers: curveMarkers(run) };
    const runs = previous ? [current, previous] : [current];
    return rich(() => ({ html: scalarsSvg(runs, { smoothing: 0, ...(width ? { width } : {}) }), text: scalarsText(runs, { smoothing: 0 }) }));
  };
}

/** The best epoch (the history's, else the lowest val_loss so far) and the restored one. */
function curveMarkers(run: CurvesRun): ScalarMarker[] {
  let best = run.history?.bestEpoch ?? null;
  if (best === null && run.logs.length) {
    best = run.logs.reduce((a, b) => (b.val_loss < a.val_loss ? b : a)).epoch;
  }
  return [...(best === null ? [] : [{ epoch: best, label: `best epoch ${best}` }]), ...historyMarkers(run.history)];
}
