import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifierHead } from '../../src/ml/finetune.ts';
import {
  KerasWeightsError, describeKerasWeights, encodeKerasWeights, kerasEntries, kerasLayoutOf, loadKerasWeights, stackedLayout, toSnakeCase,
} from '../../src/ml/keras-weights.ts';
import { mobileNetV2 } from '../../src/ml/mobilenetv2.ts';
import { PROJECT_ROOT } from '../browser/harness.ts';

const run = promisify(execFile);
// Debian's interpreter, where python3-h5py lives (a pyenv python3 earlier on PATH has no h5py).
const PYTHON = '/usr/bin/python3';
const SCRIPT = join(PROJECT_ROOT, 'test/ml/keras_h5.py');
const CLASSES = 3; // any count: the head is built for the test, not for the course's data

/** (name, class) of MobileNetV2's 154 layers in Keras 3's own order, from Keras's printed summary. */
async function kerasMobileNetV2Layers(): Promise<[string, string][]> {
  const text = await readFile(join(PROJECT_ROOT, 'test/fixtures/keras/mobilenetv2-functional-108.txt'), 'utf8');
  const rows: [string, string][] = [];
  let cell: string[] = [];
  let body = false; // rows start after the header's ┡━━━┩ rule
  const flush = () => {
    const match = /^(\S+) \((\w+)\)$/.exec(cell.filter(Boolean).join(' '));
    if (match) rows.push([match[1]!, match[2]!]);
    cell = [];
  };
  for (const line of text.split('\n')) {
    if (line.startsWith('┡')) body = true;
    else if (!body) continue;
    else if (line.startsWith('│')) cell.push(line.split('│')[1]!.trim()); // empty on an Add's second input line
    else if (/^[├└]/.test(line)) flush();
  }
  expect(rows[153]).toEqual(['out_relu', 'ReLU']);
  return rows.slice(0, 154);
}

/** Deterministic, non-trivial values for every weight (so that a shuffled or missed weight changes predictions). */
function scramble(model: tf.LayersModel, seed: number): void {
  let state = seed;
  const next = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (const layer of model.layers) {
    layer.setWeights(layer.weights.map((w) => {
      const variance = /moving_variance/.test(w.originalName);
      const size = w.shape.reduce((a: number, b) => a * (b ?? 1), 1);
      const values = Float32Array.from({ length: size }, () => (variance ? 0.5 + next() : (next() - 0.5) * 0.4));
      return tf.tensor(values, w.shape as number[]);
    }));
  }
}

function courseModel(alpha: number, seed: number): { base: tf.LayersModel; model: tf.LayersModel } {
  const base = mobileNetV2({ inputShape: [32, 32, 3], alpha, includeTop: false, initialWeights: 'zeros' });
  const head = classifierHead({ dropout: 0.5, classes: CLASSES, seed });
  const model = tf.model({ inputs: base.inputs, outputs: head.apply(base.outputs[0] as tf.SymbolicTensor) });
  scramble(model, seed);
  return { base, model };
}

const sha256 = (values: Float32Array) => createHash('sha256').update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength)).digest('hex');

interface H5pyGroup { name: string | null; shapes: number[][]; dtypes: string[]; sha256: string[] }

