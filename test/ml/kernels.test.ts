/**
 * Lectern's wasm gradient kernels (the three tfjs-backend-wasm lacks, and its
 * Conv2DBackpropInput, Sum and Mean that Lectern replaces) against the CPU backend's, on random inputs over
 * a grid of shapes (kernel 1 and 3, stride 1 and 2, same and valid, batch 1..8, odd
 * and even sizes, channel multiplier 1 and 2) plus dilation, explicit and numeric
 * padding. Agreement: max |wasm − cpu| ≤ 1e-4 · max |cpu|.
 *
 * The CPU backend's depthwise gradient kernels ignore `dilations` (tfjs 4.22), so
 * for dilated cases the reference is the CPU kernel on the equivalent undilated
 * problem: the filter with (d − 1) zeros between its taps.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/ml/backend.ts';
import { registerWasmGradients } from '../../src/ml/kernels/register.ts';
import type { Pad } from '../../src/ml/kernels/geometry.ts';

type Shape4 = [number, number, number, number];

interface Case {
  label: string;
  batch: number;
  height: number;
  width: number;
  channels: number;
  kernel: number;
  stride: number;
  dilation: number;
  pad: Pad;
  /** Depthwise channel multiplier, or output channels for Conv2D. */
  multiplier: number;
}

function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

function randomArray(n: number, random: () => number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = random() * 2;
  return a;
}

/** Runs a kernel on a given backend with plain-array inputs; returns its values and shape. */
async function runOn(
  backend: 'cpu' | 'wasm',
  kernel: string,
  inputs: Record<string, { values: Float32Array; shape: number[] }>,
  attrs: Record<string, unknown>,
): Promise<{ values: Float32Array; shape: number[] }> {
  await tf.setBackend(backend);
  const tensors: Record<string, tf.Tensor> = {};
  for (const [k, v] of Object.entries(inputs)) tensors[k] = tf.tensor(v.values, v.shape);
  const out = tf.engine().runKernel(kernel, tensors, attrs as tf.NamedAttrMap) as tf.Tensor;
  const result = { values: (await out.data()) as Float32Array, shape: out.shape };
  out.dispose();
  for (const t of Object.values(tensors)) t.dispose();
  return result;
}

function relativeError(actual: Float32Array, expected: Float32Array): number {
  let maxDiff = 0;
  let maxMag = 0;
  for (let i = 0; i < expected.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
    maxMag = Math.max(maxMag, Math.abs(expected[i]));
  }
  return maxMag === 0 ? maxDiff : maxDiff / maxMag;
}

function outputShape(c: Case, depthwise: boolean): Shape4 {
  const info = tf.backend_util.computeConv2DInfo(
    [c.batch, c.height, c.width, c.channels],
    [c.kernel, c.kernel, c.channels, c.multiplier],
    c.stride,
    c.dilation,
    c.pad,
    undefined,
    depthwise,
  );
  return info.outShape;
}

