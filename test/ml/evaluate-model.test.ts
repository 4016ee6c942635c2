/**
 * evaluateModel, Keras's model.evaluate for a classifier, checked against a hand computation on a
 * model whose probabilities are known: a two-input model (as fine-tuning's top is fed cached
 * features at a cut with one tensor per input) that adds its inputs and applies softmax.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateModel } from '../../src/ml/evaluate-model.ts';

let model: tf.LayersModel;
const a = [[2, 0, 0], [0, 1, 0], [0, 0, 3], [1, 1, 0], [0, 2, 0]];
const b = [[0, 0, 0], [0, 1, 0], [1, 0, 0], [0, 0, 0], [0, 0, 1]];
const labels = [0, 1, 0, 1, 2];

/** Mean cross-entropy and accuracy of softmax(a + b), computed without TensorFlow.js. */
function byHand(): { loss: number; accuracy: number } {
  let loss = 0;
  let correct = 0;
  labels.forEach((label, i) => {
    const logits = a[i]!.map((v, j) => v + b[i]![j]!);
    const sum = logits.reduce((s, v) => s + Math.exp(v), 0);
    loss += -Math.log(Math.exp(logits[label]!) / sum);
    // Ties (row 3: 1, 1, 0) go to the first index, as argMax does.
    const predicted = logits.indexOf(Math.max(...logits));
    if (predicted === label) correct++;
  });
  return { loss: loss / labels.length, accuracy: correct / labels.length };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  const left = tf.input({ shape: [3] });
  const right = tf.input({ shape: [3] });
  const sum = tf.layers.add().apply([left, right]) as tf.SymbolicTensor;
  model = tf.model({ inputs: [left, right], outputs: tf.layers.softmax().apply(sum) as tf.SymbolicTensor });
});

afterAll(() => model.dispose());

describe('evaluateModel(model, { x, y })', () => {
  it('gives the mean cross-entropy and accuracy of a hand computation, over batches, for a model with two inputs', async () => {
    const x = [tf.tensor2d(a), tf.tensor2d(b)];
    const y = tf.tensor1d(labels, 'int32');
    const before = tf.memory().numTensors;
    const score = await evaluateModel(model, { x, y }, { batchSize: 2 });
    expect(tf.memory().numTensors).toBe(before);
    const expected = byHand();
    expect(score.images).toBe(5);
    expect(score.accuracy).toBeCloseTo(expected.accuracy, 6);
    expect(score.loss).toBeCloseTo(expected.loss, 5);
    tf.dispose([...x, y]);
  });

  it('says which count is off when an input and the labels disagree', async () => {
    const x = [tf.tensor2d(a), tf.tensor2d(b.slice(0, 4))];
    const y = tf.tensor1d(labels, 'int32');
    await expect(evaluateModel(model, { x, y })).rejects.toThrow('evaluateModel: 4 images but 5 labels');
    tf.dispose([...x, y]);
  });
});
