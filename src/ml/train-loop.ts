/**
 * The training loop under fineTune, for any tfjs-layers classifier: Keras's `fit()` with
 * validation data, epoch by epoch, as an async generator. Each epoch trains on shuffled batches
 * (train-step.ts: Adam, sparse categorical cross-entropy, accuracy summed on the backend), then
 * evaluates the validation set, then tells EarlyStopping, the best-weights checkpoint and the
 * caller's `onEpochEnd`, then yields the epoch's log. A macrotask between steps (event-loop.ts)
 * lets a page paint and handle input; `signal` stops the loop within one batch (it then throws an
 * AbortError).
 *
 * It knows nothing of bases, cuts, caches or heads: fineTune (finetune.ts) gives it the trainable
 * top, fed by cached features, and wraps its logs in a fine-tuning history.
 */
import * as tf from '@tensorflow/tfjs';
import { shuffleInPlace } from './data/random.ts';
import { createBestCheckpoint, createEarlyStopping, type BestCheckpoint, type EarlyStoppingArgs, type WeightAccess } from './early-stopping.ts';
import { pause, throwIfAborted } from './event-loop.ts';
import { createEpochTotals, createTrainer, type Trainer } from './train-step.ts';

/** One epoch, in Keras's log names. `epoch` counts from 1. */
export interface EpochLog {
  epoch: number;
  /** Total epochs asked for (early stopping may end sooner). */
  epochs: number;
  loss: number;
  accuracy: number;
  val_loss: number;
  val_accuracy: number;
  /** Wall time of this epoch (training and validation), seconds. */
  seconds: number;
  /** Wall time since the run started (what came before the loop included), seconds. */
  elapsed: number;
}

/** Inputs (one tensor per model input, images first) and their labels (class indices). */
export interface LabeledTensors {
  x: tf.Tensor[];
  y: tf.Tensor1D;
}

export interface TrainLoopArgs {
  /** The model to train: `x` → class probabilities. Trained in place. */
  model: tf.LayersModel;
  train: LabeledTensors;
  validation: LabeledTensors;
  epochs: number;
  batchSize: number;
  /** Adam's learning rate. */
  learningRate: number;
  /** Shuffles the training order every epoch with this generator (Keras's fit() shuffles); null keeps the order. */
  shuffle: (() => number) | null;
  /** Keras-style EarlyStopping, or null for none. */
  earlyStopping: EarlyStoppingArgs | null;
  /** Called before each training step (fineTune reseeds its Dropout masks there). */
  beforeStep?: () => void;
  /** Called after each epoch's log is complete, before it is yielded; a rejection ends the loop with it. */
  onEpochEnd?: (log: EpochLog) => void | Promise<void>;
  /** Stops the loop within one batch. */
  signal?: AbortSignal;
  /** performance.now() when the run started, for `elapsed`. Default: when the loop starts. */
  started?: number;
}

export interface TrainLoopResult {
  logs: EpochLog[];
  /** Epoch (from 1) at which early stopping stopped the loop, or null. */
  stoppedEpoch: number | null;
  /** Epoch (from 1) whose weights EarlyStopping put back, or null. */
  restoredEpoch: number | null;
  /** The weights of the epoch with the lowest val_loss (Keras's ModelCheckpoint, save_best_only); the caller owns it. */
  checkpoint: BestCheckpoint;
}

