/**
 * Reads a training history the way lesson 8 teaches: underfitting, overfitting, a good fit, or a
 * model still learning, with the numbers that show it and the deck's remedies.
 *
 * Rules, in order (the first that holds wins):
 * 1. overfitting: the last epoch's training accuracy beats validation accuracy by at least
 *    OVERFIT_ACCURACY_GAP ("good on training data, clearly worse on validation"), or validation
 *    loss has risen by at least OVERFIT_VAL_LOSS_RISE above its best, reached at least
 *    OVERFIT_EPOCHS_SINCE_BEST epochs before the end, while training loss kept falling
 *    ("trained too long");
 * 2. underfitting: the best training accuracy stays below UNDERFIT_TRAIN_ACCURACY ("not training
 *    well on training data"), or the training loss fell by less than UNDERFIT_MIN_LOSS_DROP over
 *    the whole run while training accuracy stayed below GOOD_TRAIN_ACCURACY;
 * 3. still learning: over the last STILL_LEARNING_WINDOW epochs both training and validation loss
 *    fell by at least STILL_LEARNING_MIN_DROP each (relative): more epochs would help;
 * 4. good fit otherwise.
 * Accuracies are fractions in [0, 1]; the task has four classes, so chance is 0.25.
 */

/** Minimal shape of an epoch log (fineTune's EpochLog satisfies it). */
export interface EpochMetrics {
  loss: number;
  accuracy: number;
  val_loss: number;
  val_accuracy: number;
}

export type Verdict = 'underfitting' | 'overfitting' | 'good fit' | 'still learning';

/** Training accuracy minus validation accuracy, at the last epoch, from which a model overfits. */
export const OVERFIT_ACCURACY_GAP = 0.1;
/** Rise of validation loss above its best, relative to the best, that signals training too long. */
export const OVERFIT_VAL_LOSS_RISE = 0.1;
/** The best validation loss must lie at least this many epochs before the last to call it a rise. */
export const OVERFIT_EPOCHS_SINCE_BEST = 2;
/** Best training accuracy below which the model does not fit its training data (chance is 0.25). */
export const UNDERFIT_TRAIN_ACCURACY = 0.6;
/** Training accuracy from which a flat training loss is a plateau at a good level, not underfitting. */
export const GOOD_TRAIN_ACCURACY = 0.8;
/** Relative fall of training loss from first to last epoch below which training "barely moves". */
export const UNDERFIT_MIN_LOSS_DROP = 0.05;
/** Epochs looked at to decide whether the curves are still improving. */
export const STILL_LEARNING_WINDOW = 3;
/** Relative fall of each loss over that window that counts as still improving. */
export const STILL_LEARNING_MIN_DROP = 0.03;

/** Lesson sections (ids of notebooks/08-fine-tuning.md headings) that explain each verdict. */
export const VERDICT_SECTIONS: Record<Verdict, string> = {
  underfitting: 'underfitting',
  overfitting: 'overfitting',
  'good fit': 'generalize-our-classifier',
  'still learning': 'your-turn',
};

export interface Diagnosis {
  verdict: Verdict;
  /** One sentence: what the curves show. */
  summary: string;
  /** The numbers behind the verdict, one per line. */
  evidence: string[];
  /** What to change, in the deck's terms and the lesson's controls. */
  remedies: string[];
  /** Id of the lesson section that explains the verdict, and a link to it. */
  section: string;
  href: string;
  /** Figures the rules used (accuracies as fractions; epochs from 1). */
  figures: {
    epochs: number;
    trainAccuracy: number;
    valAccuracy: number;
    accuracyGap: number;
    bestTrainAccuracy: number;
    bestValLossEpoch: number;
    valLossRise: number;
    trainLossDrop: number;
  };
}

const percent = (x: number) => `${(100 * x).toFixed(1)}%`;
const fixed = (x: number) => x.toFixed(3);

function relativeDrop(from: number, to: number): number {
  return from > 0 ? (from - to) / from : 0;
}

function check(history: readonly EpochMetrics[]): void {
  if (!Array.isArray(history) || history.length === 0) throw new Error('diagnose: the history has no epochs');
  history.forEach((log, i) => {
    for (const key of ['loss', 'accuracy', 'val_loss', 'val_accuracy'] as const) {
      if (typeof log?.[key] !== 'number' || Number.isNaN(log[key])) {
        throw new Error(`diagnose: epoch ${i + 1} has no number for "${key}"`);
      }
    }
  });
}

const REMEDIES: Record<Verdict, string[]> = {
  underfitting: [
    'Choose a more complex model: make more layers trainable (raise "Trainable layers").',
    'Use less regularization: lower "Dropout".',
    'Check the input features: the model must see what tells the classes apart (e.g. a larger input size).',
  ],
  overfitting: [
    'Choose a simpler model: make fewer layers trainable (lower "Trainable layers").',
    'Stop before it memorizes: turn EarlyStopping on (with restore_best_weights).',
    'Add regularization: raise "Dropout", or add data augmentation; more training images help too.',
  ],
  'still learning': ['Train for more epochs: both losses were still falling at the last epoch.', 'Turn EarlyStopping on so a longer run stops by itself when validation loss stops improving.'],
  'good fit': ['Keep these settings, and confirm on the test split, which training never saw.'],
};

