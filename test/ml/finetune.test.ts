import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifierHead, fineTune, fineTuneActivity, fineTuneToEnd, type EpochLog, type FineTuneArgs } from '../../src/ml/finetune.ts';
import { createFeatureCache } from '../../src/ml/feature-cache.ts';
import { freezeAllButLast } from '../../src/ml/freeze.ts';
import { mobileNetV2 } from '../../src/ml/mobilenetv2.ts';
import { selectBackend } from '../../src/ml/backend.ts';
import { disposeImages, disposeModel, standInBase, syntheticImages } from './fixtures/stand-in.ts';

let base: tf.LayersModel;
const train = () => data.train;
let data: FineTuneArgs['data'];

beforeAll(async () => {
  await tf.setBackend('cpu');
  base = standInBase(1);
  data = { train: syntheticImages(48, 7), validation: syntheticImages(24, 8) };
  // tfjs creates a few constants the first time it trains; later runs must leave the count as found.
  await fineTuneToEnd({ base, data, epochs: 1, cache: null }).then((r) => r.dispose());
});
afterAll(() => {
  disposeImages(data.train, data.validation);
  disposeModel(base);
});

/** Runs `fit()` on the whole model (base frozen as Keras would, plus the head): the reference. */
async function fitWholeModel(trainableLast: number, epochs: number, batchSize: number) {
  const whole = standInBase(1);
  freezeAllButLast(whole, trainableLast);
  const head = classifierHead({ dropout: 0, classes: 4, seed: 0 });
  const model = tf.model({ inputs: whole.inputs, outputs: head.apply(whole.outputs[0]) });
  const optimizer = tf.train.adam(0.001);
  model.compile({ optimizer, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const [y, validationY] = [data.train.y.toFloat(), data.validation.y.toFloat()];
  const history = await model.fit(data.train.x, y, { epochs, batchSize, shuffle: false, validationData: [data.validation.x, validationY], verbose: 0 });
  tf.dispose([y, validationY]);
  const predictions = model.predict(data.validation.x) as tf.Tensor;
  // tfjs names accuracy "acc" in fit()'s history.
  const h = history.history as Record<string, number[]>;
  const result = { history: { loss: h.loss, accuracy: h.acc, val_loss: h.val_loss, val_accuracy: h.val_acc }, predictions: (await predictions.array()) as number[][] };
  predictions.dispose();
  optimizer.dispose();
  model.dispose();
  return result;
}

describe('fineTune', () => {
  it('yields one Keras-style log per epoch and returns the history and a model of images → probabilities', async () => {
    const cache = createFeatureCache();
    const before = tf.memory().numTensors;
    const logs: EpochLog[] = [];
    const result = await fineTuneToEnd({ base, data, epochs: 3, batchSize: 8, cache }, (log) => logs.push(log));
    expect(logs.map((l) => l.epoch)).toEqual([1, 2, 3]);
    for (const log of logs) {
      for (const key of ['loss', 'accuracy', 'val_loss', 'val_accuracy', 'seconds', 'elapsed'] as const) expect(Number.isFinite(log[key])).toBe(true);
      expect(log.accuracy).toBeGreaterThanOrEqual(0);
      expect(log.val_accuracy).toBeLessThanOrEqual(1);
    }
    expect(result.history.logs).toEqual(logs);
    expect(result.history.frozenLayers).toBe(6);
    expect(result.history.trainableLayers).toBe(4);
    const probabilities = tf.tidy(() => result.model.predict(data.validation.x.slice(0, 5)) as tf.Tensor);
    expect(probabilities.shape).toEqual([5, 4]);
    const sums = tf.tidy(() => probabilities.sum(1));
    ((await sums.array()) as number[]).forEach((s) => expect(s).toBeCloseTo(1, 5));
    tf.dispose([probabilities, sums]);
    result.dispose();
    cache.clear();
    expect(tf.memory().numTensors).toBe(before);
  });

  for (const trainableLast of [0, 4, 5, 9]) {
    it(`equals fit() on the whole model with the last ${trainableLast} layers trainable (no shuffle, no dropout)`, async () => {
      const reference = await fitWholeModel(trainableLast, 3, 8);
      const cache = createFeatureCache();
      const result = await fineTuneToEnd({ base, data, trainableLast, dropout: 0, epochs: 3, batchSize: 8, shuffle: false, cache });
      const logs = result.history.logs;
      for (const key of ['loss', 'accuracy', 'val_loss', 'val_accuracy'] as const) {
        logs.forEach((log, i) => expect(log[key]).toBeCloseTo(reference.history[key][i], 4));
      }
      const predictions = result.model.predict(data.validation.x) as tf.Tensor;
      const ours = (await predictions.array()) as number[][];
      predictions.dispose();
      ours.forEach((row, i) => row.forEach((p, j) => expect(p).toBeCloseTo(reference.predictions[i][j], 4)));
      result.dispose();
      cache.clear();
    });
  }

  /** fit() on the whole MobileNetV2 α0.35 + head on `backend`: its losses and validation probabilities. */
  async function fitMobileNet(backend: 'cpu' | 'wasm', images: FineTuneArgs['data'], trainableLast: number) {
    await selectBackend({ name: backend, fallback: false });
    const reference = mobileNetV2({ inputShape: [32, 32, 3], alpha: 0.35, includeTop: false, seed: 3 });
    freezeAllButLast(reference, trainableLast);
    const head = classifierHead({ dropout: 0, classes: 4, seed: 0 });
    const whole = tf.model({ inputs: reference.inputs, outputs: head.apply(reference.outputs[0]) });
    const optimizer = tf.train.adam(0.001);
    whole.compile({ optimizer, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const y = images.train.y.toFloat();
    const fitted = await whole.fit(images.train.x, y, { epochs: 2, batchSize: 8, shuffle: false, verbose: 0 });
    const probabilities = tf.tidy(() => whole.predict(images.validation.x) as tf.Tensor);
    const result = { loss: fitted.history.loss as number[], probabilities: (await probabilities.data()).slice() };
    tf.dispose([y, probabilities]);
    optimizer.dispose();
    whole.dispose();
    return result;
  }

  const largestDifference = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);

  // On wasm the engine runs Lectern's kernels (packing routes, fused SIMD Adam).
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`equals fit() on the whole model for the real MobileNetV2 (α 0.35, 32×32) on ${backend}: frozen BatchNormalization in inference mode`, { timeout: 300_000 }, async () => {
      const images = { train: syntheticImages(16, 31, 32), validation: syntheticImages(8, 32, 32) };
      try {
        for (const trainableLast of [4, 12]) {
          const reference = await fitMobileNet(backend, images, trainableLast);
          const base = mobileNetV2({ inputShape: [32, 32, 3], alpha: 0.35, includeTop: false, seed: 3 });
          const result = await fineTuneToEnd({ base, data: images, trainableLast, dropout: 0, epochs: 2, batchSize: 8, shuffle: false, cache: null });
          result.history.logs.forEach((log, i) => expect(log.loss).toBeCloseTo(reference.loss[i], 4));
          const actual = tf.tidy(() => result.model.predict(images.validation.x) as tf.Tensor);
          const ours = await actual.data();
          expect(largestDifference(ours, reference.probabilities)).toBeLessThan(1e-4);
          if (backend === 'wasm') {
            // Against the CPU backend's kernels: the two backends round differently, and after two
            // epochs of Adam tfjs's own fit() on wasm and on cpu differ by ~2e-4 here.
            const onCpu = await fitMobileNet('cpu', images, trainableLast);
            expect(largestDifference(ours, onCpu.probabilities)).toBeLessThan(1e-3);
          }
          actual.dispose();
          result.dispose();
          base.dispose();
        }
      } finally {
        disposeImages(images.train, images.validation);
        await tf.setBackend('cpu');
      }
    });
  }

  it("batchNorm 'moving' keeps the moving statistics above the cut while gamma and beta train; 'batch' updates them", async () => {
    const original = base.getLayer('bn_b').getWeights().map((w) => w.arraySync() as number[]);
    for (const batchNorm of ['moving', 'batch'] as const) {
      const result = await fineTuneToEnd({ base, data, trainableLast: 4, dropout: 0, epochs: 2, batchSize: 8, learningRate: 0.01, batchNorm, cache: null });
      const [gamma, , movingMean, movingVariance] = result.model.getLayer('bn_b').getWeights().map((w) => w.arraySync() as number[]);
      expect(gamma).not.toEqual(original[0]);
      if (batchNorm === 'moving') expect([movingMean, movingVariance]).toEqual([original[2], original[3]]);
      else expect(movingMean).not.toEqual(original[2]);
      result.dispose();
    }
  });

  it("headEpochs (Keras's recipe): the head trains alone first, then the last layers at learningRate; epochs numbered on", async () => {
    const baseKernel = base.getLayer('conv_c').getWeights()[0]!.arraySync();
    const seen: { epoch: number; epochs: number; topChanged: boolean }[] = [];
    const before = tf.memory().numTensors;
    const result = await fineTuneToEnd({
      base, data, trainableLast: 9, epochs: 2, headEpochs: 2, headLearningRate: 0.05, learningRate: 0.05, batchSize: 8, cache: null,
      callbacks: [{
        onEpochEnd: (log, run) => {
          const kernel = run.model.getLayer('conv_c').getWeights()[0]!.arraySync();
          seen.push({ epoch: log.epoch, epochs: log.epochs, topChanged: JSON.stringify(kernel) !== JSON.stringify(baseKernel) });
        },
      }],
    });
    // Head-only epochs leave the unfrozen layers as pretrained; the fine-tuning epochs change them.
    expect(seen).toEqual([
      { epoch: 1, epochs: 4, topChanged: false },
      { epoch: 2, epochs: 4, topChanged: false },
      { epoch: 3, epochs: 4, topChanged: true },
      { epoch: 4, epochs: 4, topChanged: true },
    ]);
    expect(result.history.logs.map((l) => l.epoch)).toEqual([1, 2, 3, 4]);
    expect(result.history.bestEpoch).toBeGreaterThanOrEqual(3);
    expect(result.model.getLayer('conv_c').trainable).toBe(true);
    result.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => fineTune({ base, data, headEpochs: -1 })).toThrow(/headEpochs must be an integer ≥ 0/);
  });

  it('leaves the base untouched (the layers above the cut are clones)', async () => {
    const before = base.getWeights().map((w) => w.arraySync());
    const result = await fineTuneToEnd({ base, data, trainableLast: 9, epochs: 2, batchSize: 8, learningRate: 0.05, cache: null });
    expect(base.getWeights().map((w) => w.arraySync())).toEqual(before);
    // …while the returned model did change.
    const changed = result.model.getLayer('conv_c').getWeights()[0].arraySync();
    expect(changed).not.toEqual(base.getLayer('conv_c').getWeights()[0].arraySync());
    result.dispose();
  });

  it('repeats exactly with the same seed, shuffling and dropout included; another seed differs', async () => {
    const cache = createFeatureCache();
    const args: FineTuneArgs = { base, data, dropout: 0.5, epochs: 2, batchSize: 8, seed: 3, cache };
    const first = await fineTuneToEnd(args);
    const second = await fineTuneToEnd(args);
    const other = await fineTuneToEnd({ ...args, seed: 4 });
    const numbers = (logs: EpochLog[]) => logs.map(({ loss, accuracy, val_loss, val_accuracy }) => [loss, accuracy, val_loss, val_accuracy]);
    expect(numbers(second.history.logs)).toEqual(numbers(first.history.logs));
    expect(numbers(other.history.logs)).not.toEqual(numbers(first.history.logs));
    expect(second.history.featureSource).toBe('hit');
    [first, second, other].forEach((r) => r.dispose());
    cache.clear();
  });

  it('stops within one batch when its signal fires, throws AbortError and leaks nothing', async () => {
    const cache = createFeatureCache();
    await fineTuneToEnd({ base, data, epochs: 1, cache }).then((r) => r.dispose()); // features cached
    const before = tf.memory().numTensors;
    // The engine reads the signal 4 times before the first batch (at the start and around getting
    // the features), then before every batch. This one reads as aborted from its 8th read on.
    let checks = 0;
    const signal = { get aborted() { return ++checks > 7; } } as AbortSignal;
    const run = fineTune({ base, data, epochs: 5, batchSize: 8, signal, cache });
    await expect(run.next()).rejects.toMatchObject({ name: 'AbortError' });
    expect(checks).toBe(8); // 3 batches trained, stopped before the 4th of 6: no epoch finished
    expect(tf.memory().numTensors).toBe(before);
    expect(fineTuneActivity.running).toBe(0);
    expect(fineTuneActivity.stopping).toBe(0);
    cache.clear();
  });

  it('yields to the event loop between batches: a timer aborts it in the middle of the first epoch', async () => {
    const cache = createFeatureCache();
    await fineTuneToEnd({ base, data, epochs: 1, cache }).then((r) => r.dispose()); // features cached
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const run = fineTune({ base, data, epochs: 1, batchSize: 4, signal: controller.signal, cache });
    setTimeout(() => controller.abort(), 0);
    // Without a macrotask between batches the timer could only fire after the epoch's log.
    await expect(run.next()).rejects.toMatchObject({ name: 'AbortError' });
    expect(tf.memory().numTensors).toBe(before);
    cache.clear();
  });

  it('aborts between epochs with a real AbortController and while computing features, leaking nothing', async () => {
    const before = tf.memory().numTensors;
    const activity = { ...fineTuneActivity };
    const controller = new AbortController();
    const run = fineTune({ base, data, epochs: 5, batchSize: 8, signal: controller.signal, cache: null });
    const first = await run.next();
    expect(first.done).toBe(false);
    controller.abort();
    await expect(run.next()).rejects.toMatchObject({ name: 'AbortError' });
    expect(tf.memory().numTensors).toBe(before);

    const early = new AbortController();
    const cache = createFeatureCache({ batchSize: 4 });
    const during = fineTune({ base, data, epochs: 1, signal: early.signal, cache });
    const pending = during.next();
    early.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(cache.size).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    expect(fineTuneActivity.stopped - activity.stopped).toBe(2);
    expect(fineTuneActivity.completed).toBe(activity.completed);
    expect(fineTuneActivity.maxRunning).toBe(1);
  });

  it('frees everything when the consumer stops early (return())', async () => {
    const before = tf.memory().numTensors;
    const run = fineTune({ base, data, epochs: 4, batchSize: 16, cache: null });
    await run.next();
    await run.return(undefined as never);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('restores the best epoch with early stopping (restore_best_weights) and keeps the best checkpoint', async () => {
    const cache = createFeatureCache();
    const small = { train: { ...train(), x: train().x.slice(0, 12), y: train().y.slice(0, 12) }, validation: data.validation };
    const result = await fineTuneToEnd({
      base,
      data: small,
      trainableLast: 9,
      dropout: 0,
      epochs: 40,
      batchSize: 4,
      learningRate: 0.02,
      earlyStopping: { monitor: 'val_loss', patience: 2, restoreBestWeights: true },
      cache,
    });
    const { logs, stoppedEpoch, bestEpoch } = result.history;
    expect(stoppedEpoch).not.toBeNull();
    expect(logs.length).toBe(stoppedEpoch);
    const best = Math.min(...logs.map((l) => l.val_loss));
    expect(logs[bestEpoch! - 1].val_loss).toBe(best);
    // Independent check: the returned model, run on the raw images, scores the best epoch's val_loss.
    const scores = result.model;
    scores.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const [loss] = scores.evaluate(data.validation.x, data.validation.y) as tf.Scalar[];
    expect((await loss.data())[0]).toBeCloseTo(best, 4);
    tf.dispose(loss);
    result.dispose();
    tf.dispose([small.train.x, small.train.y]);
    cache.clear();
  });

  it('rejects bad arguments at the call with a message naming the argument', () => {
    expect(() => fineTune({ base, data, dropout: 1 })).toThrow(/dropout must be in \[0, 1\)/);
    expect(() => fineTune({ base, data, trainableLast: 11 })).toThrow(/trainableLast must be an integer from 0 to 10/);
    expect(() => fineTune({ base, data, epochs: 0 })).toThrow(/epochs must be a positive integer/);
    expect(() => fineTune({ base, data, batchNorm: 'frozen' as never })).toThrow(/batchNorm must be 'batch' or 'moving'/);
    expect(() => fineTune({ base, data: { train: data.train, validation: { ...data.validation, y: data.train.y } } })).toThrow(/data.validation.y must be \[24\] labels/);
  });
});
