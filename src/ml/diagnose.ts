/**
 * Reads a training history as a teacher reads curves: underfitting, overfitting, a good fit, a
 * model still learning, or validation broken by BatchNormalization statistics; with the numbers
 * that show it and what to try. Generic: the task (its class count), the thresholds, the words and
 * the sections that explain each verdict come from the caller (a course module passes its own, see
 * src/course/diagnosis.ts).
 *
 * Rules, in order (the first that holds wins); every threshold is an option (DiagnosisThresholds):
 * 1. batchnorm statistics: at some epoch validation loss is above ln(classes) (worse than
 *    guessing uniformly) while training loss is below it (each by `chanceLossMargin`), or validation accuracy is within
 *    `chanceMargin` of chance (1 / classes) while training accuracy is at least
 *    `trainAboveChance` above chance, or (given `batchNormCheck`) validation accuracy with the
 *    moving statistics re-estimated from training images is at least `recalibrationGain` above
 *    validation accuracy as trained. Training works and validation does not: with trainable
 *    BatchNormalization the moving statistics validation uses lag behind the weights (momentum
 *    0.999 in MobileNetV2). Not overfitting: the remedy is inference-mode BatchNormalization;
 * 2. overfitting: the last epoch's training accuracy beats validation accuracy by at least
 *    `overfitAccuracyGap` ("good on training data, clearly worse on validation"), or validation
 *    loss has risen by at least `overfitValLossRise` (relative) and `overfitValLossMinRise`
 *    (absolute) above its best, reached at least
 *    `overfitEpochsSinceBest` epochs before the end, while training loss kept falling ("trained too
 *    long");
 * 3. underfitting: the best training accuracy stays below `underfitShare × reachableAccuracy`,
 *    where `reachableAccuracy` is what a good setting reaches on this task ("not training well on
 *    training data"), or the training loss fell by less than `underfitMinLossDrop` over the whole
 *    run while training accuracy stayed below `reachableAccuracy`;
 * 4. still learning: over the last `stillLearningWindow` epochs both training and validation loss
 *    fell by at least `stillLearningMinDrop` each (relative): more epochs would help;
 * 5. good fit otherwise.
 * Accuracies are fractions in [0, 1]. Runs in Node and in the browser.
 */

/** Minimal shape of an epoch log (fineTune's EpochLog satisfies it). */
export interface EpochMetrics {
  loss: number;
  accuracy: number;
  val_loss: number;
  val_accuracy: number;
}

export type Verdict = 'underfitting' | 'overfitting' | 'good fit' | 'still learning' | 'batchnorm statistics';

export const VERDICTS: readonly Verdict[] = ['batchnorm statistics', 'overfitting', 'underfitting', 'still learning', 'good fit'];

/** The numbers the rules compare with. Defaults in DEFAULT_THRESHOLDS. */
export interface DiagnosisThresholds {
  /** Training minus validation accuracy, at the last epoch, from which a model overfits. Default 0.1. */
  overfitAccuracyGap: number;
  /** Rise of validation loss above its best, relative to the best, that signals training too long. Default 0.1. */
  overfitValLossRise: number;
  /**
   * The same rise in loss units, at least: on a few hundred validation images a loss of 0.25 that
   * moves to 0.28 is noise (a 12% rise), not a trend. Default 0.05.
   */
  overfitValLossMinRise: number;
  /** The best validation loss must lie at least this many epochs before the last to call it a rise. Default 2. */
  overfitEpochsSinceBest: number;
  /**
   * Training accuracy a good setting reaches on this task: a course measures it on its task.
   * Training that stays flat below it is underfitting. Default 0.8.
   */
  reachableAccuracy: number;
  /** Best training accuracy below this share of `reachableAccuracy` is underfitting. Default 0.75 (0.6 at the default). */
  underfitShare: number;
  /** Relative fall of training loss from first to last epoch below which training "barely moves". Default 0.05. */
  underfitMinLossDrop: number;
  /** Epochs looked at to decide whether the curves are still improving. Default 3. */
  stillLearningWindow: number;
  /** Relative fall of each loss over that window that counts as still improving. Default 0.03. */
  stillLearningMinDrop: number;
  /**
   * How far (relative) validation loss must be above ln(classes), and training loss below it, for
   * rule 1: near the start both hover around ln(classes). Default 0.1.
   */
  chanceLossMargin: number;
  /** Validation accuracy at most this far above chance counts as "at chance". Default 0.05. */
  chanceMargin: number;
  /**
   * Training accuracy at least this far above chance counts as "well above chance". Default 0.15
   * (40% on four classes: a run at 43% training and 23% validation accuracy after two epochs, with
   * trainable BatchNormalization, is broken statistics, not a 20-point overfit).
   */
  trainAboveChance: number;
  /**
   * Gain in validation accuracy from re-estimating BatchNormalization's moving statistics (see
   * DiagnoseOptions.batchNormCheck) from which the statistics, not the weights, are to blame.
   * Default 0.1 (on seed 0, last 30 layers trained with batch statistics: 63.6% as trained).
   */
  recalibrationGain: number;
}