/** Diagnoses a history (one entry per epoch, in order). Throws on an empty or malformed history. */
export function diagnose(history: readonly EpochMetrics[]): Diagnosis {
  check(history);
  const last = history[history.length - 1];
  const epochs = history.length;
  const bestValLossIndex = history.reduce((best, log, i) => (log.val_loss < history[best].val_loss ? i : best), 0);
  const bestValLoss = history[bestValLossIndex].val_loss;
  const figures: Diagnosis['figures'] = {
    epochs,
    trainAccuracy: last.accuracy,
    valAccuracy: last.val_accuracy,
    accuracyGap: last.accuracy - last.val_accuracy,
    bestTrainAccuracy: Math.max(...history.map((l) => l.accuracy)),
    bestValLossEpoch: bestValLossIndex + 1,
    valLossRise: bestValLoss > 0 ? (last.val_loss - bestValLoss) / bestValLoss : 0,
    trainLossDrop: relativeDrop(history[0].loss, last.loss),
  };
  const accuracies = `training accuracy ${percent(last.accuracy)}, validation accuracy ${percent(last.val_accuracy)} at epoch ${epochs}`;
  const make = (verdict: Verdict, summary: string, evidence: string[]): Diagnosis => ({
    verdict,
    summary,
    evidence,
    remedies: REMEDIES[verdict],
    section: VERDICT_SECTIONS[verdict],
    href: `#${VERDICT_SECTIONS[verdict]}`,
    figures,
  });

  // 1. Overfitting.
  const trainLossSinceBest = relativeDrop(history[bestValLossIndex].loss, last.loss);
  const trainedTooLong =
    epochs - 1 - bestValLossIndex >= OVERFIT_EPOCHS_SINCE_BEST && figures.valLossRise >= OVERFIT_VAL_LOSS_RISE && trainLossSinceBest > 0;
  if (figures.accuracyGap >= OVERFIT_ACCURACY_GAP || trainedTooLong) {
    const evidence = [`${accuracies}: a gap of ${percent(figures.accuracyGap)} (overfitting from ${percent(OVERFIT_ACCURACY_GAP)}).`];
    if (trainedTooLong) {
      evidence.push(
        `Validation loss was lowest at epoch ${bestValLossIndex + 1} (${fixed(bestValLoss)}) and rose ${percent(figures.valLossRise)} to ${fixed(last.val_loss)} while training loss kept falling: trained too long.`,
      );
    }
    const summary = trainedTooLong
      ? 'Overfitting: the model keeps improving on its training images while validation gets worse: it learns their noise.'
      : 'Overfitting: good on the training images, clearly worse on validation images it never trained on.';
    return make('overfitting', summary, evidence);
  }

  // 2. Underfitting.
  const flat = figures.trainLossDrop < UNDERFIT_MIN_LOSS_DROP && figures.bestTrainAccuracy < GOOD_TRAIN_ACCURACY && epochs > 1;
  if (figures.bestTrainAccuracy < UNDERFIT_TRAIN_ACCURACY || flat) {
    const evidence = [`Best training accuracy ${percent(figures.bestTrainAccuracy)} (underfitting below ${percent(UNDERFIT_TRAIN_ACCURACY)}; chance is 25%).`];
    if (epochs > 1) evidence.push(`Training loss went from ${fixed(history[0].loss)} to ${fixed(last.loss)} (${percent(figures.trainLossDrop)} lower).`);
    return make('underfitting', 'Underfitting: the model does not fit even its training images; it has not learned the pattern.', evidence);
  }

  // 3. Still learning.
  const window = Math.min(STILL_LEARNING_WINDOW, epochs - 1);
  if (window >= 1) {
    const start = history[epochs - 1 - window];
    const trainDrop = relativeDrop(start.loss, last.loss);
    const valDrop = relativeDrop(start.val_loss, last.val_loss);
    if (trainDrop >= STILL_LEARNING_MIN_DROP && valDrop >= STILL_LEARNING_MIN_DROP) {
      return make('still learning', 'Still learning: both losses were still falling when training ended.', [
        `Over the last ${window} epoch${window > 1 ? 's' : ''} training loss fell ${percent(trainDrop)} and validation loss ${percent(valDrop)} (still improving from ${percent(STILL_LEARNING_MIN_DROP)}).`,
        `${accuracies}.`,
      ]);
    }
  }

  // 4. Good fit.
  return make('good fit', 'Good fit: the model fits its training images and does about as well on validation images.', [
    `${accuracies}: a gap of ${percent(figures.accuracyGap)} (below ${percent(OVERFIT_ACCURACY_GAP)}).`,
    `Validation loss is at or near its best (epoch ${bestValLossIndex + 1}, ${fixed(bestValLoss)}).`,
  ]);
}

const TITLES: Record<Verdict, string> = {
  underfitting: 'Underfitting',
  overfitting: 'Overfitting',
  'good fit': 'Good fit',
  'still learning': 'Still learning',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The diagnosis as plain text (command line, headless runs). */
export function formatDiagnosis(d: Diagnosis): string {
  return [
    `Diagnosis: ${TITLES[d.verdict]}. ${d.summary}`,
    ...d.evidence.map((line) => `  - ${line}`),
    'What to try:',
    ...d.remedies.map((line) => `  - ${line}`),
    `Read more: section "${d.section}" of the lesson (${d.href}).`,
  ].join('\n');
}

/** The diagnosis as an HTML card (a string, so it renders anywhere; the page turns it into DOM). */
export function diagnosisHtml(d: Diagnosis): string {
  const list = (items: string[]) => `<ul>${items.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>`;
  return (
    `<section class="lectern-diagnosis" data-verdict="${escapeHtml(d.verdict)}" role="status" aria-label="Diagnosis: ${TITLES[d.verdict]}">` +
    `<h4>${TITLES[d.verdict]}</h4><p>${escapeHtml(d.summary)}</p>` +
    `<p>Why:</p>${list(d.evidence)}<p>What to try:</p>${list(d.remedies)}` +
    `<p><a href="${escapeHtml(d.href)}">Read the section on ${TITLES[d.verdict].toLowerCase()}</a></p></section>`
  );
}
