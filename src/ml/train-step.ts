/**
 * Training a tfjs-layers classifier step by step without `trainOnBatch`: what fine-tuning runs
 * hundreds of times per re-run, so every millisecond per step counts.
 *
 * The same computation as tfjs-layers's fit() for a model compiled with sparse categorical
 * cross-entropy and accuracy (tfjs-layers training.ts, losses.ts, metrics.ts): the forward pass in
 * training mode (Dropout on, trainable BatchNormalization on batch statistics), the batch-mean
 * loss, gradients for the model's trainable weights, then Adam. What it leaves out is fit()'s
 * per-batch bookkeeping (input standardisation, callbacks, reading the loss back every step): the
 * batch's loss and correct count stay tensors, summed on the backend, read once per epoch.
 */
import * as tf from '@tensorflow/tfjs';
import { createAdam, type Adam, type AdamArgs } from './adam.ts';

/** Probabilities clipped as tfjs-layers's sparse cross-entropy does (its epsilon, 1e-7). */
const EPSILON = 1e-7;

/** Per-image sparse categorical cross-entropy of class probabilities, as tfjs-layers computes it. */
export function sparseCrossEntropy(labels: tf.Tensor1D, probabilities: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const classes = probabilities.shape[1];
    const oneHot = tf.oneHot(tf.cast(tf.floor(labels), 'int32'), classes);
    return tf.metrics.categoricalCrossentropy(oneHot, tf.clipByValue(probabilities, EPSILON, 1 - EPSILON)) as tf.Tensor1D;
  });
}

/** How many predictions (arg-max of the probabilities) equal the labels, as a float scalar. */
export function correctCount(labels: tf.Tensor1D, probabilities: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(probabilities, -1), tf.cast(labels, 'int32')), 'float32')));
}

/** Running sums of one epoch, kept on the backend until read. */
export interface EpochTotals {
  /** Adds a batch's summed loss and correct count (takes ownership). */
  add(loss: tf.Scalar, correct: tf.Scalar, images: number): void;
  /** Mean loss and accuracy over the images added; reads the backend once. */
  read(): Promise<{ loss: number; accuracy: number }>;
  dispose(): void;
}

export function createEpochTotals(): EpochTotals {
  let sums: tf.Tensor1D | null = null;
  let images = 0;
  return {
    add(loss, correct, count) {
      const next = tf.tidy(() => {
        const batch = tf.stack([loss, correct]) as tf.Tensor1D;
        return sums ? (tf.add(sums, batch) as tf.Tensor1D) : batch;
      });
      tf.dispose([loss, correct, ...(sums ? [sums] : [])]);
      sums = next;
      images += count;
    },
    async read() {
      if (!sums || images === 0) return { loss: NaN, accuracy: NaN };
      const [loss, correct] = await sums.data();
      return { loss: loss / images, accuracy: correct / images };
    },
    dispose() {
      sums?.dispose();
      sums = null;
    },
  };
}

export interface Trainer {
  /**
   * One gradient step on a batch: inputs (one tensor per model input) and float labels. Returns
   * the batch's summed loss and correct count as scalars the caller owns.
   */
  step(inputs: tf.Tensor[], labels: tf.Tensor1D): { loss: tf.Scalar; correct: tf.Scalar };
  /** Summed loss and correct count of a batch in inference mode (Dropout off, moving statistics). */
  evaluate(inputs: tf.Tensor[], labels: tf.Tensor1D): { loss: tf.Scalar; correct: tf.Scalar };
  /** The optimizer: a schedule sets its learning rate, a checkpoint saves its state. */
  readonly optimizer: Adam;
  /** The variables it updates, in the model's trainable-weight order. */
  readonly variables: readonly tf.Variable[];
  /** Frees the optimizer's state (never the model). */
  dispose(): void;
}

/** A trainer for `model` (class probabilities out), updating its trainable weights with Adam. */
export function createTrainer(model: tf.LayersModel, adam: AdamArgs = {}): Trainer {
  const optimizer = createAdam(adam);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const forward = (inputs: tf.Tensor[], training: boolean) =>
    model.apply(inputs.length === 1 ? inputs[0] : inputs, { training }) as tf.Tensor2D;
  return {
    optimizer,
    variables,
    step(inputs, labels) {
      let probabilities: tf.Tensor2D | null = null;
      const { value, grads } = tf.variableGrads(() => {
        probabilities = tf.keep(forward(inputs, true));
        return tf.mean(sparseCrossEntropy(labels, probabilities)) as tf.Scalar;
      }, variables);
      const kept = probabilities as unknown as tf.Tensor2D;
      try {
        optimizer.apply(new Map(variables.map((v) => [v, grads[v.name]])));
        const size = labels.shape[0];
        return { loss: tf.tidy(() => tf.mul(value, size)), correct: correctCount(labels, kept) };
      } finally {
        tf.dispose([value, kept, ...Object.values(grads)]);
      }
    },
    evaluate(inputs, labels) {
      return tf.tidy(() => {
        const probabilities = forward(inputs, false);
        return { loss: tf.sum(sparseCrossEntropy(labels, probabilities)), correct: correctCount(labels, probabilities) };
      });
    },
    dispose: () => optimizer.dispose(),
  };
}
