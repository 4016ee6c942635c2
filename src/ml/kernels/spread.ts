/**
 * Helpers shared by the input-gradient kernels, which compute a transposed
 * convolution as an ordinary stride-1 convolution of dy: dy spread by the forward
 * stride, and the padding that convolution needs.
 */
import type * as tf from '@tensorflow/tfjs';
import type { ConvGeometry } from './geometry.ts';
import { free, heapF32, runWasmKernel, zerosF32, type BackendWasm, type TensorInfo } from './wasm-access.ts';

export interface Padding {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/** The explicit NHWC padding attribute tfjs convolution kernels take for these pads. */
export function explicitPad(pads: Padding): tf.backend_util.ExplicitPadding {
  return [[0, 0], [pads.top, pads.bottom], [pads.left, pads.right], [0, 0]];
}

/**
 * Padding of the stride-1 convolution that maps spread dy back to the input size:
 * (KH−1)·d − padTop before, H + padTop − (OH−1)·s − 1 after; null when a side
 * would be negative (padding wider than the dilated filter).
 */
export function transposedPadding(g: ConvGeometry): Padding | null {
  const side = (inSize: number, outSize: number, k: number, s: number, d: number, before: number) => ({
    before: (k - 1) * d - before,
    after: inSize + before - (outSize - 1) * s - 1,
  });
  const v = side(g.inHeight, g.outHeight, g.filterHeight, g.strideHeight, g.dilationHeight, g.padTop);
  const h = side(g.inWidth, g.outWidth, g.filterWidth, g.strideWidth, g.dilationWidth, g.padLeft);
  if (v.before < 0 || v.after < 0 || h.before < 0 || h.after < 0) return null;
  return { top: v.before, bottom: v.after, left: h.before, right: h.after };
}

/** dy with (stride − 1) zeros between rows and columns: [N, (OH−1)·sh + 1, (OW−1)·sw + 1, channels]. */
export function spreadByStride(backend: BackendWasm, dy: TensorInfo, g: ConvGeometry, channels: number): TensorInfo {
  const SH = (g.outHeight - 1) * g.strideHeight + 1;
  const SW = (g.outWidth - 1) * g.strideWidth + 1;
  const out = zerosF32(backend, [g.batch, SH, SW, channels]);
  const dst = heapF32(backend, out);
  const src = heapF32(backend, dy);
  for (let n = 0; n < g.batch; n++) {
    for (let oh = 0; oh < g.outHeight; oh++) {
      for (let ow = 0; ow < g.outWidth; ow++) {
        const from = ((n * g.outHeight + oh) * g.outWidth + ow) * channels;
        const to = ((n * SH + oh * g.strideHeight) * SW + ow * g.strideWidth) * channels;
        dst.set(src.subarray(from, from + channels), to);
      }
    }
  }
  return out;
}

export function isStrided(g: ConvGeometry): boolean {
  return g.strideHeight > 1 || g.strideWidth > 1;
}

/**
 * The transposed convolution itself: `kernel` (the wasm backend's Conv2D or
 * DepthwiseConv2dNative) at stride 1 over dy spread by the forward stride, padded by `pads`,
 * with the filter the caller prepared (rotated 180°); dy has `channels` channels. The spread copy
 * is freed here.
 */
export function convolveSpread(
  backend: BackendWasm,
  kernel: 'Conv2D' | 'DepthwiseConv2dNative',
  dy: TensorInfo,
  filter: TensorInfo,
  g: ConvGeometry,
  pads: Padding,
  channels: number,
  attrs: { dilations: [number, number]; dataFormat?: 'NHWC' },
): TensorInfo {
  const spread = isStrided(g) ? spreadByStride(backend, dy, g, channels) : null;
  try {
    return runWasmKernel(kernel, backend, { x: spread ?? dy, filter }, { ...attrs, strides: [1, 1], pad: explicitPad(pads) });
  } finally {
    if (spread) free(backend, spread);
  }
}
