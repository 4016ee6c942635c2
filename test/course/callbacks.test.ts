import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkpointStore, courseModel, evaluate, inspectWeights, loadWeights, modelCheckpoint, readCheckpoint, scalars, tensorBoard,
} from '../../src/course/callbacks.ts';
import { fineTuneToEnd, type EpochLog, type FineTuneArgs } from '../../src/ml/finetune.ts';
import { displayForms } from '../../src/runtime/display.ts';
import { disposeImages, disposeModel, standInBase, syntheticImages } from '../ml/fixtures/stand-in.ts';

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

describe('lesson 7\'s callbacks for cells', () => {
  it('a checkpoint written during training loads into a fresh course model, which scores as its epoch did', async () => {
    expect(displayForms(modelCheckpoint({ filepath: 'unused.weights.h5' }))!.text).toBe('ModelCheckpoint: nothing saved to unused.weights.h5 yet.');
    const checkpoint = modelCheckpoint({ filepath: 'checkpoints/best_model.weights.h5', monitor: 'val_loss', saveBestOnly: true });
    const logs: EpochLog[] = [];
    const result = await fineTuneToEnd({ base, data, epochs: 4, batchSize: 8, learningRate: 0.01, cache: null, callbacks: [checkpoint] }, (l) => logs.push(l));
    const saved = checkpoint.saved!;
    expect(displayForms(checkpoint)!.text).toMatch(new RegExp(`^ModelCheckpoint: checkpoints/best_model\\.weights\\.h5 holds epoch ${saved.epoch} \\(val_loss ${saved.logs.val_loss!.toFixed(4)}, val_accuracy [\\d.]+\\), [\\d.]+ MB; \\d+ writes? so far, kept in memory\\.$`));

    // Headless, the page's store is memory: the same store serves readCheckpoint and loadWeights.
    const file = await readCheckpoint('checkpoints/best_model.weights.h5');
    expect(file?.info.epoch).toBe(saved.epoch);
    expect(displayForms(await inspectWeights(file!, 'best_model.weights.h5'))!.text).toMatch(/^best_model\.weights\.h5: \d+ layers with weights, in Keras 3's layout.*\n  layers\/dense … _1 \(2\), e\.g\. layers\/dense: "\w+", 0: \[\d+, 128\], 1: \[128\]$/m);
    expect(await readCheckpoint('checkpoints/none.weights.h5')).toBeNull();

    const fresh = courseModel({ base: standInBase(3), classes: data.train.classes });
    const before = await evaluate(fresh, data.validation);
    const loaded = await loadWeights(fresh, 'checkpoints/best_model.weights.h5');
    expect(displayForms(loaded)!.text).toMatch(/^Loaded checkpoints\/best_model\.weights\.h5 into sequential\w*: [\d,]+ values in \d+ layers\.$/);
    const after = await evaluate(fresh, data.validation);
    expect(after.accuracy).toBe(logs[saved.epoch - 1]!.val_accuracy);
    expect(after.loss).toBeCloseTo(logs[saved.epoch - 1]!.val_loss, 5);
    expect(after.loss).not.toBeCloseTo(before.loss, 5);
    expect(displayForms(after)!.text).toMatch(/^loss: [\d.]+ - accuracy: [\d.]+ \(24 images\)$/);
    // A file read before the store changed loads exactly as read (what the lesson loads after a reload).
    const other = courseModel({ base: standInBase(4), classes: data.train.classes });
    await checkpointStore().save('checkpoints/best_model.weights.h5', new Uint8Array(8), { ...file!.info, epoch: 99 });
    expect(displayForms(await loadWeights(other, file!))!.text).toMatch(/^Loaded checkpoints\/best_model\.weights\.h5 into /);
    expect((await evaluate(other, data.validation)).accuracy).toBe(after.accuracy);
    await expect(loadWeights(other, 'checkpoints/best_model.weights.h5')).rejects.toThrow(/best_model\.weights\.h5/);
    other.dispose();
    await expect(loadWeights(fresh, 'checkpoints/missing.weights.h5')).rejects.toThrow(/no file "checkpoints\/missing\.weights\.h5" in this run/);
    expect(await checkpointStore().list()).toHaveLength(1);
    fresh.dispose();
    result.dispose();
  });

  it('tensorBoard keeps runs; scalars shows them as SVG in a page and as text headless', () => {
    const board = tensorBoard();
    const log = (epoch: number) => ({ epoch, loss: 1 / epoch, accuracy: 0.5, val_loss: 1.2 / epoch, val_accuracy: 0.4 });
    board.record('patience 3', { logs: [log(1), log(2)], done: true, history: { restoredEpoch: 1, stoppedEpoch: 2 } });
    const runs = board.record('patience 5', { logs: [log(1)] });
    const forms = displayForms(scalars(runs, { smoothing: 0.3 }))!;
    expect(forms.text).toMatch(/^Scalars \(smoothing 0\.3\)/);
    expect(forms.svg).toMatch(/aria-label="Training curves of 2 runs: patience 3; patience 5"/);
  });
});
