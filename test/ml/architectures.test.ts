/** Saved models name their architecture; loading builds it from the registry (src/ml/architectures.ts). */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { architectureNames, registerArchitecture } from '../../src/ml/architectures.ts';
import type { ByteReader } from '../../src/ml/data/bytes.ts';
import { encodeModel, loadPretrained, WeightsError } from '../../src/ml/weights.ts';

function memoryReader(files: Map<string, Uint8Array>): ByteReader {
  return {
    location: (file) => `mem/${file}`,
    async read(file) {
      const bytes = files.get(file);
      if (!bytes) throw new WeightsError(`mem/${file}`, 'file is missing');
      return bytes;
    },
  };
}

/** A tiny convolutional network with a Dense "logits" top; zeros or seeded weights. */
function tinyNet({ inputSize, includeTop, classes, seed }: { inputSize: number; includeTop: boolean; classes: number; seed?: number }): tf.LayersModel {
  const init = (k: number) => (seed === undefined ? 'zeros' : tf.initializers.glorotUniform({ seed: seed + k }));
  const input = tf.input({ shape: [inputSize, inputSize, 3] });
  let x = tf.layers.conv2d({ filters: 4, kernelSize: 3, name: 'conv', kernelInitializer: init(1) }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling2d({ name: 'pool' }).apply(x) as tf.SymbolicTensor;
  if (includeTop) x = tf.layers.dense({ units: classes, activation: 'softmax', name: 'logits', kernelInitializer: init(2) }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: x });
}

const classes = ['a', 'b', 'c'];

beforeAll(async () => {
  await tf.setBackend('cpu');
  registerArchitecture('TinyNet', {
    build: ({ metadata, inputSize, includeTop }) => tinyNet({ inputSize, includeTop, classes: metadata.classes.length }),
    isTop: (name) => name.startsWith('logits/'),
  });
});

describe('the architecture registry', () => {
  it('knows MobileNetV2, and what a course registers', () => {
    expect(architectureNames()).toEqual(expect.arrayContaining(['MobileNetV2', 'TinyNet']));
  });

  it('loads a saved model of a registered architecture, with its top or without', async () => {
    const saved = tinyNet({ inputSize: 8, includeTop: true, classes: classes.length, seed: 3 });
    const files = new Map((await encodeModel(saved, { quantization: 'float32', metadata: { architecture: 'TinyNet', inputSize: 8, classes } })).files);
    const input = tf.randomUniform([2, 8, 8, 3], -1, 1, 'float32', 4);
    const { model, metadata } = await loadPretrained({ reader: memoryReader(files) });
    expect(metadata.architecture).toBe('TinyNet');
    expect(await (model.predict(input) as tf.Tensor).array()).toEqual(await (saved.predict(input) as tf.Tensor).array());
    const base = (await loadPretrained({ reader: memoryReader(files), includeTop: false })).model;
    expect(base.layers.map((l) => l.name)).not.toContain('logits');
    expect(base.outputs[0]!.shape).toEqual([null, 4]);
    tf.dispose([input]);
    [saved, model, base].forEach((m) => m.dispose());
  });

  it('refuses a model of an architecture nobody registered, naming it and the known ones', async () => {
    const saved = tinyNet({ inputSize: 8, includeTop: true, classes: classes.length, seed: 3 });
    const files = new Map((await encodeModel(saved, { quantization: 'float32', metadata: { architecture: 'ResNet50', inputSize: 8, classes } })).files);
    await expect(loadPretrained({ reader: memoryReader(files) })).rejects.toThrow(/mem\/model\.json: is a "ResNet50", an architecture Lectern cannot build \(it knows "MobileNetV2", .*registerArchitecture/);
    saved.dispose();
  });
});
