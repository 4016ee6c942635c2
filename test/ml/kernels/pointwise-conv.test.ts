/**
 * 1×1 convolutions with new filters on wasm (src/ml/kernels/pointwise-conv.ts: the product by
 * Lectern's BatchMatMul) against the CPU backend's convolution: first use of a filter (the
 * product route), second use (the backend's own kernel), and cases the route must leave alone.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/ml/backend.ts';

beforeAll(async () => {
  await selectBackend({ name: 'wasm', fallback: false });
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

type Conv = (x: tf.Tensor4D, filter: tf.Tensor4D) => tf.Tensor4D;

async function onCpu(conv: Conv, x: tf.Tensor4D, filter: tf.Tensor4D): Promise<Float32Array> {
  const [xs, fs] = [x.dataSync().slice(), filter.dataSync().slice()];
  await tf.setBackend('cpu');
  const out = tf.tidy(() => conv(tf.tensor4d(xs, x.shape), tf.tensor4d(fs, filter.shape)));
  const values = out.dataSync().slice() as Float32Array;
  out.dispose();
  await tf.setBackend('wasm');
  return values;
}

const convolutions: Array<[string, Conv]> = [
  ['Conv2D', (x, f) => tf.conv2d(x, f, 1, 'same')],
  ['FusedConv2D', (x, f) => tf.fused.conv2d({ x, filter: f, strides: 1, pad: 'valid' })],
  ['FusedConv2D with bias and relu (left to the backend)', (x, f) => tf.fused.conv2d({ x, filter: f, strides: 1, pad: 'same', bias: tf.linspace(-1, 1, f.shape[3]), activation: 'relu' })],
  ['Conv2D 1×1 with stride 2 (left to the backend)', (x, f) => tf.conv2d(x, f, 2, 'same')],
];

describe('1×1 convolutions with new filters on wasm agree with cpu', () => {
  for (const [label, conv] of convolutions) {
    for (const [batch, size, inChannels, outChannels] of [[4, 1, 40, 96], [2, 3, 12, 64], [8, 4, 16, 8]]) {
      it(`${label}: x [${batch}, ${size}, ${size}, ${inChannels}], ${outChannels} filters, first and second use of the filter`, async () => {
        const x = tf.randomNormal([batch, size, size, inChannels], 0, 1, 'float32', 1) as tf.Tensor4D;
        const filter = tf.randomNormal([1, 1, inChannels, outChannels], 0, 1, 'float32', 2) as tf.Tensor4D;
        const expected = await onCpu(conv, x, filter);
        const scale = Math.max(...Array.from(expected, Math.abs));
        for (let use = 0; use < 2; use++) {
          const before = tf.memory().numTensors;
          const out = tf.tidy(() => conv(x, filter));
          const actual = out.dataSync();
          expect(actual.length).toBe(expected.length);
          const worst = Array.from(expected).reduce((w, v, i) => Math.max(w, Math.abs(actual[i] - v)), 0);
          expect(worst).toBeLessThanOrEqual(1e-5 * scale);
          out.dispose();
          expect(tf.memory().numTensors).toBe(before);
        }
        tf.dispose([x, filter]);
      });
    }
  }
});
