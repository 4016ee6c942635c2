/**
 * Pretraining MobileNetV2 from scratch on the source task: one epoch at a time over a raw
 * (uint8) split, so only a batch is ever float32. The command line (src/cli/pretrain.ts) adds
 * checkpoints, resume and the shipped files.
 */
import * as tf from '@tensorflow/tfjs';
import { IMAGE_BYTES } from './data/manifest.ts';
import { seededRandom, shuffleInPlace } from './data/random.ts';
import { toLabeledImages, type RawSplit } from './data/load.ts';
import { augmentImages, type AugmentArgs } from './data/augment.ts';
import { createEpochTotals, type Trainer } from './train-step.ts';

export interface PretrainSettings {
  /** Input side. Default 32. */
  size: number;
  /** Images per step. Default 32. */
  batchSize: number;
  /** Peak Adam learning rate; cosine decay to 0 over all steps. Default 1e-3. */
  learningRate: number;
  epochs: number;
  /** Train images used per epoch (first `limit` of the shuffled split). Default all. */
  limit?: number;
  /** Seed of the per-epoch shuffles and augmentation. */
  seed: number;
  /** Random shifts and mirroring of the training images. Default: none. */
  augment?: AugmentArgs | false;
}

/** Cosine decay from `peak` to 0 over `total` steps. */
export function cosineLearningRate(peak: number, step: number, total: number): number {
  return 0.5 * peak * (1 + Math.cos(Math.PI * Math.min(step, total) / total));
}

/** The images at `indices` as a raw split of their own. */
export function gather(raw: RawSplit, indices: number[]): RawSplit {
  const images = new Uint8Array(indices.length * IMAGE_BYTES);
  const labels = new Uint8Array(indices.length);
  indices.forEach((index, i) => {
    images.set(raw.images.subarray(index * IMAGE_BYTES, (index + 1) * IMAGE_BYTES), i * IMAGE_BYTES);
    labels[i] = raw.labels[index]!;
  });
  return { ...raw, images, labels, count: indices.length };
}

/** The epoch's image order: a seeded shuffle, so a resumed run sees what the first run would have. */
export function epochOrder(count: number, seed: number, epoch: number, limit = count): number[] {
  const order = shuffleInPlace(Array.from({ length: count }, (_, i) => i), seededRandom(seed * 1009 + epoch));
  return order.slice(0, Math.min(limit, count));
}

export function stepsPerEpoch(count: number, settings: Pick<PretrainSettings, 'batchSize' | 'limit'>): number {
  return Math.ceil(Math.min(settings.limit ?? count, count) / settings.batchSize);
}

/**
 * tfjs's BatchNormalization momentum (Keras: 0.999) is read at call time. A short pretraining run
 * has too few steps for 0.999 to forget the initial moving statistics, so it trains with a faster
 * one; the momentum is not saved with the weights and the rebuilt model has Keras's again.
 */
export function setBatchNormMomentum(model: tf.LayersModel, momentum: number): void {
  for (const layer of model.layers) {
    if (layer.getClassName() === 'BatchNormalization') (layer as unknown as { momentum: number }).momentum = momentum;
  }
}

export interface EpochArgs {
  /** The project's trainer (src/ml/train-step.ts) over the model being pretrained. */
  trainer: Trainer;
  train: RawSplit;
  settings: PretrainSettings;
  epoch: number;
  /** Called every few steps with the step number within the epoch (1-based) and the running means. */
  onStep?: (step: number, logs: { loss: number; accuracy: number; learningRate: number }) => void;
  /** Steps between two onStep calls (each reads the backend once). Default 20. */
  reportEvery?: number;
}

/** Trains one epoch; returns the mean loss and accuracy over its images (training mode). */
export async function trainEpoch({ trainer, train, settings, epoch, onStep, reportEvery = 20 }: EpochArgs): Promise<{ loss: number; accuracy: number }> {
  const order = epochOrder(train.count, settings.seed, epoch, settings.limit);
  const steps = stepsPerEpoch(train.count, settings);
  const totalSteps = steps * settings.epochs;
  const random = seededRandom(settings.seed * 7919 + epoch + 1);
  const totals = createEpochTotals();
  try {
    for (let step = 0; step < steps; step++) {
      const learningRate = Math.max(cosineLearningRate(settings.learningRate, epoch * steps + step, totalSteps), 1e-12);
      trainer.optimizer.learningRate = learningRate;
      const batch = gather(train, order.slice(step * settings.batchSize, (step + 1) * settings.batchSize));
      if (settings.augment) augmentImages(batch.images, batch.count, random, settings.augment);
      const { x, y } = toLabeledImages(batch, { size: settings.size });
      const labels = tf.cast(y, 'float32') as tf.Tensor1D;
      const { loss, correct } = trainer.step([x], labels);
      tf.dispose([x, y, labels]);
      totals.add(loss, correct, batch.count);
      if (onStep && ((step + 1) % reportEvery === 0 || step + 1 === steps)) {
        const logs = await totals.read();
        if (!Number.isFinite(logs.loss)) throw new Error(`pretrain: loss became ${logs.loss} by epoch ${epoch + 1}, step ${step + 1}; lower --lr`);
        onStep(step + 1, { ...logs, learningRate });
      }
    }
    const logs = await totals.read();
    if (!Number.isFinite(logs.loss)) throw new Error(`pretrain: loss became ${logs.loss} in epoch ${epoch + 1}; lower --lr`);
    return logs;
  } finally {
    totals.dispose();
  }
}

export interface RecalibrateArgs {
  /** Input side. */
  size: number;
  /** Batches averaged. Default 40. */
  batches?: number;
  /** Images per batch. Default 64. */
  batchSize?: number;
  /** Momentum to leave on the layers afterwards. Default 0.999 (Keras). */
  momentum?: number;
}

/**
 * Re-estimates every BatchNormalization layer's moving mean and variance for the current weights
 * ("precise BN"): forward passes in training mode over `batches` batches of `images`, with the
 * momentum of pass k set to 1 − 1/k so the moving statistics become the plain average of the
 * batches' statistics. Needed because the moving averages kept during a short, fast-changing
 * pretraining lag far behind the weights: measured after one epoch, inference accuracy was 14%
 * before and 90% after this.
 */
export function recalibrateBatchNorm(model: tf.LayersModel, images: RawSplit, { size, batches = 40, batchSize = 64, momentum = 0.999 }: RecalibrateArgs): void {
  const layers = model.layers.filter((layer) => layer.getClassName() === 'BatchNormalization');
  const count = Math.min(batches * batchSize, images.count);
  for (let k = 1, start = 0; start < count; k++, start += batchSize) {
    for (const layer of layers) (layer as unknown as { momentum: number }).momentum = 1 - 1 / k;
    const { x, y } = toLabeledImages(images, { size, start, end: Math.min(start + batchSize, count) });
    tf.tidy(() => { model.apply(x, { training: true }); });
    tf.dispose([x, y]);
  }
  for (const layer of layers) (layer as unknown as { momentum: number }).momentum = momentum;
}
