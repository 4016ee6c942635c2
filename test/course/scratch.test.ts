import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainFromScratch } from '../../src/course/scratch.ts';
import type { Training } from '../../src/course/fine-tuning.ts';
import { scratchCnn } from '../../src/ml/scratch.ts';
import { selectBackend } from '../../src/ml/backend.ts';
import { displayForms } from '../../src/runtime/display.ts';
import { disposeImages, syntheticImages } from '../ml/fixtures/stand-in.ts';

let data: { train: ReturnType<typeof syntheticImages>; validation: ReturnType<typeof syntheticImages> };
beforeAll(async () => {
  await selectBackend({ name: 'wasm', fallback: false });
  data = { train: syntheticImages(64, 3, 32), validation: syntheticImages(32, 4, 32) };
});
afterAll(() => disposeImages(data.train, data.validation));

async function all(generator: AsyncGenerator<Training, void, void>): Promise<Training[]> {
  const values: Training[] = [];
  for await (const value of generator) values.push(value);
  return values;
}

describe('scratchCnn({classes})', () => {
  it('is a small CNN of images → class probabilities (about 70k weights, no pretrained part)', () => {
    const model = scratchCnn({ classes: 4 });
    expect(model.outputs[0]!.shape).toEqual([null, 4]);
    expect(model.countParams()).toBeGreaterThan(50_000);
    expect(model.countParams()).toBeLessThan(100_000);
    expect(model.layers.filter((l) => l.getClassName() === 'BatchNormalization')).toHaveLength(6);
    model.dispose();
    expect(() => scratchCnn({ classes: 1 })).toThrow(/classes must be an integer ≥ 2/);
  });
});

describe('trainFromScratch({data, epochs | seconds, invalidation})', () => {
  it('yields a Training per epoch like train() does, ends done with a from-scratch history, and frees its model on invalidation', async () => {
    let invalidate!: () => void;
    const invalidation = new Promise<void>((resolve) => { invalidate = resolve; });
    const before = tf.memory().numTensors;
    const values = await all(trainFromScratch({ data, epochs: 3, learningRate: 0.01, invalidation }));
    expect(values).toHaveLength(1 + 3 + 1);
    const last = values.at(-1)!;
    expect(last.done).toBe(true);
    expect(last.kind).toBe('from scratch');
    expect(last.logs.map((l) => l.epoch)).toEqual([1, 2, 3]);
    expect(last.history!.frozenLayers).toBe(0);
    expect(last.history!.bestEpoch).toBeGreaterThanOrEqual(1);
    expect(displayForms(last)?.text).toMatch(/^Done: 3 epochs in .*a small CNN trained from scratch\.$/);
    // It learns the task: training loss falls.
    expect(last.logs.at(-1)!.loss).toBeLessThan(last.logs[0]!.loss);
    invalidate();
    await new Promise((r) => setTimeout(r, 0));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops after the first epoch that ends past its time budget', async () => {
    const values = await all(trainFromScratch({ data, seconds: 1e-6, invalidation: new Promise(() => {}) }));
    const last = values.at(-1)!;
    expect(last.done).toBe(true);
    expect(last.logs).toHaveLength(1);
    last.model!.dispose();
  });

  it('repeats exactly with the same seed', async () => {
    const run = async (seed: number) => {
      const values = await all(trainFromScratch({ data, epochs: 2, seed, invalidation: new Promise(() => {}) }));
      values.at(-1)!.model!.dispose();
      return values.at(-1)!.logs.map(({ loss, val_loss }) => [loss, val_loss]);
    };
    expect(await run(1)).toEqual(await run(1));
    expect(await run(2)).not.toEqual(await run(1));
  });
});
