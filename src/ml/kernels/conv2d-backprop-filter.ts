/**
 * Conv2DBackpropFilter for the wasm backend: the gradient of a Conv2D's filter.
 *
 *   dW[kh, kw, ci, co] = Σ_{n, oh, ow} x[n, oh·s + kh·d − pad, ow·s + kw·d − pad, ci] · dy[n, oh, ow, co]
 *
 * That is one matrix product colsᵀ × dy, where cols [P = N·OH·OW, K = KH·KW·Cin]
 * holds the input patches (im2col). The product runs on the wasm backend's
 * BatchMatMul (XNNPACK), which is fast only without transpose flags, so we build
 * colsᵀ [K, P] directly. For a 1×1, stride-1, unpadded convolution (most of
 * MobileNetV2) colsᵀ is simply xᵀ, produced by the wasm Transpose kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { convGeometry, expectShape, isPointwise, type ConvAttrs, type ConvGeometry } from './geometry.ts';
import {
  allocF32,
  free,
  heapF32,
  runWasmKernel,
  withShape,
  type BackendWasm,
  type TensorInfo,
} from './wasm-access.ts';

const KERNEL = 'Conv2DBackpropFilter';

interface Attrs extends ConvAttrs {
  dataFormat?: 'NHWC' | 'NCHW';
  filterShape: [number, number, number, number];
}

export function conv2dBackpropFilterWasm(args: {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: BackendWasm;
  attrs: Attrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs;
  if (attrs.dataFormat === 'NCHW') {
    throw new Error(`${KERNEL} (Lectern, wasm): only NHWC is supported, got dataFormat NCHW`);
  }
  const g = convGeometry({ ...attrs, xShape: x.shape, kernel: KERNEL });
  expectShape(KERNEL, 'dy', dy.shape, [g.batch, g.outHeight, g.outWidth, g.outChannels]);
  const positions = g.batch * g.outHeight * g.outWidth;
  const colsT = isPointwise(g)
    ? runWasmKernel('Transpose', backend, { x: withShape(x, [positions, g.inChannels]) }, { perm: [1, 0] })
    : im2colTransposed(backend, x, g);
  const rows = g.filterHeight * g.filterWidth * g.inChannels;
  const product = runWasmKernel(
    'BatchMatMul',
    backend,
    { a: withShape(colsT, [1, rows, positions]), b: withShape(dy, [1, positions, g.outChannels]) },
    { transposeA: false, transposeB: false },
  );
  free(backend, colsT);
  return withShape(product, [...attrs.filterShape]);
}

/** colsᵀ [KH·KW·Cin, N·OH·OW]: row (kh, kw, ci), column (n, oh, ow); zero where the patch hangs over the padding. */
function im2colTransposed(backend: BackendWasm, x: TensorInfo, g: ConvGeometry): TensorInfo {
  const positions = g.batch * g.outHeight * g.outWidth;
  const rows = g.filterHeight * g.filterWidth * g.inChannels;
  const out = allocF32(backend, [rows, positions]);
  const cols = heapF32(backend, out);
  const xs = heapF32(backend, x);
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = g;
  for (let kh = 0; kh < g.filterHeight; kh++) {
    for (let kw = 0; kw < g.filterWidth; kw++) {
      const tapRow = (kh * g.filterWidth + kw) * C;
      for (let n = 0; n < g.batch; n++) {
        for (let oh = 0; oh < OH; oh++) {
          const ih = oh * g.strideHeight + kh * g.dilationHeight - g.padTop;
          const rowInside = ih >= 0 && ih < H;
          for (let ow = 0; ow < OW; ow++) {
            const p = (n * OH + oh) * OW + ow;
            const iw = ow * g.strideWidth + kw * g.dilationWidth - g.padLeft;
            if (rowInside && iw >= 0 && iw < W) {
              const xBase = ((n * H + ih) * W + iw) * C;
              for (let c = 0; c < C; c++) cols[(tapRow + c) * positions + p] = xs[xBase + c];
            } else {
              for (let c = 0; c < C; c++) cols[(tapRow + c) * positions + p] = 0;
            }
          }
        }
      }
    }
  }
  return out;
}

export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: KERNEL,
  backendName: 'wasm',
  // tfjs types kernelFunc with a loose NamedAttrMap; our signature is the precise one.
  kernelFunc: conv2dBackpropFilterWasm as unknown as tf.KernelFunc,
};
