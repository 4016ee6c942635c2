/**
 * Fine-tuning, as lesson 8 of the Keras course teaches it: the last `trainableLast` layers of a
 * pretrained base are trainable, the rest frozen, and a classifier head sits on top (`head`; by
 * default classifierHead: GlobalAveragePooling2D → Dropout(p) → Dense(128, relu) → Dropout(p) →
 * Dense(classes, softmax)), trained with Adam, sparse categorical cross-entropy and accuracy by
 * the generic loop of train-loop.ts.
 *
 * What makes it fast enough to re-run on every slider change: the frozen part is computed once per
 * image by the feature cache (feature-cache.ts) and only the layers above the cut and the head are
 * trained, on those features. This is the same computation as `fit()` on the whole model, because
 * frozen layers run in inference mode (Keras's BatchNormalization semantics) and so are a fixed
 * function of the image.
 *
 * The base is never modified: the layers above the cut are cloned (model-cut.ts), so every run
 * starts from the pretrained weights and the cache stays valid.
 *
 * `fineTune(args)` returns an async generator: it yields one `EpochLog` per epoch and returns a
 * `FineTuneResult` (history and model). It stops within one batch when `signal` fires (the
 * generator then throws an AbortError), and frees everything it made when it ends, is aborted or is
 * closed early with `return()`; only a completed run's result holds tensors, until `dispose()`.
 */
import * as tf from '@tensorflow/tfjs';
import type { LabeledImages } from './data/types.ts';
import { cloneTop, cutModel, disposeLayerWeights, type ModelCut } from './model-cut.ts';
import { sharedFeatureCache, createFeatureCache, type FeatureCache, type FeatureLease } from './feature-cache.ts';
import { COURSE_EARLY_STOPPING, type BestCheckpoint, type EarlyStoppingArgs } from './early-stopping.ts';
import { seededRandom } from './data/random.ts';
import { pause, throwIfAborted } from './event-loop.ts';
import { trainLoop, type EpochLog } from './train-loop.ts';
import { checkBatchNormStatistics, type BatchNormCheck } from './batchnorm-check.ts';

export interface FineTuneArgs {
  /** The pretrained base: a flat functional model (MobileNetV2 with include_top false). Never modified. */
  base: tf.LayersModel;
  /** How many of the base's last layers train (Keras `base.layers[-n:]`), 0..base.layers.length. Default 4. */
  trainableLast?: number;
  /** Rate of both Dropout layers of the head, in [0, 1). Default 0.5. */
  dropout?: number;
  /** Training and validation images (the caller keeps ownership). */
  data: { train: LabeledImages; validation: LabeledImages };
  /** Epochs to train (fewer if early stopping stops). Default 10. */
  epochs?: number;
  /** Images per gradient step. Default 32 (the course uses 12; 32 is faster per epoch here). */
  batchSize?: number;
  /** Adam's learning rate. Default 0.001 (Keras's default). */
  learningRate?: number;
  /**
   * Keras's fine-tuning recipe (guide "Transfer learning & fine-tuning"): first train the head alone
   * for `headEpochs` epochs at `headLearningRate`, with every base layer frozen, then unfreeze the
   * last `trainableLast` layers and train `epochs` more at `learningRate` (a low one, such as 1e-4).
   * The history has both stages, numbered on. Default 0: no head-only stage.
   */
  headEpochs?: number;
  /** Learning rate of the head-only stage. Default 0.001. */
  headLearningRate?: number;
  /**
   * Early stopping: false for none, true for the course's (monitor val_loss, patience 5,
   * restore_best_weights), or Keras-style settings. Default false.
   */
  earlyStopping?: boolean | EarlyStoppingArgs;
  /**
   * BatchNormalization layers above the cut: 'batch' normalises with batch statistics in training
   * and updates the moving ones (Keras's behaviour for trainable layers, as in the course); 'moving'
   * keeps them in inference mode, gamma and beta still training (Keras's advice for fine-tuning:
   * MobileNetV2's momentum of 0.999 lets moving statistics lag far behind, so validation, which
   * uses them, can collapse). Default 'batch'.
   */
  batchNorm?: 'batch' | 'moving';
  /** Shuffle the training images every epoch, as Keras's fit() does. Default true. */
  shuffle?: boolean;
  /** Seed for the head's initial weights, the shuffling and the dropout masks. Default 0. */
  seed?: number;
  /** Stops the run within one batch when it fires. Default none. */
  signal?: AbortSignal;
  /**
   * A cell's `invalidation`: when it resolves, the run stops as with `signal`, and a completed run's
   * result (its model) is disposed. Default none (the caller disposes the result).
   */
  invalidation?: PromiseLike<unknown>;
  /** Builds the classifier head on the base's output. Default `classifierHead` (Dense(128, relu) between two Dropouts). */
  head?: (args: HeadArgs) => Head;
  /**
   * Where features at the cut are kept: a cache shared by runs (default: `sharedFeatureCache`),
   * or null to compute them for this run only and free them at the end.
   */
  cache?: FeatureCache | null;
  /**
   * Sets the weights the run starts from (a checkpoint, say), called once with the model (as
   * `FineTuneResult.model`) after it is built and before the first epoch. The layers below the cut
   * are `base`'s own: load those into the base before calling fineTune, and leave them alone here.
   * Default none: the top starts from the base's weights and the head from its seeded initialisation.
   */
  initialWeights?: (model: tf.LayersModel) => void | Promise<void>;
  /**
   * Keras-style callbacks (ModelCheckpoint, TensorBoard, ...), called in order after each epoch's
   * log is complete and before it is yielded. Default none.
   */
  callbacks?: FineTuneCallback[];
}

