/**
 * DepthwiseConv2dNativeBackpropFilter for the wasm backend: the gradient of a
 * DepthwiseConv2D's filter [KH, KW, C, M].
 *
 *   dW[kh, kw, c, m] = Σ_{n, oh, ow} x[n, oh·s + kh·d − pad, ow·s + kw·d − pad, c] · dy[n, oh, ow, c·M + m]
 *
 * For each filter tap this is the input shifted by the tap, multiplied elementwise
 * by dy and summed over batch and space: one pass over dy per tap, reading both
 * tensors contiguously along channels. Out-of-range rows and columns of a tap are
 * skipped instead of padded. Accumulates in float64 so large batches stay exact
 * to float32 rounding.
 */
import * as tf from '@tensorflow/tfjs';
import { convGeometry, expectShape, type ConvAttrs, type ConvGeometry } from './geometry.ts';
import { allocF32, heapF32, type BackendWasm, type TensorInfo } from './wasm-access.ts';

const KERNEL = 'DepthwiseConv2dNativeBackpropFilter';

interface Attrs extends ConvAttrs {
  filterShape: [number, number, number, number];
}

export function depthwiseBackpropFilterWasm(args: {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: BackendWasm;
  attrs: Attrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs;
  const g = convGeometry({ ...attrs, xShape: x.shape, depthwise: true, kernel: KERNEL });
  if (attrs.filterShape[2] !== g.inChannels) {
    throw new Error(`${KERNEL}: filter has ${attrs.filterShape[2]} input channels, x has ${g.inChannels}`);
  }
  expectShape(KERNEL, 'dy', dy.shape, [g.batch, g.outHeight, g.outWidth, g.outChannels]);
  const sums = tapSums(heapF32(backend, x), heapF32(backend, dy), g);
  const out = allocF32(backend, [...attrs.filterShape]);
  heapF32(backend, out).set(sums);
  return out;
}

/** Σ over batch and space of (input shifted by each tap) · dy, laid out as the filter [KH, KW, C, M]. */
export function tapSums(xs: Float32Array, dys: Float32Array, g: ConvGeometry): Float64Array {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, multiplier: M } = g;
  const CM = C * M;
  const acc = new Float64Array(g.filterHeight * g.filterWidth * CM);
  for (let kh = 0; kh < g.filterHeight; kh++) {
    for (let kw = 0; kw < g.filterWidth; kw++) {
      const tap = (kh * g.filterWidth + kw) * CM;
      for (let n = 0; n < g.batch; n++) {
        for (let oh = 0; oh < OH; oh++) {
          const ih = oh * g.strideHeight + kh * g.dilationHeight - g.padTop;
          if (ih < 0 || ih >= H) continue;
          for (let ow = 0; ow < OW; ow++) {
            const iw = ow * g.strideWidth + kw * g.dilationWidth - g.padLeft;
            if (iw < 0 || iw >= W) continue;
            const xBase = ((n * H + ih) * W + iw) * C;
            const dyBase = ((n * OH + oh) * OW + ow) * CM;
            if (M === 1) {
              for (let c = 0; c < C; c++) acc[tap + c] += xs[xBase + c] * dys[dyBase + c];
            } else {
              for (let c = 0; c < C; c++) {
                const xv = xs[xBase + c];
                for (let m = 0; m < M; m++) acc[tap + c * M + m] += xv * dys[dyBase + c * M + m];
              }
            }
          }
        }
      }
    }
  }
  return acc;
}

export const depthwiseBackpropFilterConfig: tf.KernelConfig = {
  kernelName: KERNEL,
  backendName: 'wasm',
  // tfjs types kernelFunc with a loose NamedAttrMap; our signature is the precise one.
  kernelFunc: depthwiseBackpropFilterWasm as unknown as tf.KernelFunc,
};
