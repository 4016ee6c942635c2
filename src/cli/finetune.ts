/**
 * `lectern finetune`: the lesson's fine-tuning, headless. Loads the shipped pretrained base and the
 * lesson's data (target task), fine-tunes, prints one line per epoch and the diagnosis. With
 * --json: one JSON object per epoch, then `{"diagnosis": {...}}`. Lesson 7's callbacks: --logdir
 * writes TensorBoard event files (Keras's TensorBoard), --save-weights the best epoch's weights as a
 * Keras `.weights.h5` (ModelCheckpoint(save_best_only=True, save_weights_only=True)), and
 * --load-weights starts from such a file (`model.load_weights`).
 */
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { selectBackend, type BackendName } from '../ml/backend.ts';
import { FASHION_MNIST_CLASSES, TASK_LABELS } from '../ml/data/manifest.ts';
import { loadSplit } from '../ml/data/load.ts';
import type { LabeledImages } from '../ml/data/types.ts';
import { courseDiagnosis } from '../course/diagnosis.ts';
import { COURSE } from '../course/fine-tuning.ts';
import { formatDiagnosis } from '../ml/diagnose.ts';
import { evaluateModel } from '../ml/evaluate-model.ts';
import { fineTune, type EpochLog } from '../ml/finetune.ts';
import { loadKerasWeights, encodeKerasWeights, stackedLayout, type LoadedKerasWeights } from '../ml/keras-weights.ts';
import { mobileNetV2 } from '../ml/mobilenetv2.ts';
import { createTensorBoardLog, type TensorBoardLog } from '../ml/tensorboard.ts';
import { loadPretrainedBase } from '../ml/weights.ts';

const USAGE = `Usage: lectern finetune [options]

Fine-tunes the pretrained MobileNetV2 on the lesson's four classes (${TASK_LABELS.target.map((l) => FASHION_MNIST_CLASSES[l]).join(', ')})
with the course's head, then diagnoses the run.

Options:
  --trainable-last N   last base layers that train, 0..154 (default 4)
  --dropout P          dropout of the head, 0 <= P < 1 (default 0.5)
  --epochs E           epochs (default 10)
  --batch-size N       images per step (default 32)
  --lr X               Adam learning rate (default 0.001)
  --train-size N       training images (default 1000)
  --val-size N         validation images (default 500)
  --size N             input side (default 32)
  --early-stopping     the course's EarlyStopping (val_loss, patience 5, restore best weights)
  --batch-norm M       moving | batch: BatchNormalization above the cut stays in inference mode
                       (Keras's fine-tuning advice, the lesson's default) or trains with batch
                       statistics (Keras's plain behaviour for a trainable layer)
  --seed N             seed of the head, shuffling and dropout (default 0)
  --base B             pretrained | random (default pretrained; random: an untrained MobileNetV2)
  --model DIR          folder of the pretrained model (default public/models/pretrained)
  --data DIR           data folder (default public/data)
  --backend B          wasm | cpu (default wasm)
  --logdir DIR         TensorBoard event files in DIR/train and DIR/validation, as Keras's
                       TensorBoard(log_dir=DIR) writes them (view: tensorboard --logdir DIR)
  --save-weights F     after the run, the weights of the epoch with the lowest val_loss in Keras's
                       format (ModelCheckpoint(save_best_only=True, save_weights_only=True)); F must
                       end in .weights.h5; Keras reads it with model.load_weights(F) into
                       keras.Sequential([MobileNetV2(include_top=False), GlobalAveragePooling2D(),
                       Dropout, Dense(128, relu), Dropout, Dense(classes, softmax)])
  --load-weights F     start from a .weights.h5 file of that model (Lectern's or Keras's)
  --json               one JSON object per epoch, then {"diagnosis": ...}
`;

export interface FineTuneCliOptions {
  trainableLast: number;
  dropout: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  trainSize: number;
  valSize: number;
  size: number;
  earlyStopping: boolean;
  batchNorm: 'batch' | 'moving';
  seed: number;
  base: 'pretrained' | 'random';
  model?: string;
  data?: string;
  backend: BackendName;
  logdir?: string;
  saveWeights?: string;
  loadWeights?: string;
  json: boolean;
}

function number(name: string, text: string, check: (x: number) => boolean, what: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || !check(value)) throw new Error(`--${name} must be ${what}, got "${text}"`);
  return value;
}
const integer = (name: string, text: string, min: number, max = Infinity) =>
  number(name, text, (x) => Number.isInteger(x) && x >= min && x <= max, max === Infinity ? `an integer >= ${min}` : `an integer from ${min} to ${max}`);

