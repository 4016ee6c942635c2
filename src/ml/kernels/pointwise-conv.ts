/**
 * Conv2D and FusedConv2D on wasm for 1×1 convolutions whose filter is new (training): the product
 * x [P, Cin] · W [Cin, Cout] by Lectern's BatchMatMul (batch-matmul.ts), which packs the smaller
 * operand. The wasm backend's own convolution packs the filter for XNNPACK once per filter tensor;
 * training makes a new filter every step, so MobileNetV2's Conv_1 (320 → 1280) at a 1×1 feature
 * map costs ≈4.2 ms per 32-image step with the packing against ≈1.9 ms this way.
 *
 * Taken only on the first convolution with a given filter (a filter seen before is packed by the
 * backend already: frozen layers keep the original kernel), for a plain 1×1, stride-1, unpadded
 * NHWC convolution where BatchMatMul's cost model would pack the input rather than the filter
 * (packingLeftIsCheaper), and, for FusedConv2D, without bias or activation. Everything else goes
 * to the original kernel.
 */
import type * as tf from '@tensorflow/tfjs';
import { packingLeftIsCheaper } from './batch-matmul.ts';
import { convGeometry, isPointwise, type ConvAttrs } from './geometry.ts';
import { runWasmKernel, withShape, type BackendWasm, type TensorInfo } from './wasm-access.ts';

interface Attrs extends ConvAttrs {
  dataFormat?: 'NHWC' | 'NCHW';
  /** FusedConv2D only. */
  activation?: string;
}

/** Filters (by dataId) that went to the original kernel, which keeps them packed. */
const seenFilters = new WeakSet<object>();

function pointwiseConfig(kernelName: 'Conv2D' | 'FusedConv2D', original: tf.KernelConfig | undefined): tf.KernelConfig {
  if (!original) throw new Error(`Lectern wasm kernel: the wasm backend has no '${kernelName}' kernel to speed up`);
  return {
    kernelName,
    backendName: 'wasm',
    kernelFunc: (args) => {
      const { x, filter, bias, preluActivationWeights } = args.inputs as Record<string, TensorInfo | undefined>;
      const attrs = args.attrs as unknown as Attrs;
      const plain = !bias && !preluActivationWeights && (attrs.activation ?? 'linear') === 'linear' && attrs.dataFormat !== 'NCHW';
      if (plain && x && filter && !seenFilters.has(filter.dataId)) {
        const g = convGeometry({ ...attrs, xShape: x.shape, filterShape: filter.shape, kernel: kernelName });
        const positions = g.batch * g.inHeight * g.inWidth;
        const shape = { m: positions, k: g.inChannels, n: g.outChannels, transposeA: false, transposeB: false, rightPacked: false };
        if (isPointwise(g) && packingLeftIsCheaper(shape)) {
          const backend = args.backend as BackendWasm;
          const product = runWasmKernel(
            'BatchMatMul',
            backend,
            { a: withShape(x, [1, positions, g.inChannels]), b: withShape(filter, [1, g.inChannels, g.outChannels]) },
            { transposeA: false, transposeB: false },
          );
          seenFilters.add(filter.dataId);
          return withShape(product, [g.batch, g.outHeight, g.outWidth, g.outChannels]);
        }
      }
      if (filter) seenFilters.add(filter.dataId);
      return original.kernelFunc(args);
    },
  };
}

export const conv2dPointwiseConfig = (original: tf.KernelConfig | undefined) => pointwiseConfig('Conv2D', original);
export const fusedConv2dPointwiseConfig = (original: tf.KernelConfig | undefined) => pointwiseConfig('FusedConv2D', original);
