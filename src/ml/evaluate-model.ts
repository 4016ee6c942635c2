/**
 * Keras's `model.evaluate(x, y)` for a classifier: mean sparse categorical cross-entropy and
 * accuracy over labelled images, in inference mode (Dropout off, BatchNormalization on its moving
 * statistics), computed as fine-tuning computes val_loss and val_accuracy (train-step.ts), so a
 * model loaded from a checkpoint scores what the checkpoint's epoch logged.
 */
import * as tf from '@tensorflow/tfjs';
import { pause } from './event-loop.ts';
import { correctCount, sparseCrossEntropy } from './train-step.ts';

export interface EvaluateModelArgs {
  /** Images per forward pass. Default 256. */
  batchSize?: number;
  /** Stops between batches when it fires (AbortError). */
  signal?: AbortSignal;
}

/** What is evaluated: the model's inputs (one tensor, or one per input: e.g. cached features) and integer labels. */
export interface EvaluationImages {
  x: tf.Tensor | readonly tf.Tensor[];
  y: tf.Tensor;
}

export interface Evaluation {
  loss: number;
  accuracy: number;
  images: number;
}

/** Loss and accuracy of `model` (inputs → class probabilities) on `images`; tensors are left as found. */
export async function evaluateModel(model: tf.LayersModel, images: EvaluationImages, { batchSize = 256, signal }: EvaluateModelArgs = {}): Promise<Evaluation> {
  const n = images.y.shape[0]!;
  const inputs: readonly tf.Tensor[] = Array.isArray(images.x) ? images.x : [images.x as tf.Tensor];
  if (n === 0) throw new Error('evaluateModel: no images');
  for (const input of inputs) if (input.shape[0] !== n) throw new Error(`evaluateModel: ${input.shape[0]} images but ${n} labels`);
  let sums: tf.Tensor1D | null = null;
  try {
    for (let begin = 0; begin < n; begin += batchSize) {
      const size = Math.min(batchSize, n - begin);
      const next: tf.Tensor1D = tf.tidy(() => {
        const batchInputs = inputs.map((input) => input.slice(begin, size));
        const probabilities = model.predict(batchInputs.length === 1 ? batchInputs[0]! : batchInputs) as tf.Tensor2D;
        const labels = images.y.slice(begin, size).reshape([-1]).toFloat() as tf.Tensor1D;
        const batch = tf.stack([tf.sum(sparseCrossEntropy(labels, probabilities)), correctCount(labels, probabilities)]) as tf.Tensor1D;
        return sums ? tf.add(sums, batch) : batch;
      });
      sums?.dispose();
      sums = next;
      await pause(signal);
    }
    const [loss, correct] = await sums!.data();
    return { loss: loss! / n, accuracy: correct! / n, images: n };
  } finally {
    sums?.dispose();
  }
}