async function compare(kernel: string, c: Case, seed: number): Promise<void> {
  const random = seededRandom(seed);
  const depthwise = kernel.startsWith('Depthwise');
  // For Conv2D the last filter axis is the output channel count, not a multiplier.
  const xShape: Shape4 = [c.batch, c.height, c.width, c.channels];
  const filterShape: Shape4 = [c.kernel, c.kernel, c.channels, c.multiplier];
  const dyShape = outputShape(c, depthwise);
  const x = { values: randomArray(xShape.reduce((a, b) => a * b), random), shape: xShape };
  const dy = { values: randomArray(dyShape.reduce((a, b) => a * b), random), shape: dyShape };
  const filter = { values: randomArray(filterShape.reduce((a, b) => a * b), random), shape: filterShape };
  const common = { strides: c.stride, pad: c.pad, dimRoundingMode: undefined };
  let inputs: Record<string, { values: Float32Array; shape: number[] }>;
  let attrs: Record<string, unknown>;
  if (kernel === 'Conv2DBackpropFilter') {
    inputs = { x, dy };
    attrs = { ...common, dataFormat: 'NHWC', filterShape };
  } else if (kernel === 'Conv2DBackpropInput') {
    inputs = { dy, filter };
    attrs = { ...common, dataFormat: 'NHWC', inputShape: xShape };
  } else if (kernel === 'DepthwiseConv2dNativeBackpropFilter') {
    inputs = { x, dy };
    attrs = { ...common, dilations: c.dilation, filterShape };
  } else {
    inputs = { dy, filter };
    attrs = { ...common, dilations: c.dilation, inputShape: xShape };
  }
  const expected = c.dilation > 1
    ? await undilatedReference(kernel, c, inputs, attrs)
    : await runOn('cpu', kernel, inputs, attrs);
  const wasm = tf.findBackend('wasm');
  const idsBefore = wasm ? (wasm as unknown as { numDataIds(): number }).numDataIds() : 0;
  const actual = await runOn('wasm', kernel, inputs, attrs);
  const idsAfter = (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
  expect(actual.shape, c.label).toEqual(expected.shape);
  expect(relativeError(actual.values, expected.values), c.label).toBeLessThanOrEqual(1e-4);
  // Every intermediate the kernel allocated on the WASM heap was freed.
  expect(idsAfter, `${c.label}: wasm heap tensors leaked`).toBe(idsBefore);
}

/** The dilated filter as a plain one: (d − 1) zero taps between the taps. */
function spreadFilter(values: Float32Array, k: number, d: number, cm: number): Float32Array {
  const e = (k - 1) * d + 1;
  const out = new Float32Array(e * e * cm);
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++)
      out.set(values.subarray((i * k + j) * cm, (i * k + j + 1) * cm), (i * d * e + j * d) * cm);
  return out;
}

async function undilatedReference(
  kernel: string,
  c: Case,
  inputs: Record<string, { values: Float32Array; shape: number[] }>,
  attrs: Record<string, unknown>,
): Promise<{ values: Float32Array; shape: number[] }> {
  const e = (c.kernel - 1) * c.dilation + 1;
  const cm = c.channels * c.multiplier;
  const plain = { ...attrs, dilations: 1 };
  if (kernel === 'DepthwiseConv2dNativeBackpropInput') {
    const filter = { values: spreadFilter(inputs.filter.values, c.kernel, c.dilation, cm), shape: [e, e, c.channels, c.multiplier] };
    return runOn('cpu', kernel, { dy: inputs.dy, filter }, plain);
  }
  const full = await runOn('cpu', kernel, inputs, { ...plain, filterShape: [e, e, c.channels, c.multiplier] });
  const values = new Float32Array(c.kernel * c.kernel * cm);
  for (let i = 0; i < c.kernel; i++)
    for (let j = 0; j < c.kernel; j++) {
      const from = (i * c.dilation * e + j * c.dilation) * cm;
      values.set(full.values.subarray(from, from + cm), (i * c.kernel + j) * cm);
    }
  return { values, shape: [c.kernel, c.kernel, c.channels, c.multiplier] };
}

/** The grid; batch cycles through 1..8 so every batch size appears. */
function grid(): Case[] {
  const cases: Case[] = [];
  let batch = 0;
  for (const kernel of [1, 3])
    for (const stride of [1, 2])
      for (const pad of ['same', 'valid'] as const)
        for (const multiplier of [1, 2])
          for (const [height, width] of [[7, 5], [8, 6]]) {
            batch = (batch % 8) + 1;
            cases.push({
              label: `k${kernel} s${stride} ${pad} m${multiplier} ${height}x${width} n${batch}`,
              batch, height, width, channels: 3, kernel, stride, dilation: 1, pad, multiplier,
            });
          }
  return cases;
}

