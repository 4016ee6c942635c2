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
