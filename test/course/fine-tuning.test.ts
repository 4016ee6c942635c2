/**
 * The course's cell helpers: `train` yields where a training stands and lives as long as its cell
 * (invalidation stops it and frees its model); the course's head; loadImages frees its tensors.
 * On the stand-in base and synthetic images (cpu), so it runs in seconds.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COURSE, courseHead, loadImages, train, trainingText, type Training } from '../../src/course/fine-tuning.ts';
import { fineTuneToEnd, type FineTuneArgs } from '../../src/ml/finetune.ts';
import { countParams } from '../../src/ml/freeze.ts';
import { displayForms } from '../../src/runtime/display.ts';
import { disposeImages, disposeModel, standInBase, syntheticImages } from '../ml/fixtures/stand-in.ts';

let base: tf.LayersModel;
let data: FineTuneArgs['data'];

/** A promise to pass as `invalidation`, and the function that resolves it (a cell re-running). */
function cellLifetime(): { invalidation: Promise<void>; invalidate: () => void } {
  let invalidate!: () => void;
  const invalidation = new Promise<void>((resolve) => (invalidate = resolve));
  return { invalidation, invalidate };
}

async function collect(run: AsyncGenerator<Training>): Promise<Training[]> {
  const values: Training[] = [];
  for await (const value of run) values.push(value);
  return values;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  base = standInBase(1);
  data = { train: syntheticImages(48, 7), validation: syntheticImages(24, 8) };
  // tfjs makes a few constants the first time it trains; later runs must leave the count as found.
  await fineTuneToEnd({ base, data, epochs: 1, cache: null }).then((r) => r.dispose());
});
afterAll(() => {
  disposeImages(data.train, data.validation);
  disposeModel(base);
});

