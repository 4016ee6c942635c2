/**
 * What the pretrained base buys, measured on the lesson's own path (src/course: loadImages, train,
 * trainFromScratch, the lesson's diagnosis), on several seeds: the rows issue 11 asks for, side by
 * side in one run. Each row prints best and last validation accuracy, the train − validation gap,
 * the highest validation loss against ln(classes), the rise of validation loss after its best
 * epoch, seconds (cold, and warm: the same run again with the frozen features cached) and the
 * lesson's diagnosis.
 *
 *   npx tsx bench/transfer.ts [--seeds 0,1,2] [--only 'head;scratch'] [--model DIR] [--data DIR]
 *                             [--validation 500] [--json out.json] [--markdown table.md]
 *
 * At the end it checks issue 11's bars per seed (printed, and with the table in --markdown).
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
    markdown: { type: 'string' },
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

/**
 * The issue 11 table (public/models/MODEL.md): the lesson's default and its "Your turn" settings,
 * the bars they are measured against (head only, a random base, the from-scratch reference for the
 * same wall time), and Keras's plain BatchNormalization. Rows without `batchNorm` take the
 * lesson's default (COURSE.batchNorm, inference mode).
 */
const ROWS: Row[] = [
  { label: 'random base, head only', base: 'random', trainableLast: 0 },
  { label: 'head only', base: 'pretrained', trainableLast: 0, warm: true },
  { label: 'lesson default: last 4', base: 'pretrained', trainableLast: 4, warm: true },
  { label: 'scratch, same time as the lesson default', base: 'scratch', budgetOf: 'lesson default: last 4' },
  { label: 'last 4, batch BN (Keras plain)', base: 'pretrained', trainableLast: 4, batchNorm: 'batch' },
  { label: 'last 12', base: 'pretrained', trainableLast: 12 },
  { label: 'good fit: last 30, 2000 images', base: 'pretrained', trainableLast: 30, train: 2000, warm: true },
  { label: 'last 30', base: 'pretrained', trainableLast: 30 },
  { label: 'best: all, lr 3e-4', base: 'pretrained', trainableLast: 154, learningRate: 3e-4 },
  { label: 'scratch, same time as best', base: 'scratch', budgetOf: 'best: all, lr 3e-4' },
  { label: "Keras's recipe: 5 head epochs, then all at 1e-4 for 5", base: 'pretrained', trainableLast: 154, headEpochs: 5, epochs: 5, learningRate: 1e-4 },
  { label: 'broken BN: last 30, batch BN', base: 'pretrained', trainableLast: 30, batchNorm: 'batch' },
  { label: 'underfit: head only, dropout 0.9', base: 'pretrained', trainableLast: 0, dropout: 0.9 },
  { label: 'underfit: head only, lr 1e-5', base: 'pretrained', trainableLast: 0, learningRate: 1e-5 },
  { label: 'few images: last 4, 100 images', base: 'pretrained', trainableLast: 4, train: 100 },
  { label: 'few images: scratch, 100 images, same time', base: 'scratch', train: 100, budgetOf: 'few images: last 4, 100 images' },
  { label: 'few images: last 4, 100 images, 30 epochs', base: 'pretrained', trainableLast: 4, train: 100, epochs: 30 },
  { label: 'few images: scratch, 100 images, same time as 30 epochs', base: 'scratch', train: 100, budgetOf: 'few images: last 4, 100 images, 30 epochs' },
  { label: 'overfit: last 30, 20 images, dropout 0, 30 epochs', base: 'pretrained', trainableLast: 30, dropout: 0, train: 20, epochs: 30 },
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
/**
 * Seconds are wall time; `cpuSeconds` is this process's CPU time over the same run, which other
 * jobs on a shared machine barely change (wasm runs single-threaded here, so on an idle machine
 * the two nearly agree): read it when the wall times are noisy.
 */
async function runToEnd(make: (invalidation: Promise<void>) => AsyncGenerator<Training, void, void>): Promise<{ last: Training; seconds: number; cpuSeconds: number }> {
  let free!: () => void;
  const invalidation = new Promise<void>((resolve) => { free = resolve; });
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  let last: Training | undefined;
  for await (const value of make(invalidation)) last = value;
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  free();
  await Promise.resolve();
  if (!last?.done) throw new Error('transfer: a run ended without finishing');
  return { last, seconds, cpuSeconds };
}

interface Result {
  row: string; seed: number; bestVal: number; lastVal: number; lastTrain: number; gap: number; maxValLoss: number;
  valLossRiseAfterBest: number; bestEpoch: number; epochs: number; seconds: number; cpuSeconds: number; warmSeconds: number | null;
  warmCpuSeconds: number | null; verdict: string;
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
    let run: { last: Training; seconds: number; cpuSeconds: number };
    let warmSeconds: number | null = null;
    let warmCpuSeconds: number | null = null;
    if (row.base === 'scratch') {
      const budget = results.find((r) => r.row === row.budgetOf && r.seed === seed)?.seconds;
      if (budget === undefined) throw new Error(`transfer: "${row.label}" needs "${row.budgetOf}" to run first (same seeds, not filtered out)`);
      run = await runToEnd((invalidation) => trainFromScratch({ data, seconds: budget, seed, invalidation }));
    } else {
      run = await runToEnd(fineTuneRun);
      if (row.warm) ({ seconds: warmSeconds, cpuSeconds: warmCpuSeconds } = await runToEnd(fineTuneRun));
    }
    tf.dispose([data.train.x, data.train.y, data.validation.x, data.validation.y]);
    const logs = run.last.logs;
    const bestIndex = logs.reduce((b, l, i) => (l.val_loss < logs[b]!.val_loss ? i : b), 0);
    const last = logs.at(-1)!;
    const diagnosis = courseDiagnosis({ logs, classes: run.last.classes, batchNormTrained: run.last.history!.batchNormTrained, batchNormCheck: run.last.history!.batchNormCheck });
    const result: Result = {
      row: row.label, seed, bestVal: Math.max(...logs.map((l) => l.val_accuracy)), lastVal: last.val_accuracy, lastTrain: last.accuracy,
      gap: last.accuracy - last.val_accuracy, maxValLoss: Math.max(...logs.map((l) => l.val_loss)),
      valLossRiseAfterBest: last.val_loss - logs[bestIndex]!.val_loss, bestEpoch: bestIndex + 1, epochs: logs.length,
      seconds: run.seconds, cpuSeconds: run.cpuSeconds, warmSeconds, warmCpuSeconds, verdict: diagnosis.verdict,
    };
    results.push(result);
    console.log(
      `seed ${seed} | ${row.label.padEnd(52)} | best val ${pct(result.bestVal)}% | last train ${pct(result.lastTrain)} val ${pct(result.lastVal)} gap ${pct(result.gap)}` +
      ` | max val_loss ${result.maxValLoss.toFixed(2)} (ln ${run.last.classes.length} = ${Math.log(run.last.classes.length).toFixed(2)}) rise after best (ep ${result.bestEpoch}) ${result.valLossRiseAfterBest.toFixed(3)}` +
      (run.last.history?.batchNormCheck ? ` | val with re-estimated BN ${pct(run.last.history.batchNormCheck.recalibratedValAccuracy)} (as trained ${pct(run.last.history.batchNormCheck.valAccuracy)})` : '') +
      ` | ${seconds(result)} | ${result.epochs} epochs | ${diagnosis.verdict}`,
    );
  }
}
console.log(`transfer: tensors after the runs ${tf.memory().numTensors - tensorsBefore} more than before them (0 expected; the feature cache may hold some)`);
pretrained.dispose();
random.dispose();
const checks = seeds.map((seed) => ({ seed, lines: issueChecks(seed) }));
for (const { seed, lines } of checks) for (const line of lines) console.log(`seed ${seed} | ${line.ok ? 'holds' : 'FAILS'} | ${line.text}`);
if (values.markdown) await writeFile(values.markdown, markdownTables(checks));
if (values.json) await writeFile(values.json, `${JSON.stringify({ backend: status.message, validation: Number(values.validation), results }, null, 2)}\n`);

