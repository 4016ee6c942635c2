/**
 * Keras's ModelCheckpoint for fineTune, writing Keras 3 `.weights.h5` files into a WeightStore:
 *
 * ```ts
 * const checkpoint = createModelCheckpoint({ filepath: 'checkpoints/best_model.weights.h5', monitor: 'val_loss', saveBestOnly: true });
 * fineTune({ ..., callbacks: [checkpoint] });
 * ```
 *
 * As keras/src/callbacks/model_checkpoint.py: after each epoch, with `saveBestOnly` the file is
 * written only when the monitored value beats the best so far (strictly: `<` for losses, `>` for
 * accuracies; no min_delta), else every epoch. Only weights are written (`saveWeightsOnly: true`,
 * the course's choice); the whole-model `.keras` format is not supported. The weights are laid out as
 * `keras.Sequential([base, *head])` (stackedLayout), so `model.load_weights(file)` reads them in Keras.
 */
import type { Monitor } from './early-stopping.ts';
import type { EpochLog, FineTuneCallback, FineTuneRun } from './finetune.ts';
import { encodeKerasWeights, stackedLayout, type KerasModelLayout } from './keras-weights.ts';
import { checkCheckpointPath, memoryWeightStore, type CheckpointInfo, type WeightStore } from './weight-store.ts';

export interface ModelCheckpointArgs {
  /** Where the file goes in the store; must end in .weights.h5. */
  filepath: string;
  /** Logged value to watch. Default "val_loss". */
  monitor?: Monitor;
  /** "min" or "max"; default "auto": "min" for losses, "max" for accuracies. */
  mode?: 'auto' | 'min' | 'max';
  /** Write only when the monitored value improves. Default false (Keras's default; the course uses true). */
  saveBestOnly?: boolean;
  /** Must be true (or left out): Lectern writes weights only. */
  saveWeightsOnly?: boolean;
  /** Where files go. Default: a store in memory. */
  store?: WeightStore;
  /** How the model is laid out in the file. Default: `keras.Sequential([base, *head])`. */
  layout?: (run: FineTuneRun) => KerasModelLayout;
}

export interface ModelCheckpoint extends FineTuneCallback {
  readonly filepath: string;
  readonly monitor: Monitor;
  readonly store: WeightStore;
  /** The last file written (epoch, value, size), or null before any. */
  readonly saved: CheckpointInfo | null;
  /** Every write of this run, in order (with saveBestOnly: each improvement). */
  readonly writes: readonly CheckpointInfo[];
}

export function createModelCheckpoint(args: ModelCheckpointArgs): ModelCheckpoint {
  const filepath = checkCheckpointPath(args.filepath);
  if (args.saveWeightsOnly === false) throw new Error('ModelCheckpoint: only weights can be saved (saveWeightsOnly: true, a .weights.h5 file)');
  const monitor = args.monitor ?? 'val_loss';
  if (!['val_loss', 'loss', 'val_accuracy', 'accuracy'].includes(monitor)) throw new Error(`ModelCheckpoint: unknown monitor "${monitor}"`);
  const mode = args.mode ?? 'auto';
  const lower = mode === 'auto' ? monitor.replace(/^val_/, '') === 'loss' : mode === 'min';
  const store = args.store ?? memoryWeightStore();
  const layout = args.layout ?? ((run: FineTuneRun) => stackedLayout(run.model, run.base));
  let best = lower ? Infinity : -Infinity;
  const writes: CheckpointInfo[] = [];
  return {
    filepath,
    monitor,
    store,
    get saved() {
      return writes.at(-1) ?? null;
    },
    get writes() {
      return writes;
    },
    async onEpochEnd(log: EpochLog, run: FineTuneRun) {
      const current = log[monitor];
      if (args.saveBestOnly) {
        if (!Number.isFinite(current) || !(lower ? current < best : current > best)) return;
        best = current;
      }
      const bytes = await encodeKerasWeights(layout(run));
      const info: CheckpointInfo = {
        path: filepath,
        epoch: log.epoch,
        monitor,
        value: current,
        logs: { loss: log.loss, accuracy: log.accuracy, val_loss: log.val_loss, val_accuracy: log.val_accuracy },
        bytes: bytes.length,
        savedAt: Date.now(),
      };
      await store.save(filepath, bytes, info);
      writes.push(info);
    },
  };
}
