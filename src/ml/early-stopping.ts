/**
 * Keras's EarlyStopping and ModelCheckpoint(save_best_only=True), for Lectern's training loop.
 *
 * tfjs-layers 4.22 throws "not implemented" for `restoreBestWeights` and has no ModelCheckpoint,
 * so both are written here as small state machines over epoch logs. They follow Keras 3
 * (keras/src/callbacks/early_stopping.py, model_checkpoint.py):
 * - an epoch improves on the best when `current < best - minDelta` (mode "min"; for "max",
 *   `current > best + minDelta`); the first epoch always improves;
 * - `wait` counts epochs since the last improvement; training stops at the end of an epoch when
 *   `wait >= patience` (never after the very first epoch);
 * - with `restoreBestWeights`, the weights of the best epoch are kept in memory and put back when
 *   training ends, stopped early or not (Keras 3 behaviour);
 * - the checkpoint keeps, in memory instead of a file, the weights of the epoch with the best
 *   monitored value so far (strict improvement, no min_delta), like the course's
 *   `ModelCheckpoint(save_best_only=True)`.
 * Epochs are numbered from 0 here, as in Keras callbacks.
 */
import * as tf from '@tensorflow/tfjs';

export type Monitor = 'val_loss' | 'loss' | 'val_accuracy' | 'accuracy';
export type EpochValues = Partial<Record<Monitor, number>>;

/** Reads and writes the weights of the model being trained. */
export interface WeightAccess {
  /** The current weight values (they stay owned by the model: the callbacks clone what they keep). */
  read(): tf.Tensor[];
  /** Sets the weights from values in the same order as `read()`. */
  write(values: tf.Tensor[]): void;
}

export interface EarlyStoppingArgs {
  /** Logged value to watch. Default "val_loss". */
  monitor?: Monitor;
  /** Smallest change that counts as an improvement. Default 0. */
  minDelta?: number;
  /** Epochs without improvement before stopping. Default 0 (Keras's default; the course uses 5). */
  patience?: number;
  /** "min" or "max"; default "auto": "min" for losses, "max" for accuracies. */
  mode?: 'auto' | 'min' | 'max';
  /** Value the monitor must beat to reset the patience; default none. */
  baseline?: number;
  /** Put back the best epoch's weights when training ends. Default false (the course uses true). */
  restoreBestWeights?: boolean;
  /** Epochs to train before watching. Default 0. */
  startFromEpoch?: number;
}

/** The course's EarlyStopping: monitor val_loss, patience 5, restore_best_weights. */
export const COURSE_EARLY_STOPPING: Readonly<EarlyStoppingArgs> = { monitor: 'val_loss', patience: 5, restoreBestWeights: true };

export interface EarlyStopping {
  /** Call after each epoch (0-based) with its logs; returns true when training should stop. */
  onEpochEnd(epoch: number, logs: EpochValues): boolean;
  /** Call once when training ends; restores the best weights if asked to. */
  onTrainEnd(): void;
  /** Epoch (0-based) of the best monitored value so far, or null before any. */
  readonly bestEpoch: number | null;
  readonly best: number;
  /** Epoch (0-based) at which it asked to stop, or null. */
  readonly stoppedEpoch: number | null;
  /** Frees the kept weights. */
  dispose(): void;
}

function lowerIsBetter(monitor: Monitor, mode: 'auto' | 'min' | 'max'): boolean {
  if (mode !== 'auto') return mode === 'min';
  return monitor.replace(/^val_/, '') === 'loss';
}

function validate(args: EarlyStoppingArgs): void {
  const { patience = 0, minDelta = 0, startFromEpoch = 0, monitor = 'val_loss' } = args;
  if (!['val_loss', 'loss', 'val_accuracy', 'accuracy'].includes(monitor)) throw new Error(`early stopping: unknown monitor "${monitor}"`);
  if (!Number.isInteger(patience) || patience < 0) throw new RangeError(`early stopping: patience must be a non-negative integer, got ${patience}`);
  if (!Number.isFinite(minDelta)) throw new RangeError(`early stopping: minDelta must be a number, got ${minDelta}`);
  if (!Number.isInteger(startFromEpoch) || startFromEpoch < 0) throw new RangeError(`early stopping: startFromEpoch must be a non-negative integer, got ${startFromEpoch}`);
}

