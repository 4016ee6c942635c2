/**
 * The gradient of ClipByValue (ReLU6 in MobileNetV2 is relu then clip to [0, 6]):
 * dy where min ≤ x ≤ max, else 0. tfjs-core builds it from five full-size kernels
 * (GreaterEqual, LessEqual, LogicalAnd, ZerosLike, Select); on wasm Lectern does it
 * in one pass with its own kernel, LecternClipByValueGrad (WebAssembly SIMD, simd.ts, where
 * the engine has it; a JavaScript loop otherwise and for the last size % 4 values). Other
 * backends keep tfjs-core's formula, unchanged.
 */
import * as tf from '@tensorflow/tfjs';
import { simdKernelsOf } from './simd.ts';
import { allocF32, heapF32, type BackendWasm, type TensorInfo } from './wasm-access.ts';

export const CLIP_GRAD_KERNEL = 'LecternClipByValueGrad';

interface Attrs {
  clipValueMin: number;
  clipValueMax: number;
}

function clipGradWasm(args: { inputs: { dy: TensorInfo; x: TensorInfo }; backend: BackendWasm; attrs: Attrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, x } = inputs;
  const out = allocF32(backend, [...dy.shape]);
  const dst = heapF32(backend, out);
  const dys = heapF32(backend, dy);
  const xs = heapF32(backend, x);
  if (dys.length !== xs.length) throw new Error(`${CLIP_GRAD_KERNEL}: dy [${dy.shape}] and x [${x.shape}] differ in size`);
  const { clipValueMin: min, clipValueMax: max } = attrs;
  const clipGrad = simdKernelsOf(backend)?.clipGrad;
  // The bounds as float32, as the tensors hold them (ReLU6: 0 and 6 are exact either way).
  const vectorised = clipGrad && Math.fround(min) === min && Math.fround(max) === max ? dst.length - (dst.length % 4) : 0;
  if (vectorised > 0) clipGrad!(xs.byteOffset, dys.byteOffset, dst.byteOffset, vectorised * 4, min, max);
  for (let i = vectorised; i < dst.length; i++) {
    const v = xs[i];
    dst[i] = v >= min && v <= max ? dys[i] : 0;
  }
  return out;
}

export const clipGradKernelConfig: tf.KernelConfig = {
  kernelName: CLIP_GRAD_KERNEL,
  backendName: 'wasm',
  // tfjs types kernelFunc with a loose NamedAttrMap; our signature is the precise one.
  kernelFunc: clipGradWasm as unknown as tf.KernelFunc,
};

export const clipByValueGradConfig: tf.GradConfig = {
  kernelName: 'ClipByValue',
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved;
    const grad = Array.isArray(dy) ? dy[0] : dy;
    const { clipValueMin, clipValueMax } = attrs as unknown as Attrs;
    return {
      x: () =>
        tf.getBackend() === 'wasm' && grad.dtype === 'float32' && x.dtype === 'float32'
          ? (tf.engine().runKernel(CLIP_GRAD_KERNEL, { dy: grad, x }, { clipValueMin, clipValueMax }) as tf.Tensor)
          : tf.where(tf.logicalAnd(tf.greaterEqual(x, clipValueMin), tf.lessEqual(x, clipValueMax)), grad, tf.zerosLike(grad)),
    };
  },
};

let registered = false;

/** Registers the wasm kernel and the gradient that uses it; idempotent. */
export function registerFastClipGradient(): void {
  if (registered) return;
  if (!tf.getKernel(CLIP_GRAD_KERNEL, 'wasm')) tf.registerKernel(clipGradKernelConfig);
  tf.registerGradient(clipByValueGradConfig);
  registered = true;
}