/** Trains `args.model`; see the module's comment. Frees everything it made unless it returns (the checkpoint then is the caller's). */
export async function* trainLoop(args: TrainLoopArgs): AsyncGenerator<EpochLog, TrainLoopResult, void> {
  const { model, train, validation, epochs, batchSize, signal } = args;
  const started = args.started ?? performance.now();
  const stopIfAborted = () => throwIfAborted(signal);
  const trainer = createTrainer(model, { learningRate: args.learningRate });
  const access = weightAccess(model);
  let checkpoint: BestCheckpoint | null = createBestCheckpoint({ monitor: 'val_loss' }, access);
  const stopper = args.earlyStopping ? createEarlyStopping(args.earlyStopping, access) : null;
  const logs: EpochLog[] = [];
  const n = train.y.shape[0];
  let stoppedEpoch: number | null = null;
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const epochStart = performance.now();
      const order = permutation(n, args.shuffle);
      const trained = await trainEpoch(trainer, train, order, batchSize, args.beforeStep, signal);
      stopIfAborted();
      const validated = await evaluate(trainer, validation, 256, signal);
      stopIfAborted();
      const now = performance.now();
      const log: EpochLog = {
        epoch: epoch + 1,
        epochs,
        loss: trained.loss,
        accuracy: trained.accuracy,
        val_loss: validated.loss,
        val_accuracy: validated.accuracy,
        seconds: (now - epochStart) / 1000,
        elapsed: (now - started) / 1000,
      };
      logs.push(log);
      checkpoint.onEpochEnd(epoch, log);
      const stop = stopper?.onEpochEnd(epoch, log) ?? false;
      await args.onEpochEnd?.(log);
      stopIfAborted();
      yield log;
      stopIfAborted();
      if (stop) {
        stoppedEpoch = epoch + 1;
        break;
      }
    }
    stopper?.onTrainEnd();
    const restoredEpoch = args.earlyStopping?.restoreBestWeights && stopper?.bestEpoch != null ? stopper.bestEpoch + 1 : null;
    const kept = checkpoint;
    checkpoint = null; // the caller's now
    return { logs, stoppedEpoch, restoredEpoch, checkpoint: kept };
  } finally {
    stopper?.dispose();
    checkpoint?.dispose();
    trainer.dispose();
  }
}

/** One pass over the training set in `order`; mean loss and accuracy. */
async function trainEpoch(
  trainer: Trainer,
  train: LabeledTensors,
  order: Int32Array,
  batchSize: number,
  beforeStep: (() => void) | undefined,
  signal: AbortSignal | undefined,
): Promise<{ loss: number; accuracy: number }> {
  const totals = createEpochTotals();
  try {
    for (let begin = 0; begin < order.length; begin += batchSize) {
      // Let the page paint and handle input (a slider change aborts this run) before each step.
      await pause(signal);
      const size = Math.min(batchSize, order.length - begin);
      // Gathered per batch, not per epoch: a shuffled copy of the features could double the
      // memory of a deep cut (up to ~100 KB per image at 32×32).
      const [xs, ys] = tf.tidy(() => {
        const index = tf.tensor1d(order.subarray(begin, begin + size), 'int32');
        return [train.x.map((f) => tf.gather(f, index)), tf.gather(train.y, index).toFloat() as tf.Tensor1D] as const;
      });
      beforeStep?.();
      try {
        const { loss, correct } = trainer.step(xs, ys);
        totals.add(loss, correct, size);
      } finally {
        tf.dispose([...xs, ys]);
      }
    }
    return await totals.read();
  } finally {
    totals.dispose();
  }
}

/** Training order for an epoch: shuffled by the given generator, or as is. */
function permutation(n: number, random: (() => number) | null): Int32Array {
  const order = Array.from({ length: n }, (_, i) => i);
  return Int32Array.from(random ? shuffleInPlace(order, random) : order);
}

function weightAccess(model: tf.LayersModel): WeightAccess {
  return { read: () => model.getWeights(), write: (values) => model.setWeights(values) };
}

/** Mean loss and accuracy over all images, evaluated in chunks so the page stays responsive. */
async function evaluate(trainer: Trainer, set: LabeledTensors, chunk: number, signal?: AbortSignal): Promise<{ loss: number; accuracy: number }> {
  const totals = createEpochTotals();
  try {
    const n = set.y.shape[0];
    for (let begin = 0; begin < n; begin += chunk) {
      const size = Math.min(chunk, n - begin);
      const { loss, correct } = tf.tidy(() => {
        const xs = set.x.map((f) => f.slice(begin, size));
        return trainer.evaluate(xs, set.y.slice(begin, size).toFloat());
      });
      totals.add(loss, correct, size);
      await pause(signal);
    }
    return await totals.read();
  } finally {
    totals.dispose();
  }
}
