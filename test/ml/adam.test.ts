/**
 * createAdam (src/ml/adam.ts) against tfjs's own Adam (tf.train.adam), the reference it follows:
 * on wasm through the fused SIMD kernel (kernels/adam-update.ts, simd.ts), on cpu through
 * tfjs ops. Sizes that are not multiples of 4 exercise the kernel's scalar tail.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { createAdam } from '../../src/ml/adam.ts';
import { selectBackend } from '../../src/ml/backend.ts';
import { ADAM_UPDATE_KERNEL } from '../../src/ml/kernels/adam-update.ts';
import { simdKernelsFor, simdModuleBytes } from '../../src/ml/kernels/simd.ts';

afterAll(async () => {
  await tf.setBackend('cpu');
});

const SHAPES = [[7], [3, 5], [1, 1, 33, 65], [4]];

/** Runs `steps` Adam steps with both optimizers on equal variables and gradients. */
async function runBoth(steps: number, args: { learningRate: number; beta1?: number; beta2?: number; epsilon?: number }) {
  const theirs = SHAPES.map((s, i) => tf.variable(tf.randomNormal(s, 0, 1, 'float32', i + 1)));
  const ours = SHAPES.map((s, i) => tf.variable(tf.randomNormal(s, 0, 1, 'float32', i + 1)));
  const reference = tf.train.adam(args.learningRate, args.beta1, args.beta2, args.epsilon);
  const adam = createAdam(args);
  const kernels = new Set<string>();
  for (let step = 0; step < steps; step++) {
    const gradients = SHAPES.map((s, i) => tf.randomNormal(s, 0, step % 3 === 0 ? 10 : 0.01, 'float32', 100 + 10 * step + i));
    reference.applyGradients(theirs.map((v, i) => ({ name: v.name, tensor: gradients[i] })));
    const profile = await tf.profile(() => adam.apply(new Map(ours.map((v, i) => [v, gradients[i]]))));
    profile.kernels.forEach((k) => kernels.add(k.name));
    tf.dispose(gradients);
  }
  const pairs = theirs.map((v, i) => [v.dataSync().slice(), ours[i].dataSync().slice()] as const);
  reference.dispose();
  adam.dispose();
  tf.dispose([...theirs, ...ours]);
  return { pairs, kernels, iterations: adam.iterations };
}

describe.each(['wasm', 'cpu'] as const)('createAdam(args).apply(gradients) on %s', (backend) => {
  it("equals tf.train.adam bit for bit over 12 steps, default and custom betas", async () => {
    await selectBackend({ name: backend, fallback: false });
    for (const args of [{ learningRate: 0.001 }, { learningRate: 0.05, beta1: 0.8, beta2: 0.99, epsilon: 1e-4 }]) {
      const { pairs, kernels, iterations } = await runBoth(12, args);
      expect(iterations).toBe(12);
      for (const [theirs, ours] of pairs) expect(Array.from(ours)).toEqual(Array.from(theirs));
      // On wasm the fused kernel does the work, one call per weight; elsewhere tfjs ops.
      expect(kernels.has(ADAM_UPDATE_KERNEL)).toBe(backend === 'wasm');
    }
  });

  it('frees its moments on dispose and leaves no tensor per step', async () => {
    await selectBackend({ name: backend, fallback: false });
    const weight = tf.variable(tf.ones([10]));
    const gradient = tf.fill([10], 0.5);
    const adam = createAdam();
    const before = tf.memory().numTensors;
    adam.apply(new Map([[weight, gradient]]));
    const afterFirst = tf.memory().numTensors; // + the two moments
    adam.apply(new Map([[weight, gradient]]));
    adam.apply(new Map([[weight, gradient]]));
    expect(tf.memory().numTensors).toBe(afterFirst);
    expect(afterFirst).toBe(before + 2);
    adam.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([weight, gradient]);
  });
});

