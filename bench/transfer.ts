/**
 * The point of transfer learning, measured: the lesson's head (GlobalAveragePooling2D → Dropout →
 * Dense(128, relu) → Dropout → Dense(4, softmax)) trained with the base frozen, on the target task,
 * from the shipped pretrained base and from a randomly initialised one, same data, settings, seed
 * and epochs. Also times the frozen features at two input sizes (the lesson's re-run cost).
 *
 *   npx tsx bench/transfer.ts [--train 2000] [--validation 1000] [--epochs 10] [--dropout 0.2]
 *                             [--model public/models/pretrained] [--sizes 32,48] [--size N] [--json out.json]
 *
 * --size runs the heads at another input size than the base was pretrained at (default: the same).
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/ml/backend.ts';
import { loadSplit } from '../src/ml/data/load.ts';
import { fineTuneToEnd } from '../src/ml/finetune.ts';
import { mobileNetV2 } from '../src/ml/mobilenetv2.ts';
import { loadPretrained } from '../src/ml/weights.ts';

const { values } = parseArgs({
  options: {
    train: { type: 'string', default: '2000' },
    validation: { type: 'string', default: '1000' },
    epochs: { type: 'string', default: '10' },
    dropout: { type: 'string', default: '0.2' },
    model: { type: 'string', default: 'public/models/pretrained' },
    sizes: { type: 'string', default: '32,48' },
    size: { type: 'string' },
    data: { type: 'string', default: 'public/data' },
    json: { type: 'string' },
  },
});
const trainCount = Number(values.train);
const validationCount = Number(values.validation);
const epochs = Number(values.epochs);
const dropout = Number(values.dropout);
const sizes = values.sizes.split(',').map(Number);

const status = await selectBackend('wasm');
console.log(`transfer: ${status.message}`);

interface Run { base: string; bestValAccuracy: number; finalValAccuracy: number; valAccuracies: number[]; seconds: number }

async function headOnFrozenBase(name: string, base: tf.LayersModel, size: number): Promise<Run> {
  const train = await loadSplit({ task: 'target', split: 'train', size, limit: trainCount, dir: values.data });
  const validation = await loadSplit({ task: 'target', split: 'validation', size, limit: validationCount, dir: values.data });
  const started = performance.now();
  const result = await fineTuneToEnd({ base, trainableLast: 0, dropout, epochs, data: { train, validation }, seed: 0, cache: null });
  const seconds = (performance.now() - started) / 1000;
  const valAccuracies = result.history.logs.map((log) => log.val_accuracy);
  result.dispose();
  tf.dispose([train.x, train.y, validation.x, validation.y]);
  const run = { base: name, bestValAccuracy: Math.max(...valAccuracies), finalValAccuracy: valAccuracies.at(-1)!, valAccuracies, seconds };
  console.log(`transfer: ${name.padEnd(10)} val accuracy by epoch ${valAccuracies.map((a) => (a * 100).toFixed(1)).join(' ')} | best ${(run.bestValAccuracy * 100).toFixed(1)}% | ${seconds.toFixed(1)} s`);
  return run;
}

/** Seconds to compute the frozen base's features for `count` images at `size` (what a lesson re-run pays once per cut). */
async function featureSeconds(size: number, count: number): Promise<number> {
  const base = mobileNetV2({ inputShape: [size, size, 3], alpha: 1.0, includeTop: false, seed: 3 });
  const { x, y } = await loadSplit({ task: 'target', split: 'train', size, limit: count, dir: values.data });
  const started = performance.now();
  for (let start = 0; start < count; start += 256) {
    const batch = x.slice([start, 0, 0, 0], [Math.min(256, count - start), size, size, 3]);
    const features = base.predict(batch) as tf.Tensor;
    await features.data();
    tf.dispose([batch, features]);
  }
  const seconds = (performance.now() - started) / 1000;
  tf.dispose([x, y]);
  base.dispose();
  return seconds;
}

const before = tf.memory().numTensors;
const loadStarted = performance.now();
const { model: pretrained, metadata } = await loadPretrained({ dir: values.model, includeTop: false, ...(values.size ? { inputSize: Number(values.size) } : {}) });
const size = values.size ? Number(values.size) : metadata.inputSize;
const loadSeconds = (performance.now() - loadStarted) / 1000;
console.log(`transfer: loaded the pretrained base (${metadata.quantization}) from ${values.model} in ${(loadSeconds * 1000).toFixed(0)} ms`);
const random = mobileNetV2({ inputShape: [size, size, 3], alpha: 1.0, includeTop: false, seed: 7 });
console.log(`transfer: head on a frozen base, target task (${trainCount} train / ${validationCount} validation images, ${size}×${size}, base pretrained at ${metadata.inputSize}×${metadata.inputSize}), ${epochs} epochs, dropout ${dropout}, Adam 1e-3, batch 32, seed 0`);
const runs = [
  await headOnFrozenBase('pretrained', pretrained, size),
  await headOnFrozenBase('random', random, size),
];
pretrained.dispose();
random.dispose();

const timing: Record<number, number> = {};
for (const size of sizes) {
  timing[size] = await featureSeconds(size, validationCount + trainCount);
  console.log(`transfer: frozen features for ${validationCount + trainCount} images at ${size}×${size}: ${timing[size]!.toFixed(1)} s (${((timing[size]! * 1000) / (validationCount + trainCount)).toFixed(2)} ms/image)`);
}
console.log(`transfer: tensors before ${before}, after ${tf.memory().numTensors}`);
const report = { loadSeconds, settings: { trainCount, validationCount, epochs, dropout, inputSize: size, pretrainedAt: metadata.inputSize, backend: status.message }, runs, featureSeconds: timing };
if (values.json) await writeFile(values.json, `${JSON.stringify(report, null, 2)}\n`);
