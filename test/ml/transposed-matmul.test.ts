import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transposedBatchMatMulConfig } from '../../src/ml/kernels/transposed-matmul.ts';

let original: tf.KernelConfig | undefined;

beforeAll(async () => {
  await tf.setBackend('wasm');
  original = tf.getKernel('BatchMatMul', 'wasm');
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel(transposedBatchMatMulConfig(original));
});
afterAll(() => {
  tf.unregisterKernel('BatchMatMul', 'wasm');
  if (original) tf.registerKernel(original);
});

/** The product computed by the CPU backend: an independent reference. */
async function onCpu(a: number[][][], b: number[][][], transposeA: boolean, transposeB: boolean): Promise<number[][][]> {
  await tf.setBackend('cpu');
  const result = tf.tidy(() => tf.matMul(tf.tensor3d(a), tf.tensor3d(b), transposeA, transposeB).arraySync()) as number[][][];
  await tf.setBackend('wasm');
  return result;
}

describe('wasm BatchMatMul with transposed operands', () => {
  for (const [transposeA, transposeB] of [[true, false], [false, true], [true, true], [false, false]] as const) {
    it(`agrees with the CPU backend (transposeA ${transposeA}, transposeB ${transposeB}), batch 1 and 3`, async () => {
      for (const batch of [1, 3]) {
        const [m, k, n] = [5, 7, 4];
        const aShape: [number, number, number] = transposeA ? [batch, k, m] : [batch, m, k];
        const bShape: [number, number, number] = transposeB ? [batch, n, k] : [batch, k, n];
        const a = tf.randomNormal(aShape, 0, 1, 'float32', 1);
        const b = tf.randomNormal(bShape, 0, 1, 'float32', 2);
        const [aValues, bValues] = [a.arraySync() as number[][][], b.arraySync() as number[][][]];
        const before = tf.memory().numTensors;
        const product = tf.matMul(a, b, transposeA, transposeB);
        expect(tf.memory().numTensors).toBe(before + 1);
        const expected = await onCpu(aValues, bValues, transposeA, transposeB);
        const actual = product.arraySync() as number[][][];
        actual.flat(2).forEach((v, i) => expect(v).toBeCloseTo(expected.flat(2)[i], 4));
        tf.dispose([a, b, product]);
      }
    });
  }
});
