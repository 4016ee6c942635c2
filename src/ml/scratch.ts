/**
 * A small convolutional network trained from scratch: the reference that shows what a pretrained
 * base buys. Three stages of two 3×3 convolutions (the second with stride 2), each followed by
 * BatchNormalization and ReLU, then GlobalAveragePooling2D, Dropout and a softmax Dense: about
 * 70k weights against MobileNetV2's 2.3 million, and fast on 32×32 images.
 *
 * Its BatchNormalization uses momentum 0.9 rather than Keras's 0.99 default: a from-scratch run of
 * a few hundred steps must have moving statistics that keep up with its weights (the failure the
 * lesson explains for MobileNetV2's 0.999).
 */
import * as tf from '@tensorflow/tfjs';
import { kerasBatchNormalization } from './batchnorm.ts';

export interface ScratchCnnArgs {
  /** Input side (square, 3 channels). Default 32. */
  size?: number;
  classes: number;
  /** Filters of the three stages. Default [16, 32, 64]. */
  filters?: readonly number[];
  /** Dropout before the classifier. Default 0.2. */
  dropout?: number;
  /** Seed of the kernels' initialisation. Default 0. */
  seed?: number;
}

export function scratchCnn({ size = 32, classes, filters = [16, 32, 64], dropout = 0.2, seed = 0 }: ScratchCnnArgs): tf.LayersModel {
  if (!Number.isInteger(classes) || classes < 2) throw new RangeError(`scratchCnn: classes must be an integer ≥ 2, got ${classes}`);
  if (!(dropout >= 0 && dropout < 1)) throw new RangeError(`scratchCnn: dropout must be in [0, 1), got ${dropout}`);
  let kernelSeed = seed * 100;
  const input = tf.input({ shape: [size, size, 3] });
  let x: tf.SymbolicTensor = input;
  const block = (units: number, strides: number, name: string) => {
    x = tf.layers.conv2d({
      filters: units, kernelSize: 3, strides, padding: 'same', useBias: false, name: `${name}_conv`,
      kernelInitializer: tf.initializers.heNormal({ seed: kernelSeed++ }),
    }).apply(x) as tf.SymbolicTensor;
    x = kerasBatchNormalization({ momentum: 0.9, name: `${name}_bn` }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.reLU({ name: `${name}_relu` }).apply(x) as tf.SymbolicTensor;
  };
  filters.forEach((units, stage) => {
    block(units, 1, `stage${stage + 1}_a`);
    block(units, 2, `stage${stage + 1}_b`);
  });
  x = tf.layers.globalAveragePooling2d({ name: 'pool' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dropout({ rate: dropout, name: 'dropout' }).apply(x) as tf.SymbolicTensor;
  const output = tf.layers.dense({
    units: classes, activation: 'softmax', name: 'predictions',
    kernelInitializer: tf.initializers.glorotUniform({ seed: kernelSeed }),
  }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output, name: 'scratch_cnn' });
}
