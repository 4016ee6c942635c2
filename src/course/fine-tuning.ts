/**
 * Lesson 8 of the Keras course, *Fine-tuning*, as its cells call it: the course's MobileNetV2
 * defaults and classifier head on top of the engine (src/ml), and helpers that live as long as the
 * cell that calls them. A cell passes its `invalidation`; when the cell re-runs, what the helper
 * made (tensors, a training run, a model) is stopped and freed, so a lesson has no clean-up code:
 *
 * ```ts
 * const base = await loadBase({ backend, invalidation });
 * const data = await loadImages({ train: 1000, invalidation });
 * const training = train({ base, data, trainableLast, dropout, invalidation });
 * ```
 *
 * Runs in Node and in the browser (where files come from: see src/ml/data/load.ts, weights.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendStatus } from '../ml/backend.ts';
import { loadSplit, type DataLocationArgs } from '../ml/data/load.ts';
import type { LabeledImages, Task } from '../ml/data/types.ts';
import { classifierHead, fineTune, type EpochLog, type FineTuneArgs, type FineTuneHistory, type Head, type HeadArgs } from '../ml/finetune.ts';
import { sharedFeatureCache } from '../ml/feature-cache.ts';
import { loadPretrainedBase, type LoadPretrainedArgs } from '../ml/weights.ts';
import { withDisplay, type Displayable } from '../runtime/display.ts';

/** The course's settings: Keras's lesson at the size this project trains at. */
export const COURSE = Object.freeze({
  /** Side of the images MobileNetV2 gets (the smallest it accepts; the data is 28×28). */
  inputSize: 32,
  /** The task the lesson fine-tunes on (the base was pretrained on the other one). */
  task: 'target' as Task,
  /** Training images by default, and validation images (always the same first ones). */
  trainImages: 1000,
  validationImages: 500,
  /** `base_model.layers[:-4]` frozen, as in the lesson. */
  trainableLast: 4,
  /** The head's Dropout(0.5) and Dense(128, relu). */
  dropout: 0.5,
  headUnits: 128,
  epochs: 10,
  /**
   * BatchNormalization above the cut in inference mode, as Keras's fine-tuning guide advises (the
   * engine's default stays Keras's plain 'batch'): with MobileNetV2's momentum of 0.999 the moving
   * statistics lag, and the lesson's first run should show fine-tuning working (issue 11's table
   * in public/models/MODEL.md: last 4 layers 92.6% with it, 85.0% without, on seed 0).
   */
  batchNorm: 'moving' as 'batch' | 'moving',
});

/** The course's classifier head: GlobalAveragePooling2D, Dropout, Dense(128, relu), Dropout, Dense(classes, softmax). */
export function courseHead(args: HeadArgs): Head {
  return classifierHead({ ...args, units: args.units ?? COURSE.headUnits });
}

/** Lifetime of what a helper makes: a cell's `invalidation` promise. */
interface CellLifetime {
  /** Frees what was made when it resolves (a cell re-runs or goes away). Default: the caller frees it. */
  invalidation?: PromiseLike<unknown>;
}

export interface LoadBaseArgs extends CellLifetime, Omit<LoadPretrainedArgs, 'includeTop'> {
  /**
   * The backend the base is for (what `selectBackend` returned): a cell that passes it loads a
   * new base when the backend changes, and fails clearly if another backend took over meanwhile.
   * Default: whichever backend is active.
   */
  backend?: BackendStatus;
}

/** The pretrained MobileNetV2 without its top (Keras's `include_top=False`), at the course's input size. */
export async function loadBase({ backend, invalidation, ...args }: LoadBaseArgs = {}): Promise<tf.LayersModel> {
  const base = await loadPretrainedBase({ inputSize: COURSE.inputSize, ...args });
  // With the base go the features cached from it: no later run can use them (issue 12, item 7).
  const free = () => {
    sharedFeatureCache.forget(base);
    base.dispose();
  };
  invalidation?.then(free);
  checkBackend('loadBase', backend, free);
  return base;
}

