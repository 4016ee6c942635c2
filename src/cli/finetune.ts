/**
 * `lectern finetune`: the lesson's fine-tuning, headless. Loads the shipped pretrained base and the
 * lesson's data (target task), fine-tunes, prints one line per epoch and the diagnosis. With
 * --json: one JSON object per epoch, then `{"diagnosis": {...}}`.
 */
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { selectBackend, type BackendName } from '../ml/backend.ts';
import { loadSplit } from '../ml/data/load.ts';
import type { LabeledImages } from '../ml/data/types.ts';
import { diagnose, formatDiagnosis } from '../ml/diagnose.ts';
import { fineTune, type EpochLog } from '../ml/finetune.ts';
import { mobileNetV2 } from '../ml/mobilenetv2.ts';
import { loadPretrainedBase } from '../ml/weights.ts';

const USAGE = `Usage: lectern finetune [options]

Fine-tunes the pretrained MobileNetV2 on the lesson's four classes (T-shirt/top, Pullover, Coat,
Shirt) with the course's head, then diagnoses the run.

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
  --batch-norm M       batch | moving: BatchNormalization above the cut trains with batch statistics
                       (Keras, the course; default) or stays in inference mode (Keras's fine-tuning advice)
  --seed N             seed of the head, shuffling and dropout (default 0)
  --base B             pretrained | random (default pretrained; random: an untrained MobileNetV2)
  --model DIR          folder of the pretrained model (default public/models/pretrained)
  --data DIR           data folder (default public/data)
  --backend B          wasm | cpu (default wasm)
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
      'batch-norm': { type: 'string', default: 'batch' },
      seed: { type: 'string', default: '0' },
      base: { type: 'string', default: 'pretrained' },
      model: { type: 'string' },
      data: { type: 'string' },
      backend: { type: 'string', default: 'wasm' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  if (values.base !== 'pretrained' && values.base !== 'random') throw new Error(`--base must be pretrained or random, got "${values.base}"`);
  if (values['batch-norm'] !== 'batch' && values['batch-norm'] !== 'moving') throw new Error(`--batch-norm must be batch or moving, got "${values['batch-norm']}"`);
  if (values.backend !== 'wasm' && values.backend !== 'cpu') throw new Error(`--backend must be wasm or cpu in Node, got "${values.backend}"`);
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
    });
    let step = await run.next();
    while (!step.done) {
      out(o.json ? JSON.stringify(step.value) : formatEpoch(step.value));
      step = await run.next();
    }
    const result = step.value;
    const diagnosis = diagnose(result.history.logs);
    if (o.json) {
      out(JSON.stringify({ diagnosis, history: { ...result.history, logs: undefined } }));
    } else {
      const h = result.history;
      if (h.stoppedEpoch) out(`Early stopping at epoch ${h.stoppedEpoch}; weights of epoch ${h.bestEpoch} restored.`);
      out(`Features at the cut: ${h.featureSeconds.toFixed(2)}s (${h.featureSource}); ${h.frozenLayers} frozen layers, ${h.trainableLayers} trainable.`);
      out('');
      out(formatDiagnosis(diagnosis));
    }
    result.dispose();
    return 0;
  } catch (error) {
    console.error(`lectern finetune: ${(error as Error).message}`);
    return 1;
  } finally {
    tf.dispose(data.flatMap((d) => [d.x, d.y]));
    base?.dispose();
  }
}