/** Snapshot of weights that survives the model's later updates (clones share data, no copy). */
function snapshot(weights: WeightAccess): tf.Tensor[] {
  return weights.read().map((w) => w.clone());
}

export function createEarlyStopping(args: EarlyStoppingArgs, weights: WeightAccess): EarlyStopping {
  validate(args);
  const monitor = args.monitor ?? 'val_loss';
  const patience = args.patience ?? 0;
  const startFromEpoch = args.startFromEpoch ?? 0;
  const restore = args.restoreBestWeights ?? false;
  const lower = lowerIsBetter(monitor, args.mode ?? 'auto');
  // Signed so that "improves" reads the same in both modes: (current - delta) beats reference.
  const delta = Math.abs(args.minDelta ?? 0) * (lower ? -1 : 1);
  const beats = (value: number, reference: number) => (lower ? value - delta < reference : value - delta > reference);

  let best = lower ? Infinity : -Infinity;
  let bestEpoch: number | null = null;
  let stoppedEpoch: number | null = null;
  let wait = 0;
  let kept: tf.Tensor[] | null = null;
  const keep = () => {
    kept?.forEach((t) => t.dispose());
    kept = snapshot(weights);
  };

  return {
    onEpochEnd(epoch, logs) {
      const current = logs[monitor];
      if (current === undefined || Number.isNaN(current) || epoch < startFromEpoch) return false;
      if (restore && kept === null) {
        keep();
        bestEpoch = epoch;
      }
      wait++;
      if (beats(current, best)) {
        best = current;
        bestEpoch = epoch;
        if (restore) keep();
        if (args.baseline === undefined || beats(current, args.baseline)) wait = 0;
        return false;
      }
      if (wait >= patience && epoch > 0) {
        stoppedEpoch = epoch;
        return true;
      }
      return false;
    },
    onTrainEnd() {
      if (restore && kept) weights.write(kept);
    },
    get bestEpoch() {
      return bestEpoch;
    },
    get best() {
      return best;
    },
    get stoppedEpoch() {
      return stoppedEpoch;
    },
    dispose() {
      kept?.forEach((t) => t.dispose());
      kept = null;
    },
  };
}

export interface BestCheckpointArgs {
  /** Logged value to watch. Default "val_loss". */
  monitor?: Monitor;
  /** Default "auto": "min" for losses, "max" for accuracies. */
  mode?: 'auto' | 'min' | 'max';
}

export interface BestCheckpoint {
  /** Call after each epoch; returns true when this epoch's weights were kept as the new best. */
  onEpochEnd(epoch: number, logs: EpochValues): boolean;
  /** The best epoch (0-based) and its monitored value, or null before any. */
  readonly best: { epoch: number; value: number } | null;
  /** Writes the kept weights into the model. Throws when nothing was kept. */
  restore(): void;
  dispose(): void;
}

/** ModelCheckpoint(save_best_only=True), kept in memory. */
export function createBestCheckpoint(args: BestCheckpointArgs, weights: WeightAccess): BestCheckpoint {
  const monitor = args.monitor ?? 'val_loss';
  validate({ monitor });
  const lower = lowerIsBetter(monitor, args.mode ?? 'auto');
  let best: { epoch: number; value: number } | null = null;
  let kept: tf.Tensor[] | null = null;
  return {
    onEpochEnd(epoch, logs) {
      const current = logs[monitor];
      if (current === undefined || Number.isNaN(current)) return false;
      if (best !== null && !(lower ? current < best.value : current > best.value)) return false;
      best = { epoch, value: current };
      kept?.forEach((t) => t.dispose());
      kept = snapshot(weights);
      return true;
    },
    get best() {
      return best;
    },
    restore() {
      if (!kept) throw new Error('checkpoint: no epoch has been kept yet');
      weights.write(kept);
    },
    dispose() {
      kept?.forEach((t) => t.dispose());
      kept = null;
    },
  };
}
