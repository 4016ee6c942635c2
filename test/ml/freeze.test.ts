import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countParams, freezeAllButLast, trainableLast } from '../../src/ml/freeze.ts';
import { mobileNetV2 } from '../../src/ml/mobilenetv2.ts';

let model: tf.LayersModel;
let before = 0;
beforeAll(() => {
  before = tf.memory().numTensors;
  model = mobileNetV2({ includeTop: false });
});
afterAll(() => {
  model.dispose();
  expect(tf.memory().numTensors).toBe(before);
});

/** Independent count by Keras's rules: a trainable layer's weights count, minus BN moving stats. */
function kerasTrainable(m: tf.LayersModel): number {
  let sum = 0;
  for (const layer of m.layers) {
    if (!layer.trainable) continue;
    const perChannel = layer.getClassName() === 'BatchNormalization';
    for (const w of layer.weights) {
      if (perChannel && /moving_(mean|variance)$/.test(w.originalName)) continue;
      sum += w.shape.reduce((a: number, b) => a * (b ?? 1), 1);
    }
  }
  return sum;
}

describe('freezeAllButLast', () => {
  it('gives the deck counts for the last 4 layers (Keras: 412,800 trainable)', () => {
    freezeAllButLast(model, 4);
    expect(countParams(model)).toEqual({ total: 2_257_984, trainable: 412_800, nonTrainable: 1_845_184 });
    expect(trainableLast(model)).toBe(4);
  });

  it('matches the lesson loop `for (layer of layers.slice(0, -4)) layer.trainable = false`', () => {
    for (const layer of model.layers) layer.trainable = true;
    for (const layer of model.layers.slice(0, -4)) layer.trainable = false;
    expect(countParams(model).trainable).toBe(412_800);
  });

  it.each([0, 4, 30, 154])('trainable-last %i follows Keras rules', (n) => {
    freezeAllButLast(model, n);
    const counts = countParams(model);
    expect(counts.trainable).toBe(kerasTrainable(model));
    expect(counts.total).toBe(2_257_984);
    if (n === 0) expect(counts.trainable).toBe(0);
    // All trainable: only the 52 BN layers' moving mean/variance (2·C each = 34,112) stay frozen.
    if (n === 154) expect(counts.nonTrainable).toBe(34_112);
  });

  it('rejects out-of-range n with the model size in the message', () => {
    expect(() => freezeAllButLast(model, -1)).toThrow(/integer from 0 to 154 .*; got -1/);
    expect(() => freezeAllButLast(model, 155)).toThrow(/got 155/);
    expect(() => freezeAllButLast(model, 1.5)).toThrow(/got 1.5/);
  });
});
