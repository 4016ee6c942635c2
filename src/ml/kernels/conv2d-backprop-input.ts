/**
 * Conv2DBackpropInput for the wasm backend, replacing tfjs-backend-wasm's own
 * (a direct loop that costs ~3× the forward convolution in a MobileNetV2 step):
 *
 *   dx[n, ih, iw, ci] = Σ_{kh, kw, co} dy[n, oh, ow, co] · W[kh, kw, ci, co]   where ih = oh·s + kh − pad
 *
 * - 1×1, stride 1, unpadded: dx [P, Cin] = dy [P, Cout] × Wᵀ, one BatchMatMul (batch-matmul.ts).
 * - otherwise: a stride-1 convolution (the wasm Conv2D kernel, XNNPACK) of dy spread
 *   by the stride, with the filter rotated 180° and its channel axes swapped
 *   [KH, KW, Cout, Cin], padded (KH−1) − pad.
 * - padding wider than the filter (no tfjs layer makes it): the original kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { convGeometry, expectShape, isPointwise, type ConvAttrs, type ConvGeometry } from './geometry.ts';
import { convolveSpread, transposedPadding, type Padding } from './spread.ts';
import { allocF32, free, heapF32, runOriginal, runWasmKernel, withShape, type BackendWasm, type TensorInfo } from './wasm-access.ts';

const KERNEL = 'Conv2DBackpropInput';

interface Attrs extends ConvAttrs {
  dataFormat?: 'NHWC' | 'NCHW';
  inputShape: [number, number, number, number];
}

type Args = { inputs: { dy: TensorInfo; filter: TensorInfo }; backend: BackendWasm; attrs: Attrs };

export function conv2dBackpropInputWasm(args: Args, original?: tf.KernelConfig): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs;
  const fallback = () => runOriginal(original, KERNEL, args);
  if (attrs.dataFormat === 'NCHW') return fallback();
  const g = convGeometry({ ...attrs, xShape: attrs.inputShape, filterShape: filter.shape, kernel: KERNEL });
  expectShape(KERNEL, 'dy', dy.shape, [g.batch, g.outHeight, g.outWidth, g.outChannels]);
  if (isPointwise(g)) return pointwise(backend, dy, filter, g);
  const pads = transposedPadding(g);
  return pads ? viaRotatedConvolution(backend, dy, filter, g, pads) : fallback();
}

function pointwise(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, g: ConvGeometry): TensorInfo {
  const positions = g.batch * g.inHeight * g.inWidth;
  // dy · Wᵀ with W [Cin, Cout] flagged for transposition: Lectern's BatchMatMul (batch-matmul.ts)
  // then packs whichever side is smaller, not a fresh transposed copy of the filter every step.
  const dx = runWasmKernel(
    'BatchMatMul',
    backend,
    { a: withShape(dy, [1, positions, g.outChannels]), b: withShape(filter, [1, g.inChannels, g.outChannels]) },
    { transposeA: false, transposeB: true },
  );
  return withShape(dx, [g.batch, g.inHeight, g.inWidth, g.inChannels]);
}

function viaRotatedConvolution(
  backend: BackendWasm,
  dy: TensorInfo,
  filter: TensorInfo,
  g: ConvGeometry,
  pads: Padding,
): TensorInfo {
  const rotated = rotatedSwapped(backend, filter, g);
  const dx = convolveSpread(backend, 'Conv2D', dy, rotated, g, pads, g.outChannels, { dilations: [1, 1], dataFormat: 'NHWC' });
  free(backend, rotated);
  expectShape(KERNEL, 'transposed convolution', dx.shape, [g.batch, g.inHeight, g.inWidth, g.inChannels]);
  return dx;
}

/** W [KH, KW, Cin, Cout] → W' [KH, KW, Cout, Cin] with W'[kh, kw, co, ci] = W[KH−1−kh, KW−1−kw, ci, co]. */
function rotatedSwapped(backend: BackendWasm, filter: TensorInfo, g: ConvGeometry): TensorInfo {
  const { filterHeight: KH, filterWidth: KW, inChannels: CI, outChannels: CO } = g;
  const out = allocF32(backend, [KH, KW, CO, CI]);
  const dst = heapF32(backend, out);
  const src = heapF32(backend, filter);
  for (let kh = 0; kh < KH; kh++) {
    for (let kw = 0; kw < KW; kw++) {
      const from = ((KH - 1 - kh) * KW + (KW - 1 - kw)) * CI * CO;
      const to = (kh * KW + kw) * CO * CI;
      for (let ci = 0; ci < CI; ci++) {
        for (let co = 0; co < CO; co++) dst[to + co * CI + ci] = src[from + ci * CO + co];
      }
    }
  }
  return out;
}

/** The kernel config, falling back to `original` (tfjs-backend-wasm's kernel) where ours does not apply. */
export function conv2dBackpropInputConfig(original: tf.KernelConfig | undefined): tf.KernelConfig {
  return {
    kernelName: KERNEL,
    backendName: 'wasm',
    // tfjs types kernelFunc with a loose NamedAttrMap; our signature is the precise one.
    kernelFunc: ((args: Args) => conv2dBackpropInputWasm(args, original)) as unknown as tf.KernelFunc,
  };
}
