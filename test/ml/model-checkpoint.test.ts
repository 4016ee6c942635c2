import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateModel } from '../../src/ml/evaluate-model.ts';
import { classifierHead, fineTuneToEnd, type EpochLog, type FineTuneArgs } from '../../src/ml/finetune.ts';
import { loadKerasWeights, stackedLayout } from '../../src/ml/keras-weights.ts';
import { createModelCheckpoint } from '../../src/ml/model-checkpoint.ts';
import { checkCheckpointPath, folderWeightStore, memoryWeightStore } from '../../src/ml/weight-store.ts';
import { disposeImages, disposeModel, standInBase, syntheticImages } from './fixtures/stand-in.ts';

let base: tf.LayersModel;
let data: FineTuneArgs['data'];

beforeAll(async () => {
  await tf.setBackend('cpu');
  base = standInBase(1);
  data = { train: syntheticImages(48, 7), validation: syntheticImages(24, 8) };
});
afterAll(() => {
  disposeImages(data.train, data.validation);
  disposeModel(base);
});

/** A model of the same architecture as the fine-tuned one, with other weights: a fresh base and head. */
function freshModel(seed: number) {
  const freshBase = standInBase(seed);
  const head = classifierHead({ dropout: 0.5, classes: data.train.classes.length, seed });
  return { base: freshBase, model: tf.model({ inputs: freshBase.inputs, outputs: head.apply(freshBase.outputs[0] as tf.SymbolicTensor) }) };
}

describe('ModelCheckpoint', () => {
  it('saveBestOnly writes at each strict val_loss improvement; the file scores in a fresh model what its epoch logged', async () => {
    const store = memoryWeightStore();
    const checkpoint = createModelCheckpoint({ filepath: 'checkpoints/best_model.weights.h5', monitor: 'val_loss', saveBestOnly: true, store });
    const logs: EpochLog[] = [];
    const result = await fineTuneToEnd({ base, data, epochs: 6, batchSize: 8, trainableLast: 3, learningRate: 0.01, cache: null, callbacks: [checkpoint] }, (l) => logs.push(l));
    let best = Infinity;
    const improving = logs.filter((l) => (l.val_loss < best ? ((best = l.val_loss), true) : false)).map((l) => l.epoch);
    expect(checkpoint.writes.map((w) => w.epoch)).toEqual(improving);
    const saved = checkpoint.saved!;
    expect(saved.epoch).toBe(result.history.bestEpoch);
    expect(saved.value).toBe(logs[saved.epoch - 1]!.val_loss);

    const stored = await store.load('checkpoints/best_model.weights.h5');
    expect(stored?.info).toMatchObject({ epoch: saved.epoch, monitor: 'val_loss', bytes: stored!.bytes.length });
    const fresh = freshModel(5);
    await loadKerasWeights(stackedLayout(fresh.model, fresh.base), stored!.bytes);
    const score = await evaluateModel(fresh.model, data.validation);
    expect(score.accuracy).toBe(logs[saved.epoch - 1]!.val_accuracy);
    expect(score.loss).toBeCloseTo(logs[saved.epoch - 1]!.val_loss, 5);
    fresh.model.dispose();
    result.dispose();
  });

  it('without saveBestOnly writes every epoch; monitor val_accuracy improves upwards', async () => {
    const every = createModelCheckpoint({ filepath: 'every.weights.h5' });
    const accuracy = createModelCheckpoint({ filepath: 'acc.weights.h5', monitor: 'val_accuracy', saveBestOnly: true });
    const logs: EpochLog[] = [];
    const result = await fineTuneToEnd({ base, data, epochs: 4, batchSize: 8, cache: null, callbacks: [every, accuracy] }, (l) => logs.push(l));
    expect(every.writes.map((w) => w.epoch)).toEqual([1, 2, 3, 4]);
    let best = -Infinity;
    expect(accuracy.writes.map((w) => w.epoch)).toEqual(logs.filter((l) => (l.val_accuracy > best ? ((best = l.val_accuracy), true) : false)).map((l) => l.epoch));
    result.dispose();
  });

  it('refuses paths outside the store, other file kinds and full-model saving', () => {
    expect(() => createModelCheckpoint({ filepath: '../x.weights.h5' })).toThrow(/must be relative, without "\.\."/);
    expect(() => createModelCheckpoint({ filepath: '/etc/x.weights.h5' })).toThrow(/must be relative/);
    expect(() => createModelCheckpoint({ filepath: 'best.keras' })).toThrow(/must end in \.weights\.h5/);
    expect(() => createModelCheckpoint({ filepath: 'best.weights.h5', saveWeightsOnly: false })).toThrow(/only weights/);
    expect(checkCheckpointPath('checkpoints/run-1/best.weights.h5')).toBe('checkpoints/run-1/best.weights.h5');
  });

  it('a folder store keeps the file and its info on disk', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lectern-store-'));
    try {
      const store = folderWeightStore(dir);
      const info = { path: 'a/b.weights.h5', epoch: 3, monitor: 'val_loss', value: 0.5, logs: { val_loss: 0.5 }, bytes: 3, savedAt: 1 };
      await store.save('a/b.weights.h5', Uint8Array.of(1, 2, 3), info);
      expect((await readdir(join(dir, 'a'))).sort()).toEqual(['b.weights.h5', 'b.weights.h5.json']);
      expect(await store.load('a/b.weights.h5')).toEqual({ bytes: Uint8Array.of(1, 2, 3), info });
      expect(await store.list()).toEqual([info]);
      await store.remove('a/b.weights.h5');
      expect(await store.load('a/b.weights.h5')).toBeNull();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('fineTune callbacks and EarlyStopping\'s restored epoch', () => {
  it('callbacks see each log and the model as it stands, then the history; tensors are left as found', async () => {
    const seen: string[] = [];
    const before = tf.memory().numTensors;
    const result = await fineTuneToEnd({
      base, data, epochs: 2, batchSize: 16, cache: null,
      callbacks: [{
        onEpochEnd: (log, run) => { seen.push(`epoch ${log.epoch} ${run.model.outputs[0]!.shape[1]} ${run.base === base}`); },
        onTrainEnd: (history) => { seen.push(`end ${history.logs.length}`); },
      }],
    });
    expect(seen).toEqual([`epoch 1 ${data.train.classes.length} true`, `epoch 2 ${data.train.classes.length} true`, 'end 2']);
    result.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('with minDelta, EarlyStopping restores its own best epoch, which can be earlier than the lowest val_loss', async () => {
    const logs: EpochLog[] = [];
    // minDelta larger than any change: only the first epoch counts as an improvement.
    const result = await fineTuneToEnd({ base, data, epochs: 8, batchSize: 8, learningRate: 0.01, cache: null, earlyStopping: { patience: 2, minDelta: 100, restoreBestWeights: true } }, (l) => logs.push(l));
    expect(result.history.restoredEpoch).toBe(1);
    expect(result.history.stoppedEpoch).toBe(3);
    expect(logs).toHaveLength(3);
    const score = await evaluateModel(result.model, data.validation);
    expect(score.loss).toBeCloseTo(logs[0]!.val_loss, 5);
    result.dispose();

    const plain = await fineTuneToEnd({ base, data, epochs: 2, batchSize: 8, cache: null });
    expect(plain.history.restoredEpoch).toBeNull();
    plain.dispose();
  });
});
