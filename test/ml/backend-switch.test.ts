/**
 * A lesson's cells run concurrently: one may call selectBackend('wasm') while another loads data.
 * The loaders wait for the switch (tf.ready()) instead of making tensors on a backend that has not
 * started ("Backend 'wasm' has not yet been initialized"), which hung the static build under load.
 */
import * as tf from '@tensorflow/tfjs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadSplit } from '../../src/ml/data/load.ts';

const DATA_DIR = fileURLToPath(new URL('../../public/data', import.meta.url));

// A backend whose start takes a while, like wasm fetching and compiling its binary in a browser.
const SLOW = 'slow-cpu';
tf.registerBackend(SLOW, async () => {
  await new Promise((resolve) => setTimeout(resolve, 300));
  return tf.findBackendFactory('cpu')!() as tf.KernelBackend;
});
for (const kernel of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...kernel, backendName: SLOW });

describe('loadSplit during a backend switch', () => {
  it('waits for the switch another cell started, then makes its tensors on the new backend', async () => {
    await tf.setBackend('cpu');
    // Warm the loader's byte cache, so the next call reaches tensor creation within microtasks.
    const first = await loadSplit({ task: 'target', split: 'test', limit: 4, dir: DATA_DIR });
    tf.dispose([first.x, first.y]);

    const switching = tf.setBackend(SLOW); // not awaited: another cell is doing this
    const set = await loadSplit({ task: 'target', split: 'test', limit: 4, dir: DATA_DIR });
    expect(await switching).toBe(true);
    expect(tf.getBackend()).toBe(SLOW);
    expect(set.x.shape).toEqual([4, 32, 32, 3]);
    const values = await set.x.data();
    expect(Math.min(...values)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...values)).toBeLessThanOrEqual(1);
    tf.dispose([set.x, set.y]);
    await tf.setBackend('cpu');
    tf.removeBackend(SLOW);
  });
});
