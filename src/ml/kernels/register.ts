/**
 * registerWasmGradients(): what Lectern adds to tfjs-backend-wasm 4.22 so that training runs, and
 * runs fast, on wasm. Idempotent: a kernel already registered for 'wasm' (ours, or a future
 * upstream one) is kept. It registers
 * - the three gradient kernels the backend lacks (tensorflow/tfjs#8474): Conv2DBackpropFilter and
 *   the depthwise filter and input gradients, and LecternAdamUpdate (adam-update.ts, used by adam.ts);
 * - gradients for every backend: FusedBatchNorm's broadcasting one (batchnorm-gradient.ts, no slow
 *   Tile) and ClipByValue's (ReLU6; one pass on wasm, clip-gradient.ts);
 * - replacements for backend kernels, each falling back to the original for what it leaves alone:
 *   Conv2DBackpropInput via products and convolutions (conv2d-backprop-input.ts), Sum and Mean
 *   over leading axes (reduce-leading.ts), a copy-free Identity (identity.ts), GatherV2 by rows
 *   (gather-rows.ts), BatchMatMul that transposes flagged operands and packs the smaller side for
 *   new weights (batch-matmul.ts), and 1×1 Conv2D / FusedConv2D with new filters through it
 *   (pointwise-conv.ts).
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

/** Kernels the wasm backend does not have at all. */
export const WASM_ADDED_KERNELS: readonly tf.KernelConfig[] = [
  conv2dBackpropFilterConfig,
  depthwiseBackpropFilterConfig,
  depthwiseBackpropInputConfig,
  adamUpdateKernelConfig,
];

/** Registers the kernels and gradients above; returns the kernel names it registered this call. */
export function registerWasmGradients(): string[] {
  registerFastBatchNormGradient();
  registerFastClipGradient();
  const added: string[] = [];
  for (const config of WASM_ADDED_KERNELS) {
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
  ['BatchMatMul', batchMatMulConfig],
  ['Conv2D', conv2dPointwiseConfig],
  ['FusedConv2D', fusedConv2dPointwiseConfig],
];

const installed = new Map<string, tf.KernelConfig>();

/**
 * Swaps in Lectern's kernel for wasm once; true when it did so now. The replacement keeps the
 * original's setup (its cwrap of the C++ function, which must run when the backend starts), since
 * every replacement falls back to the original for the cases it leaves alone.
 */
function replaceWasmKernel(name: string, make: MakeConfig): boolean {
  const current = tf.getKernel(name, 'wasm');
  if (current && current === installed.get(name)) return false;
  const replacement = { ...make(current), ...(current?.setupFunc ? { setupFunc: current.setupFunc } : {}) };
  if (current) tf.unregisterKernel(name, 'wasm');
  tf.registerKernel(replacement);
  installed.set(name, replacement);
  return true;
}
