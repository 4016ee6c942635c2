/**
 * GatherV2 along the first axis for the wasm backend: whole rows copied with one memcpy each
 * (`TypedArray.copyWithin` on the heap). tfjs-backend-wasm 4.22 gathers element by element,
 * ≈30 ns per value here: fine-tuning's batches of cached features (32 rows of 320 to 1280
 * floats, every step) cost up to 1.3 ms per gather against a few microseconds this way. Other
 * axes, batch dimensions, or dtypes other than float32 and int32 go to the original kernel.
 */
import type * as tf from '@tensorflow/tfjs';
import { runOriginal, type BackendWasm, type TensorInfo } from './wasm-access.ts';

interface Attrs {
  axis: number;
  batchDims: number;
}

type Args = { inputs: { x: TensorInfo; indices: TensorInfo }; backend: BackendWasm; attrs: Attrs };

function gatherRows(args: Args, original: tf.KernelConfig | undefined): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, indices } = inputs;
  const axis = attrs.axis < 0 ? attrs.axis + x.shape.length : attrs.axis;
  const plain = axis === 0 && (attrs.batchDims ?? 0) === 0 && (x.dtype === 'float32' || x.dtype === 'int32') && indices.dtype === 'int32';
  if (!plain || x.shape.length === 0) {
    return runOriginal(original, 'GatherV2', args);
  }
  const rows = x.shape[0];
  const rowSize = x.shape.slice(1).reduce((p, d) => p * d, 1);
  const out = backend.makeOutput([...indices.shape, ...x.shape.slice(1)], x.dtype);
  // Views after the allocation (it may grow the heap). Both dtypes are 4 bytes per value.
  const source = backend.typedArrayFromHeap(x) as Float32Array | Int32Array;
  const target = backend.typedArrayFromHeap(out) as Float32Array | Int32Array;
  const picks = backend.typedArrayFromHeap(indices) as Int32Array;
  const heap = new Int32Array(source.buffer);
  const [from, to] = [source.byteOffset / 4, target.byteOffset / 4];
  for (let k = 0; k < picks.length; k++) {
    const row = picks[k];
    if (!(row >= 0 && row < rows)) {
      backend.disposeData(out.dataId);
      throw new Error(`GatherV2: index ${row} at position ${k} is outside [0, ${rows - 1}]`);
    }
    heap.copyWithin(to + k * rowSize, from + row * rowSize, from + (row + 1) * rowSize);
  }
  return out;
}

export function gatherRowsConfig(original: tf.KernelConfig | undefined): tf.KernelConfig {
  return {
    kernelName: 'GatherV2',
    backendName: 'wasm',
    // tfjs types kernelFunc with a loose NamedAttrMap; our signature is the precise one.
    kernelFunc: ((args: Args) => gatherRows(args, original)) as unknown as tf.KernelFunc,
  };
}