export const DEFAULT_THRESHOLDS: Readonly<DiagnosisThresholds> = Object.freeze({
  overfitAccuracyGap: 0.1,
  overfitValLossRise: 0.1,
  overfitValLossMinRise: 0.05,
  overfitEpochsSinceBest: 2,
  reachableAccuracy: 0.8,
  underfitShare: 0.75,
  underfitMinLossDrop: 0.05,
  stillLearningWindow: 3,
  stillLearningMinDrop: 0.03,
  chanceLossMargin: 0.1,
  chanceMargin: 0.05,
  trainAboveChance: 0.15,
  recalibrationGain: 0.1,
});

/** The words of a diagnosis that a course may put in its own terms. */
export interface DiagnosisWording {
  /** Title of each verdict ("Overfitting"). */
  titles: Record<Verdict, string>;
  /** What to try, per verdict, one item per line. */
  remedies: Record<Verdict, readonly string[]>;
}

/** Generic wording, in Keras's terms; a course names its own controls (src/course/diagnosis.ts). */
export const DEFAULT_WORDING: Readonly<DiagnosisWording> = {
  titles: {
    underfitting: 'Underfitting',
    overfitting: 'Overfitting',
    'good fit': 'Good fit',
    'still learning': 'Still learning',
    'batchnorm statistics': 'Validation broken by BatchNormalization statistics',
  },
  remedies: {
    underfitting: [
      'Choose a more complex model: make more layers trainable.',
      'Use less regularization: lower the dropout rate.',
      'Check the input features: the model must see what tells the classes apart.',
    ],
    overfitting: [
      'Choose a simpler model: make fewer layers trainable.',
      'Stop before it memorizes: EarlyStopping with restore_best_weights.',
      'Add regularization: a higher dropout rate, data augmentation, or more training images.',
    ],
    'still learning': [
      'Train for more epochs: both losses were still falling at the last epoch.',
      'Use EarlyStopping so that a longer run stops by itself when validation loss stops improving.',
    ],
    'good fit': ['Keep these settings, and confirm on the test split, which training never saw.'],
    'batchnorm statistics': [
      "Keep BatchNormalization in inference mode (fineTune's batchNorm: 'moving'), as Keras's fine-tuning guide advises: gamma and beta still learn, and validation uses the pretrained statistics.",
      'Or make fewer layers trainable, so that no BatchNormalization layer above the cut trains.',
    ],
  },
};

export interface DiagnoseOptions {
  /** Number of classes of the task: chance accuracy is 1 / classes, chance loss ln(classes). */
  classes: number;
  /** Thresholds to change (the rest keep DEFAULT_THRESHOLDS). */
  thresholds?: Partial<DiagnosisThresholds>;
  /** Words to change (per verdict; the rest keep DEFAULT_WORDING). */
  wording?: { titles?: Partial<Record<Verdict, string>>; remedies?: Partial<Record<Verdict, readonly string[]>> };
  /** Id of the section (of a lesson) that explains each verdict; a diagnosis links to it. Default none. */
  sections?: Partial<Record<Verdict, string>>;
  /**
   * Whether BatchNormalization layers normalised with batch statistics in this run. False (fineTune's
   * batchNorm 'moving', or no BatchNormalization layer trainable) leaves nothing for rule 1 to blame,
   * so it is skipped. Default true (unknown: the rule applies).
   */
  batchNormTrained?: boolean;
  /**
   * Validation accuracy of the trained model as it is and with its moving statistics re-estimated
   * from training images (fineTune's history.batchNormCheck, src/ml/batchnorm-check.ts). Default
   * none: rule 1 then reads the curves alone.
   */
  batchNormCheck?: { valAccuracy: number; recalibratedValAccuracy: number; images: number } | null;
}

