import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, diagnose, diagnosisHtml, formatDiagnosis, type EpochMetrics } from '../../src/ml/diagnose.ts';
import { LESSON_DIAGNOSIS, LESSON_SECTIONS, LESSON_THRESHOLDS } from '../../src/course/diagnosis.ts';
import { createFeatureCache } from '../../src/ml/feature-cache.ts';
import { fineTuneToEnd } from '../../src/ml/finetune.ts';
import { disposeImages, disposeModel, standInBase, syntheticImages } from './fixtures/stand-in.ts';

/** Builds a history from columns: [loss, accuracy, val_loss, val_accuracy] per epoch. */
const history = (rows: [number, number, number, number][]): EpochMetrics[] =>
  rows.map(([loss, accuracy, val_loss, val_accuracy]) => ({ loss, accuracy, val_loss, val_accuracy }));

/** A four-class task, as hand-made histories below assume (chance 25%, ln 4 = 1.386). */
const four = { classes: 4 };
const lesson = { ...LESSON_DIAGNOSIS, classes: 4 };

describe('diagnose on hand-made histories', () => {
  it('overfitting: training accuracy clearly above validation accuracy', () => {
    const d = diagnose(history([[1.0, 0.6, 1.0, 0.58], [0.5, 0.85, 0.8, 0.72], [0.3, 0.95, 0.75, 0.76]]), lesson);
    expect(d.verdict).toBe('overfitting');
    expect(d.title).toBe('Overfitting');
    expect(d.figures.accuracyGap).toBeCloseTo(0.19, 6);
    expect(d.evidence[0]).toContain('gap of 19.0%');
    expect(d.remedies.join(' ')).toMatch(/fewer layers trainable.*EarlyStopping.*Dropout/s);
    expect(d.href).toBe('#overfitting');
  });

  it('overfitting: validation loss rising while training loss falls (trained too long), even with a small gap', () => {
    const d = diagnose(history([[1.0, 0.7, 0.9, 0.7], [0.7, 0.78, 0.6, 0.76], [0.6, 0.8, 0.66, 0.75], [0.5, 0.82, 0.72, 0.76]]), four);
    expect(d.figures.accuracyGap).toBeLessThan(DEFAULT_THRESHOLDS.overfitAccuracyGap);
    expect(d.verdict).toBe('overfitting');
    expect(d.figures.bestValLossEpoch).toBe(2);
    expect(d.evidence.join(' ')).toMatch(/lowest at epoch 2 .* rose 20\.0%.*trained too long/);
  });

  it('a small rise of a small validation loss is noise, not "too long" (0.05 in loss units at least)', () => {
    const rows = (end: number): [number, number, number, number][] => [[0.6, 0.8, 0.4, 0.85], [0.3, 0.9, 0.25, 0.93], [0.25, 0.92, 0.26, 0.93], [0.2, 0.93, end, 0.92]];
    const noise = diagnose(history(rows(0.28)), four); // +12% relative, +0.03 absolute
    expect(noise.figures.valLossRise).toBeGreaterThan(DEFAULT_THRESHOLDS.overfitValLossRise);
    expect(noise.verdict).not.toBe('overfitting');
    expect(diagnose(history(rows(0.32)), four).verdict).toBe('overfitting'); // +0.07
  });

  it('a rise right after the best epoch is not yet "too long" (needs 2 epochs since the best)', () => {
    const d = diagnose(history([[1.0, 0.7, 0.9, 0.7], [0.7, 0.85, 0.6, 0.82], [0.6, 0.86, 0.7, 0.8]]), four);
    expect(d.verdict).not.toBe('overfitting');
  });

  it('underfitting: training accuracy stays low', () => {
    const d = diagnose(history([[1.38, 0.3, 1.37, 0.31], [1.3, 0.42, 1.3, 0.41], [1.25, 0.5, 1.26, 0.49]]), lesson);
    expect(d.verdict).toBe('underfitting');
    expect(d.figures.bestTrainAccuracy).toBe(0.5);
    // The lesson's bar: 75% of what its task reaches (LESSON_THRESHOLDS, calibrated on the shipped base).
    const bar = DEFAULT_THRESHOLDS.underfitShare * LESSON_THRESHOLDS.reachableAccuracy!;
    expect(d.evidence[0]).toContain(`below ${(100 * bar).toFixed(1)}%`);
    expect(d.evidence[0]).toContain('chance is 25.0%');
    // The card gives the validation figure too.
    expect(d.evidence.at(-1)).toBe('Validation accuracy 49.0% at epoch 3.');
    expect(d.remedies.join(' ')).toMatch(/more layers trainable.*lower "Dropout".*input features/s);
    expect(d.section).toBe(LESSON_SECTIONS.underfitting);
  });

  it('underfitting: training loss barely moves at a middling accuracy', () => {
    const d = diagnose(history([[0.9, 0.68, 0.9, 0.67], [0.89, 0.69, 0.89, 0.68], [0.88, 0.7, 0.88, 0.69]]), four);
    expect(d.verdict).toBe('underfitting');
    expect(d.figures.trainLossDrop).toBeLessThan(0.05);
  });

  it('the underfitting bar follows what the task reaches, not a fixed 60%', () => {
    const run = history([[0.6, 0.8, 0.62, 0.78], [0.4, 0.86, 0.45, 0.84], [0.38, 0.87, 0.44, 0.85], [0.38, 0.87, 0.44, 0.85], [0.37, 0.87, 0.44, 0.85]]);
    expect(diagnose(run, four).verdict).toBe('good fit');
    // A task where a good setting reaches 99%: 87% is no longer fitting the training images.
    const hard = diagnose(run, { classes: 4, thresholds: { reachableAccuracy: 0.99, underfitShare: 0.9 } });
    expect(hard.verdict).toBe('underfitting');
    expect(hard.figures.underfitBar).toBeCloseTo(0.891, 6);
    expect(hard.evidence[0]).toContain('below 89.1%, 90% of the 99.0% this task reaches');
  });

  it('still learning: both losses still falling at the end', () => {
    const d = diagnose(history([[1.0, 0.62, 1.0, 0.6], [0.8, 0.7, 0.82, 0.68], [0.65, 0.75, 0.7, 0.72], [0.55, 0.8, 0.62, 0.76]]), lesson);
    expect(d.verdict).toBe('still learning');
    expect(d.remedies[0]).toMatch(/more epochs/);
    expect(d.href).toBe('#your-turn');
  });

  it('good fit: high accuracy, small gap, curves flattened', () => {
    const d = diagnose(history([[1.0, 0.7, 0.9, 0.72], [0.5, 0.85, 0.48, 0.84], [0.45, 0.87, 0.47, 0.85], [0.44, 0.87, 0.48, 0.85], [0.44, 0.88, 0.475, 0.86]]), lesson);
    expect(d.verdict).toBe('good fit');
    expect(d.figures.accuracyGap).toBeCloseTo(0.02, 6);
    expect(d.href).toBe('#generalize-our-classifier');
  });

  it('every threshold is an option: a stricter gap turns a good fit into overfitting', () => {
    const run = history([[1.0, 0.7, 0.9, 0.72], [0.5, 0.85, 0.48, 0.84], [0.45, 0.87, 0.47, 0.85], [0.44, 0.87, 0.48, 0.85], [0.44, 0.88, 0.475, 0.86]]);
    expect(diagnose(run, { classes: 4, thresholds: { overfitAccuracyGap: 0.01 } }).verdict).toBe('overfitting');
    expect(diagnose(run, { classes: 4, thresholds: { overfitAccuracyGap: undefined } }).verdict).toBe('good fit'); // undefined keeps the default
  });
});