/** What a callback sees of the run: the model as it stands (the base's frozen layers, the trained top and head) and the base. */
export interface FineTuneRun {
  model: tf.LayersModel;
  base: tf.LayersModel;
}

/** A callback of fineTune, as Keras's `keras.callbacks.Callback`; a rejected promise ends the run with its error. */
export interface FineTuneCallback {
  onEpochEnd?(log: EpochLog, run: FineTuneRun): void | Promise<void>;
  /** After the last epoch (and after EarlyStopping restored its best weights). */
  onTrainEnd?(history: FineTuneHistory, run: FineTuneRun): void | Promise<void>;
}

export type { EpochLog } from './train-loop.ts';

export interface FineTuneHistory {
  logs: EpochLog[];
  /** Epoch (from 1) at which early stopping stopped the run, or null. */
  stoppedEpoch: number | null;
  /** Epoch (from 1) with the lowest val_loss, or null when no epoch ran. */
  bestEpoch: number | null;
  /** True when the model holds the best epoch's weights (early stopping with restore). */
  restoredBestWeights: boolean;
  /**
   * Epoch (from 1) whose weights EarlyStopping put back, or null: its own best, which with minDelta
   * above 0 can be earlier than `bestEpoch` (an improvement smaller than minDelta does not count).
   */
  restoredEpoch: number | null;
  /** Seconds spent getting features at the cut, and whether they came from the cache. */
  featureSeconds: number;
  featureSource: FeatureLease['source'];
  /** The cut: frozen layers below it, trainable layers above it. */
  frozenLayers: number;
  trainableLayers: number;
  /**
   * The `trainableLast` asked for, in Keras's count of `base.layers`, which includes the InputLayer:
   * 154 on MobileNetV2 is every layer, one more than `trainableLayers` (the input has no weights).
   */
  trainableLast: number;
  /** Class names of the task, in label order (the head's outputs). */
  classes: string[];
  /**
   * True when some BatchNormalization layer above the cut normalised with batch statistics
   * (batchNorm 'batch'): then validation, which uses the lagging moving statistics, may break.
   */
  batchNormTrained: boolean;
  /**
   * With batchNormTrained: validation accuracy as trained and with the moving statistics
   * re-estimated from the training images (src/ml/batchnorm-check.ts), so the diagnosis can tell
   * lagging statistics from overfitting. Null when no BatchNormalization trained.
   */
  batchNormCheck: BatchNormCheck | null;
}

