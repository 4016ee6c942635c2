/**
 * checkBatchNormStatistics: validation accuracy as trained and with BatchNormalization's moving
 * statistics re-estimated from training images, on a model built by hand so that the answer is
 * known: two classes told apart by the sign of x0 − 10, a BatchNormalization layer whose moving
 * statistics still hold their initial mean 0 and variance 1 (as a lagging average would), then a
 * Dense layer that reads the normalized x0.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBatchNormStatistics } from '../../src/ml/batchnorm-check.ts';
import { diagnose } from '../../src/ml/diagnose.ts';

let model: tf.LayersModel;
let x: tf.Tensor2D;
let y: tf.Tensor1D;

/** n points around (10, 10), in an interleaved order: class 0 when x0 > 10, class 1 otherwise (never exactly 10; mean exactly 10). */
function points(n: number): { x: tf.Tensor2D; y: tf.Tensor1D } {
  const values: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = (i * 37) % n; // 37 is prime to n = 256: every k once
    const offset = ((k + 0.5) / n) * 2 - 1; // symmetric in (-1, 1)
    values.push(10 + offset, 10 + offset / 2);
    labels.push(offset > 0 ? 0 : 1);
  }
  return { x: tf.tensor2d(values, [n, 2]), y: tf.tensor1d(labels, 'int32') };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  const input = tf.input({ shape: [2] });
  const normalized = tf.layers.batchNormalization({ momentum: 0.999 }).apply(input) as tf.SymbolicTensor;
  const dense = tf.layers.dense({ units: 2, activation: 'softmax', useBias: false, kernelInitializer: 'zeros' });
  model = tf.model({ inputs: input, outputs: dense.apply(normalized) as tf.SymbolicTensor });
  dense.setWeights([tf.tensor2d([[1, -1], [0, 0]])]); // logits (z0, -z0): class 0 when the normalized x0 > 0
  ({ x, y } = points(256));
});

afterAll(() => {
  tf.dispose([x, y]);
  model.dispose();
});

describe('checkBatchNormStatistics(model, train, validation)', () => {
  it('finds validation broken by stale moving statistics and fixed by re-estimated ones', async () => {
    const check = await checkBatchNormStatistics({ model, train: [x], validation: { x: [x], y } });
    // With mean 0 and variance 1, every normalized x0 is about 10 > 0: all class 0, half right.
    expect(check.valAccuracy).toBeCloseTo(0.5, 1);
    // Re-estimated (mean ≈ 10), the sign of x0 − 10 decides: every point right.
    expect(check.recalibratedValAccuracy).toBe(1);
    expect(check.images).toBe(256);
  });

  it('leaves the model as it found it: moving statistics, momentum, tensor count', async () => {
    const bn = model.layers[1]!;
    const before = bn.getWeights().map((w) => w.arraySync());
    const momentum = (bn as unknown as { momentum: number }).momentum;
    const tensors = tf.memory().numTensors;
    await checkBatchNormStatistics({ model, train: [x], validation: { x: [x], y }, batchSize: 50 });
    expect(bn.getWeights().map((w) => w.arraySync())).toEqual(before);
    expect((bn as unknown as { momentum: number }).momentum).toBe(momentum);
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('finds no gain when the moving statistics already fit the data', async () => {
    const bn = model.layers[1]!;
    const saved = bn.getWeights().map((w) => w.clone());
    const { mean, variance } = tf.moments(x, 0);
    bn.setWeights([saved[0]!, saved[1]!, mean, variance]);
    const check = await checkBatchNormStatistics({ model, train: [x], validation: { x: [x], y } });
    expect(check.valAccuracy).toBe(1);
    expect(check.recalibratedValAccuracy).toBe(1);
    bn.setWeights(saved);
    tf.dispose([...saved, mean, variance]);
  });

  it('its figures make the diagnosis name BatchNormalization statistics, not overfitting', async () => {
    const check = await checkBatchNormStatistics({ model, train: [x], validation: { x: [x], y } });
    // Curves that alone read as overfitting: training far above validation, validation loss below ln 2.
    const logs = [{ loss: 0.5, accuracy: 0.8, val_loss: 0.66, val_accuracy: 0.62 }, { loss: 0.3, accuracy: 0.92, val_loss: 0.65, val_accuracy: 0.63 }];
    expect(diagnose(logs, { classes: 2 }).verdict).toBe('overfitting');
    const d = diagnose(logs, { classes: 2, batchNormCheck: check });
    expect(d.verdict).toBe('batchnorm statistics');
    expect(d.evidence[0]).toMatch(/re-estimated from 256 training images, validation accuracy is 100\.0% instead of 5\d\.\d%/);
    expect(diagnose(logs, { classes: 2, batchNormCheck: check, batchNormTrained: false }).verdict).toBe('overfitting');
    expect(diagnose(logs, { classes: 2, batchNormCheck: { ...check, recalibratedValAccuracy: check.valAccuracy + 0.05 } }).verdict).toBe('overfitting');
  });
});
