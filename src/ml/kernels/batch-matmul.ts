/**
 * A faster wasm `BatchMatMul` for training. tfjs-backend-wasm 4.22 has two costs this kernel avoids:
 *
 * 1. Transposed operands take a slow path: measured here (one core, SIMD), [32,1280]ᵀ·[32,128]
 *    takes ≈10 ms with `transposeA` but ≈3 ms as an explicit Transpose then a plain product.
 *    So flagged operands are transposed first (a copy, freed at once).
 * 2. The right-hand operand is packed for XNNPACK once per tensor and the packing is cached by
 *    tensor. Inference reuses its weights, so the packing is paid once; training makes new weights
 *    every step, so [32,320]·[320,1280] costs ≈5 ms with fresh weights against ≈1.5 ms with cached
 *    ones. When the right operand would be packed afresh and is the bigger one (N > M), the product
 *    is computed transposed, Cᵀ = op(B)ᵀ·op(A)ᵀ, so that the small side is packed: ≈1.9 ms
 *    including the transposes.
 *
 * Which right operands are cached is tracked by tensor identity (`dataId`): the first product with
 * a given B goes the transposed way and marks it, the second uses the original kernel, which packs
 * B once and reuses it from then on (weights of a frozen layer over many batches).
 */
import type * as tf from '@tensorflow/tfjs';
import { free, runWasmKernel, withShape, type BackendWasm, type TensorInfo } from './wasm-access.ts';

/** Right operands (by dataId) that have been multiplied before: the wasm backend may have them packed. */
const seenRightOperands = new WeakSet<object>();

/** Swaps the last two axes of a rank-3 (batch, rows, cols) operand. */
function transposeLastTwo(backend: BackendWasm, x: TensorInfo): TensorInfo {
  const rank = x.shape.length;
  const perm = [...Array.from({ length: rank - 2 }, (_, i) => i), rank - 1, rank - 2];
  return runWasmKernel('Transpose', backend, { x }, { perm });
}

const batchOf = (shape: readonly number[]) => shape.slice(0, -2).reduce((p, d) => p * d, 1);

interface Product {
  a: TensorInfo;
  b: TensorInfo;
  transposeA: boolean;
  transposeB: boolean;
}

/**
 * Relative costs per element, measured here: packing an operand for XNNPACK ≈7 ns, a Transpose
 * ≈1 ns ([320,1280]: ≈3 ms to pack afresh, ≈0.4 ms to transpose).
 */
const PACK_COST = 7;
const TRANSPOSE_COST = 1;

export interface ProductShape {
  /** op(A) is [m, k], op(B) is [k, n]. */
  m: number;
  k: number;
  n: number;
  transposeA: boolean;
  transposeB: boolean;
  /** The backend holds op(B) packed already (an unflagged right operand multiplied before). */
  rightPacked: boolean;
}

/**
 * Whether computing op(A)·op(B) as (op(B)ᵀ·op(A)ᵀ)ᵀ is cheaper: it packs op(A)ᵀ (K·M) instead of
 * op(B) (K·N), at the price of transposing what is not flagged and the M·N result.
 */
export function packingLeftIsCheaper({ m, k, n, transposeA, transposeB, rightPacked }: ProductShape): boolean {
  const direct = (rightPacked ? 0 : PACK_COST * k * n) + TRANSPOSE_COST * ((transposeA ? m * k : 0) + (transposeB ? k * n : 0));
  const swapped = PACK_COST * k * m + TRANSPOSE_COST * ((transposeB ? 0 : k * n) + (transposeA ? 0 : m * k) + m * n);
  return swapped < direct;
}

/** packingLeftIsCheaper for this product. Only single products (batch 1): batched ones are not training weights. */
function packLeftInstead({ a, b, transposeA, transposeB }: Product): boolean {
  if (batchOf(a.shape) !== 1 || batchOf(b.shape) !== 1) return false;
  return packingLeftIsCheaper({
    m: transposeA ? a.shape[a.shape.length - 1] : a.shape[a.shape.length - 2],
    k: transposeA ? a.shape[a.shape.length - 2] : a.shape[a.shape.length - 1],
    n: transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1],
    transposeA,
    transposeB,
    rightPacked: !transposeB && seenRightOperands.has(b.dataId),
  });
}

/** Cᵀ = op(B)ᵀ·op(A)ᵀ with the original kernel, then C; every intermediate freed. */
function viaTransposedProduct(backend: BackendWasm, original: tf.KernelConfig, p: Product, attrs: tf.NamedAttrMap): TensorInfo {
  const rows = (t: TensorInfo) => t.shape[t.shape.length - 2];
  const cols = (t: TensorInfo) => t.shape[t.shape.length - 1];
  // op(B)ᵀ is B itself when B came flagged for transposition; otherwise an explicit transpose.
  const left = p.transposeB ? withShape(p.b, [1, rows(p.b), cols(p.b)]) : transposeLastTwo(backend, withShape(p.b, [1, rows(p.b), cols(p.b)]));
  const right = p.transposeA ? withShape(p.a, [1, rows(p.a), cols(p.a)]) : transposeLastTwo(backend, withShape(p.a, [1, rows(p.a), cols(p.a)]));
  if (!p.transposeB) seenRightOperands.add(p.b.dataId);
  try {
    const productT = original.kernelFunc({
      inputs: { a: left, b: right },
      backend,
      attrs: { ...attrs, transposeA: false, transposeB: false },
    }) as TensorInfo;
    try {
      const product = transposeLastTwo(backend, productT);
      const longer = p.a.shape.length >= p.b.shape.length ? p.a : p.b;
      const outShape = [...longer.shape.slice(0, -2), product.shape[1], product.shape[2]];
      return withShape(product, outShape);
    } finally {
      free(backend, productT);
    }
  } finally {
    if (!p.transposeB) free(backend, left);
    if (!p.transposeA) free(backend, right);
  }
}

/** The replacement for `original` (the wasm backend's own BatchMatMul). */
export function batchMatMulConfig(original: tf.KernelConfig | undefined): tf.KernelConfig {
  if (!original) throw new Error("Lectern wasm kernel: the wasm backend has no 'BatchMatMul' kernel to speed up");
  return {
    kernelName: 'BatchMatMul',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
      const wasm = backend as BackendWasm;
      const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
      const product: Product = { a, b, transposeA, transposeB };
      if (packLeftInstead(product)) return viaTransposedProduct(wasm, original, product, attrs ?? {});
      if (!transposeA && !transposeB) {
        seenRightOperands.add(b.dataId);
        return original.kernelFunc({ inputs, backend, attrs });
      }
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
