/**
 * registerWasmGradients(): adds Lectern's implementations of the three gradient
 * kernels tfjs-backend-wasm 4.22 lacks (tensorflow/tfjs#8474), so that fit() can
 * train Conv2D and DepthwiseConv2D layers on the wasm backend. Idempotent: a
 * kernel already registered for 'wasm' (ours, or a future upstream one) is kept.
 * Also installs the broadcast FusedBatchNorm gradient (batchnorm-gradient.ts),
 * which spares wasm a slow Tile per BatchNormalization layer, and replaces the
 * wasm backend's Conv2DBackpropInput (a direct loop) with one built on its
 * BatchMatMul and Conv2D (conv2d-backprop-input.ts), keeping the original as the
 * fallback for paddings ours does not cover; likewise Sum and Mean over all axes
 * but the last (BatchNormalization's reductions) become one BatchMatMul
 * (reduce-leading.ts); Identity shares memory instead of copying (identity.ts);
 * ClipByValue's gradient (ReLU6) is one pass on wasm (clip-gradient.ts); a
 * BatchMatMul with transposed operands transposes them first, and one whose weights are new
 * (training) packs the smaller operand (batch-matmul.ts), which 1×1 convolutions with new filters
 * use too (pointwise-conv.ts). LecternAdamUpdate is a whole Adam step of one weight in one pass
 * (adam-update.ts, used by adam.ts). GatherV2 along the first axis copies whole rows
 * (gather-rows.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { registerFastBatchNormGradient } from './batchnorm-gradient.ts';
import { registerFastClipGradient } from './clip-gradient.ts';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.ts';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input.ts';
import { gatherRowsConfig } from './gather-rows.ts';
import { identityConfig } from './identity.ts';
import { meanConfig, sumConfig } from './reduce-leading.ts';
import { adamUpdateKernelConfig } from './adam-update.ts';
import { batchMatMulConfig } from './batch-matmul.ts';
import { conv2dPointwiseConfig, fusedConv2dPointwiseConfig } from './pointwise-conv.ts';
import { depthwiseBackpropFilterConfig } from './depthwise-backprop-filter.ts';
import { depthwiseBackpropInputConfig } from './depthwise-backprop-input.ts';

export const WASM_GRADIENT_KERNELS: readonly tf.KernelConfig[] = [
  conv2dBackpropFilterConfig,
  depthwiseBackpropFilterConfig,
  depthwiseBackpropInputConfig,
  adamUpdateKernelConfig,
];

/** Registers the missing wasm gradient kernels; returns the names it registered this call. */
export function registerWasmGradients(): string[] {
  registerFastBatchNormGradient();
  registerFastClipGradient();
  const added: string[] = [];
  for (const config of WASM_GRADIENT_KERNELS) {
    if (tf.getKernel(config.kernelName, 'wasm')) continue;
    tf.registerKernel(config);
    added.push(config.kernelName);
  }
  for (const [name, make] of REPLACEMENTS) {
    if (replaceWasmKernel(name, make)) added.push(name);
  }
  return added;
}

type MakeConfig = (original: tf.KernelConfig | undefined) => tf.KernelConfig;

/** Upstream wasm kernels Lectern replaces, each keeping the original as its fallback. */
const REPLACEMENTS: ReadonlyArray<readonly [string, MakeConfig]> = [
  ['Conv2DBackpropInput', conv2dBackpropInputConfig],
  ['Sum', sumConfig],
  ['Mean', meanConfig],
  ['Identity', identityConfig],
  ['GatherV2', gatherRowsConfig],
  ['BatchMatMul', withOriginalSetup(batchMatMulConfig)],
  ['Conv2D', conv2dPointwiseConfig],
  ['FusedConv2D', fusedConv2dPointwiseConfig],
];

/** Keeps the original's setup (its cwrap of the C++ function), which must run when the backend starts. */
function withOriginalSetup(make: MakeConfig): MakeConfig {
  return (original) => ({ ...make(original), ...(original?.setupFunc ? { setupFunc: original.setupFunc } : {}) });
}

const installed = new Map<string, tf.KernelConfig>();

/** Swaps in Lectern's kernel for wasm once; true when it did so now. */
function replaceWasmKernel(name: string, make: MakeConfig): boolean {
  const current = tf.getKernel(name, 'wasm');
  if (current && current === installed.get(name)) return false;
  const replacement = make(current);
  if (current) tf.unregisterKernel(name, 'wasm');
  tf.registerKernel(replacement);
  installed.set(name, replacement);
  return true;
}
