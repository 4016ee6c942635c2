/**
 * Lectern's wasm BatchMatMul (src/ml/kernels/batch-matmul.ts) against the CPU backend's product,
 * an independent reference: transposed operands, and the route that packs the left operand when
 * the right one is new and bigger (training weights), taken on a first product and left on a
 * repeated one.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchMatMulConfig } from '../../../src/ml/kernels/batch-matmul.ts';

let original: tf.KernelConfig | undefined;

beforeAll(async () => {
  await tf.setBackend('wasm');
  original = tf.getKernel('BatchMatMul', 'wasm');
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({ ...batchMatMulConfig(original), setupFunc: original?.setupFunc });
});
afterAll(() => {
  tf.unregisterKernel('BatchMatMul', 'wasm');
  if (original) tf.registerKernel(original);
});

/** The product computed by the CPU backend. */
async function onCpu(a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean): Promise<{ values: number[]; shape: number[] }> {
  const [aValues, bValues] = [a.dataSync().slice(), b.dataSync().slice()];
  await tf.setBackend('cpu');
  const product = tf.matMul(tf.tensor(aValues, a.shape), tf.tensor(bValues, b.shape), transposeA, transposeB);
  const result = { values: Array.from(product.dataSync()), shape: product.shape };
  tf.disposeVariables();
  product.dispose();
  await tf.setBackend('wasm');
  return result;
}

async function expectAgreement(a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean): Promise<void> {
  const before = tf.memory().numTensors;
  const product = tf.matMul(a, b, transposeA, transposeB);
  expect(tf.memory().numTensors).toBe(before + 1);
  const expected = await onCpu(a, b, transposeA, transposeB);
  expect(product.shape).toEqual(expected.shape);
  const actual = product.dataSync();
  const scale = Math.max(...expected.values.map(Math.abs));
  const worst = expected.values.reduce((w, v, i) => Math.max(w, Math.abs(actual[i] - v)), 0);
  expect(worst).toBeLessThanOrEqual(1e-5 * scale);
  product.dispose();
}

const flags = [[true, false], [false, true], [true, true], [false, false]] as const;

describe('wasm BatchMatMul with transposed operands', () => {
  for (const [transposeA, transposeB] of flags) {
    it(`agrees with the CPU backend (transposeA ${transposeA}, transposeB ${transposeB}), batch 1 and 3`, async () => {
      for (const batch of [1, 3]) {
        const [m, k, n] = [5, 7, 4];
        const a = tf.randomNormal(transposeA ? [batch, k, m] : [batch, m, k], 0, 1, 'float32', 1);
        const b = tf.randomNormal(transposeB ? [batch, n, k] : [batch, k, n], 0, 1, 'float32', 2);
        await expectAgreement(a, b, transposeA, transposeB);
        tf.dispose([a, b]);
      }
    });
  }
});

describe('wasm BatchMatMul packing the smaller operand (new weights, N > M)', () => {
  for (const [transposeA, transposeB] of flags) {
    for (const rank of [2, 3] as const) {
      it(`agrees with the CPU backend on [6, 40] · [40, 96] (transposeA ${transposeA}, transposeB ${transposeB}, rank ${rank})`, async () => {
        const [m, k, n] = [6, 40, 96];
        const lead = rank === 3 ? [1] : [];
        const a = tf.randomNormal([...lead, ...(transposeA ? [k, m] : [m, k])], 0, 1, 'float32', 3);
        const b = tf.randomNormal([...lead, ...(transposeB ? [n, k] : [k, n])], 0, 1, 'float32', 4);
        // The first product with b packs a; the second may use the backend's packing of b.
        await expectAgreement(a, b, transposeA, transposeB);
        await expectAgreement(a, b, transposeA, transposeB);
        tf.dispose([a, b]);
      });
    }
  }

  it('keeps the batch axis of a rank-3 right operand with a rank-2 left one', async () => {
    const a = tf.randomNormal([3, 8], 0, 1, 'float32', 5);
    const b = tf.randomNormal([1, 8, 20], 0, 1, 'float32', 6);
    await expectAgreement(a, b, false, false);
    tf.dispose([a, b]);
  });
});
