/**
 * ClipByValue's gradient on wasm (Lectern's one-pass kernel) against the CPU
 * backend's (tfjs-core's where/logicalAnd formula), boundaries included.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/ml/backend.ts';

async function clipGradient(backend: 'cpu' | 'wasm', x: number[], dy: number[], shape: number[]): Promise<Float32Array> {
  await selectBackend({ name: backend, fallback: false });
  const before = tf.memory().numTensors;
  const xt = tf.tensor(x, shape);
  const dyt = tf.tensor(dy, shape);
  const g = tf.grad((t: tf.Tensor) => tf.clipByValue(t, 0, 6))(xt, dyt);
  const values = (await g.data()) as Float32Array;
  tf.dispose([xt, dyt, g]);
  expect(tf.memory().numTensors).toBe(before);
  return values;
}

afterAll(async () => {
  await selectBackend('cpu');
});

describe('ClipByValue gradient', () => {
  it('passes dy where 0 ≤ x ≤ 6 (ends included) and 0 elsewhere, on wasm as on cpu', async () => {
    const x = [-1, -1e-7, 0, 1e-7, 3, 6, 6.000001, 7, Number.NaN, 2.5, -3, 5.99];
    const dy = x.map((_, i) => i + 1);
    const shape = [2, 2, 3];
    const cpu = await clipGradient('cpu', x, dy, shape);
    const wasm = await clipGradient('wasm', x, dy, shape);
    expect(Array.from(wasm)).toEqual(Array.from(cpu));
    expect(Array.from(wasm)).toEqual([0, 0, 3, 4, 5, 6, 0, 0, 0, 10, 0, 12]);
  });

  it('runs as one LecternClipByValueGrad kernel on wasm', async () => {
    await selectBackend('wasm');
    const x = tf.tensor([-1, 2, 7]);
    const info = await tf.profile(() => tf.grad((t: tf.Tensor) => tf.clipByValue(t, 0, 6))(x));
    const names = info.kernels.map((k) => k.name);
    expect(names).toContain('LecternClipByValueGrad');
    expect(names).not.toContain('Select');
    tf.dispose(x);
    tf.dispose(info.result as tf.Tensor);
  });

  it('agrees on a large random tensor', async () => {
    const n = 4 * 8 * 8 * 16;
    const x = Array.from({ length: n }, (_, i) => ((i * 7919) % 1000) / 100 - 2);
    const dy = Array.from({ length: n }, (_, i) => ((i * 104729) % 997) / 997 - 0.5);
    const cpu = await clipGradient('cpu', x, dy, [4, 8, 8, 16]);
    const wasm = await clipGradient('wasm', x, dy, [4, 8, 8, 16]);
    expect(Array.from(wasm)).toEqual(Array.from(cpu));
  });
});
