/**
 * One Adam update of one weight in a single pass on the wasm heap: LecternAdamUpdate takes the
 * weight, its gradient and its two moments and returns the new weight and moments. tfjs's Adam
 * spends ~10 full-size kernels per weight (each with its own allocation and dispatch): for the
 * layers fine-tuning trains by default (Conv_1's 409,600 weights, the head's 164k) that is ≈7 ms
 * of a ≈21 ms step. The loop is WebAssembly SIMD (simd.ts), with tfjs's f32 arithmetic in
 * tfjs's order (tfjs-core adam_optimizer.ts), so results equal tfjs's Adam:
 *
 *   m' = m·β1 + g·(1−β1)    v' = v·β2 + (g·g)·(1−β2)    w' = ((m'/c1) / (√(v'/c2) + ε))·(−lr) + w
 *
 * with c1 = 1 − β1ᵗ and c2 = 1 − β2ᵗ. Where the engine has no WebAssembly SIMD or the backend's
 * memory cannot be reached, `fusedAdamUsable` is false and adam.ts uses tfjs ops instead.
 */
import type * as tf from '@tensorflow/tfjs';
import { simdKernelsOf } from './simd.ts';
import { allocF32, heapF32, type BackendWasm, type TensorInfo } from './wasm-access.ts';

export const ADAM_UPDATE_KERNEL = 'LecternAdamUpdate';

export interface AdamUpdateAttrs {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Bias corrections 1 − β1ᵗ and 1 − β2ᵗ for this step t (from 1). */
  correction1: number;
  correction2: number;
}

type Inputs = { value: TensorInfo; gradient: TensorInfo; m: TensorInfo; v: TensorInfo };

/** True when LecternAdamUpdate can run on this wasm backend (SIMD and its memory available). */
export function fusedAdamUsable(backend: unknown): boolean {
  return typeof backend === 'object' && backend !== null && 'wasm' in backend && simdKernelsOf(backend as BackendWasm) !== null;
}

const f32 = Math.fround;

function adamUpdateWasm(args: { inputs: Inputs; backend: BackendWasm; attrs: AdamUpdateAttrs }): TensorInfo[] {
  const { inputs, backend, attrs } = args;
  const { value, gradient, m, v } = inputs;
  const adam = simdKernelsOf(backend)?.adam;
  if (!adam) throw new Error(`${ADAM_UPDATE_KERNEL}: this engine has no WebAssembly SIMD; use tfjs's Adam`);
  const size = value.shape.reduce((p, d) => p * d, 1);
  for (const [name, t] of Object.entries({ gradient, m, v })) {
    if (t.shape.reduce((p, d) => p * d, 1) !== size) {
      throw new Error(`${ADAM_UPDATE_KERNEL}: ${name} [${t.shape}] does not match the weight [${value.shape}]`);
    }
  }
  // Allocate every output before taking heap views: an allocation may grow (and detach) the heap.
  const outs = [allocF32(backend, [...value.shape]), allocF32(backend, [...value.shape]), allocF32(backend, [...value.shape])];
  const [w1, m1, v1] = outs.map((t) => heapF32(backend, t));
  const [w0, g, m0, v0] = [value, gradient, m, v].map((t) => heapF32(backend, t));
  // The constants as tfjs makes them: float32 scalars from JavaScript numbers (1 − β in float64).
  const [beta1, beta2] = [f32(attrs.beta1), f32(attrs.beta2)];
  const [keep1, keep2] = [f32(1 - attrs.beta1), f32(1 - attrs.beta2)];
  const [c1, c2, eps, negLr] = [f32(attrs.correction1), f32(attrs.correction2), f32(attrs.epsilon), f32(-attrs.learningRate)];
  const vectorised = size - (size % 4);
  adam(w0.byteOffset, g.byteOffset, m0.byteOffset, v0.byteOffset, w1.byteOffset, m1.byteOffset, v1.byteOffset, vectorised * 4,
    beta1, keep1, beta2, keep2, c1, c2, eps, negLr);
  // The last size % 4 weights, with the same f32 operations.
  for (let i = vectorised; i < size; i++) {
    const mi = f32(f32(m0[i] * beta1) + f32(g[i] * keep1));
    const vi = f32(f32(v0[i] * beta2) + f32(f32(g[i] * g[i]) * keep2));
    m1[i] = mi;
    v1[i] = vi;
    w1[i] = f32(f32(f32(f32(mi / c1) / f32(f32(Math.sqrt(f32(vi / c2))) + eps)) * negLr) + w0[i]);
  }
  return outs;
}

export const adamUpdateKernelConfig: tf.KernelConfig = {
  kernelName: ADAM_UPDATE_KERNEL,
  backendName: 'wasm',
  // tfjs types kernelFunc with a loose NamedAttrMap; our signature is the precise one.
  kernelFunc: adamUpdateWasm as unknown as tf.KernelFunc,
};
