import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBestCheckpoint, createEarlyStopping, type EarlyStoppingArgs, type WeightAccess } from '../../src/ml/early-stopping.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A "model" with one weight whose value is the epoch just trained, so a restore shows which epoch it came from. */
function fakeModel() {
  let weight: tf.Tensor = tf.scalar(-1);
  const access: WeightAccess = {
    read: () => [weight],
    write: ([value]) => {
      weight.dispose();
      weight = value.clone();
    },
  };
  return {
    access,
    train(epoch: number) {
      weight.dispose();
      weight = tf.scalar(epoch);
    },
    value: () => weight.arraySync() as number,
    dispose: () => weight.dispose(),
  };
}

/** Feeds a val_loss sequence epoch by epoch; returns the epochs trained and the weight left at the end. */
function simulate(values: number[], args: EarlyStoppingArgs) {
  const model = fakeModel();
  const stopper = createEarlyStopping(args, model.access);
  let trained = 0;
  for (let epoch = 0; epoch < values.length; epoch++) {
    model.train(epoch);
    trained++;
    if (stopper.onEpochEnd(epoch, { val_loss: values[epoch], val_accuracy: 1 - values[epoch] })) break;
  }
  stopper.onTrainEnd();
  const result = { trained, weightFrom: model.value(), bestEpoch: stopper.bestEpoch, stoppedEpoch: stopper.stoppedEpoch };
  stopper.dispose();
  model.dispose();
  return result;
}

describe('early stopping (Keras semantics)', () => {
  it('stops after `patience` epochs without improvement (hand-traced from Keras 3)', () => {
    // best at epoch 2 (0.5); epochs 3, 4, 5 do not improve: wait reaches 3 at epoch 5.
    const r = simulate([1.0, 0.8, 0.5, 0.6, 0.55, 0.7, 0.1], { patience: 3 });
    expect(r).toMatchObject({ trained: 6, stoppedEpoch: 5, bestEpoch: 2 });
    expect(r.weightFrom).toBe(5); // without restoreBestWeights the last epoch's weights stay
  });

  it('patience 0 stops at the first epoch that does not improve, but never after the first epoch', () => {
    expect(simulate([1.0, 1.2, 0.3], { patience: 0 })).toMatchObject({ trained: 2, stoppedEpoch: 1 });
    expect(simulate([1.0], { patience: 0 })).toMatchObject({ trained: 1, stoppedEpoch: null });
  });

  it('min_delta: a smaller improvement does not count and does not become the best', () => {
    // 0.95 is not below 1.0 - 0.1: no improvement; 0.85 is.
    expect(simulate([1.0, 0.95, 0.85, 0.84, 0.83], { patience: 1, minDelta: 0.1 })).toMatchObject({ trained: 2, stoppedEpoch: 1, bestEpoch: 0 });
    expect(simulate([1.0, 0.85, 0.84, 0.83], { patience: 2, minDelta: 0.1 })).toMatchObject({ trained: 4, stoppedEpoch: 3, bestEpoch: 1 });
  });

  it('restore_best_weights puts back the best epoch when stopped early, and also when all epochs ran (Keras 3)', () => {
    expect(simulate([1.0, 0.8, 0.5, 0.6, 0.55, 0.7], { patience: 3, restoreBestWeights: true }).weightFrom).toBe(2);
    expect(simulate([1.0, 0.4, 0.6], { patience: 5, restoreBestWeights: true })).toMatchObject({ trained: 3, stoppedEpoch: null, weightFrom: 1 });
  });

  it('mode "max" for accuracies, chosen automatically', () => {
    // val_accuracy = 1 - val_loss in simulate(): best accuracy at epoch 1.
    const r = simulate([0.5, 0.2, 0.3, 0.4], { monitor: 'val_accuracy', patience: 2, restoreBestWeights: true });
    expect(r).toMatchObject({ trained: 4, stoppedEpoch: 3, bestEpoch: 1, weightFrom: 1 });
  });

  it('start_from_epoch ignores the first epochs; a missing or NaN monitor is ignored', () => {
    expect(simulate([0.1, 0.2, 0.3, 0.4, 0.5], { patience: 1, startFromEpoch: 2 })).toMatchObject({ trained: 4, stoppedEpoch: 3, bestEpoch: 2 });
    const model = fakeModel();
    const stopper = createEarlyStopping({ patience: 0 }, model.access);
    expect(stopper.onEpochEnd(0, {})).toBe(false);
    expect(stopper.onEpochEnd(1, { val_loss: NaN })).toBe(false);
    expect(stopper.bestEpoch).toBeNull();
    model.dispose();
  });

  it('leaves no tensor behind once disposed', () => {
    const model = fakeModel();
    const before = tf.memory().numTensors;
    const stopper = createEarlyStopping({ patience: 10, restoreBestWeights: true }, model.access);
    [0.9, 0.8, 0.7].forEach((v, epoch) => {
      model.train(epoch);
      stopper.onEpochEnd(epoch, { val_loss: v });
    });
    stopper.onTrainEnd();
    stopper.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('rejects bad settings with a message naming them', () => {
    const model = fakeModel();
    expect(() => createEarlyStopping({ patience: -1 }, model.access)).toThrow(/patience must be a non-negative integer/);
    expect(() => createEarlyStopping({ monitor: 'val_auc' as never }, model.access)).toThrow(/unknown monitor "val_auc"/);
    model.dispose();
  });
});

describe('best checkpoint (ModelCheckpoint save_best_only, in memory)', () => {
  it('keeps the weights of the strictly best val_loss epoch and restores them on demand', () => {
    const model = fakeModel();
    const checkpoint = createBestCheckpoint({}, model.access);
    const saved = [0.9, 0.7, 0.7, 0.8, 0.6, 0.65].map((v, epoch) => {
      model.train(epoch);
      return checkpoint.onEpochEnd(epoch, { val_loss: v });
    });
    expect(saved).toEqual([true, true, false, false, true, false]);
    expect(checkpoint.best).toEqual({ epoch: 4, value: 0.6 });
    expect(model.value()).toBe(5);
    checkpoint.restore();
    expect(model.value()).toBe(4);
    checkpoint.dispose();
    expect(() => checkpoint.restore()).toThrow(/no epoch has been kept/);
    model.dispose();
  });
});
