/**
 * registerWasmGradients(): adds Lectern's implementations of the three gradient
 * kernels tfjs-backend-wasm 4.22 lacks (tensorflow/tfjs#8474), so that fit() can
 * train Conv2D and DepthwiseConv2D layers on the wasm backend. Idempotent: a
 * kernel already registered for 'wasm' (ours, or a future upstream one) is kept.
 */
import * as tf from '@tensorflow/tfjs';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.ts';
import { depthwiseBackpropFilterConfig } from './depthwise-backprop-filter.ts';
import { depthwiseBackpropInputConfig } from './depthwise-backprop-input.ts';

export const WASM_GRADIENT_KERNELS: readonly tf.KernelConfig[] = [
  conv2dBackpropFilterConfig,
  depthwiseBackpropFilterConfig,
  depthwiseBackpropInputConfig,
];

/** Registers the missing wasm gradient kernels; returns the names it registered this call. */
export function registerWasmGradients(): string[] {
  const added: string[] = [];
  for (const config of WASM_GRADIENT_KERNELS) {
    if (tf.getKernel(config.kernelName, 'wasm')) continue;
    tf.registerKernel(config);
    added.push(config.kernelName);
  }
  return added;
}
