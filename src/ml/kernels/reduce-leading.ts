/**
 * Sum and Mean over all axes but the last, for the wasm backend. tfjs-backend-wasm
 * reduces only innermost axes, so it first transposes [N, H, W, C] to [C, N·H·W]
 * (a slow generic kernel) — and BatchNormalization's statistics and gradients
 * reduce exactly that way, several times per layer and step. Here the reduction is
 * one pass of a WebAssembly SIMD column sum over x seen as [N·H·W, C] (simd.ts) when C is a
 * multiple of 4, else one BatchMatMul (XNNPACK) of a row of ones by x. Any other
 * reduction, or a non-float32 tensor, goes to the wasm backend's own kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { simdKernelsOf } from './simd.ts';
import { allocF32, free, heapF32, runOriginal, runWasmKernel, withShape, zerosF32, type BackendWasm, type TensorInfo } from './wasm-access.ts';

interface Attrs {
  axis: number | number[];
  keepDims: boolean;
}

type Args = { inputs: { x: TensorInfo }; backend: BackendWasm; attrs: Attrs };

/** True when `axis` names exactly the axes 0 … rank−2 (in any order, negative allowed). */
export function reducesLeadingAxes(axis: number | number[], rank: number): boolean {
  if (rank < 2) return false;
  const axes = tf.util.parseAxisParam(axis, Array.from({ length: rank }, () => 1));
  const unique = new Set(axes);
  return unique.size === rank - 1 && !unique.has(rank - 1);
}

function reduceLeading(args: Args, mean: boolean, original: tf.KernelConfig | undefined): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x } = inputs;
  const rank = x.shape.length;
  const rows = x.shape.slice(0, -1).reduce((a, b) => a * b, 1);
  if (x.dtype !== 'float32' || rows === 0 || !reducesLeadingAxes(attrs.axis, rank)) {
    return runOriginal(original, mean ? 'Mean' : 'Sum', args);
  }
  const channels = x.shape[rank - 1];
  const shape = attrs.keepDims ? [...Array.from({ length: rank - 1 }, () => 1), channels] : [channels];
  const columnSum = channels % 4 === 0 ? simdKernelsOf(backend)?.columnSum : undefined;
  if (columnSum) {
    const out = zerosF32(backend, shape);
    const sums = heapF32(backend, out);
    columnSum(heapF32(backend, x).byteOffset, sums.byteOffset, rows, channels * 4);
    if (mean) for (let c = 0; c < channels; c++) sums[c] /= rows;
    return out;
  }
  const ones = allocF32(backend, [1, 1, rows]);
  heapF32(backend, ones).fill(mean ? 1 / rows : 1);
  const product = runWasmKernel(
    'BatchMatMul',
    backend,
    { a: ones, b: withShape(x, [1, rows, channels]) },
    { transposeA: false, transposeB: false },
  );
  free(backend, ones);
  return withShape(product, shape);
}

function config(kernelName: 'Sum' | 'Mean', original: tf.KernelConfig | undefined): tf.KernelConfig {
  return {
    kernelName,
    backendName: 'wasm',
    // tfjs types kernelFunc with a loose NamedAttrMap; our signature is the precise one.
    kernelFunc: ((args: Args) => reduceLeading(args, kernelName === 'Mean', original)) as unknown as tf.KernelFunc,
  };
}

export const sumConfig = (original: tf.KernelConfig | undefined) => config('Sum', original);
export const meanConfig = (original: tf.KernelConfig | undefined) => config('Mean', original);
