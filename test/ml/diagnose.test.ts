import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import {
  diagnose,
  diagnosisHtml,
  formatDiagnosis,
  OVERFIT_ACCURACY_GAP,
  UNDERFIT_TRAIN_ACCURACY,
  VERDICT_SECTIONS,
  type EpochMetrics,
} from '../../src/ml/diagnose.ts';
import { createFeatureCache } from '../../src/ml/feature-cache.ts';
import { fineTuneToEnd } from '../../src/ml/finetune.ts';
import { disposeImages, disposeModel, standInBase, syntheticImages } from './fixtures/stand-in.ts';

/** Builds a history from columns: [loss, accuracy, val_loss, val_accuracy] per epoch. */
const history = (rows: [number, number, number, number][]): EpochMetrics[] =>
  rows.map(([loss, accuracy, val_loss, val_accuracy]) => ({ loss, accuracy, val_loss, val_accuracy }));

describe('diagnose on hand-made histories', () => {
  it('overfitting: training accuracy clearly above validation accuracy', () => {
    const d = diagnose(history([[1.0, 0.6, 1.0, 0.58], [0.5, 0.85, 0.8, 0.72], [0.3, 0.95, 0.75, 0.76]]));
    expect(d.verdict).toBe('overfitting');
    expect(d.figures.accuracyGap).toBeCloseTo(0.19, 6);
    expect(d.evidence[0]).toContain('gap of 19.0%');
    expect(d.remedies.join(' ')).toMatch(/fewer layers trainable.*EarlyStopping.*Dropout/s);
    expect(d.href).toBe('#overfitting');
  });

  it('overfitting: validation loss rising while training loss falls (trained too long), even with a small gap', () => {
    const d = diagnose(history([[1.0, 0.7, 0.9, 0.7], [0.7, 0.78, 0.6, 0.76], [0.6, 0.8, 0.66, 0.75], [0.5, 0.82, 0.72, 0.76]]));
    expect(d.figures.accuracyGap).toBeLessThan(OVERFIT_ACCURACY_GAP);
    expect(d.verdict).toBe('overfitting');
    expect(d.figures.bestValLossEpoch).toBe(2);
    expect(d.evidence.join(' ')).toMatch(/lowest at epoch 2 .* rose 20\.0%.*trained too long/);
  });

  it('a rise right after the best epoch is not yet "too long" (needs 2 epochs since the best)', () => {
    const d = diagnose(history([[1.0, 0.7, 0.9, 0.7], [0.7, 0.85, 0.6, 0.82], [0.6, 0.86, 0.7, 0.8]]));
    expect(d.verdict).not.toBe('overfitting');
  });

  it('underfitting: training accuracy stays low', () => {
    const d = diagnose(history([[1.38, 0.3, 1.37, 0.31], [1.3, 0.42, 1.3, 0.41], [1.25, 0.5, 1.26, 0.49]]));
    expect(d.verdict).toBe('underfitting');
    expect(d.figures.bestTrainAccuracy).toBe(0.5);
    expect(d.evidence[0]).toContain(`below ${(100 * UNDERFIT_TRAIN_ACCURACY).toFixed(1)}%`);
    expect(d.remedies.join(' ')).toMatch(/more layers trainable.*lower "Dropout".*input features/s);
    expect(d.section).toBe(VERDICT_SECTIONS.underfitting);
  });

  it('underfitting: training loss barely moves at a middling accuracy', () => {
    const d = diagnose(history([[0.9, 0.68, 0.9, 0.67], [0.89, 0.69, 0.89, 0.68], [0.88, 0.7, 0.88, 0.69]]));
    expect(d.verdict).toBe('underfitting');
    expect(d.figures.trainLossDrop).toBeLessThan(0.05);
  });

  it('still learning: both losses still falling at the end', () => {
    const d = diagnose(history([[1.0, 0.62, 1.0, 0.6], [0.8, 0.7, 0.82, 0.68], [0.65, 0.75, 0.7, 0.72], [0.55, 0.8, 0.62, 0.76]]));
    expect(d.verdict).toBe('still learning');
    expect(d.remedies[0]).toMatch(/more epochs/);
    expect(d.href).toBe('#your-turn');
  });

  it('good fit: high accuracy, small gap, curves flattened', () => {
    const d = diagnose(history([[1.0, 0.7, 0.9, 0.72], [0.5, 0.85, 0.48, 0.84], [0.45, 0.87, 0.47, 0.85], [0.44, 0.87, 0.48, 0.85], [0.44, 0.88, 0.475, 0.86]]));
    expect(d.verdict).toBe('good fit');
    expect(d.figures.accuracyGap).toBeCloseTo(0.02, 6);
    expect(d.href).toBe('#generalize-our-classifier');
  });

  it('renders as text and as an escaped HTML card linking to its section', () => {
    const d = diagnose(history([[1.38, 0.3, 1.37, 0.31], [1.3, 0.42, 1.3, 0.41]]));
    expect(formatDiagnosis(d)).toMatch(/^Diagnosis: Underfitting\./);
    const card = diagnosisHtml(d);
    expect(card).toContain('data-verdict="underfitting"');
    expect(card).toContain('<a href="#underfitting">');
    expect(card).toContain('raise &#34;Trainable layers&#34;');
    expect(card).not.toContain('"Trainable layers"');
  });

  it('rejects an empty or malformed history, naming the epoch and key', () => {
    expect(() => diagnose([])).toThrow(/no epochs/);
    expect(() => diagnose([{ loss: 1, accuracy: 0.5, val_loss: NaN, val_accuracy: 0.5 }])).toThrow(/epoch 1 has no number for "val_loss"/);
  });
});

describe('diagnose on real runs (stand-in base, synthetic task)', () => {
  it('calls a frozen base with a tiny learning rate and heavy dropout underfitting, and a memorizing run overfitting', async () => {
    await tf.setBackend('cpu');
    const base = standInBase(5);
    const cache = createFeatureCache();
    const validation = syntheticImages(64, 21);

    const many = syntheticImages(96, 20);
    const starved = await fineTuneToEnd({ base, data: { train: many, validation }, trainableLast: 0, dropout: 0.9, learningRate: 1e-5, epochs: 3, cache });
    expect(diagnose(starved.history.logs).verdict).toBe('underfitting');

    const few = syntheticImages(8, 22);
    const memorizing = await fineTuneToEnd({ base, data: { train: few, validation }, trainableLast: 9, dropout: 0, learningRate: 0.01, epochs: 40, batchSize: 4, cache });
    const d = diagnose(memorizing.history.logs);
    expect(d.verdict).toBe('overfitting');
    expect(d.figures.trainAccuracy).toBe(1);

    [starved, memorizing].forEach((r) => r.dispose());
    disposeImages(validation, many, few);
    cache.clear();
    disposeModel(base);
  });
});