describe('Keras 3 .weights.h5 files', () => {
  let dir: string;
  let input: tf.Tensor4D;
  let keras: [string, string][];
  beforeAll(async () => {
    await tf.setBackend('cpu');
    dir = await mkdtemp(join(tmpdir(), 'lectern-keras-'));
    input = tf.randomUniform([4, 32, 32, 3], 0, 1, 'float32', 5);
    keras = await kerasMobileNetV2Layers();
  });
  afterAll(async () => {
    input.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('snake-cases class names as Keras does', () => {
    expect(['Conv2D', 'BatchNormalization', 'DepthwiseConv2D', 'ReLU', 'ZeroPadding2D', 'GlobalAveragePooling2D', 'InputLayer', 'Functional'].map(toSnakeCase))
      .toEqual(['conv2d', 'batch_normalization', 'depthwise_conv2d', 're_lu', 'zero_padding2d', 'global_average_pooling2d', 'input_layer', 'functional']);
  });

  it('round trip: Lectern → .weights.h5 → a differently initialised model predicts the same', async () => {
    const a = courseModel(0.35, 1);
    const b = courseModel(0.35, 2);
    const expected = (a.model.predict(input) as tf.Tensor).dataSync();
    const before = (b.model.predict(input) as tf.Tensor).dataSync();
    expect(Array.from(before)).not.toEqual(Array.from(expected));
    const bytes = await encodeKerasWeights(stackedLayout(a.model, a.base));
    const tensors = tf.memory().numTensors;
    const loaded = await loadKerasWeights(stackedLayout(b.model, b.base), bytes, { fileName: 'a.weights.h5' });
    expect(tf.memory().numTensors).toBe(tensors);
    expect(loaded).toMatchObject({ layers: b.model.layers.filter((l) => l.weights.length > 0).length, values: a.model.countParams(), ignored: [] });
    expect(loaded.layers).toBe(35 + 52 + 17 + 2); // Conv2D, BatchNormalization, DepthwiseConv2D, Dense
    const after = (b.model.predict(input) as tf.Tensor).dataSync();
    expect(Array.from(after)).toEqual(Array.from(expected));
    a.model.dispose();
    b.model.dispose();
  });

  it('h5py reads the layer paths, Keras names, shapes and values Lectern writes, in Keras 3\'s layout', async () => {
    const { base, model } = courseModel(0.35, 3);
    const file = join(dir, 'lectern.weights.h5');
    await writeFile(file, await encodeKerasWeights(stackedLayout(model, base)));
    const { stdout } = await run(PYTHON, [SCRIPT, 'read', file], { maxBuffer: 64 << 20 });
    const groups = JSON.parse(stdout) as Record<string, H5pyGroup> & { '/': { top: string[] } };
    expect(groups['/'].top).toEqual(['layers', 'vars']);
    expect(groups['']).toMatchObject({ name: 'sequential', shapes: [] });
    expect(groups['layers/functional']).toMatchObject({ name: base.name, shapes: [] });

    // The base: Keras's own layer order and classes give each path; the group's name attribute is the layer.
    const used = new Map<string, number>();
    for (const [name, className] of keras) {
      const key = toSnakeCase(className);
      const n = (used.get(key) ?? -1) + 1;
      used.set(key, n);
      const path = `layers/functional/layers/${n === 0 ? key : `${key}_${n}`}`;
      const layer = model.getLayer(name);
      const group = groups[path];
      expect(group, path).toBeDefined();
      expect(group!.name, path).toBe(name);
      expect(group!.shapes).toEqual(layer.weights.map((w) => w.shape));
      expect(group!.dtypes.every((d) => d === 'float32')).toBe(true);
      expect(group!.sha256).toEqual(await Promise.all(layer.weights.map(async (w) => sha256((await w.read().data()) as Float32Array))));
    }
    expect(used.get('conv2d')).toBe(34); // 35 Conv2D layers: conv2d … conv2d_34
    expect(used.get('batch_normalization')).toBe(51);

    // BatchNormalization's variables in Keras's order: gamma, beta, moving_mean, moving_variance.
    const bn = model.getLayer('bn_Conv1');
    expect(bn.weights.map((w) => w.originalName.split('/').pop())).toEqual(['gamma', 'beta', 'moving_mean', 'moving_variance']);

    // The head, after the base as in keras.Sequential([base, GlobalAveragePooling2D(), Dropout, Dense, Dropout, Dense]).
    const channels = base.outputs[0]!.shape[3]!;
    expect(groups['layers/global_average_pooling2d']?.shapes).toEqual([]);
    expect(groups['layers/dropout']?.shapes).toEqual([]);
    expect(groups['layers/dense']?.shapes).toEqual([[channels, 128], [128]]);
    expect(groups['layers/dropout_1']?.shapes).toEqual([]);
    expect(groups['layers/dense_1']?.shapes).toEqual([[128, CLASSES], [CLASSES]]);
    expect(Object.keys(groups).filter((p) => p !== '/')).toHaveLength(1 + 1 + 154 + 5);
    model.dispose();
  });

  for (const style of ['keras-3.16', 'keras-3.0', 'keras-2.13'] as const) {
    it(`reads a file h5py wrote in ${style}'s layout (optimizer state ignored)`, async () => {
      const { base, model } = courseModel(0.35, 4);
      const head = model.layers.slice(base.layers.length);
      const shapes = (layer: tf.layers.Layer) => layer.weights.map((w) => w.shape);
      const spec = {
        style,
        seed: 9,
        optimizer: true,
        base_name: base.name,
        base: keras.map(([name, className]) => [name, className, shapes(model.getLayer(name))]),
        head: head.map((layer) => [layer.name, layer.getClassName(), shapes(layer)]),
      };
      const file = join(dir, `${style}.weights.h5`);
      await writeFile(join(dir, 'spec.json'), JSON.stringify(spec));
      const { stdout } = await run(PYTHON, [SCRIPT, 'write', file, join(dir, 'spec.json')]);
      const written = JSON.parse(stdout) as Record<string, string[]>;
      const loaded = await loadKerasWeights(stackedLayout(model, base), await readFile(file), { fileName: `${style}.weights.h5` });
      expect(loaded.ignored).toEqual(['optimizer']);
      for (const layer of model.layers) {
        if (layer.weights.length === 0) continue;
        expect(await Promise.all(layer.weights.map(async (w) => sha256((await w.read().data()) as Float32Array))), layer.name).toEqual(written[layer.name]);
      }
      model.dispose();
    });
  }

  it('a flat functional model has its own layout: layers/<class> with the input layer first', async () => {
    const { model } = courseModel(0.35, 5);
    const entries = kerasEntries(kerasLayoutOf(model));
    expect(entries.slice(0, 4).map((e) => [e.path, e.name])).toEqual([['', model.name], ['layers/input_layer', 'input_layer'], ['layers/conv2d', 'Conv1'], ['layers/batch_normalization', 'bn_Conv1']]);
    expect(entries.at(-1)!.path).toBe('layers/dense_1');
    const other = courseModel(0.35, 6);
    await loadKerasWeights(kerasLayoutOf(other.model), await encodeKerasWeights(kerasLayoutOf(model)));
    expect(Array.from((other.model.predict(input) as tf.Tensor).dataSync())).toEqual(Array.from((model.predict(input) as tf.Tensor).dataSync()));
    model.dispose();
    other.model.dispose();
  });

  it('names the layer on a shape or layout mismatch, and changes nothing', async () => {
    const small = courseModel(0.35, 7);
    const bytes = await encodeKerasWeights(stackedLayout(small.model, small.base));
    const wide = courseModel(0.5, 8);
    const before = Array.from((wide.model.predict(input) as tf.Tensor).dataSync());
    const error = await loadKerasWeights(stackedLayout(wide.model, wide.base), bytes, { fileName: 'small.weights.h5' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KerasWeightsError);
    expect((error as Error).message).toMatch(
      /^small\.weights\.h5: layer "\w+" \((Conv2D|DepthwiseConv2D|BatchNormalization), "layers\/functional\/layers\/\w+" in the file\): variable \d \(\S+\) has shape \[[\d, ]+\] in the file, the model expects \[[\d, ]+\]$/,
    );
    expect(Array.from((wide.model.predict(input) as tf.Tensor).dataSync())).toEqual(before);

    // A flat model's file into the course's stacked layout: the missing group is named, and what the file holds.
    const flat = await encodeKerasWeights(kerasLayoutOf(small.model));
    await expect(loadKerasWeights(stackedLayout(small.model, small.base), flat, { fileName: 'flat.weights.h5' }))
      .rejects.toThrow(/^flat\.weights\.h5: layer "Conv1" \(Conv2D, "layers\/functional\/layers\/conv2d" in the file\) is not in the file; the model expects 1\. The file has no "layers\/functional"; beside it: "layers\/add", "layers\/add_1", "layers\/add_2", "layers\/add_3", … \(159 in all\)$/);

    // Another head: 4 classes instead of 3.
    const base = mobileNetV2({ inputShape: [32, 32, 3], alpha: 0.35, includeTop: false, initialWeights: 'zeros' });
    const head = classifierHead({ dropout: 0.5, classes: CLASSES + 1, seed: 1 });
    const four = tf.model({ inputs: base.inputs, outputs: head.apply(base.outputs[0] as tf.SymbolicTensor) });
    await expect(loadKerasWeights(stackedLayout(four, base), bytes))
      .rejects.toThrow(new RegExp(`layer "\\w+" \\(Dense, "layers/dense_1" in the file\\): variable 0 \\(\\S+\\) has shape \\[128, ${CLASSES}\\] in the file \\(the file calls it "\\w+"\\), the model expects \\[128, ${CLASSES + 1}\\]`));
    for (const m of [small.model, wide.model, four]) m.dispose();
  });

  it('refuses what is not a Keras 3 weight file, with a message', async () => {
    const { base, model } = courseModel(0.35, 9);
    const layout = stackedLayout(model, base);
    await expect(loadKerasWeights(layout, new TextEncoder().encode('{"not": "hdf5"}'), { fileName: 'x.weights.h5' }))
      .rejects.toThrow(/^x\.weights\.h5: is not an HDF5 file/);
    const bytes = await encodeKerasWeights(layout);
    await expect(loadKerasWeights(layout, bytes.slice(0, bytes.length >> 1), { fileName: 'cut.weights.h5' })).rejects.toThrow(/^cut\.weights\.h5: is truncated: \d+ bytes of the \d+ its header announces/);
    // Damaged inside (the superblock intact): HDF5's reason, not a crash.
    const damaged = bytes.slice();
    damaged.fill(0x55, 2048, damaged.length - 4096);
    await expect(loadKerasWeights(layout, damaged, { fileName: 'bad.weights.h5' })).rejects.toThrow(/^bad\.weights\.h5: (could not be (opened|read) as HDF5|.*layer)/);
    expect((await describeKerasWeights(bytes)).find((g) => g.path === 'layers/dense_1')).toMatchObject({ shapes: [[128, CLASSES], [CLASSES]], dtypes: ['float32', 'float32'] });
    model.dispose();
  });
});
