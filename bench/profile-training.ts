/**
 * Where a MobileNetV2 training step spends its time, per kernel (tf.profile):
 *   npx tsx bench/profile-training.ts [trainableLast=154] [backend=wasm] [rows=32] [batch=12]
 * The step is Lectern's own (train-step.ts's createTrainer: tape, loss, Adam), as fineTune and the
 * pretrainer run it, not tfjs's trainOnBatch, which nothing in Lectern uses any more. A
 * development aid for the wasm kernels (src/ml/kernels); `npm run bench` gives the figures.
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend, type BackendName } from '../src/ml/backend.ts';
import { classifierHead } from '../src/ml/finetune.ts';
import { freezeAllButLast } from '../src/ml/freeze.ts';
import { mobileNetV2 } from '../src/ml/mobilenetv2.ts';
import { createTrainer } from '../src/ml/train-step.ts';

const [trainableLast = 154, backend = 'wasm', rows = 32, batch = 12] = process.argv.slice(2).map((a, i) => (i === 1 ? a : Number(a))) as [
  number,
  BackendName,
  number,
  number,
];
console.log((await selectBackend({ name: backend, fallback: false })).message);
const base = mobileNetV2({ inputShape: [rows, rows, 3], alpha: 1, includeTop: false, seed: 1 });
const input = tf.input({ shape: [rows, rows, 3] });
const model = tf.model({ inputs: input, outputs: classifierHead({ dropout: 0.2, classes: 10, seed: 2 }).apply(base.apply(input) as tf.SymbolicTensor) });
const x = tf.randomUniform([batch, rows, rows, 3], -1, 1);
const y = tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 10), 'float32');
freezeAllButLast(base, trainableLast);
const trainer = createTrainer(model, { learningRate: 1e-4 });
const step = async () => {
  const { loss, correct } = trainer.step([x], y);
  await loss.data(); // wait for the backend, as an epoch's read does
  tf.dispose([loss, correct]);
};
for (let i = 0; i < 2; i++) await step();
const start = performance.now();
const profile = await tf.profile(step);
console.log(`step: ${((performance.now() - start) / batch).toFixed(2)} ms/image (profiling adds overhead)`);
const byKernel = new Map<string, { ms: number; calls: number }>();
for (const k of profile.kernels) {
  const entry = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
  entry.ms += Number(k.kernelTimeMs);
  entry.calls++;
  byKernel.set(k.name, entry);
}
for (const [name, { ms, calls }] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) {
  console.log(`${name.padEnd(40)} ${ms.toFixed(1).padStart(8)} ms ${String(calls).padStart(6)} calls`);
}