interface Check { ok: boolean; text: string }

/** "6.8 s (CPU 5.1), warm 4.2 s (CPU 3.9)": wall time, and this process's CPU time beside it. */
function seconds(r: Result): string {
  const warm = r.warmSeconds === null ? '' : `, warm ${r.warmSeconds.toFixed(1)} s (CPU ${r.warmCpuSeconds!.toFixed(1)})`;
  return `${r.seconds.toFixed(1)} s (CPU ${r.cpuSeconds.toFixed(1)})${warm}`;
}

/** Issue 11's "numbers that must hold", for one seed, from the rows that ran (a missing row is skipped). */
function issueChecks(seed: number): Check[] {
  const get = (label: string) => results.find((r) => r.seed === seed && r.row === label);
  const out: Check[] = [];
  const head = get('head only');
  const random = get('random base, head only');
  const lesson = get('lesson default: last 4');
  const best = get('best: all, lr 3e-4');
  const scratch = get('scratch, same time as best');
  const overfit = get('overfit: last 30, 20 images, dropout 0, 30 epochs');
  const good = get('good fit: last 30, 2000 images');
  const chanceLoss = Math.log(4);
  if (head && random) out.push({ ok: head.bestVal >= 0.75 && head.bestVal - random.bestVal >= 0.2, text: `head only best val ${pct(head.bestVal)}% (≥ 75%), ${pct(head.bestVal - random.bestVal)} points over a random base (≥ 20)` });
  if (lesson && head) out.push({ ok: lesson.bestVal - head.bestVal >= 0.02 && (lesson.warmSeconds ?? Infinity) <= 6, text: `lesson default ${pct(lesson.bestVal)}%, ${pct(lesson.bestVal - head.bestVal)} points over head only (≥ 2), warm re-run ${lesson.warmSeconds?.toFixed(1)} s, CPU ${lesson.warmCpuSeconds?.toFixed(1)} s (≤ 6)` });
  const few = get('few images: last 4, 100 images');
  const fewScratch = get('few images: scratch, 100 images, same time');
  if (few && fewScratch) out.push({ ok: few.bestVal > fewScratch.bestVal, text: `with 100 training images: last 4 ${pct(few.bestVal)}% vs from scratch for the same ${few.seconds.toFixed(1)} s ${pct(fewScratch.bestVal)}% (not a bar of the issue: where pretraining pays)` });
  if (best && scratch) out.push({ ok: best.bestVal >= 0.85 && best.bestVal > scratch.bestVal, text: `best fine-tuned ${pct(best.bestVal)}% (≥ 85%) vs from scratch for the same ${best.seconds.toFixed(0)} s ${pct(scratch.bestVal)}%` });
  if (overfit) out.push({ ok: overfit.gap >= 0.15 && overfit.valLossRiseAfterBest > 0 && overfit.maxValLoss <= chanceLoss && overfit.verdict === 'overfitting', text: `overfitting example: gap ${pct(overfit.gap)} (≥ 15), val loss up ${overfit.valLossRiseAfterBest.toFixed(3)} after epoch ${overfit.bestEpoch}, max val loss ${overfit.maxValLoss.toFixed(2)} (≤ ln 4 = ${chanceLoss.toFixed(2)}), diagnosed ${overfit.verdict}` });
  if (good) out.push({ ok: Math.abs(good.gap) <= 0.05 && good.lastVal >= 0.8 && (good.warmSeconds ?? Infinity) <= 60, text: `good-fit example: gap ${pct(good.gap)} (within 5), val ${pct(good.lastVal)}% (≥ 80%), warm ${good.warmSeconds?.toFixed(1)} s, CPU ${good.warmCpuSeconds?.toFixed(1)} s (≤ 60), diagnosed ${good.verdict}` });
  return out;
}

function markdownTables(checks: { seed: number; lines: Check[] }[]): string {
  const rowsBySeed = results.map((r) =>
    `| ${r.seed} | ${r.row} | ${pct(r.bestVal)}% | ${pct(r.lastTrain)} / ${pct(r.lastVal)} | ${pct(r.gap)} | ${r.maxValLoss.toFixed(2)} | ${r.valLossRiseAfterBest.toFixed(3)} (ep ${r.bestEpoch}) | ${seconds(r)} | ${r.verdict} |`);
  return [
    `${status.message}; ${values.validation} validation images; seeds ${seeds.join(', ')}; \`npx tsx bench/transfer.ts --seeds ${seeds.join(',')}\``,
    '',
    '| Seed | Setting | Best val | Last train / val | Gap | Max val loss | Val loss rise after best | Seconds | Diagnosis |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rowsBySeed,
    '',
    '| Seed | Holds | Bar (issue 11) |',
    '|---|---|---|',
    ...checks.flatMap(({ seed, lines }) => lines.map((line) => `| ${seed} | ${line.ok ? 'yes' : '**no**'} | ${line.text} |`)),
    '',
  ].join('\n');
}