/** Parses the command line; throws an Error whose message names the bad option. */
export function parseFineTuneArgs(args: string[]): FineTuneCliOptions | 'help' {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      'trainable-last': { type: 'string', default: '4' },
      dropout: { type: 'string', default: '0.5' },
      epochs: { type: 'string', default: '10' },
      'batch-size': { type: 'string', default: '32' },
      lr: { type: 'string', default: '0.001' },
      'train-size': { type: 'string', default: '1000' },
      'val-size': { type: 'string', default: '500' },
      size: { type: 'string', default: '32' },
      'early-stopping': { type: 'boolean', default: false },
      'batch-norm': { type: 'string', default: COURSE.batchNorm },
      seed: { type: 'string', default: '0' },
      base: { type: 'string', default: 'pretrained' },
      model: { type: 'string' },
      data: { type: 'string' },
      backend: { type: 'string', default: 'wasm' },
      logdir: { type: 'string' },
      'save-weights': { type: 'string' },
      'load-weights': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  if (values.base !== 'pretrained' && values.base !== 'random') throw new Error(`--base must be pretrained or random, got "${values.base}"`);
  if (values['batch-norm'] !== 'batch' && values['batch-norm'] !== 'moving') throw new Error(`--batch-norm must be batch or moving, got "${values['batch-norm']}"`);
  if (values.backend !== 'wasm' && values.backend !== 'cpu') throw new Error(`--backend must be wasm or cpu in Node, got "${values.backend}"`);
  for (const name of ['save-weights', 'load-weights'] as const) {
    const file = values[name];
    // Keras 3 refuses other names for weight files; so do we, before a long run.
    if (file !== undefined && !file.endsWith('.weights.h5')) throw new Error(`--${name} must name a file ending in .weights.h5 (as Keras requires), got "${file}"`);
  }
  if (values.logdir !== undefined && values.logdir.trim() === '') throw new Error('--logdir must name a folder');
  return {
    trainableLast: integer('trainable-last', values['trainable-last'], 0, 154),
    dropout: number('dropout', values.dropout, (x) => x >= 0 && x < 1, 'a number in [0, 1)'),
    epochs: integer('epochs', values.epochs, 1),
    batchSize: integer('batch-size', values['batch-size'], 1),
    learningRate: number('lr', values.lr, (x) => x > 0, 'a positive number'),
    trainSize: integer('train-size', values['train-size'], 1),
    valSize: integer('val-size', values['val-size'], 1),
    size: integer('size', values.size, 32),
    earlyStopping: values['early-stopping'],
    batchNorm: values['batch-norm'],
    seed: integer('seed', values.seed, 0),
    base: values.base,
    model: values.model,
    data: values.data,
    backend: values.backend,
    logdir: values.logdir,
    saveWeights: values['save-weights'],
    loadWeights: values['load-weights'],
    json: values.json,
  };
}

export function formatEpoch(log: EpochLog): string {
  const f = (x: number) => x.toFixed(4);
  return `Epoch ${log.epoch}/${log.epochs} - ${log.seconds.toFixed(2)}s - loss: ${f(log.loss)} - accuracy: ${f(log.accuracy)} - val_loss: ${f(log.val_loss)} - val_accuracy: ${f(log.val_accuracy)}`;
}

async function loadBase(o: FineTuneCliOptions): Promise<tf.LayersModel> {
  if (o.base === 'random') return mobileNetV2({ inputShape: [o.size, o.size, 3], alpha: 1.0, includeTop: false, seed: o.seed + 1 });
  return loadPretrainedBase({ dir: o.model, inputSize: o.size });
}