export interface FineTuneResult {
  history: FineTuneHistory;
  /** Images → class probabilities: the base's frozen layers (shared), the trained top and head. */
  model: tf.LayersModel;
  /** Puts the weights of the epoch with the lowest val_loss into `model` (the course's ModelCheckpoint). */
  useBestWeights(): void;
  /** Frees the trained layers, the head and the kept weights; never the base. Idempotent. */
  dispose(): void;
}

interface Settings {
  base: tf.LayersModel;
  trainableLast: number;
  dropout: number;
  train: LabeledImages;
  validation: LabeledImages;
  epochs: number;
  batchSize: number;
  learningRate: number;
  headEpochs: number;
  headLearningRate: number;
  earlyStopping: EarlyStoppingArgs | null;
  batchNorm: 'batch' | 'moving';
  shuffle: boolean;
  seed: number;
  signal?: AbortSignal;
  invalidation?: PromiseLike<unknown>;
  head: (args: HeadArgs) => Head;
  cache: FeatureCache | null;
  initialWeights?: (model: tf.LayersModel) => void | Promise<void>;
  callbacks: FineTuneCallback[];
}

function checkImages(name: string, images: LabeledImages): void {
  if (!images || !images.x || !images.y) throw new Error(`fineTune: data.${name} must be {x, y, classes}`);
  if (images.x.isDisposed || images.y.isDisposed) throw new Error(`fineTune: data.${name} is disposed`);
  if (images.x.rank !== 4) throw new Error(`fineTune: data.${name}.x must be [n, height, width, channels], got shape [${images.x.shape}]`);
  if (images.y.rank !== 1 || images.y.shape[0] !== images.x.shape[0]) {
    throw new Error(`fineTune: data.${name}.y must be [${images.x.shape[0]}] labels, got shape [${images.y.shape}]`);
  }
  if (images.x.shape[0] === 0) throw new Error(`fineTune: data.${name} has no images`);
}

function resolve(args: FineTuneArgs): Settings {
  if (!args || !args.base) throw new Error('fineTune: args.base (the pretrained model) is required');
  if (!args.data) throw new Error('fineTune: args.data {train, validation} is required');
  checkImages('train', args.data.train);
  checkImages('validation', args.data.validation);
  const s: Settings = {
    base: args.base,
    trainableLast: args.trainableLast ?? 4,
    dropout: args.dropout ?? 0.5,
    train: args.data.train,
    validation: args.data.validation,
    epochs: args.epochs ?? 10,
    batchSize: args.batchSize ?? 32,
    learningRate: args.learningRate ?? 0.001,
    headEpochs: args.headEpochs ?? 0,
    headLearningRate: args.headLearningRate ?? 0.001,
    earlyStopping: args.earlyStopping === true ? { ...COURSE_EARLY_STOPPING } : args.earlyStopping || null,
    batchNorm: args.batchNorm ?? 'batch',
    shuffle: args.shuffle ?? true,
    seed: args.seed ?? 0,
    signal: linkedSignal(args.signal, args.invalidation),
    invalidation: args.invalidation,
    head: args.head ?? classifierHead,
    cache: args.cache === undefined ? sharedFeatureCache : args.cache,
    initialWeights: args.initialWeights,
    callbacks: args.callbacks ?? [],
  };
  if (!(s.dropout >= 0 && s.dropout < 1)) throw new RangeError(`fineTune: dropout must be in [0, 1), got ${s.dropout}`);
  if (!Number.isInteger(s.epochs) || s.epochs < 1) throw new RangeError(`fineTune: epochs must be a positive integer, got ${s.epochs}`);
  if (!Number.isInteger(s.batchSize) || s.batchSize < 1) throw new RangeError(`fineTune: batchSize must be a positive integer, got ${s.batchSize}`);
  if (!(s.learningRate > 0)) throw new RangeError(`fineTune: learningRate must be positive, got ${s.learningRate}`);
  if (!Number.isInteger(s.headEpochs) || s.headEpochs < 0) throw new RangeError(`fineTune: headEpochs must be an integer ≥ 0, got ${s.headEpochs}`);
  if (!(s.headLearningRate > 0)) throw new RangeError(`fineTune: headLearningRate must be positive, got ${s.headLearningRate}`);
  if (s.batchNorm !== 'batch' && s.batchNorm !== 'moving') throw new RangeError(`fineTune: batchNorm must be 'batch' or 'moving', got ${String(s.batchNorm)}`);
  if (!Number.isInteger(s.seed)) throw new RangeError(`fineTune: seed must be an integer, got ${s.seed}`);
  const classes = s.train.classes.length;
  if (classes < 2) throw new Error(`fineTune: data.train.classes must name at least 2 classes, got ${classes}`);
  if (s.validation.classes.length !== classes) throw new Error('fineTune: data.train and data.validation have different classes');
  return s;
}