export interface Diagnosis {
  verdict: Verdict;
  /** The verdict in the caller's words ("Overfitting"). */
  title: string;
  /** One sentence: what the curves show. */
  summary: string;
  /** The numbers behind the verdict, one per line. */
  evidence: string[];
  /** What to change, in the caller's words. */
  remedies: string[];
  /** Id of the section that explains the verdict and a link to it, or null when none was given. */
  section: string | null;
  href: string | null;
  /** Figures the rules used (accuracies as fractions; epochs from 1). */
  figures: {
    epochs: number;
    classes: number;
    /** 1 / classes. */
    chanceAccuracy: number;
    /** ln(classes): the loss of a uniform guess. */
    chanceLoss: number;
    trainAccuracy: number;
    valAccuracy: number;
    accuracyGap: number;
    bestTrainAccuracy: number;
    bestValLossEpoch: number;
    valLossRise: number;
    trainLossDrop: number;
    /** Best training accuracy below which the run underfits. */
    underfitBar: number;
  };
}

const percent = (x: number) => `${(100 * x).toFixed(1)}%`;
const fixed = (x: number) => x.toFixed(3);

function relativeDrop(from: number, to: number): number {
  return from > 0 ? (from - to) / from : 0;
}

function check(history: readonly EpochMetrics[], options: DiagnoseOptions | undefined): void {
  if (!Array.isArray(history) || history.length === 0) throw new Error('diagnose: the history has no epochs');
  history.forEach((log, i) => {
    for (const key of ['loss', 'accuracy', 'val_loss', 'val_accuracy'] as const) {
      if (typeof log?.[key] !== 'number' || Number.isNaN(log[key])) {
        throw new Error(`diagnose: epoch ${i + 1} has no number for "${key}"`);
      }
    }
  });
  const classes = options?.classes;
  if (typeof classes !== 'number' || !Number.isInteger(classes) || classes < 2) {
    throw new Error(`diagnose: options.classes must be the task's number of classes (an integer ≥ 2), got ${String(classes)}`);
  }
}

/** The first epoch whose curves show validation broken while training works, with why; or null. */
function brokenValidation(history: readonly EpochMetrics[], chance: { classes: number; accuracy: number; loss: number }, t: DiagnosisThresholds): { epoch: number; line: string } | null {
  for (const [i, log] of history.entries()) {
    if (log.val_loss > chance.loss * (1 + t.chanceLossMargin) && log.loss < chance.loss * (1 - t.chanceLossMargin)) {
      return {
        epoch: i + 1,
        line: `At epoch ${i + 1} validation loss was ${fixed(log.val_loss)}, above ${fixed(chance.loss)} (ln ${chance.classes}, the loss of guessing uniformly), while training loss was ${fixed(log.loss)}.`,
      };
    }
    if (log.val_accuracy <= chance.accuracy + t.chanceMargin && log.accuracy >= chance.accuracy + t.trainAboveChance) {
      return {
        epoch: i + 1,
        line: `At epoch ${i + 1} validation accuracy was ${percent(log.val_accuracy)}, at chance (${percent(chance.accuracy)}), while training accuracy was ${percent(log.accuracy)}.`,
      };
    }
  }
  return null;
}

/**
 * Diagnoses a history (one entry per epoch, in order) of a task with `options.classes` classes.
 * Throws on an empty or malformed history or a missing class count.
 */