/** Fails (after freeing what was made) when the backend changed while loading: its cell runs again anyway. */
function checkBackend(what: string, backend: BackendStatus | undefined, free: () => void): void {
  const active = tf.getBackend();
  if (!backend || active === backend.active) return;
  free();
  throw new Error(`${what}: loaded for ${backend.active}, but ${active} is now the active backend; run the backend's cell again`);
}

export interface LoadImagesArgs extends CellLifetime, DataLocationArgs {
  /** The backend the images are for (see LoadBaseArgs.backend). Default: whichever is active. */
  backend?: BackendStatus;
  /** Training images (a random sample: the splits are stored shuffled). Default COURSE.trainImages. */
  train?: number;
  /** Validation images. Default COURSE.validationImages. */
  validation?: number;
  /** The task. Default COURSE.task. */
  task?: Task;
  /** Side of the images. Default COURSE.inputSize. */
  size?: number;
}

/** Training and validation images of the lesson's task, ready for MobileNetV2, with their class names. */
export interface LessonImages {
  train: LabeledImages;
  validation: LabeledImages;
  /** The task's class names, in label order. */
  classes: string[];
}

export async function loadImages(args: LoadImagesArgs = {}): Promise<LessonImages> {
  const { train = COURSE.trainImages, validation = COURSE.validationImages, task = COURSE.task, size = COURSE.inputSize, invalidation, backend, ...location } = args;
  const sets: LabeledImages[] = [];
  const free = () => {
    sets.forEach((set) => sharedFeatureCache.forget(set.x));
    tf.dispose(sets.flatMap((set) => [set.x, set.y]));
  };
  try {
    sets.push(await loadSplit({ task, split: 'train', size, limit: train, ...location }));
    sets.push(await loadSplit({ task, split: 'validation', size, limit: validation, ...location }));
  } catch (error) {
    free();
    throw error;
  }
  invalidation?.then(free);
  checkBackend('loadImages', backend, free);
  const [trainSet, validationSet] = sets as [LabeledImages, LabeledImages];
  return { train: trainSet, validation: validationSet, classes: [...trainSet.classes] };
}

export interface TrainArgs extends Omit<FineTuneArgs, 'signal'> {
  /** As fineTune's, but default COURSE.batchNorm ('moving': inference mode, Keras's advice for fine-tuning). */
  batchNorm?: FineTuneArgs['batchNorm'];
  /** The cell's `invalidation`: a re-run stops this training within one batch and frees its model. */
  invalidation: PromiseLike<unknown>;
}

/** Where a training stands: each value `train` yields (a Training shows itself as a progress line). */
export interface TrainingState {
  /** One log per finished epoch, in Keras's names (loss, accuracy, val_loss, val_accuracy). */
  logs: EpochLog[];
  /** Epochs asked for (early stopping may end sooner). */
  epochs: number;
  /** The task's class names. */
  classes: string[];
  /** Whether BatchNormalization trained with batch statistics (known once done; false with batchNorm 'moving'). */
  batchNormTrained?: boolean;
  /** Validation with BatchNormalization statistics re-estimated, once done (see FineTuneHistory). */
  batchNormCheck?: FineTuneHistory['batchNormCheck'];
  /** True once the run completed (it then has `history` and `model`). */
  done: boolean;
  /** The completed run's history (early stopping, best epoch, the cut), else null. */
  history: FineTuneHistory | null;
  /** The trained model (the base's frozen layers, the trained top and head), once done; freed when the cell re-runs. */
  model: tf.LayersModel | null;
  /** Seconds since the run started. */
  elapsed: number;
  /** What trained: a fine-tuned pretrained base, or the from-scratch reference (src/course/scratch.ts). Default 'fine-tuning'. */
  kind?: 'fine-tuning' | 'from scratch';
}

export type Training = TrainingState & Displayable;

