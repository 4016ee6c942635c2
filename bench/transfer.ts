/**
 * What the pretrained base buys, measured on the lesson's own path (src/course: loadImages, train,
 * trainFromScratch, the lesson's diagnosis), on several seeds: the rows issue 11 asks for, side by
 * side in one run. Each row prints best and last validation accuracy, the train − validation gap,
 * the highest validation loss against ln(classes), the rise of validation loss after its best
 * epoch, seconds (cold, and warm: the same run again with the frozen features cached) and the
 * lesson's diagnosis.
 *
 *   npx tsx bench/transfer.ts [--seeds 0,1,2] [--only 'head;scratch'] [--model DIR] [--data DIR]
 *                             [--validation 500] [--json out.json]
 *
 * "scratch" rows train the from-scratch CNN for the wall time of the row named by `budgetOf`.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/ml/backend.ts';
import { mobileNetV2 } from '../src/ml/mobilenetv2.ts';
import { loadPretrainedBase } from '../src/ml/weights.ts';
import { COURSE, loadImages, train, type Training } from '../src/course/fine-tuning.ts';
import { trainFromScratch } from '../src/course/scratch.ts';
import { courseDiagnosis } from '../src/course/diagnosis.ts';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '0,1,2' },
    only: { type: 'string' },
    model: { type: 'string', default: 'public/models/pretrained' },
    data: { type: 'string', default: 'public/data' },
    validation: { type: 'string', default: String(COURSE.validationImages) },
    json: { type: 'string' },
  },
});

interface Row {
  label: string;
  base: 'pretrained' | 'random' | 'scratch';
  trainableLast?: number;
  batchNorm?: 'batch' | 'moving';
  learningRate?: number;
  headEpochs?: number;
  dropout?: number;
  train?: number;
  epochs?: number;
  /** Also time a second, warm run (features cached). */
  warm?: boolean;
  /** scratch rows: train for the wall time of this row. */
  budgetOf?: string;
}

const ROWS: Row[] = [
  { label: 'random base, head only', base: 'random', trainableLast: 0 },
  { label: 'head only', base: 'pretrained', trainableLast: 0, warm: true },
  { label: 'last 4, batch BN', base: 'pretrained', trainableLast: 4, batchNorm: 'batch' },
  { label: 'last 4, BN inference', base: 'pretrained', trainableLast: 4, batchNorm: 'moving', warm: true },
  { label: 'last 12, BN inference', base: 'pretrained', trainableLast: 12, batchNorm: 'moving', warm: true },
  { label: 'last 30, BN inference', base: 'pretrained', trainableLast: 30, batchNorm: 'moving', warm: true },
  { label: 'all, BN inference, lr 3e-4', base: 'pretrained', trainableLast: 154, batchNorm: 'moving', learningRate: 3e-4, warm: true },
  { label: 'all, BN inference, lr 1e-3', base: 'pretrained', trainableLast: 154, batchNorm: 'moving', learningRate: 1e-3 },
  { label: 'all, batch BN, lr 1e-3', base: 'pretrained', trainableLast: 154, batchNorm: 'batch', learningRate: 1e-3 },
  { label: 'scratch, same time as all lr 3e-4', base: 'scratch', budgetOf: 'all, BN inference, lr 3e-4' },
  { label: 'overfit: all, 100 images, dropout 0, 30 epochs', base: 'pretrained', trainableLast: 154, batchNorm: 'moving', dropout: 0, train: 100, epochs: 30, learningRate: 1e-3 },
];

const seeds = values.seeds.split(',').map(Number);
const only = values.only?.split(';').map((s) => s.trim().toLowerCase());
const rows = ROWS.filter((row) => !only || only.some((o) => row.label.toLowerCase().includes(o)));
const status = await selectBackend({ name: 'wasm', fallback: false });
console.log(`transfer: ${status.message}; ${values.validation} validation images; seeds ${seeds.join(', ')}`);

const pretrained = await loadPretrainedBase({ dir: values.model, inputSize: COURSE.inputSize });
const random = mobileNetV2({ inputShape: [COURSE.inputSize, COURSE.inputSize, 3], alpha: 1.0, includeTop: false, seed: 7 });
const tensorsBefore = tf.memory().numTensors;

