/**
 * Issue 12, item 7: switching a lesson's backend (wasm → cpu → wasm, as lesson 8's Backend menu does)
 * must leave tf.memory().numTensors where it was: the old base, its images and the features cached
 * from them are freed when their cells re-run. Lesson 8's first cells, on a small run.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { compileCell } from '../../src/cells/compile.ts';
import { sharedFeatureCache } from '../../src/ml/feature-cache.ts';
import { createLessonRuntime } from '../../src/runtime/lesson-runtime.ts';
import { createNodeImport } from '../../src/runtime/node-import.ts';

const CELLS: Record<string, string> = {
  imports: "import { selectBackend, loadBase, loadImages, freezeAllButLast, summary, train } from 'lectern';",
  choice: "const backendName = 'wasm'",
  backend: 'const backend = await selectBackend(backendName);',
  base: 'const base = await loadBase({ backend, invalidation });',
  data: 'const data = await loadImages({ train: 24, validation: 12, backend, invalidation });',
  summary: 'summary(freezeAllButLast(base, 4), { showTrainable: true })',
  training: 'const training = train({ base, data, trainableLast: 4, epochs: 1, invalidation });',
  done: 'training.done',
};

const runtime = createLessonRuntime({ importModule: createNodeImport(), followGenerators: true });
afterAll(() => runtime.dispose());

describe('switching the backend of a lesson', () => {
  it('frees the old base, its images and their cached features: numTensors returns to where it was', async () => {
    for (const [id, source] of Object.entries(CELLS)) runtime.define(compileCell({ id, source }));
    await runtime.idle();
    expect(await runtime.value('training')).toMatchObject({ done: true });
    expect(sharedFeatureCache.size).toBeGreaterThan(0);
    const settled = tf.memory().numTensors;
    const cached = sharedFeatureCache.size;
    for (const name of ['cpu', 'wasm']) {
      runtime.redefine('choice', `const backendName = '${name}'`);
      await runtime.idle();
      expect(tf.getBackend()).toBe(name);
      expect(await runtime.value('training')).toMatchObject({ done: true });
      expect({ after: name, numTensors: tf.memory().numTensors, cachedEntries: sharedFeatureCache.size })
        .toEqual({ after: name, numTensors: settled, cachedEntries: cached });
    }
  }, 240_000);
});
