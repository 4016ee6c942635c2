/**
 * Identity for the wasm backend without a copy. tfjs-backend-wasm's Identity copies
 * the tensor; the engine calls it to keep every tensor a gradient will need
 * (saveTensorsForBackwardMode → clone), so a MobileNetV2 training step copies
 * ~1600 tensors. tfjs tensors are immutable, so the result can share the input's
 * memory, counted by reference — as the CPU backend's Identity and the wasm
 * backend's own Reshape already do. Strings keep the original kernel.
 */
import type * as tf from '@tensorflow/tfjs';
import { runOriginal, type BackendWasm, type TensorInfo } from './wasm-access.ts';

type Args = { inputs: { x: TensorInfo }; backend: BackendWasm; attrs: Record<string, never> };

export function identityConfig(original: tf.KernelConfig | undefined): tf.KernelConfig {
  return {
    kernelName: 'Identity',
    backendName: 'wasm',
    // tfjs types kernelFunc with a loose NamedAttrMap; our signature is the precise one.
    kernelFunc: ((args: Args) => {
      const { x } = args.inputs;
      if (x.dtype === 'string') return runOriginal(original, 'Identity', args);
      args.backend.incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    }) as unknown as tf.KernelFunc,
  };
}
