/**
 * The lesson's reference: a small CNN (src/ml/scratch.ts) trained from scratch on the same images,
 * under the same time budget as a fine-tuning run, so a learner sees what the pretrained base buys.
 * It yields what `train` yields (a Training), so the same curves and diagnosis read it:
 *
 * ```ts
 * const reference = trainFromScratch({ data, seconds: 20, invalidation });
 * ```
 */
import * as tf from '@tensorflow/tfjs';
import { seededRandom } from '../ml/data/random.ts';
import { reseedDropout, type EpochLog, type FineTuneHistory } from '../ml/finetune.ts';
import { scratchCnn } from '../ml/scratch.ts';
import { trainLoop } from '../ml/train-loop.ts';
import { COURSE, trainingView, type LessonImages, type Training } from './fine-tuning.ts';

export interface TrainFromScratchArgs {
  /** The lesson's images (loadImages); the caller keeps them. */
  data: Pick<LessonImages, 'train' | 'validation'>;
  /** Most epochs. Default COURSE.epochs. */
  epochs?: number;
  /**
   * Time budget in seconds: the run stops after the first epoch that ends past it (a fair
   * comparison with a fine-tuning run of that wall time). Default none: `epochs` decides.
   */
  seconds?: number;
  /** Adam's learning rate. Default 0.001. */
  learningRate?: number;
  /** Images per step. Default 32. */
  batchSize?: number;
  /** Seed of the initial weights, the shuffles and the Dropout masks. Default 0. */
  seed?: number;
  /** The cell's `invalidation`: a re-run stops the training within one batch and frees its model. */
  invalidation: PromiseLike<unknown>;
}

export async function* trainFromScratch(args: TrainFromScratchArgs): AsyncGenerator<Training, void, void> {
  const { data, seconds = Infinity, learningRate = 0.001, batchSize = 32, seed = 0, invalidation } = args;
  const epochs = args.epochs ?? (Number.isFinite(seconds) ? 1000 : COURSE.epochs);
  if (!Number.isInteger(epochs) || epochs < 1) throw new RangeError(`trainFromScratch: epochs must be a positive integer, got ${epochs}`);
  if (!(seconds > 0)) throw new RangeError(`trainFromScratch: seconds must be positive, got ${seconds}`);
  const classes = [...data.train.classes];
  const controller = new AbortController();
  invalidation.then(() => controller.abort());
  const model = scratchCnn({ size: data.train.x.shape[1], classes: classes.length, seed });
  invalidation.then(() => model.dispose());
  const dropouts = model.layers.filter((layer) => layer.getClassName() === 'Dropout');
  const random = seededRandom(seed);
  const started = performance.now();
  const logs: EpochLog[] = [];
  const state = (history: FineTuneHistory | null): Training => trainingView({
    logs: [...logs], epochs: Number.isFinite(seconds) ? Math.max(logs.length, 1) : epochs, classes, batchNormTrained: true,
    done: history !== null, history, model: history ? model : null, elapsed: (performance.now() - started) / 1000, kind: 'from scratch',
  });
  const loop = trainLoop({
    model,
    train: { x: [data.train.x], y: data.train.y },
    validation: { x: [data.validation.x], y: data.validation.y },
    epochs, batchSize, learningRate,
    shuffle: random,
    earlyStopping: null,
    beforeStep: () => reseedDropout(dropouts, random),
    signal: controller.signal,
    started,
  });
  try {
    yield state(null);
    for (;;) {
      const step = await loop.next();
      if (!step.done) logs.push(step.value);
      if (step.done || step.value.elapsed >= seconds) {
        if (step.done) step.value.checkpoint.dispose();
        yield state(historyOf(logs, classes, model));
        return;
      }
      yield state(null);
    }
  } catch (error) {
    if ((error as Error)?.name !== 'AbortError') throw error;
  } finally {
    // Stopped by the budget or closed early: the loop frees its trainer (the model is freed by invalidation).
    await loop.return(undefined as never).catch(() => {});
  }
}

function historyOf(logs: EpochLog[], classes: string[], model: tf.LayersModel): FineTuneHistory {
  const best = logs.reduce((b, log, i) => (log.val_loss < logs[b]!.val_loss ? i : b), 0);
  return {
    logs: [...logs], stoppedEpoch: null, bestEpoch: logs.length ? best + 1 : null, restoredBestWeights: false, restoredEpoch: null,
    featureSeconds: 0, featureSource: 'computed', frozenLayers: 0, trainableLayers: model.layers.length, trainableLast: model.layers.length, classes: [...classes], batchNormTrained: true, batchNormCheck: null,
  };
}
