/**
 * Throughput of MobileNetV2 (alpha 1.0, include_top false, the course's classifier
 * head on top) in Node: images per second of a forward pass (inference) and of a
 * training step as Lectern trains (src/ml/train-step.ts: forward, backward, Adam update,
 * the computation of tfjs's fit(), with the fused Adam on wasm) with the last N base layers
 * trainable, per backend. Each figure is measured over `batches`
 * batches after one warm-up batch (which compiles XNNPACK operators and fills
 * caches).
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend, type BackendName, type BackendStatus } from '../src/ml/backend.ts';
import { classifierHead } from '../src/ml/finetune.ts';
import { freezeAllButLast } from '../src/ml/freeze.ts';
import { mobileNetV2 } from '../src/ml/mobilenetv2.ts';
import { createTrainer, type Trainer } from '../src/ml/train-step.ts';

/** What is measured: a forward pass, or a training step with the last N base layers trainable. */
export type BenchCase = { kind: 'forward' } | { kind: 'train'; trainableLast: number; label: string };

export const DEFAULT_CASES: BenchCase[] = [
  { kind: 'forward' },
  { kind: 'train', trainableLast: 4, label: 'last4' },
  { kind: 'train', trainableLast: 30, label: 'last30' },
  { kind: 'train', trainableLast: 154, label: 'all' },
];

export interface ThroughputArgs {
  backend: BackendName;
  /** Input rows and columns. Default 32 (the lesson's resolution). */
  rows?: number;
  /** Images per batch. Default 12 (the course's batch size). */
  batch?: number;
  /** Measured batches per case, after one warm-up batch. Default 2. */
  batches?: number;
  /** Default DEFAULT_CASES. */
  cases?: BenchCase[];
  /** Called with each measurement as soon as it is made. Default: nothing. */
  onResult?: (m: Measurement) => void;
}

export interface Measurement {
  /** e.g. "mobilenetv2.forward", "mobilenetv2.train.last4". */
  name: string;
  backend: BackendName;
  imagesPerSecond: number;
  msPerImage: number;
  rows: number;
  batch: number;
  batches: number;
  /** Training cases: how many of the base's last layers are trainable. */
  trainableLast?: number;
}

export function caseName(c: BenchCase): string {
  return c.kind === 'forward' ? 'mobilenetv2.forward' : `mobilenetv2.train.${c.label}`;
}

const CLASSES = 10;

/** Runs every case on one backend; leaves tf.memory().numTensors where it found it. */
export async function measureThroughput(args: ThroughputArgs): Promise<{ status: BackendStatus; results: Measurement[] }> {
  const rows = args.rows ?? 32;
  const batch = args.batch ?? 12;
  const batches = args.batches ?? 2;
  const status = await selectBackend({ name: args.backend, fallback: false });
  const tensorsBefore = tf.memory().numTensors;
  const base = mobileNetV2({ inputShape: [rows, rows, 3], alpha: 1.0, includeTop: false, seed: 1 });
  const input = tf.input({ shape: [rows, rows, 3] });
  const head = classifierHead({ dropout: 0.2, classes: CLASSES, seed: 2 });
  const model = tf.model({ inputs: input, outputs: head.apply(base.apply(input) as tf.SymbolicTensor) });
  const x = tf.randomUniform([batch, rows, rows, 3], -1, 1, 'float32', 3);
  const y = tf.tensor1d(Array.from({ length: batch }, (_, i) => i % CLASSES), 'float32') as tf.Tensor1D;
  const results: Measurement[] = [];
  const trainers: Trainer[] = [];
  try {
    for (const c of args.cases ?? DEFAULT_CASES) {
      const step = c.kind === 'forward' ? () => forward(model, x) : trainingStep(model, base, c.trainableLast, x, y, trainers);
      await step();
      const start = performance.now();
      for (let i = 0; i < batches; i++) await step();
      const seconds = (performance.now() - start) / 1000;
      const m: Measurement = {
        name: caseName(c),
        backend: args.backend,
        imagesPerSecond: (batch * batches) / seconds,
        msPerImage: (seconds * 1000) / (batch * batches),
        rows,
        batch,
        batches,
        ...(c.kind === 'train' ? { trainableLast: c.trainableLast } : {}),
      };
      results.push(m);
      args.onResult?.(m);
    }
  } finally {
    tf.dispose([x, y]);
    trainers.forEach((t) => t.dispose());
    model.dispose();
  }
  const leaked = tf.memory().numTensors - tensorsBefore;
  if (leaked !== 0) throw new Error(`bench: ${leaked} tensors leaked on ${args.backend}`);
  return { status, results };
}

async function forward(model: tf.LayersModel, x: tf.Tensor): Promise<void> {
  const out = model.predict(x) as tf.Tensor;
  await out.data();
  out.dispose();
}

function trainingStep(
  model: tf.LayersModel,
  base: tf.LayersModel,
  trainableLast: number,
  x: tf.Tensor,
  y: tf.Tensor1D,
  trainers: Trainer[],
): () => Promise<void> {
  freezeAllButLast(base, trainableLast);
  // A trainer takes the model's trainable weights when made: a new one after `trainable` changes.
  const trainer = createTrainer(model, { learningRate: 1e-4 });
  trainers.push(trainer);
  return async () => {
    const { loss, correct } = trainer.step([x], y);
    await loss.data(); // the step has run (wasm and cpu run kernels at once; webgl when read)
    tf.dispose([loss, correct]);
  };
}
