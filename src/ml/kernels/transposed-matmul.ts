/**
 * A faster wasm `BatchMatMul` when an operand is transposed. tfjs-backend-wasm 4.22 hands
 * transposed products to a slow path: measured here (one core, SIMD), [32,1280]ᵀ·[32,128] takes
 * ≈10 ms with `transposeA` but ≈3 ms as an explicit Transpose then a plain product, and
 * [32,1280]·[320,1280]ᵀ ≈20 ms against ≈5.5 ms. Every Dense and 1×1-convolution gradient is such a
 * product, so fine-tuning's steps spend most of their time there. This kernel transposes the
 * flagged operands first (a copy of the smaller side, freed at once) and calls the original
 * kernel with both flags off; untransposed products go straight to the original.
 */
import type * as tf from '@tensorflow/tfjs';
import { free, runWasmKernel, type BackendWasm, type TensorInfo } from './wasm-access.ts';

/** Swaps the last two axes of a rank-3 (batch, rows, cols) operand. */
function transposeLastTwo(backend: BackendWasm, x: TensorInfo): TensorInfo {
  const rank = x.shape.length;
  const perm = [...Array.from({ length: rank - 2 }, (_, i) => i), rank - 1, rank - 2];
  return runWasmKernel('Transpose', backend, { x }, { perm });
}

/** The replacement for `original` (the wasm backend's own BatchMatMul). */
export function transposedBatchMatMulConfig(original: tf.KernelConfig | undefined): tf.KernelConfig {
  if (!original) throw new Error("Lectern wasm kernel: the wasm backend has no 'BatchMatMul' kernel to speed up");
  return {
    kernelName: 'BatchMatMul',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
      if (!transposeA && !transposeB) return original.kernelFunc({ inputs, backend, attrs });
      const wasm = backend as BackendWasm;
      const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
      const a2 = transposeA ? transposeLastTwo(wasm, a) : a;
      const b2 = transposeB ? transposeLastTwo(wasm, b) : b;
      try {
        return original.kernelFunc({ inputs: { a: a2, b: b2 }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
      } finally {
        if (transposeA) free(wasm, a2);
        if (transposeB) free(wasm, b2);
      }
    },
  };
}
