/**
 * Small, typed access to the tfjs WASM backend from inside a kernel: allocate a
 * float32 tensor on the WASM heap, view a tensor's heap memory, call another
 * registered wasm kernel, and free intermediates. Kept in one place because these
 * are the only points where Lectern's kernels touch the backend's internals.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export type { BackendWasm };
export type TensorInfo = tf.TensorInfo;
export type Shape = number[];

/** A float32 view of a tensor's memory on the WASM heap (no copy). */
export function heapF32(backend: BackendWasm, info: TensorInfo): Float32Array {
  if (info.dtype !== 'float32') {
    throw new Error(`Lectern wasm kernel: expected a float32 tensor, got ${info.dtype} [${info.shape}]`);
  }
  return backend.typedArrayFromHeap(info) as Float32Array;
}

/** Allocates an uninitialised float32 tensor on the WASM heap. */
export function allocF32(backend: BackendWasm, shape: Shape): TensorInfo {
  return backend.makeOutput(shape, 'float32');
}

/** Allocates a float32 tensor and fills it with zeros. */
export function zerosF32(backend: BackendWasm, shape: Shape): TensorInfo {
  const out = allocF32(backend, shape);
  heapF32(backend, out).fill(0);
  return out;
}

/** The same data seen with another shape (no copy; the caller keeps ownership). */
export function withShape(info: TensorInfo, shape: Shape): TensorInfo {
  return { dataId: info.dataId, shape, dtype: info.dtype };
}

/** Runs another kernel registered for the wasm backend (e.g. BatchMatMul, Transpose). */
export function runWasmKernel(
  name: string,
  backend: BackendWasm,
  inputs: Record<string, TensorInfo>,
  attrs: Record<string, unknown>,
): TensorInfo {
  const config = tf.getKernel(name, 'wasm');
  if (!config) throw new Error(`Lectern wasm kernel: the wasm backend has no '${name}' kernel`);
  // The registry types kernelFunc loosely (NamedAttrMap); our attrs are plain data.
  const out = config.kernelFunc({ inputs, backend, attrs: attrs as tf.NamedAttrMap });
  if (Array.isArray(out)) throw new Error(`Lectern wasm kernel: '${name}' returned several outputs`);
  return out;
}

/** Frees an intermediate tensor's heap memory. */
export function free(backend: BackendWasm, info: TensorInfo): void {
  backend.disposeData(info.dataId);
}

/**
 * Runs the wasm backend's own kernel that a Lectern replacement stands in for (the cases the
 * replacement leaves alone), with a clear error when the backend lacks it.
 */
export function runOriginal(original: tf.KernelConfig | undefined, name: string, args: unknown): TensorInfo {
  if (!original) throw new Error(`${name} (Lectern, wasm): tfjs-backend-wasm's own kernel is missing`);
  // The registry types kernelFunc's argument loosely; ours are the kernel's own inputs and attrs.
  return original.kernelFunc(args as Parameters<tf.KernelFunc>[0]) as TensorInfo;
}