/** Runs a training generator to its end; returns its last value and frees its model via invalidation. */
async function runToEnd(make: (invalidation: Promise<void>) => AsyncGenerator<Training, void, void>): Promise<{ last: Training; seconds: number }> {
  let free!: () => void;
  const invalidation = new Promise<void>((resolve) => { free = resolve; });
  const started = performance.now();
  let last: Training | undefined;
  for await (const value of make(invalidation)) last = value;
  const seconds = (performance.now() - started) / 1000;
  free();
  await Promise.resolve();
  if (!last?.done) throw new Error('transfer: a run ended without finishing');
  return { last, seconds };
}

interface Result {
  row: string; seed: number; bestVal: number; lastVal: number; lastTrain: number; gap: number; maxValLoss: number;
  valLossRiseAfterBest: number; bestEpoch: number; epochs: number; seconds: number; warmSeconds: number | null; verdict: string;
}
const results: Result[] = [];
const pct = (x: number) => `${(x * 100).toFixed(1)}`;

for (const seed of seeds) {
  for (const row of rows) {
    const data = await loadImages({ train: row.train ?? COURSE.trainImages, validation: Number(values.validation), dir: values.data });
    const fineTuneRun = (invalidation: Promise<void>) => train({
      base: row.base === 'random' ? random : pretrained, data, trainableLast: row.trainableLast ?? COURSE.trainableLast,
      dropout: row.dropout ?? COURSE.dropout, epochs: row.epochs ?? COURSE.epochs, seed, invalidation,
      ...(row.batchNorm ? { batchNorm: row.batchNorm } : {}), ...(row.learningRate ? { learningRate: row.learningRate } : {}),
      ...(row.headEpochs ? { headEpochs: row.headEpochs } : {}),
    });
    let run: { last: Training; seconds: number };
    let warmSeconds: number | null = null;
    if (row.base === 'scratch') {
      const budget = results.find((r) => r.row === row.budgetOf && r.seed === seed)?.seconds;
      if (budget === undefined) throw new Error(`transfer: "${row.label}" needs "${row.budgetOf}" to run first (same seeds, not filtered out)`);
      run = await runToEnd((invalidation) => trainFromScratch({ data, seconds: budget, seed, invalidation }));
    } else {
      run = await runToEnd(fineTuneRun);
      if (row.warm) warmSeconds = (await runToEnd(fineTuneRun)).seconds;
    }
    tf.dispose([data.train.x, data.train.y, data.validation.x, data.validation.y]);
    const logs = run.last.logs;
    const bestIndex = logs.reduce((b, l, i) => (l.val_loss < logs[b]!.val_loss ? i : b), 0);
    const last = logs.at(-1)!;
    const diagnosis = courseDiagnosis({ logs, classes: run.last.classes, batchNormTrained: run.last.history!.batchNormTrained });
    const result: Result = {
      row: row.label, seed, bestVal: Math.max(...logs.map((l) => l.val_accuracy)), lastVal: last.val_accuracy, lastTrain: last.accuracy,
      gap: last.accuracy - last.val_accuracy, maxValLoss: Math.max(...logs.map((l) => l.val_loss)),
      valLossRiseAfterBest: last.val_loss - logs[bestIndex]!.val_loss, bestEpoch: bestIndex + 1, epochs: logs.length,
      seconds: run.seconds, warmSeconds, verdict: diagnosis.verdict,
    };
    results.push(result);
    console.log(
      `seed ${seed} | ${row.label.padEnd(46)} | best val ${pct(result.bestVal)}% | last train ${pct(result.lastTrain)} val ${pct(result.lastVal)} gap ${pct(result.gap)}` +
      ` | max val_loss ${result.maxValLoss.toFixed(2)} (ln ${run.last.classes.length} = ${Math.log(run.last.classes.length).toFixed(2)}) rise after best (ep ${result.bestEpoch}) ${result.valLossRiseAfterBest.toFixed(3)}` +
      ` | ${result.seconds.toFixed(1)} s${warmSeconds === null ? '' : `, warm ${warmSeconds.toFixed(1)} s`} | ${result.epochs} epochs | ${diagnosis.verdict}`,
    );
  }
}
console.log(`transfer: tensors after the runs ${tf.memory().numTensors - tensorsBefore} more than before them (0 expected; the feature cache may hold some)`);
pretrained.dispose();
random.dispose();
if (values.json) await writeFile(values.json, `${JSON.stringify({ backend: status.message, validation: Number(values.validation), results }, null, 2)}\n`);