/** Reads a weight file for --load-weights; a missing file is named. */
async function readWeightsFile(file: string): Promise<Uint8Array> {
  const { readFile } = await import('node:fs/promises');
  try {
    return new Uint8Array(await readFile(file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`--load-weights ${file}: ${code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? (error as Error).message})`}`);
  }
}

/** Writes `bytes` to `file` through a temporary name, so a crash never leaves half a file under it. */
async function writeFileAtomically(file: string, bytes: Uint8Array): Promise<void> {
  const { mkdir, rename, writeFile } = await import('node:fs/promises');
  const { dirname } = await import('node:path');
  await mkdir(dirname(file), { recursive: true });
  const temporary = `${file}.tmp-${process.pid}`;
  await writeFile(temporary, bytes);
  await rename(temporary, file);
}

export async function run(args: string[]): Promise<number> {
  let options: FineTuneCliOptions | 'help';
  try {
    options = parseFineTuneArgs(args);
  } catch (error) {
    console.error(`lectern finetune: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }
  const o = options;
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const status = await selectBackend({ name: o.backend, fallback: false });
  let base: tf.LayersModel | null = null;
  let board: TensorBoardLog | null = null;
  const data: LabeledImages[] = [];
  try {
    base = await loadBase(o);
    const dir = o.data;
    data.push(await loadSplit({ task: 'target', split: 'train', size: o.size, limit: o.trainSize, dir }));
    data.push(await loadSplit({ task: 'target', split: 'validation', size: o.size, limit: o.valSize, dir }));
    const [train, validation] = data;
    if (!o.json) {
      out(`${status.message} Base: ${o.base} MobileNetV2 at ${o.size}×${o.size}, last ${o.trainableLast} layers trainable, dropout ${o.dropout}.`);
      out(`Data: ${train.x.shape[0]} training and ${validation.x.shape[0]} validation images, classes ${train.classes.join(', ')}.`);
    }
    const initialWeights = o.loadWeights ? await startFromFile(o.loadWeights, base, validation, o.json ? () => {} : out) : undefined;
    if (o.logdir) {
      board = await createTensorBoardLog(o.logdir, { learningRate: o.learningRate });
      if (!o.json) out(`TensorBoard: event files in ${board.dirs.train} and ${board.dirs.validation} (tensorboard --logdir ${o.logdir}).`);
    }
    const run = fineTune({
      base,
      data: { train, validation },
      trainableLast: o.trainableLast,
      dropout: o.dropout,
      epochs: o.epochs,
      batchSize: o.batchSize,
      learningRate: o.learningRate,
      earlyStopping: o.earlyStopping,
      batchNorm: o.batchNorm,
      seed: o.seed,
      initialWeights,
    });
    let step = await run.next();
    while (!step.done) {
      out(o.json ? JSON.stringify(step.value) : formatEpoch(step.value));
      await board?.write(step.value);
      step = await run.next();
    }
    const result = step.value;
    try {
      const diagnosis = courseDiagnosis(result.history);
      const h = result.history;
      let saved: { file: string; epoch: number; val_loss: number } | null = null;
      if (o.saveWeights && h.bestEpoch !== null) {
        // ModelCheckpoint(save_best_only=True): the epoch with the lowest val_loss, whatever the model ended with.
        result.useBestWeights();
        await writeFileAtomically(o.saveWeights, await encodeKerasWeights(stackedLayout(result.model, base)));
        saved = { file: o.saveWeights, epoch: h.bestEpoch, val_loss: h.logs[h.bestEpoch - 1]!.val_loss };
      }
      if (o.json) {
        out(JSON.stringify({ diagnosis, history: { ...h, logs: undefined }, ...(saved ? { savedWeights: saved } : {}) }));
      } else {
        if (h.stoppedEpoch) out(`Early stopping at epoch ${h.stoppedEpoch}; weights of epoch ${h.bestEpoch} restored.`);
        if (saved) out(`Saved the weights of epoch ${saved.epoch} (lowest val_loss, ${saved.val_loss.toFixed(4)}) to ${saved.file}.`);
        out(`Features at the cut: ${h.featureSeconds.toFixed(2)}s (${h.featureSource}); ${h.frozenLayers} frozen layers, ${h.trainableLayers} trainable.`);
        out('');
        out(formatDiagnosis(diagnosis));
      }
    } finally {
      result.dispose();
    }
    return 0;
  } catch (error) {
    console.error(`lectern finetune: ${(error as Error).message}`);
    return 1;
  } finally {
    await board?.close();
    tf.dispose(data.flatMap((d) => [d.x, d.y]));
    base?.dispose();
  }
}

/**
 * --load-weights: the file's base part goes into the base now (so the frozen layers and the
 * features at the cut are the checkpoint's), the rest into the model fineTune builds.
 */
async function startFromFile(file: string, base: tf.LayersModel, validation: LabeledImages, out: (line: string) => void): Promise<(model: tf.LayersModel) => Promise<void>> {
  const bytes = await readWeightsFile(file);
  const fileName = file;
  const intoBase: LoadedKerasWeights = await loadKerasWeights(stackedLayout(base, base), bytes, { fileName });
  const baseLayers = new Set(base.layers);
  return async (model) => {
    const loaded = await loadKerasWeights(stackedLayout(model, base), bytes, { fileName, skip: (layer) => baseLayers.has(layer) });
    const ignored = loaded.ignored.length ? `; not loaded: ${loaded.ignored.join(', ')}` : '';
    out(`Loaded ${file}: weights of ${intoBase.layers} base layers, then of ${loaded.layers} layers above the cut (head included)${ignored}.`);
    // What the checkpoint scores before any training: its epoch's val_loss and val_accuracy again.
    const score = await evaluateModel(model, validation);
    out(`Loaded model - val_loss: ${score.loss.toFixed(4)} - val_accuracy: ${score.accuracy.toFixed(4)}`);
  };
}
