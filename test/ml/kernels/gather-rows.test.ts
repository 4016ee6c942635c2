/**
 * GatherV2 along the first axis on wasm (src/ml/kernels/gather-rows.ts, whole rows copied) against
 * the CPU backend's gather: float32 and int32, indices of rank 1 and 2 with repeats, a negative
 * axis; other axes go to the backend's own kernel; an index out of range is named.
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

async function onBoth(values: number[], shape: number[], dtype: 'float32' | 'int32', picks: number[], pickShape: number[], axis: number) {
  const results: Array<{ values: number[]; shape: number[] }> = [];
  for (const backend of ['cpu', 'wasm']) {
    await tf.setBackend(backend);
    const out = tf.tidy(() => tf.gather(tf.tensor(values, shape, dtype), tf.tensor(picks, pickShape, 'int32'), axis));
    results.push({ values: Array.from(out.dataSync()), shape: out.shape });
    out.dispose();
  }
  return results;
}

describe('GatherV2 on wasm agrees with cpu', () => {
  const cases: Array<[string, number[], 'float32' | 'int32', number[], number[], number]> = [
    ['feature rows [40, 1, 1, 32], float32', [40, 1, 1, 32], 'float32', [39, 0, 7, 7, 12], [5], 0],
    ['labels [9], int32', [9], 'int32', [8, 3, 3, 0], [4], 0],
    ['indices of rank 2, negative axis', [6, 5], 'float32', [5, 0, 1, 2, 2, 4], [2, 3], -2],
    ['the last axis (backend kernel)', [4, 6], 'float32', [5, 0, 2], [3], 1],
  ];
  for (const [label, shape, dtype, picks, pickShape, axis] of cases) {
    it(label, async () => {
      const size = shape.reduce((p, d) => p * d, 1);
      const values = Array.from({ length: size }, (_, i) => (dtype === 'int32' ? i * 7 - 20 : Math.sin(i) * 3));
      const before = tf.memory().numTensors;
      const [cpu, wasm] = await onBoth(values, shape, dtype, picks, pickShape, axis);
      expect(wasm).toEqual(cpu);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('names an index outside the rows and leaks nothing', () => {
    const x = tf.ones([3, 2]);
    const indices = tf.tensor1d([0, 3], 'int32');
    const before = tf.memory().numTensors;
    expect(() => tf.gather(x, indices)).toThrow(/index 3 at position 1 is outside \[0, 2\]/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, indices]);
  });
});