/**
 * Fine-tunes `args.base` with the course's head and defaults (see fineTune), for a cell: yields a
 * Training now, after every epoch and at the end, and stops when `invalidation` resolves.
 *
 * ```ts
 * const training = train({ base, data, trainableLast, dropout, epochs, invalidation });
 * ```
 */
export async function* train(args: TrainArgs): AsyncGenerator<Training, void, void> {
  // With Keras's recipe (headEpochs), the head-only epochs come first and count too.
  const epochs = (args.epochs ?? COURSE.epochs) + (args.headEpochs ?? 0);
  const classes = [...args.data.train.classes];
  const run = fineTune({ trainableLast: COURSE.trainableLast, dropout: COURSE.dropout, batchNorm: COURSE.batchNorm, head: courseHead, ...args, epochs: args.epochs ?? COURSE.epochs });
  const started = performance.now();
  const logs: EpochLog[] = [];
  const snapshot = (history: FineTuneHistory | null, model: tf.LayersModel | null): Training =>
    trainingView({
      logs: [...logs],
      epochs,
      classes,
      batchNormTrained: history?.batchNormTrained ?? ((args.batchNorm ?? COURSE.batchNorm) === 'moving' ? false : undefined),
      batchNormCheck: history?.batchNormCheck ?? null,
      done: history !== null,
      history,
      model,
      elapsed: (performance.now() - started) / 1000,
    });
  let finished = false;
  try {
    yield snapshot(null, null);
    for (;;) {
      const step = await run.next();
      if (step.done) {
        finished = true;
        yield snapshot(step.value.history, step.value.model);
        return;
      }
      logs.push(step.value);
      yield snapshot(null, null);
    }
  } catch (error) {
    // The cell re-ran: this training is stale, and says nothing.
    if ((error as Error)?.name !== 'AbortError') throw error;
  } finally {
    // Closed early (the cell re-ran while this run waited between epochs): free it now.
    if (!finished) await run.return(undefined as never).catch(() => {});
  }
}

const seconds = (s: number) => `${s.toFixed(1)} s`;

/** "last 4 layers trainable", in the slider's count (Keras's `base.layers[-n:]`, the InputLayer included). */
function trainableText(n: number): string {
  return n === 0 ? 'only the head trainable' : `last ${n} layer${n === 1 ? '' : 's'} trainable`;
}

/** The progress line of a training, as text. */
export function trainingText(t: TrainingState): string {
  const done = t.logs.length;
  if (t.history) {
    const h = t.history;
    const stop = h.stoppedEpoch ? `; early stopping at epoch ${h.stoppedEpoch}${h.restoredBestWeights ? `, weights of epoch ${h.restoredEpoch ?? h.bestEpoch} restored` : ''}` : '';
    const what = t.kind === 'from scratch' ? 'a small CNN trained from scratch' : trainableText(h.trainableLast);
    return `Done: ${done} epoch${done === 1 ? '' : 's'} in ${seconds(t.elapsed)}, ${what}${stop}.`;
  }
  const last = t.logs[done - 1];
  if (!last) return t.kind === 'from scratch' ? `Epoch 1 of ${t.epochs}…` : `Epoch 1 of ${t.epochs}: preparing the frozen layers' features…`;
  // From the epochs' own times: the one-off feature pass before epoch 1 is not an epoch's cost.
  const perEpoch = t.logs.reduce((sum, log) => sum + log.seconds, 0) / done;
  const left = perEpoch * (t.epochs - done);
  return `Epoch ${done} of ${t.epochs} · ${seconds(last.elapsed)} · about ${left.toFixed(0)} s left`;
}

export function trainingView(state: TrainingState): Training {
  return withDisplay(state, () => {
    const text = trainingText(state);
    const bar = state.done ? '' : `<progress max="${state.epochs}" value="${state.logs.length}" aria-label="Epochs trained"></progress> `;
    return { text, html: `<p class="lectern-progress">${bar}${escapeHtml(text)}</p>` };
  });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
