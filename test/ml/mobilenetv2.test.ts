import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { correctPad, makeDivisible, mobileNetV2 } from '../../src/ml/mobilenetv2.ts';
import { formatShape } from '../../src/ml/summary/rows.ts';
import { kerasFixture, parseKerasTable } from './summary/fixtures.ts';

// Keras 3 totals for include_top=False (keras.applications.MobileNetV2(...).count_params()).
const KERAS_TOTALS: Record<string, number> = {
  '0.35': 410_208, '0.5': 706_224, '0.75': 1_382_064, '1': 2_257_984, '1.3': 3_766_048, '1.4': 4_363_712,
};

let before = 0;
beforeEach(() => { before = tf.memory().numTensors; });
afterEach(() => { expect(tf.memory().numTensors).toBe(before); });

function build(args: Parameters<typeof mobileNetV2>[0]) {
  const model = mobileNetV2(args);
  const info = {
    name: model.name,
    layers: model.layers.map((l) => ({ name: l.name, cls: l.getClassName(), shape: l.outputShape, params: l.countParams() })),
    total: model.countParams(),
    output: model.outputs[0].shape,
  };
  model.dispose();
  return info;
}

describe('makeDivisible / correctPad (keras _make_divisible, imagenet_utils.correct_pad)', () => {
  it('rounds like Keras', () => {
    // Hand-computed: max(8, int(v + 4) // 8 * 8), +8 if below 0.9 v.
    expect(makeDivisible(32 * 0.35)).toBe(16); // 11.2 → int(15.2)//8*8 = 8 < 10.08 → 16
    expect(makeDivisible(11)).toBe(16); // 15//8*8 = 8 < 9.9 → 16
    expect(makeDivisible(33)).toBe(32);
    expect(makeDivisible(1280 * 1.3)).toBe(1664);
    expect(makeDivisible(1280 * 1.4)).toBe(1792);
  });
  it('pads even sides by (0, 1) and odd ones by (1, 1)', () => {
    expect(correctPad(112, 112)).toEqual([[0, 1], [0, 1]]);
    expect(correctPad(113, 56)).toEqual([[1, 1], [0, 1]]);
  });
});

describe('mobileNetV2 (include_top=False)', () => {
  it('has the 154 Keras layers with Keras names, classes and shapes at 224', () => {
    const { name, layers, output } = build({ includeTop: false });
    expect(name).toBe('mobilenetv2_1.00_224');
    expect(layers).toHaveLength(154);
    expect(layers.slice(0, 4).map((l) => l.name)).toEqual(['input_layer', 'Conv1', 'bn_Conv1', 'Conv1_relu']);
    expect(layers.slice(4, 7).map((l) => l.name)).toEqual(['expanded_conv_depthwise', 'expanded_conv_depthwise_BN', 'expanded_conv_depthwise_relu']);
    expect(layers.slice(-5).map((l) => l.name)).toEqual(['block_16_project', 'block_16_project_BN', 'Conv_1', 'Conv_1_bn', 'out_relu']);
    const counts: Record<string, number> = {};
    for (const l of layers) counts[l.cls] = (counts[l.cls] ?? 0) + 1;
    expect(counts).toEqual({ InputLayer: 1, Conv2D: 35, BatchNormalization: 52, ReLU: 35, DepthwiseConv2D: 17, ZeroPadding2D: 4, Add: 10 });
    expect(layers.filter((l) => l.cls === 'ZeroPadding2D').map((l) => l.name)).toEqual(['block_1_pad', 'block_3_pad', 'block_6_pad', 'block_13_pad']);
    expect(layers.filter((l) => l.cls === 'Add').map((l) => l.name)).toEqual(
      [2, 4, 5, 7, 8, 9, 11, 12, 14, 15].map((b) => `block_${b}_add`),
    );
    expect(output).toEqual([null, 7, 7, 1280]);
    // Hand-computed parameter counts: 3·3·3·32, 4·32, 1·1·96·24 (block_1_project), 1280·320.
    const params = Object.fromEntries(layers.map((l) => [l.name, l.params]));
    expect(params).toMatchObject({ Conv1: 864, bn_Conv1: 128, block_1_project: 2304, Conv_1: 409_600, Conv_1_bn: 5120, block_16_project: 307_200 });
  });

  it.each(Object.entries(KERAS_TOTALS))('alpha %s totals %i parameters as in Keras', (alpha, total) => {
    const info = build({ includeTop: false, alpha: Number(alpha) });
    expect(info.total).toBe(total);
    expect(info.layers).toHaveLength(154);
    expect(info.name).toBe(`mobilenetv2_${Number(alpha).toFixed(2)}_224`);
  });

  it('keeps parameter counts independent of the input size, and pads odd sizes with correct_pad', () => {
    const odd = build({ includeTop: false, inputShape: [225, 225, 3] });
    expect(odd.total).toBe(KERAS_TOTALS['1']);
    expect(odd.name).toBe('mobilenetv2_1.00_225');
    // 225 → Conv1 113 → pad(1,1) 115 → 57 → 59 → 29 → 31 → 15 → 17 → 8.
    expect(odd.output).toEqual([null, 8, 8, 1280]);
    const small = build({ includeTop: false, inputShape: [32, 48, 3], alpha: 0.35 });
    expect(small.total).toBe(KERAS_TOTALS['0.35']);
    expect(small.output).toEqual([null, 1, 2, 1280]);
  });

  it('uses a last convolution of 1280 unless alpha > 1', () => {
    expect(build({ includeTop: false, alpha: 0.5 }).output).toEqual([null, 7, 7, 1280]);
    expect(build({ includeTop: false, alpha: 1.4 }).output).toEqual([null, 7, 7, 1792]);
  });
});

