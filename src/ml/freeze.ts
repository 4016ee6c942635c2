/**
 * Freezing layers the way the Keras lesson does:
 * `for layer in base_model.layers[:-n]: layer.trainable = False`.
 * BatchNormalization layers of models from mobileNetV2() then run in inference mode inside fit()
 * (see batchnorm.ts). tfjs needs `compile()` again after changing `trainable`.
 */
import type * as tf from '@tensorflow/tfjs';

/** Makes the last `n` layers trainable and all the others frozen (n = 0 freezes everything). */
export function freezeAllButLast(model: tf.LayersModel, n: number): tf.LayersModel {
  const count = model.layers.length;
  if (!Number.isInteger(n) || n < 0 || n > count) {
    throw new Error(`freezeAllButLast: n must be an integer from 0 to ${count} (the model's layer count); got ${n}`);
  }
  model.layers.forEach((layer, i) => {
    layer.trainable = i >= count - n;
  });
  return model;
}

/** How many of the last layers are trainable: the n with freezeAllButLast(model, n) ≡ model. */
export function trainableLast(model: tf.LayersModel): number {
  let n = 0;
  for (let i = model.layers.length - 1; i >= 0 && model.layers[i].trainable; i--) n++;
  return n;
}

/** Parameter totals as Keras counts them (BatchNormalization moving statistics never trainable). */
export interface ParamCounts {
  total: number;
  trainable: number;
  nonTrainable: number;
}

function sizeOf(weights: tf.LayerVariable[]): number {
  return weights.reduce((sum, w) => sum + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
}

/** Counts a layer's (or model's) parameters; shared weights are counted once. */
export function countParams(layer: tf.layers.Layer): ParamCounts {
  const unique = (ws: tf.LayerVariable[]) => [...new Map(ws.map((w) => [w.id, w])).values()];
  const trainable = sizeOf(unique(layer.trainableWeights));
  const nonTrainable = sizeOf(unique(layer.nonTrainableWeights));
  return { total: trainable + nonTrainable, trainable, nonTrainable };
}