const explicitPad: Pad = [[0, 0], [1, 2], [2, 0], [0, 0]];
const extraCases: Case[] = [
  { label: 'dilation 2 same', batch: 2, height: 9, width: 8, channels: 4, kernel: 3, stride: 1, dilation: 2, pad: 'same', multiplier: 1 },
  { label: 'dilation 2 valid m2', batch: 3, height: 9, width: 10, channels: 2, kernel: 3, stride: 1, dilation: 2, pad: 'valid', multiplier: 2 },
  { label: 'explicit padding s2', batch: 2, height: 8, width: 7, channels: 3, kernel: 3, stride: 2, dilation: 1, pad: explicitPad, multiplier: 2 },
  { label: 'explicit padding s1', batch: 1, height: 6, width: 6, channels: 5, kernel: 3, stride: 1, dilation: 1, pad: explicitPad, multiplier: 1 },
  { label: 'numeric padding 1', batch: 4, height: 7, width: 7, channels: 3, kernel: 3, stride: 2, dilation: 1, pad: 1, multiplier: 1 },
  // Padding wider than the filter: the input gradient's general (scatter) path.
  { label: 'padding wider than the filter', batch: 2, height: 5, width: 6, channels: 3, kernel: 3, stride: 1, dilation: 1, pad: [[0, 0], [3, 0], [0, 4], [0, 0]], multiplier: 2 },
  { label: '5x5 stride 2 odd', batch: 2, height: 11, width: 9, channels: 4, kernel: 5, stride: 2, dilation: 1, pad: 'same', multiplier: 1 },
  { label: 'MobileNetV2-like 1x1 wide', batch: 2, height: 4, width: 4, channels: 96, kernel: 1, stride: 1, dilation: 1, pad: 'same', multiplier: 24 },
];

beforeAll(async () => {
  await selectBackend('wasm');
  await selectBackend('cpu');
});

describe('registerWasmGradients', () => {
  it('registers the three missing kernels and the replacements once', () => {
    registerWasmGradients();
    expect(registerWasmGradients()).toEqual([]);
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')).toBeDefined();
    for (const name of ['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput']) {
      expect(tf.getKernel(name, 'wasm'), name).toBeDefined();
    }
  });
});

const CONV_KERNELS = ['Conv2DBackpropFilter', 'Conv2DBackpropInput'];
for (const kernel of [...CONV_KERNELS, 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput']) {
  describe(`${kernel} on wasm agrees with cpu`, () => {
    const cases = [...grid(), ...extraCases].filter(
      // Conv2D gradients carry no dilation attribute in tfjs.
      (c) => !(CONV_KERNELS.includes(kernel) && c.dilation > 1),
    );
    it.each(cases.map((c, i) => [c.label, c, i] as const))('%s', async (_label, c, i) => {
      await compare(kernel, c, 1000 + i);
    });
  });
}

describe('Sum and Mean on wasm agree with cpu', () => {
  const shapes: number[][] = [[2, 5, 6, 7], [12, 16, 16, 96], [3, 4], [1, 1, 1, 1280]];
  const axesCases: Array<[string, (rank: number) => number | number[]]> = [
    ['all but the last axis', (rank) => Array.from({ length: rank - 1 }, (_, i) => i)],
    ['all but the last, negative and shuffled', (rank) => Array.from({ length: rank - 1 }, (_, i) => i - rank).reverse()],
    ['the last axis (upstream kernel)', (rank) => rank - 1],
    ['every axis (upstream kernel)', (rank) => Array.from({ length: rank }, (_, i) => i)],
  ];
  for (const kernel of ['Sum', 'Mean'])
    for (const shape of shapes)
      for (const [label, axes] of axesCases)
        for (const keepDims of [false, true])
          it(`${kernel} [${shape}] over ${label}, keepDims ${keepDims}`, async () => {
            const size = shape.reduce((a, b) => a * b);
            const x = { values: randomArray(size, seededRandom(size)), shape };
            const attrs = { axis: axes(shape.length), keepDims };
            const expected = await runOn('cpu', kernel, { x }, attrs);
            const actual = await runOn('wasm', kernel, { x }, attrs);
            expect(actual.shape).toEqual(expected.shape);
            expect(relativeError(actual.values, expected.values)).toBeLessThanOrEqual(1e-5);
          });
});

describe('bad input', () => {
  it('names the kernel and the mismatched tensor', async () => {
    await tf.setBackend('wasm');
    const x = tf.zeros([1, 5, 5, 3]);
    const dy = tf.zeros([1, 4, 4, 3]);
    expect(() =>
      tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, {
        strides: 1, dilations: 1, pad: 'same', filterShape: [3, 3, 3, 1],
      } as unknown as tf.NamedAttrMap),
    ).toThrow(/DepthwiseConv2dNativeBackpropFilter: dy has shape \[1,4,4,3\], expected \[1,5,5,3\]/);
    tf.dispose([x, dy]);
  });
});