export function diagnose(history: readonly EpochMetrics[], options: DiagnoseOptions): Diagnosis {
  check(history, options);
  const t: DiagnosisThresholds = { ...DEFAULT_THRESHOLDS, ...definedOnly(options.thresholds) };
  const titles = { ...DEFAULT_WORDING.titles, ...definedOnly(options.wording?.titles) };
  const remedies = { ...DEFAULT_WORDING.remedies, ...definedOnly(options.wording?.remedies) };
  const sections = options.sections ?? {};
  const chance = { classes: options.classes, accuracy: 1 / options.classes, loss: Math.log(options.classes) };

  const last = history[history.length - 1];
  const epochs = history.length;
  const bestValLossIndex = history.reduce((best, log, i) => (log.val_loss < history[best].val_loss ? i : best), 0);
  const bestValLoss = history[bestValLossIndex].val_loss;
  const figures: Diagnosis['figures'] = {
    epochs,
    classes: options.classes,
    chanceAccuracy: chance.accuracy,
    chanceLoss: chance.loss,
    trainAccuracy: last.accuracy,
    valAccuracy: last.val_accuracy,
    accuracyGap: last.accuracy - last.val_accuracy,
    bestTrainAccuracy: Math.max(...history.map((l) => l.accuracy)),
    bestValLossEpoch: bestValLossIndex + 1,
    valLossRise: bestValLoss > 0 ? (last.val_loss - bestValLoss) / bestValLoss : 0,
    trainLossDrop: relativeDrop(history[0].loss, last.loss),
    underfitBar: t.underfitShare * t.reachableAccuracy,
  };
  const accuracies = `training accuracy ${percent(last.accuracy)}, validation accuracy ${percent(last.val_accuracy)} at epoch ${epochs}`;
  const make = (verdict: Verdict, summary: string, evidence: string[]): Diagnosis => {
    const section = sections[verdict] ?? null;
    return { verdict, title: titles[verdict], summary, evidence, remedies: [...remedies[verdict]], section, href: section === null ? null : `#${section}`, figures };
  };

  // 1. Validation broken by BatchNormalization statistics.
  const broken = options.batchNormTrained === false ? null : brokenValidation(history, chance, t);
  if (broken) {
    return make(
      'batchnorm statistics',
      'The model learns its training images, but validation does no better than guessing. That is not overfitting: trainable BatchNormalization layers normalise validation images with moving statistics that lag far behind the weights.',
      [broken.line, `${accuracies}.`],
    );
  }
  const recheck = options.batchNormTrained === false ? null : options.batchNormCheck ?? null;
  if (recheck && recheck.recalibratedValAccuracy - recheck.valAccuracy >= t.recalibrationGain) {
    return make(
      'batchnorm statistics',
      'The weights generalize, but validation is measured with BatchNormalization moving statistics that lag behind them: re-estimated from the training images, validation is much better. That is not overfitting.',
      [
        `With the moving statistics re-estimated from ${recheck.images} training images, validation accuracy is ${percent(recheck.recalibratedValAccuracy)} instead of ${percent(recheck.valAccuracy)} (the statistics are to blame from ${percent(t.recalibrationGain)} more).`,
        `${accuracies}.`,
      ],
    );
  }

  // 2. Overfitting.
  const trainLossSinceBest = relativeDrop(history[bestValLossIndex].loss, last.loss);
  const trainedTooLong =
    epochs - 1 - bestValLossIndex >= t.overfitEpochsSinceBest && figures.valLossRise >= t.overfitValLossRise &&
    last.val_loss - bestValLoss >= t.overfitValLossMinRise && trainLossSinceBest > 0;
  if (figures.accuracyGap >= t.overfitAccuracyGap || trainedTooLong) {
    const evidence = [`${accuracies}: a gap of ${percent(figures.accuracyGap)} (overfitting from ${percent(t.overfitAccuracyGap)}).`];
    if (trainedTooLong) {
      evidence.push(
        `Validation loss was lowest at epoch ${bestValLossIndex + 1} (${fixed(bestValLoss)}) and rose ${percent(figures.valLossRise)} to ${fixed(last.val_loss)} while training loss kept falling: trained too long.`,
      );
    }
    const summary = trainedTooLong
      ? 'The model keeps improving on its training images while validation gets worse: it learns their noise.'
      : 'Good on the training images, clearly worse on validation images it never trained on.';
    return make('overfitting', summary, evidence);
  }

  // 3. Underfitting.
  const flat = figures.trainLossDrop < t.underfitMinLossDrop && figures.bestTrainAccuracy < t.reachableAccuracy && epochs > 1;
  if (figures.bestTrainAccuracy < figures.underfitBar || flat) {
    const evidence = [
      `Best training accuracy ${percent(figures.bestTrainAccuracy)} (underfitting below ${percent(figures.underfitBar)}, ${Math.round(100 * t.underfitShare)}% of the ${percent(t.reachableAccuracy)} this task reaches; chance is ${percent(chance.accuracy)}).`,
    ];
    if (epochs > 1) evidence.push(`Training loss went from ${fixed(history[0].loss)} to ${fixed(last.loss)} (${percent(figures.trainLossDrop)} lower).`);
    // The card gives validation's figure too (with heavy dropout it can be above training's).
    const bestVal = Math.max(...history.map((l) => l.val_accuracy));
    evidence.push(`Validation accuracy ${percent(last.val_accuracy)} at epoch ${epochs}${bestVal > last.val_accuracy ? ` (best ${percent(bestVal)})` : ''}.`);
    return make('underfitting', 'The model does not fit even its training images; it has not learned the pattern.', evidence);
  }

  // 4. Still learning.
  const window = Math.min(t.stillLearningWindow, epochs - 1);
  if (window >= 1) {
    const start = history[epochs - 1 - window];
    const trainDrop = relativeDrop(start.loss, last.loss);
    const valDrop = relativeDrop(start.val_loss, last.val_loss);
    if (trainDrop >= t.stillLearningMinDrop && valDrop >= t.stillLearningMinDrop) {
      return make('still learning', 'Both losses were still falling when training ended.', [
        `Over the last ${window} epoch${window > 1 ? 's' : ''} training loss fell ${percent(trainDrop)} and validation loss ${percent(valDrop)} (still improving from ${percent(t.stillLearningMinDrop)}).`,
        `${accuracies}.`,
      ]);
    }
  }

  // 5. Good fit.
  return make('good fit', 'The model fits its training images and does about as well on validation images.', [
    `${accuracies}: a gap of ${percent(figures.accuracyGap)} (below ${percent(t.overfitAccuracyGap)}).`,
    `Validation loss is at or near its best (epoch ${bestValLossIndex + 1}, ${fixed(bestValLoss)}).`,
  ]);
}

