/**
 * Convolution geometry shared by the gradient kernels: tfjs's own shape and
 * padding arithmetic (backend_util.computeConv2DInfo), so 'same', 'valid',
 * explicit padding and dimRoundingMode mean exactly what they mean on the CPU
 * backend, reduced to the plain numbers the loops need.
 */
import * as tf from '@tensorflow/tfjs';

export type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

/** The convolution attributes every tfjs convolution gradient kernel receives. */
export interface ConvAttrs {
  strides: [number, number] | number;
  /** Default 1 (no dilation). */
  dilations?: [number, number] | number;
  pad: Pad;
  /** Default: none (tfjs's default, output sizes must be integral for numeric pads). */
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

export interface ConvGeometryArgs extends ConvAttrs {
  /** Input shape, NHWC. */
  xShape: number[];
  /** Filter shape [kh, kw, inChannels, outChannels (conv) | multiplier (depthwise)]. */
  filterShape: number[];
  /** Default false. */
  depthwise?: boolean;
  /** Kernel name used in error messages. */
  kernel: string;
}

export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  /** Depthwise channel multiplier (1 for a plain convolution). */
  multiplier: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padTop: number;
  padLeft: number;
  padBottom: number;
  padRight: number;
}

export function convGeometry(args: ConvGeometryArgs): ConvGeometry {
  const { xShape, filterShape, kernel } = args;
  if (xShape.length !== 4 || filterShape.length !== 4) {
    throw new Error(`${kernel}: expected rank-4 input and filter, got x [${xShape}] and filter [${filterShape}]`);
  }
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    args.strides,
    args.dilations ?? 1,
    args.pad,
    args.dimRoundingMode,
    args.depthwise ?? false,
    'channelsLast',
  );
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    multiplier: args.depthwise ? filterShape[3] : 1,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    dilationHeight: info.dilationHeight,
    dilationWidth: info.dilationWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
    padBottom: info.padInfo.bottom,
    padRight: info.padInfo.right,
  };
}

/**
 * A 1×1, stride-1, unpadded convolution: each output position is its input position times the
 * filter, so the convolution and both its gradients are plain matrix products over [N·H·W, C].
 * (Dilation does not matter for a 1×1 filter.)
 */
export function isPointwise(g: ConvGeometry): boolean {
  return (
    g.filterHeight === 1 && g.filterWidth === 1 && g.strideHeight === 1 && g.strideWidth === 1 &&
    g.padTop === 0 && g.padLeft === 0 && g.outHeight === g.inHeight && g.outWidth === g.inWidth
  );
}

/** Throws a clear message when a tensor's shape disagrees with the geometry. */
export function expectShape(kernel: string, what: string, actual: number[], expected: number[]): void {
  if (actual.length !== expected.length || actual.some((d, i) => d !== expected[i])) {
    throw new Error(`${kernel}: ${what} has shape [${actual}], expected [${expected}]`);
  }
}
