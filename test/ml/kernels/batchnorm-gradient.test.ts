/**
 * Lectern's FusedBatchNorm gradient against autodiff of the same function written
 * with elementary ops, (x − mean) · 1/√(var + ε) · scale + offset, whose gradients
 * (Sub, Mul, Rsqrt, Add with broadcasting) tfjs derives independently.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/ml/backend.ts';
import { registerFastBatchNormGradient } from '../../../src/ml/kernels/batchnorm-gradient.ts';

const EPS = 1e-3;

function composite(x: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor, scale: tf.Tensor | undefined, offset: tf.Tensor): tf.Tensor {
  const normalised = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, EPS)));
  return tf.add(scale ? tf.mul(normalised, scale) : normalised, offset);
}

function maxRelativeError(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / Math.max(1e-12, tf.max(tf.abs(b)).dataSync()[0]));
}

beforeAll(() => registerFastBatchNormGradient());
afterAll(async () => {
  await selectBackend('cpu');
});

describe.each(['cpu', 'wasm'] as const)('FusedBatchNorm gradient on %s', (backend) => {
  const cases: Array<[string, number[], boolean]> = [
    ['rank-1 statistics', [6], true],
    ['rank-4 statistics', [1, 1, 1, 6], true],
    // Without a scale tfjs 4.22 cannot differentiate batchNorm at all (the engine saves the
    // missing 'scale' input and fails), with its own gradient as with this one.
  ];
  it.each(cases)('%s', async (_label, statShape, withScale) => {
    await selectBackend({ name: backend, fallback: false });
    const before = tf.memory().numTensors;
    const x = tf.randomNormal([3, 4, 5, 6], 0, 2, 'float32', 1);
    const dy = tf.randomNormal([3, 4, 5, 6], 0, 1, 'float32', 2);
    const mean = tf.randomNormal(statShape, 0, 1, 'float32', 3);
    const variance = tf.randomUniform(statShape, 0.5, 2, 'float32', 4);
    const scale = withScale ? tf.randomNormal(statShape, 1, 0.3, 'float32', 5) : undefined;
    const offset = tf.randomNormal(statShape, 0, 1, 'float32', 6);
    const inputs = [x, mean, variance, ...(scale ? [scale] : []), offset];
    const split = (args: tf.Tensor[]) => {
      const [xx, m, v, ...rest] = args;
      return scale ? { xx, m, v, s: rest[0], o: rest[1] } : { xx, m, v, s: undefined, o: rest[0] };
    };
    const ours = tf.grads((...args: tf.Tensor[]) => {
      const { xx, m, v, s, o } = split(args);
      return tf.batchNorm(xx, m, v, o, s, EPS);
    })(inputs, dy);
    const reference = tf.grads((...args: tf.Tensor[]) => {
      const { xx, m, v, s, o } = split(args);
      return composite(xx, m, v, s, o);
    })(inputs, dy);
    ours.forEach((g, i) => {
      expect(g.shape).toEqual(reference[i].shape);
      expect(maxRelativeError(g, reference[i]), `input ${i}`).toBeLessThanOrEqual(1e-5);
    });
    tf.dispose([...inputs, dy, ...ours, ...reference]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
