/**
 * The dataset contract shared by the data loader (browser and Node), pretraining and
 * fine-tuning. Images are already resized, replicated to 3 channels and scaled to
 * [-1, 1] as MobileNetV2's preprocess_input does (scaled once, here, never again).
 */
import type * as tf from '@tensorflow/tfjs';

/** `source`: the six classes the base is pretrained on; `target`: the lesson's four classes (TASK_LABELS). */
export type Task = 'source' | 'target';
export type SplitName = 'train' | 'validation' | 'test';

export interface LabeledImages {
  /** [n, size, size, 3], float32 in [-1, 1]. The caller owns it and disposes it. */
  x: tf.Tensor4D;
  /** [n] int32 class indices into `classes`. The caller owns it and disposes it. */
  y: tf.Tensor1D;
  /** Class names in index order, e.g. ['Trouser', 'Sandal', 'Sneaker', 'Ankle boot']. */
  classes: string[];
}