describe('validation broken by BatchNormalization statistics', () => {
  // Issue 11's measurement: training improves while val_loss sits far above ln 4 = 1.386.
  const brokenLoss = history([[1.2, 0.45, 2.9, 0.3], [0.9, 0.62, 4.1, 0.35], [0.7, 0.72, 7.8, 0.38], [0.55, 0.8, 5.2, 0.41]]);

  it('validation loss above ln(classes) while training loss is below it: not overfitting', () => {
    const d = diagnose(brokenLoss, lesson);
    expect(d.verdict).toBe('batchnorm statistics');
    expect(d.title).toBe('Validation broken by BatchNormalization statistics');
    expect(d.summary).toMatch(/not overfitting/);
    expect(d.evidence[0]).toMatch(/epoch 1 validation loss was 2\.900, above 1\.386 \(ln 4/);
    expect(d.remedies[0]).toMatch(/BatchNormalization in inference mode.*batchNorm: 'moving'/);
    expect(d.section).toBe(LESSON_SECTIONS['batchnorm statistics']);
    expect(d.figures.chanceLoss).toBeCloseTo(Math.log(4), 12);
  });

  it('validation accuracy at chance while training accuracy is well above it', () => {
    // Losses stay under ln 4 = 1.386, so only the accuracy rule can fire.
    const d = diagnose(history([[1.3, 0.4, 1.35, 0.27], [1.0, 0.58, 1.3, 0.26], [0.8, 0.66, 1.3, 0.28]]), four);
    expect(d.verdict).toBe('batchnorm statistics');
    expect(d.evidence[0]).toMatch(/At epoch 1 validation accuracy was 27\.0%, at chance \(25\.0%\), while training accuracy was 40\.0%/);
  });

  it('validation below chance after two epochs while training reaches 43% (lesson 8 headless, 200 images)', () => {
    const d = diagnose(history([[1.35, 0.33, 1.39, 0.25], [1.25, 0.435, 1.41, 0.23]]), four);
    expect(d.verdict).toBe('batchnorm statistics');
    expect(diagnose(history([[1.35, 0.33, 1.39, 0.25], [1.25, 0.435, 1.41, 0.23]]), { ...four, batchNormTrained: false }).verdict).toBe('overfitting');
  });

  it('validation at chance while training is near chance too is underfitting, not broken statistics', () => {
    // Both losses hover around ln 4 = 1.386, one just above, one just below: no learning to break.
    const d = diagnose(history([[1.38, 0.27, 1.39, 0.25], [1.37, 0.3, 1.395, 0.26], [1.36, 0.33, 1.4, 0.27]]), four);
    expect(d.verdict).toBe('underfitting');
  });

  it('chance comes from the class count: the same curves on ten classes (ln 10 = 2.303) are plain overfitting', () => {
    expect(diagnose(history([[1.2, 0.7, 2.0, 0.5], [0.6, 0.85, 2.1, 0.52], [0.3, 0.95, 2.2, 0.5]]), four).verdict).toBe('batchnorm statistics');
    const ten = diagnose(history([[1.2, 0.7, 2.0, 0.5], [0.6, 0.85, 2.1, 0.52], [0.3, 0.95, 2.2, 0.5]]), { classes: 10 });
    expect(ten.verdict).toBe('overfitting');
    expect(ten.figures.chanceAccuracy).toBeCloseTo(0.1, 12);
    // And validation at 12% is chance for ten classes while training is at 60%.
    expect(diagnose(history([[2.2, 0.3, 2.25, 0.11], [1.5, 0.6, 2.25, 0.12]]), { classes: 10 }).verdict).toBe('batchnorm statistics');
  });

  it('is skipped when no BatchNormalization layer used batch statistics (the run says so)', () => {
    expect(diagnose(brokenLoss, { ...lesson, batchNormTrained: false }).verdict).toBe('overfitting');
  });

  it('its margins are options', () => {
    const nearChance = history([[1.3, 0.4, 1.35, 0.27], [1.0, 0.58, 1.3, 0.26], [0.8, 0.66, 1.3, 0.28]]);
    expect(diagnose(nearChance, { classes: 4, thresholds: { chanceMargin: 0.005 } }).verdict).not.toBe('batchnorm statistics');
    expect(diagnose(nearChance, { classes: 4, thresholds: { trainAboveChance: 0.5 } }).verdict).not.toBe('batchnorm statistics');
  });
});

describe('diagnosis wording and rendering', () => {
  it('without a course, the words are generic and nothing links', () => {
    const d = diagnose(history([[1.38, 0.3, 1.37, 0.31], [1.3, 0.42, 1.3, 0.41]]), four);
    expect(d.remedies.join(' ')).not.toMatch(/"Trainable layers"|"Dropout"/);
    expect(d.section).toBeNull();
    expect(d.href).toBeNull();
    expect(formatDiagnosis(d)).not.toMatch(/Read more/);
    expect(diagnosisHtml(d)).not.toContain('<a ');
  });

  it('a course may rename a verdict and replace its remedies', () => {
    const d = diagnose(history([[1.38, 0.3, 1.37, 0.31], [1.3, 0.42, 1.3, 0.41]]), {
      classes: 4,
      wording: { titles: { underfitting: 'Sous-apprentissage' }, remedies: { underfitting: ['Plus de couches.'] } },
    });
    expect(d.title).toBe('Sous-apprentissage');
    expect(d.remedies).toEqual(['Plus de couches.']);
    expect(formatDiagnosis(d)).toMatch(/^Diagnosis: Sous-apprentissage\./);
  });

  it('renders as text and as an escaped HTML card linking to its section', () => {
    const d = diagnose(history([[1.38, 0.3, 1.37, 0.31], [1.3, 0.42, 1.3, 0.41]]), lesson);
    expect(formatDiagnosis(d)).toMatch(/^Diagnosis: Underfitting\./);
    const card = diagnosisHtml(d);
    expect(card).toContain('data-verdict="underfitting"');
    expect(card).toContain('<a href="#underfitting">');
    expect(card).toContain('raise &#34;Trainable layers&#34;');
    expect(card).not.toContain('"Trainable layers"');
  });

  it('rejects an empty or malformed history, naming the epoch and key, and a missing class count', () => {
    expect(() => diagnose([], four)).toThrow(/no epochs/);
    expect(() => diagnose([{ loss: 1, accuracy: 0.5, val_loss: NaN, val_accuracy: 0.5 }], four)).toThrow(/epoch 1 has no number for "val_loss"/);
    const one = history([[1, 0.5, 1, 0.5]]);
    expect(() => diagnose(one, {} as { classes: number })).toThrow(/options\.classes must be the task's number of classes/);
    expect(() => diagnose(one, { classes: 1 })).toThrow(/integer ≥ 2\), got 1/);
  });
});

describe('diagnose on real runs (stand-in base, synthetic task)', () => {
  it('calls a frozen base with a tiny learning rate and heavy dropout underfitting, and a memorizing run overfitting', async () => {
    await tf.setBackend('cpu');
    const base = standInBase(5);
    const cache = createFeatureCache();
    const validation = syntheticImages(64, 21);
    const classes = validation.classes.length;

    const many = syntheticImages(96, 20);
    const starved = await fineTuneToEnd({ base, data: { train: many, validation }, trainableLast: 0, dropout: 0.9, learningRate: 1e-5, epochs: 3, cache });
    expect(diagnose(starved.history.logs, { classes }).verdict).toBe('underfitting');

    // BatchNormalization in inference mode: what goes wrong can only be memorizing.
    const few = syntheticImages(8, 22);
    const memorizing = await fineTuneToEnd({ base, data: { train: few, validation }, trainableLast: 9, dropout: 0, learningRate: 0.01, epochs: 40, batchSize: 4, batchNorm: 'moving', cache });
    const d = diagnose(memorizing.history.logs, { classes, batchNormTrained: false });
    expect(d.verdict).toBe('overfitting');
    expect(d.figures.trainAccuracy).toBe(1);

    [starved, memorizing].forEach((r) => r.dispose());
    disposeImages(validation, many, few);
    cache.clear();
    disposeModel(base);
  });
});
