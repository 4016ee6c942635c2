/**
 * Classification accuracy of a model on a raw split, in batches so a whole split never sits in
 * memory as float32 (the source test split at 32×32 would be ~50 MB; train ~360 MB).
 */
import * as tf from '@tensorflow/tfjs';
import { toLabeledImages, type RawSplit } from './data/load.ts';

export interface AccuracyArgs {
  /** Input side given to the model. Default: the model's own input size. */
  size?: number;
  /** Images per forward pass. Default 256. */
  batchSize?: number;
  /** Evaluate only the first `limit` images. Default: all. */
  limit?: number;
}

/** Fraction of images whose arg-max prediction equals the label (inference mode). */
export async function accuracy(model: tf.LayersModel, raw: RawSplit, { size, batchSize = 256, limit }: AccuracyArgs = {}): Promise<number> {
  const inputSize = size ?? (model.inputs[0]!.shape[1] as number);
  const count = Math.min(limit ?? raw.count, raw.count);
  if (count === 0) throw new Error(`accuracy: ${raw.task}/${raw.split} has no images to evaluate`);
  let correct = 0;
  for (let start = 0; start < count; start += batchSize) {
    const { x, y } = toLabeledImages(raw, { size: inputSize, start, end: Math.min(start + batchSize, count) });
    const hits = tf.tidy(() => {
      const predicted = (model.predict(x) as tf.Tensor).argMax(-1);
      return predicted.equal(y).sum();
    });
    correct += (await hits.data())[0]!;
    tf.dispose([x, y, hits]);
  }
  return correct / count;
}
