/**
 * DepthwiseConv2dNativeBackpropInput for the wasm backend: the gradient of a
 * DepthwiseConv2D's input.
 *
 *   dx[n, ih, iw, c] = Σ_{kh, kw, m} dy[n, oh, ow, c·M + m] · W[kh, kw, c, m]   where ih = oh·s + kh·d − pad
 *
 * Fast path: this is a stride-1 depthwise convolution of dy — with zeros inserted
 * between its rows and columns when the forward stride is > 1 — by the filter
 * flipped in both spatial axes, with padding (KH−1)·d − pad. The wasm backend's
 * own DepthwiseConv2dNative (XNNPACK) runs it over the C·M channels of dy; for a
 * multiplier M > 1 the M results of each input channel are then summed.
 * General path (padding larger than the dilated filter, which no tfjs layer
 * produces): a direct scatter loop.
 */
import * as tf from '@tensorflow/tfjs';
import { convGeometry, expectShape, type ConvAttrs, type ConvGeometry } from './geometry.ts';
import { convolveSpread, transposedPadding, type Padding } from './spread.ts';
import { allocF32, free, heapF32, type BackendWasm, type TensorInfo } from './wasm-access.ts';

const KERNEL = 'DepthwiseConv2dNativeBackpropInput';

interface Attrs extends ConvAttrs {
  inputShape: [number, number, number, number];
}

export function depthwiseBackpropInputWasm(args: {
  inputs: { dy: TensorInfo; filter: TensorInfo };
  backend: BackendWasm;
  attrs: Attrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs;
  const g = convGeometry({ ...attrs, xShape: attrs.inputShape, filterShape: filter.shape, depthwise: true, kernel: KERNEL });
  if (filter.shape[2] !== g.inChannels) {
    throw new Error(`${KERNEL}: filter has ${filter.shape[2]} input channels, inputShape has ${g.inChannels}`);
  }
  expectShape(KERNEL, 'dy', dy.shape, [g.batch, g.outHeight, g.outWidth, g.outChannels]);
  const pads = transposedPadding(g);
  return pads ? viaFlippedConvolution(backend, dy, filter, g, pads) : scatter(backend, dy, filter, g);
}

function viaFlippedConvolution(
  backend: BackendWasm,
  dy: TensorInfo,
  filter: TensorInfo,
  g: ConvGeometry,
  pads: Padding,
): TensorInfo {
  const CM = g.inChannels * g.multiplier;
  const flipped = flipFilter(backend, filter, g);
  const perChannel = convolveSpread(backend, 'DepthwiseConv2dNative', dy, flipped, g, pads, CM, {
    dilations: [g.dilationHeight, g.dilationWidth],
  });
  free(backend, flipped);
  expectShape(KERNEL, 'transposed convolution', perChannel.shape, [g.batch, g.inHeight, g.inWidth, CM]);
  if (g.multiplier === 1) return perChannel;
  const dx = sumMultiplier(backend, perChannel, g);
  free(backend, perChannel);
  return dx;
}

/** The filter [KH, KW, C, M] rotated 180° in space, seen as [KH, KW, C·M, 1]. */
function flipFilter(backend: BackendWasm, filter: TensorInfo, g: ConvGeometry): TensorInfo {
  const CM = g.inChannels * g.multiplier;
  const KH = g.filterHeight;
  const KW = g.filterWidth;
  const out = allocF32(backend, [KH, KW, CM, 1]);
  const dst = heapF32(backend, out);
  const src = heapF32(backend, filter);
  for (let kh = 0; kh < KH; kh++) {
    for (let kw = 0; kw < KW; kw++) {
      const from = ((KH - 1 - kh) * KW + (KW - 1 - kw)) * CM;
      dst.set(src.subarray(from, from + CM), (kh * KW + kw) * CM);
    }
  }
  return out;
}

/** [N, H, W, C·M] → [N, H, W, C], summing the M results of each channel. */
function sumMultiplier(backend: BackendWasm, perChannel: TensorInfo, g: ConvGeometry): TensorInfo {
  const M = g.multiplier;
  const C = g.inChannels;
  const out = allocF32(backend, [g.batch, g.inHeight, g.inWidth, C]);
  const dst = heapF32(backend, out);
  const src = heapF32(backend, perChannel);
  for (let i = 0, j = 0; i < dst.length; i++, j += M) {
    let s = 0;
    for (let m = 0; m < M; m++) s += src[j + m];
    dst[i] = s;
  }
  return out;
}

/** General path: every dy element adds its filter-weighted value to the inputs it came from. */
function scatter(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, g: ConvGeometry): TensorInfo {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, multiplier: M } = g;
  const CM = C * M;
  const acc = new Float64Array(g.batch * H * W * C);
  const dys = heapF32(backend, dy);
  const ws = heapF32(backend, filter);
  for (let n = 0; n < g.batch; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const dyBase = ((n * OH + oh) * OW + ow) * CM;
        for (let kh = 0; kh < g.filterHeight; kh++) {
          const ih = oh * g.strideHeight + kh * g.dilationHeight - g.padTop;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < g.filterWidth; kw++) {
            const iw = ow * g.strideWidth + kw * g.dilationWidth - g.padLeft;
            if (iw < 0 || iw >= W) continue;
            const xBase = ((n * H + ih) * W + iw) * C;
            const wBase = (kh * g.filterWidth + kw) * CM;
            for (let c = 0; c < C; c++) {
              let s = 0;
              for (let m = 0; m < M; m++) s += dys[dyBase + c * M + m] * ws[wBase + c * M + m];
              acc[xBase + c] += s;
            }
          }
        }
      }
    }
  }
  const out = allocF32(backend, [g.batch, H, W, C]);
  heapF32(backend, out).set(acc);
  return out;
}

export const depthwiseBackpropInputConfig: tf.KernelConfig = {
  kernelName: KERNEL,
  backendName: 'wasm',
  // tfjs types kernelFunc with a loose NamedAttrMap; our signature is the precise one.
  kernelFunc: depthwiseBackpropInputWasm as unknown as tf.KernelFunc,
};
