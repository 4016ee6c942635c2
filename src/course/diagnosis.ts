/**
 * How the Keras course's lesson 8 (notebooks/08-fine-tuning.md) reads its curves: the engine's
 * diagnose (src/ml/diagnose.ts) with the deck's verdicts and remedies, in the lesson's controls, and
 * the lesson's sections as "read more" links.
 *
 * `reachableAccuracy` is what the lesson's task reaches with a good setting; it is the course's
 * number to calibrate against its own base and data (issue 11), not the engine's.
 */
import { diagnose, type DiagnoseOptions, type Diagnosis, type DiagnosisThresholds, type EpochMetrics, type Verdict } from '../ml/diagnose.ts';

/** Ids of notebooks/08-fine-tuning.md's headings that explain each verdict. */
export const LESSON_SECTIONS: Readonly<Record<Verdict, string>> = {
  underfitting: 'underfitting',
  overfitting: 'overfitting',
  'good fit': 'generalize-our-classifier',
  'still learning': 'your-turn',
  'batchnorm statistics': 'batchnormalization-in-fine-tuning',
};

/** The deck's remedies, naming the lesson's own controls. */
export const LESSON_REMEDIES: Readonly<Record<Verdict, readonly string[]>> = {
  underfitting: [
    'Choose a more complex model: make more layers trainable (raise "Trainable layers").',
    'Use less regularization: lower "Dropout".',
    'Check the input features: the model must see what tells the classes apart (for images: enough resolution, colour where it matters).',
  ],
  overfitting: [
    'Choose a simpler model: make fewer layers trainable (lower "Trainable layers").',
    'Stop before it memorizes: turn EarlyStopping on (with restore_best_weights).',
    'Add regularization: raise "Dropout", or add data augmentation; more training images help too.',
  ],
  'still learning': [
    'Train for more epochs: both losses were still falling at the last epoch.',
    'Turn EarlyStopping on so a longer run stops by itself when validation loss stops improving.',
  ],
  'good fit': ['Keep these settings, and confirm on the test split, which training never saw.'],
  'batchnorm statistics': [
    'Turn "BatchNormalization in inference mode" on (fineTune\'s batchNorm: \'moving\'), as Keras\'s fine-tuning guide advises: gamma and beta still learn, and validation uses the pretrained statistics.',
    'Or lower "Trainable layers" so that no BatchNormalization layer trains.',
  ],
};

/**
 * The lesson's thresholds: the engine's defaults, with the underfitting bar taken from what the
 * lesson's task reaches: good settings end at 93–97% training accuracy on the shipped base
 * (public/models/MODEL.md, bench/transfer.ts), so 0.95, and underfitting below 75% of it (71%).
 */
export const LESSON_THRESHOLDS: Readonly<Partial<DiagnosisThresholds>> = {
  reachableAccuracy: 0.95,
};

/** Everything but the class count, which comes from the data: `diagnose(logs, {...LESSON_DIAGNOSIS, classes})`. */
export const LESSON_DIAGNOSIS: Readonly<Omit<DiagnoseOptions, 'classes'>> = {
  thresholds: LESSON_THRESHOLDS,
  wording: { remedies: LESSON_REMEDIES },
  sections: LESSON_SECTIONS,
};

/** What a run tells the diagnosis about itself (fineTune's FineTuneHistory has it all). */
export interface DiagnosedRun {
  logs: readonly EpochMetrics[];
  /** The task's class names: their count sets chance. */
  classes: readonly string[];
  /** Whether BatchNormalization trained with batch statistics (default true: unknown). */
  batchNormTrained?: boolean;
  /** Validation with re-estimated statistics (fineTune's history.batchNormCheck), when measured. */
  batchNormCheck?: DiagnoseOptions['batchNormCheck'];
}

/** Diagnoses a fine-tuning run as lesson 8 does: `courseDiagnosis(result.history)`. */
export function courseDiagnosis(run: DiagnosedRun): Diagnosis {
  return diagnose(run.logs, { ...LESSON_DIAGNOSIS, classes: run.classes.length, batchNormTrained: run.batchNormTrained, batchNormCheck: run.batchNormCheck });
}