describe('adam.saveState(variables) / restoreState(variables, state)', () => {
  it('a run stopped after 3 steps and continued by a fresh Adam from its saved state equals an unbroken run of 6, bit for bit', async () => {
    await selectBackend({ name: 'cpu', fallback: false });
    const gradients = Array.from({ length: 6 }, (_, step) => SHAPES.map((s, i) => tf.randomNormal(s, 0, 1, 'float32', 500 + 10 * step + i)));
    const start = () => SHAPES.map((s, i) => tf.variable(tf.randomNormal(s, 0, 1, 'float32', i + 1)));
    const step = (adam: ReturnType<typeof createAdam>, vars: tf.Variable[], k: number) =>
      adam.apply(new Map(vars.map((v, i) => [v, gradients[k]![i]!])));

    const unbroken = start();
    const one = createAdam({ learningRate: 0.01 });
    for (let k = 0; k < 6; k++) step(one, unbroken, k);

    const resumed = start();
    const first = createAdam({ learningRate: 0.01 });
    for (let k = 0; k < 3; k++) step(first, resumed, k);
    const state = first.saveState(resumed);
    first.dispose();
    const second = createAdam({ learningRate: 0.01 });
    second.restoreState(resumed, state);
    tf.dispose(state.moments.flatMap((m) => (m ? [m.m, m.v] : [])));
    expect(second.iterations).toBe(3);
    for (let k = 3; k < 6; k++) step(second, resumed, k);

    unbroken.forEach((v, i) => expect(Array.from(resumed[i]!.dataSync())).toEqual(Array.from(v.dataSync())));
    // A fresh Adam without the state restarts its bias correction: the weights differ.
    const fresh = start();
    const restarted = createAdam({ learningRate: 0.01 });
    for (let k = 0; k < 3; k++) step(restarted, fresh, k);
    const other = createAdam({ learningRate: 0.01 });
    for (let k = 3; k < 6; k++) step(other, fresh, k);
    expect(Array.from(fresh[0]!.dataSync())).not.toEqual(Array.from(unbroken[0]!.dataSync()));
    [one, second, restarted, other].forEach((a) => a.dispose());
    tf.dispose([...unbroken, ...resumed, ...fresh, ...gradients.flat()]);
  });

  it('refuses a state saved for other variables, naming the shapes', async () => {
    await selectBackend({ name: 'cpu', fallback: false });
    const a = [tf.variable(tf.ones([3]))];
    const b = [tf.variable(tf.ones([4]))];
    const adam = createAdam();
    adam.apply(new Map([[a[0]!, tf.ones([3])]]));
    const state = adam.saveState(a);
    expect(() => createAdam().restoreState(b, state)).toThrow(/shape \[3\].*\[4\]/);
    expect(() => createAdam().restoreState([...a, ...b], state)).toThrow(/1 variables, the model 2/);
    adam.dispose();
  });

  it('learningRate can be set between steps (a schedule) and must stay positive', () => {
    const adam = createAdam({ learningRate: 0.1 });
    adam.learningRate = 0.05;
    expect(adam.learningRate).toBe(0.05);
    expect(() => { adam.learningRate = 0; }).toThrow(/positive/);
  });
});

describe('the SIMD Adam module', () => {
  it('is valid WebAssembly for shared and unshared memories and computes one step as f32 arithmetic does', () => {
    expect(WebAssembly.validate(simdModuleBytes(false))).toBe(true);
    expect(WebAssembly.validate(simdModuleBytes(true))).toBe(true);
    const memory = new WebAssembly.Memory({ initial: 1 });
    const adam = simdKernelsFor(memory)?.adam;
    expect(adam).toBeDefined();
    const heap = new Float32Array(memory.buffer);
    const n = 8;
    for (let i = 0; i < n; i++) [heap[i], heap[n + i], heap[2 * n + i], heap[3 * n + i]] = [1 + i, (i - 3) / 10, i / 100, i / 1000];
    const f = Math.fround;
    const [b1, k1, b2, k2, c1, c2, eps, negLr] = [0.9, 0.1, 0.999, 0.001, 0.1, 0.001, 1e-7, -0.001].map(f);
    adam!(0, 4 * n, 8 * n, 12 * n, 16 * n, 20 * n, 24 * n, 4 * n, b1, k1, b2, k2, c1, c2, eps, negLr);
    for (let i = 0; i < n; i++) {
      const [w, g, m, v] = [heap[i], heap[n + i], heap[2 * n + i], heap[3 * n + i]];
      const m1 = f(f(m * b1) + f(g * k1));
      const v1 = f(f(v * b2) + f(f(g * g) * k2));
      expect([heap[5 * n + i], heap[6 * n + i]]).toEqual([m1, v1]);
      expect(heap[4 * n + i]).toBe(f(f(f(f(m1 / c1) / f(f(Math.sqrt(f(v1 / c2))) + eps)) * negLr) + w));
    }
  });
});