/** `{...defaults, ...partial}` must not let an explicit `undefined` erase a default. */
function definedOnly<T extends object>(partial: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(partial ?? {}).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The diagnosis as plain text (command line, headless runs). */
export function formatDiagnosis(d: Diagnosis): string {
  return [
    `Diagnosis: ${d.title}. ${d.summary}`,
    ...d.evidence.map((line) => `  - ${line}`),
    'What to try:',
    ...d.remedies.map((line) => `  - ${line}`),
    ...(d.section === null ? [] : [`Read more: section "${d.section}" of the lesson (${d.href}).`]),
  ].join('\n');
}

/** The diagnosis as an HTML card (a string, so it renders anywhere; the page turns it into DOM). */
export function diagnosisHtml(d: Diagnosis): string {
  const list = (items: string[]) => `<ul>${items.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>`;
  const link = d.href === null ? '' : `<p><a href="${escapeHtml(d.href)}">Read the section on ${escapeHtml(d.title.toLowerCase())}</a></p>`;
  return (
    `<section class="lectern-diagnosis" data-verdict="${escapeHtml(d.verdict)}" role="status" aria-label="Diagnosis: ${escapeHtml(d.title)}">` +
    `<h4>${escapeHtml(d.title)}</h4><p>${escapeHtml(d.summary)}</p>` +
    `<p>Why:</p>${list(d.evidence)}<p>What to try:</p>${list(d.remedies)}${link}</section>`
  );
}
