/**
 * Evidence for the diagnosis that BatchNormalization's moving statistics, not the weights, break
 * validation: the validation accuracy of a trained model as it is, and again with the moving mean
 * and variance of its trainable BatchNormalization layers re-estimated from the training images
 * (a cumulative average over batches in training mode, as a recalibration after pretraining does).
 * A large gain means the weights were fine and the lagging statistics (MobileNetV2's momentum
 * 0.999 barely moves in a short fine-tuning) were what validation paid for. The model is left
 * exactly as it was: statistics and momentum are put back.
 */
import * as tf from '@tensorflow/tfjs';
import { pause } from './event-loop.ts';
import { evaluateModel } from './evaluate-model.ts';

/** What the check measured (accuracies as fractions). */
export interface BatchNormCheck {
  /** Validation accuracy of the model as it is (its moving statistics). */
  valAccuracy: number;
  /** Validation accuracy with the statistics re-estimated from the training images. */
  recalibratedValAccuracy: number;
  /** Training images the statistics were re-estimated from. */
  images: number;
}

export interface CheckBatchNormArgs {
  /** The model to check; its inputs are what `train` and `validation` hold (images or cached features). */
  model: tf.LayersModel;
  /** Inputs of the training images (one tensor per model input). */
  train: readonly tf.Tensor[];
  /** Inputs and integer labels of the validation images. */
  validation: { x: readonly tf.Tensor[]; y: tf.Tensor };
  /** Images per pass. Default 64. */
  batchSize?: number;
  /** Most training images used to re-estimate. Default 1024. */
  maxImages?: number;
  /** Stops the check between batches (the model is restored first). Default none. */
  signal?: AbortSignal;
}

interface MomentumHolder { momentum: number }

/** Measures validation with the model's own statistics and with re-estimated ones; restores the model. */
export async function checkBatchNormStatistics({ model, train, validation, batchSize = 64, maxImages = 1024, signal }: CheckBatchNormArgs): Promise<BatchNormCheck> {
  const layers = model.layers.filter((layer) => layer.getClassName() === 'BatchNormalization' && layer.trainable);
  const valAccuracy = await accuracyOn(model, validation, batchSize, signal);
  if (layers.length === 0) return { valAccuracy, recalibratedValAccuracy: valAccuracy, images: 0 };
  const saved = layers.map((layer) => ({ weights: layer.getWeights().map((w) => w.clone()), momentum: (layer as unknown as MomentumHolder).momentum }));
  const images = Math.min(maxImages, train[0]!.shape[0]!);
  try {
    for (let k = 1, start = 0; start < images; k++, start += batchSize) {
      // Momentum 1 - 1/k makes the moving averages the plain mean of the k batches seen so far.
      for (const layer of layers) (layer as unknown as MomentumHolder).momentum = 1 - 1 / k;
      const size = Math.min(batchSize, images - start);
      tf.tidy(() => { model.apply(train.map((t) => t.slice(start, size)), { training: true }); });
      await pause(signal); // the page keeps painting between batches
    }
    return { valAccuracy, recalibratedValAccuracy: await accuracyOn(model, validation, batchSize, signal), images };
  } finally {
    layers.forEach((layer, i) => {
      layer.setWeights(saved[i]!.weights);
      (layer as unknown as MomentumHolder).momentum = saved[i]!.momentum;
    });
    tf.dispose(saved.flatMap((s) => s.weights));
  }
}

async function accuracyOn(model: tf.LayersModel, validation: CheckBatchNormArgs['validation'], batchSize: number, signal?: AbortSignal): Promise<number> {
  return (await evaluateModel(model, validation, { batchSize, signal })).accuracy;
}