describe('train (fine-tuning for a cell)', () => {
  it('names the epoch EarlyStopping restored, which with min_delta can be earlier than the best one', () => {
    const log = (epoch: number) => ({ epoch, epochs: 12, loss: 1, accuracy: 0.5, val_loss: 1, val_accuracy: 0.5, seconds: 1, elapsed: epoch });
    const logs = Array.from({ length: 9 }, (_, i) => log(i + 1));
    const history = { logs, stoppedEpoch: 9, bestEpoch: 6, restoredEpoch: 4, restoredBestWeights: true, trainableLast: 0 } as unknown as NonNullable<Training['history']>;
    const text = trainingText({ logs, epochs: 12, classes: ['a', 'b'], done: true, history, model: null, elapsed: 9 });
    expect(text).toContain('early stopping at epoch 9, weights of epoch 4 restored');
  });

  it('estimates the time left from the epochs\' own times, not the one-off feature pass before them', () => {
    const log = (epoch: number, elapsed: number) => ({ epoch, epochs: 3, loss: 1, accuracy: 0.5, val_loss: 1, val_accuracy: 0.5, seconds: 5, elapsed });
    // 50 s of frozen features, then two epochs of 5 s each: one epoch (5 s) is left, not (60 / 2) s.
    const text = trainingText({ logs: [log(1, 55), log(2, 60)], epochs: 3, classes: ['a', 'b'], done: false, history: null, model: null, elapsed: 60 });
    expect(text).toBe('Epoch 2 of 3 · 60.0 s · about 5 s left');
  });

  it('says "last N layers" in the slider\'s count: every layer of the base is all of its layers, InputLayer included', async () => {
    const { invalidation, invalidate } = cellLifetime();
    const all = base.layers.length;
    const values = await collect(train({ base, data, epochs: 1, trainableLast: all, batchSize: 16, cache: null, invalidation }));
    const last = values[values.length - 1]!;
    expect(String(last)).toContain(`last ${all} layers trainable`);
    expect(last.history?.trainableLast).toBe(all);
    expect(last.history?.trainableLayers).toBe(all - 1); // the InputLayer has nothing to train
    invalidate();
    await invalidation;
  });

  it('yields a Training before the first epoch, after each one, and once done, with the history and model', async () => {
    const { invalidation, invalidate } = cellLifetime();
    const before = tf.memory().numTensors;
    const values = await collect(train({ base, data, epochs: 3, batchSize: 16, cache: null, invalidation }));
    expect(values.map((v) => [v.logs.length, v.done])).toEqual([[0, false], [1, false], [2, false], [3, false], [3, true]]);
    const last = values[values.length - 1]!;
    expect(last.history?.logs).toHaveLength(3);
    expect(last.classes).toEqual(data.train.classes);
    expect(last.model?.outputs[0]!.shape).toEqual([null, data.train.classes.length]);
    expect(String(values[0])).toMatch(/^Epoch 1 of 3: preparing/);
    expect(String(values[2])).toMatch(/^Epoch 2 of 3 · \d+\.\d s · about \d+ s left$/);
    expect(String(last)).toMatch(/^Done: 3 epochs in \d+\.\d s, last 4 layers trainable\.$/);
    expect(displayForms(values[1])?.html).toMatch(/^<p class="lectern-progress"><progress max="3" value="1"/);
    expect(Object.keys(last)).not.toContain('toString'); // data first: the display is not a field
    expect(tf.memory().numTensors).toBeGreaterThan(before); // the trained model lives on...
    invalidate();
    await invalidation;
    await Promise.resolve();
    expect(tf.memory().numTensors).toBe(before); // ...until the cell re-runs
  });

  it('stops within an epoch when the cell is invalidated, and frees everything', async () => {
    const { invalidation, invalidate } = cellLifetime();
    const before = tf.memory().numTensors;
    const run = train({ base, data, epochs: 50, batchSize: 4, cache: null, invalidation });
    expect((await run.next()).value?.logs).toHaveLength(0);
    const pending = run.next(); // the first epoch starts
    await new Promise((resolve) => setTimeout(resolve, 20)); // a few steps in
    invalidate();
    expect(await pending).toEqual({ done: true, value: undefined }); // a stale training says nothing
    expect(tf.memory().numTensors).toBe(before);
  });

  it('closed between epochs (the runtime returns a stale generator), frees everything', async () => {
    const { invalidation } = cellLifetime();
    const before = tf.memory().numTensors;
    const run = train({ base, data, epochs: 5, batchSize: 16, cache: null, invalidation });
    await run.next();
    expect((await run.next()).value?.logs).toHaveLength(1);
    await run.return();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("uses the course's head (Dense(128, relu)) and defaults unless told otherwise", async () => {
    const { invalidation, invalidate } = cellLifetime();
    const values = await collect(train({ base, data, epochs: 1, cache: null, invalidation }));
    const model = values[values.length - 1]!.model!;
    const dense = model.layers.filter((l) => l.getClassName() === 'Dense').map((l) => (l.getConfig() as { units: number }).units);
    expect(dense).toEqual([COURSE.headUnits, data.train.classes.length]);
    expect(values[values.length - 1]!.history?.trainableLayers).toBe(COURSE.trainableLast);
    invalidate();

    const other = cellLifetime();
    const small = await collect(train({ base, data, epochs: 1, cache: null, invalidation: other.invalidation, head: (args) => courseHead({ ...args, units: 16 }) }));
    const smallModel = small[small.length - 1]!.model!;
    expect(countParams(smallModel).trainable).toBeLessThan(countParams(model).total);
    expect(smallModel.layers.filter((l) => l.getClassName() === 'Dense').map((l) => (l.getConfig() as { units: number }).units)).toEqual([16, data.train.classes.length]);
    other.invalidate();
  });
});

describe('loadImages', () => {
  it("loads the course's task at its input size and frees the tensors when the cell re-runs", async () => {
    const before = tf.memory().numTensors;
    const { invalidation, invalidate } = cellLifetime();
    const images = await loadImages({ train: 20, validation: 10, invalidation });
    expect(images.train.x.shape).toEqual([20, COURSE.inputSize, COURSE.inputSize, 3]);
    expect(images.validation.y.shape).toEqual([10]);
    expect(images.classes).toEqual(images.train.classes);
    expect(images.classes.length).toBeGreaterThanOrEqual(2);
    invalidate();
    await invalidation;
    expect(tf.memory().numTensors).toBe(before);
  });
});
