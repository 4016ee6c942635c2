import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { fallbackChain, selectBackend, type BackendName } from '../../src/ml/backend.ts';

afterAll(async () => {
  await selectBackend('cpu');
});

describe('selectBackend in Node', () => {
  it('starts wasm, reports SIMD and single-threaded, and registers the gradient kernels', async () => {
    const status = await selectBackend('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(status).toMatchObject({ requested: 'wasm', active: 'wasm', fellBack: false });
    expect(status.wasm).toEqual({ threads: false, threadsCount: 1, simd: true });
    expect(status.message).toBe('Running on WASM (single-threaded, SIMD).');
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });

  it('falls back from webgl (no WebGL in Node) to wasm and says so', async () => {
    const status = await selectBackend('webgl');
    expect(tf.getBackend()).toBe('wasm');
    expect(status.active).toBe('wasm');
    expect(status.fellBack).toBe(true);
    expect(status.attempts.map((a) => [a.name, a.ok])).toEqual([['webgl', false], ['wasm', true]]);
    expect(status.message).toMatch(/^WebGL could not start \(.+\)\. Running on WASM/);
  });

  it('without fallback, a backend that cannot start is an error naming it', async () => {
    await expect(selectBackend({ name: 'webgl', fallback: false })).rejects.toThrow(/no backend could start: WebGL \(/);
  });

  it('starts cpu', async () => {
    const status = await selectBackend('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(status.message).toBe('Running on CPU.');
    expect(status.wasm).toBeUndefined();
  });

  it('calls beforeWasm before starting wasm', async () => {
    const calls: string[] = [];
    await selectBackend({ name: 'wasm', beforeWasm: () => calls.push(tf.getBackend()) });
    expect(calls).toEqual(['cpu']);
  });

  it('rejects an unknown backend name with the valid names', () => {
    expect(() => fallbackChain('tpu' as BackendName)).toThrow(/unknown backend "tpu"; choose one of webgl, wasm, cpu/);
    expect(fallbackChain('webgl')).toEqual(['webgl', 'wasm', 'cpu']);
    expect(fallbackChain('wasm')).toEqual(['wasm', 'cpu']);
    expect(fallbackChain('wasm', false)).toEqual(['wasm']);
  });
});