describe('mobileNetV2 against Keras 3\'s printed table (test/fixtures/keras/mobilenetv2-functional-108.txt)', () => {
  it('matches all 154 layers: name, class, output shape, parameter count', () => {
    const keras = parseKerasTable(kerasFixture('mobilenetv2-functional-108.txt')).slice(0, 154);
    expect(keras[153].name).toBe('out_relu');
    const ours = build({ includeTop: false }).layers.map((l) => ({
      name: l.name,
      className: l.cls,
      outputShape: formatShape(l.shape as (number | null)[]),
      params: l.params,
    }));
    expect(ours).toEqual(keras.map(({ name, className, outputShape, params }) => ({ name, className, outputShape, params })));
  });
});

describe('mobileNetV2 (include_top=True)', () => {
  it('adds GlobalAveragePooling2D and a softmax Dense named predictions', () => {
    const model = mobileNetV2({ includeTop: true, classes: 4, inputShape: [32, 32, 3] });
    const last = model.layers.slice(-2);
    expect(model.layers).toHaveLength(156);
    expect(last.map((l) => l.getClassName())).toEqual(['GlobalAveragePooling2D', 'Dense']);
    expect(last[1].name).toBe('predictions');
    expect((last[1].getConfig() as { activation: string }).activation).toBe('softmax');
    expect(model.countParams()).toBe(KERAS_TOTALS['1'] + 1280 * 4 + 4);
    const y = tf.tidy(() => model.predict(tf.zeros([2, 32, 32, 3])) as tf.Tensor);
    expect(y.shape).toEqual([2, 4]);
    const sums = tf.tidy(() => y.sum(1));
    sums.dataSync().forEach((s) => expect(s).toBeCloseTo(1, 5));
    tf.dispose([y, sums]);
    model.dispose();
  });
});

describe('mobileNetV2 seed', () => {
  it('gives identical weights for the same seed, and different kernels per layer', async () => {
    const args = { includeTop: false, alpha: 0.35, inputShape: [32, 32, 3] as [number, number, number], seed: 7 };
    const [a, b] = [mobileNetV2(args), mobileNetV2(args)];
    const kernel = (m: tf.LayersModel, name: string) => m.getLayer(name).getWeights()[0].data();
    expect(Array.from(await kernel(a, 'block_3_depthwise'))).toEqual(Array.from(await kernel(b, 'block_3_depthwise')));
    expect(Array.from(await kernel(a, 'block_4_expand'))).toEqual(Array.from(await kernel(b, 'block_4_expand')));
    const [e4, e5] = [await kernel(a, 'block_4_expand'), await kernel(a, 'block_5_expand')];
    expect(Array.from(e4)).not.toEqual(Array.from(e5)); // same shape [1, 1, 16, 96] at alpha 0.35, different seeds
    a.dispose();
    b.dispose();
  });
});

describe('mobileNetV2 initialWeights', () => {
  it("'zeros' builds the same layers and shapes with every kernel zero (for loaders that set all weights)", () => {
    const args = { includeTop: true, classes: 4, alpha: 0.35, inputShape: [32, 32, 3] as [number, number, number] };
    const [random, zeros] = [mobileNetV2({ ...args, seed: 3 }), mobileNetV2({ ...args, initialWeights: 'zeros' })];
    expect(zeros.layers.map((l) => l.name)).toEqual(random.layers.map((l) => l.name));
    expect(zeros.weights.map((w) => w.shape)).toEqual(random.weights.map((w) => w.shape));
    const largest = (m: tf.LayersModel, pattern: RegExp) =>
      Math.max(...m.weights.filter((w) => pattern.test(w.originalName)).map((w) => tf.tidy(() => w.read().abs().max().dataSync()[0])));
    expect(largest(zeros, /kernel/)).toBe(0);
    expect(largest(random, /kernel/)).toBeGreaterThan(0);
    random.dispose();
    zeros.dispose();
  });
});

describe('mobileNetV2 rejects bad arguments with a clear message', () => {
  it.each([
    [{ alpha: 0.6 }, /alpha must be one of 0\.35, 0\.5, 0\.75, 1\.0, 1\.3, 1\.4; got 0\.6/],
    [{ inputShape: [16, 16, 3] as [number, number, number] }, /at least 32x32; got 16x16/],
    [{ inputShape: [64, 64, 1] as [number, number, number] }, /3 channels; got 1/],
    [{ classes: 0 }, /classes must be a positive integer/],
  ])('%o', (args, message) => {
    expect(() => mobileNetV2(args)).toThrow(message);
  });
});
