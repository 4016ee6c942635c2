/**
 * The generic loop under fineTune, on a plain dense classifier (no base, no cut, no cache): it
 * trains as tfjs's fit() does, stops early, stops on a signal and frees what it made.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { trainLoop, type EpochLog, type TrainLoopArgs } from '../../src/ml/train-loop.ts';
import { seededRandom } from '../../src/ml/data/random.ts';

/** Two features, two classes split by x0 + x1 > 0: easy to learn. */
function points(n: number, seed: number) {
  return tf.tidy(() => {
    const x = tf.randomUniform([n, 2], -1, 1, 'float32', seed);
    const y = tf.cast(tf.greater(tf.sum(x, 1), 0), 'float32') as tf.Tensor1D;
    return { x: [x], y };
  });
}

function dense(seed: number): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [2], units: 8, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
      tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }),
    ],
  });
}

async function run(args: TrainLoopArgs) {
  const logs: EpochLog[] = [];
  const loop = trainLoop(args);
  for (let step = await loop.next(); ; step = await loop.next()) {
    if (step.done) return { logs, result: step.value };
    logs.push(step.value);
  }
}

let train: ReturnType<typeof points>;
let validation: ReturnType<typeof points>;
beforeAll(async () => {
  await tf.setBackend('cpu');
  train = points(64, 1);
  validation = points(32, 2);
});

const base = (model: tf.LayersModel): TrainLoopArgs => ({ model, train, validation, epochs: 8, batchSize: 16, learningRate: 0.05, shuffle: null, earlyStopping: null });

describe('trainLoop', () => {
  it('learns a separable task, with Keras-named logs, and matches fit() on the same model and order', async () => {
    const ours = dense(3);
    const { logs, result } = await run(base(ours));
    expect(logs.map((l) => l.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(logs.at(-1)!.accuracy).toBeGreaterThan(0.9);
    expect(logs.at(-1)!.val_accuracy).toBeGreaterThan(0.85);
    expect(result.logs).toEqual(logs);

    const reference = dense(3);
    reference.compile({ optimizer: tf.train.adam(0.05), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const fitted = await reference.fit(train.x[0]!, train.y, { epochs: 8, batchSize: 16, shuffle: false, validationData: [validation.x[0]!, validation.y], verbose: 0 });
    const h = fitted.history as Record<string, number[]>;
    logs.forEach((log, i) => {
      expect(log.loss).toBeCloseTo(h.loss![i]!, 4);
      expect(log.val_loss).toBeCloseTo(h.val_loss![i]!, 4);
    });
    result.checkpoint.dispose();
    ours.dispose();
    reference.dispose();
  });

  it('keeps the best epoch\'s weights and stops early, telling onEpochEnd each log first', async () => {
    const model = dense(4);
    const seen: number[] = [];
    const { logs, result } = await run({
      ...base(model),
      epochs: 60,
      learningRate: 0.2,
      shuffle: seededRandom(1),
      earlyStopping: { monitor: 'val_loss', patience: 2, restoreBestWeights: true },
      onEpochEnd: (log) => void seen.push(log.epoch),
    });
    expect(result.stoppedEpoch).toBe(logs.length);
    expect(logs.length).toBeLessThan(60);
    expect(seen).toEqual(logs.map((l) => l.epoch));
    const best = logs.reduce((a, b) => (b.val_loss < a.val_loss ? b : a));
    expect(result.checkpoint.best?.epoch).toBe(best.epoch - 1);
    expect(result.restoredEpoch).toBe(best.epoch);
    result.checkpoint.dispose();
    model.dispose();
  });

  it('stops within an epoch on its signal, and leaves no tensor behind when stopped or closed early', async () => {
    const model = dense(5);
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const loop = trainLoop({ ...base(model), epochs: 100, batchSize: 1, signal: controller.signal });
    const first = loop.next();
    setTimeout(() => controller.abort(), 10);
    await expect(first).rejects.toThrow(/abort/i);
    expect(tf.memory().numTensors).toBe(before);

    const closed = trainLoop({ ...base(model), epochs: 5 });
    await closed.next();
    await closed.return(undefined as never);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