export interface HeadArgs {
  /** Rate of both Dropout layers. */
  dropout: number;
  /** Units of the softmax layer. */
  classes: number;
  /** Seed of the two Dense kernels' Glorot-uniform initialisation. */
  seed: number;
  /** Units of the hidden Dense(relu) layer. Default 128 (the Keras course's head). */
  units?: number;
}

/**
 * A classifier head: GlobalAveragePooling2D → Dropout → Dense(units, relu) → Dropout →
 * Dense(classes, softmax). `apply` may be called more than once (shared weights).
 */
export interface Head {
  layers: tf.layers.Layer[];
  dropouts: tf.layers.Layer[];
  apply(features: tf.SymbolicTensor): tf.SymbolicTensor;
}

export function classifierHead({ dropout, classes, seed, units = 128 }: HeadArgs): Head {
  const dropouts = [tf.layers.dropout({ rate: dropout }), tf.layers.dropout({ rate: dropout })];
  const layers = [
    tf.layers.globalAveragePooling2d({}),
    dropouts[0],
    tf.layers.dense({ units, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
    dropouts[1],
    tf.layers.dense({ units: classes, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }),
  ];
  return {
    layers,
    dropouts,
    apply: (features) => layers.reduce((t, layer) => layer.apply(t) as tf.SymbolicTensor, features),
  };
}

/** A signal that fires when `signal` does or `invalidation` resolves (undefined when neither is given). */
function linkedSignal(signal: AbortSignal | undefined, invalidation: PromiseLike<unknown> | undefined): AbortSignal | undefined {
  if (!invalidation) return signal;
  const controller = new AbortController();
  if (signal?.aborted) controller.abort(signal.reason);
  else if (typeof signal?.addEventListener === 'function') signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
  invalidation.then(() => controller.abort());
  return controller.signal;
}

/**
 * tfjs's Dropout draws a fixed mask when given a seed, so a fresh seed is set before every step:
 * masks differ step to step yet repeat run to run. `seed` is a private field of tfjs's Dropout.
 */
export function reseedDropout(layers: readonly tf.layers.Layer[], random: () => number): void {
  for (const layer of layers) (layer as unknown as { seed?: number }).seed = Math.floor(random() * 2 ** 31);
}

/**
 * What the engine is doing, for progress displays and tests, module-wide and never reset: runs
 * started; running now (started, neither finished nor aborted) and the most ever at once;
 * stopping (aborted, freeing what they hold when they next resume: a run whose signal fired does
 * no more work, it throws at its next resume); finished (completed) or aborted or closed early
 * (stopped).
 */
export const fineTuneActivity = { started: 0, running: 0, maxRunning: 0, stopping: 0, completed: 0, stopped: 0 };

/**
 * Fine-tunes the course's classifier on `args.base`. Bad arguments throw here, at the call; the
 * training starts on the first `next()` of the returned generator.
 */
export function fineTune(args: FineTuneArgs): AsyncGenerator<EpochLog, FineTuneResult, void> {
  const settings = resolve(args);
  return run(settings, cutModel(settings.base, settings.trainableLast));
}

async function* run(s: Settings, cut: ModelCut): AsyncGenerator<EpochLog, FineTuneResult, void> {
  const started = performance.now();
  const activity = fineTuneActivity;
  activity.started++;
  activity.maxRunning = Math.max(activity.maxRunning, ++activity.running);
  let aborted = false;
  const onAbort = () => {
    if (aborted) return;
    aborted = true;
    activity.running--;
    activity.stopping++;
  };
  // (A signal-like object without events, as some tests pass, is only polled.)
  if (typeof s.signal?.addEventListener === 'function') s.signal.addEventListener('abort', onAbort, { once: true });
  if (s.signal?.aborted) onAbort();
  // After every await the signal is checked: a run whose signal fired goes no further.
  const stopIfAborted = () => throwIfAborted(s.signal);
  const cache = s.cache ?? createFeatureCache({ maxBytes: Infinity });
  const random = seededRandom(s.seed);
  const leases: FeatureLease[] = [];
  const owned: tf.layers.Layer[] = [];
  let checkpoint: BestCheckpoint | null = null;
  let result: FineTuneResult | null = null;
  try {
    // Start in a task of its own: whatever the page updates with this change (the summary) is
    // painted before the run builds its models (~30–70 ms) or takes its features from the cache.
    await pause(s.signal);
    const train = await cache.acquire(cut, s.train.x, s.signal);
    leases.push(train);
    stopIfAborted();
    const validation = await cache.acquire(cut, s.validation.x, s.signal);
    leases.push(validation);
    stopIfAborted();
    const featureSeconds = (performance.now() - started) / 1000;

    // The trainable top: clones of the layers above the cut, then the head, fed by the cached features.
    const clones = cloneTop(cut, { batchNorm: s.batchNorm });
    const head = s.head({ dropout: s.dropout, classes: s.train.classes.length, seed: s.seed });
    owned.push(...clones.layers, ...head.layers);
    const inputs = cut.boundary.map((t) => tf.input({ shape: t.shape.slice(1) as number[], dtype: t.dtype }));
    const top = tf.model({ inputs, outputs: head.apply(clones.apply(inputs)) });
    // The same layers wired after the base's frozen part: what the caller gets back.
    const model = tf.model({ inputs: s.base.inputs, outputs: head.apply(clones.apply(cut.boundary)) });
    if (s.initialWeights) {
      await s.initialWeights(model);
      stopIfAborted();
    }

    // The generic loop trains the top on the cached features; callbacks see the whole model.
    const stage = (epochs: number, learningRate: number, offset: number, total: number) => trainLoop({
      model: top,
      train: { x: train.features, y: s.train.y },
      validation: { x: validation.features, y: s.validation.y },
      epochs,
      batchSize: s.batchSize,
      learningRate,
      shuffle: s.shuffle ? random : null,
      earlyStopping: offset === 0 && s.headEpochs > 0 ? null : s.earlyStopping,
      beforeStep: () => reseedDropout(head.dropouts, random),
      onEpochEnd: async (log) => {
        // Numbered across the stages of Keras's recipe.
        log.epoch += offset;
        log.epochs = total;
        for (const callback of s.callbacks) {
          await callback.onEpochEnd?.(log, { model, base: s.base });
          stopIfAborted();
        }
      },
      signal: s.signal,
      started,
    });
    const total = s.headEpochs + s.epochs;
    const warmupLogs: EpochLog[] = [];
    if (s.headEpochs > 0) {
      // Stage 1: the head alone (frozen layers' BatchNormalization runs in inference mode).
      const unfrozen = clones.layers.filter((layer) => layer.trainable);
      unfrozen.forEach((layer) => { layer.trainable = false; });
      const warmup = stage(s.headEpochs, s.headLearningRate, 0, total);
      let warm = await warmup.next();
      try {
        while (!warm.done) {
          warmupLogs.push(warm.value);
          yield warm.value;
          warm = await warmup.next();
        }
      } finally {
        if (!warm.done) await warmup.return(undefined as never);
        unfrozen.forEach((layer) => { layer.trainable = true; });
      }
      warm.value.checkpoint.dispose();
    }
    const loop = stage(s.epochs, s.learningRate, s.headEpochs, total);
    let step = await loop.next();
    try {
      while (!step.done) {
        yield step.value;
        step = await loop.next();
      }
    } finally {
      // Closed early or aborted: the loop frees its trainer and weights.
      if (!step.done) await loop.return(undefined as never);
    }
    const { stoppedEpoch, restoredEpoch } = step.value;
    const logs = [...warmupLogs, ...step.value.logs];
    checkpoint = step.value.checkpoint;
    const kept = checkpoint;
    const offset = s.headEpochs;
    const batchNormTrained = s.batchNorm === 'batch' && cut.above.some((layer) => layer.getClassName() === 'BatchNormalization');
    const batchNormCheck = batchNormTrained
      ? await checkBatchNormStatistics({ model: top, train: train.features, validation: { x: validation.features, y: s.validation.y }, signal: s.signal })
      : null;
    stopIfAborted();
    const history: FineTuneHistory = {
      logs,
      stoppedEpoch: stoppedEpoch === null ? null : stoppedEpoch + offset,
      // The checkpoint and EarlyStopping watch the second stage (the fine-tuning proper).
      bestEpoch: kept.best ? kept.best.epoch + 1 + offset : null,
      restoredBestWeights: Boolean(s.earlyStopping?.restoreBestWeights && logs.length > 0),
      restoredEpoch: restoredEpoch === null ? null : restoredEpoch + offset,
      featureSeconds,
      featureSource: train.source,
      frozenLayers: cut.frozenCount,
      trainableLayers: cut.above.length,
      trainableLast: s.trainableLast,
      classes: [...s.train.classes],
      batchNormTrained,
      batchNormCheck,
    };
    for (const callback of s.callbacks) {
      await callback.onTrainEnd?.(history, { model, base: s.base });
      stopIfAborted();
    }
    const layers = owned.splice(0);
    let disposed = false;
    result = {
      history,
      model,
      useBestWeights: () => {
        if (disposed) throw new Error('fine-tuning result already disposed');
        kept.restore();
      },
      dispose: () => {
        if (disposed) return;
        disposed = true;
        kept.dispose();
        disposeLayerWeights(layers);
      },
    };
    checkpoint = null; // now owned by the result
    const owner = result;
    s.invalidation?.then(() => owner.dispose());
    return result;
  } finally {
    if (typeof s.signal?.removeEventListener === 'function') s.signal.removeEventListener('abort', onAbort);
    if (aborted) activity.stopping--;
    else activity.running--;
    if (result) activity.completed++;
    else activity.stopped++;
    leases.forEach((lease) => lease.release());
    if (!s.cache) cache.clear();
    checkpoint?.dispose();
    disposeLayerWeights(owned);
  }
}

/** Runs `fineTune` to the end, calling `onEpoch` with each log, and returns the result. */
export async function fineTuneToEnd(args: FineTuneArgs, onEpoch?: (log: EpochLog) => void): Promise<FineTuneResult> {
  const generator = fineTune(args);
  for (;;) {
    const step = await generator.next();
    if (step.done) return step.value;
    onEpoch?.(step.value);
  }
}
