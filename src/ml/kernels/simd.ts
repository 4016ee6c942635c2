/**
 * Three loops as a tiny WebAssembly SIMD module working directly on the tfjs wasm backend's heap:
 * 4 floats per instruction, no copies. JavaScript loops over the heap run ≈2.4 ns per float here
 * for a plain subtraction and ≈10 ns for Adam (slower than tfjs's own SIMD kernels); these run
 * well under 1 ns. The module is a few hundred bytes assembled below at run time (no build step,
 * no download); it imports the backend's `WebAssembly.Memory`, shared (threaded build) or not, and
 * exports, all addresses being byte offsets in that memory:
 *
 * - `adam(w, g, m, v, wOut, mOut, vOut, bytes, β1, 1−β1, β2, 1−β2, c1, c2, ε, −lr)`: Adam's update
 *   with f32 arithmetic in tfjs's order (tfjs-core adam_optimizer.ts), so bit for bit tfjs's:
 *   m' = m·β1 + g·(1−β1), v' = v·β2 + (g·g)·(1−β2), w' = ((m'/c1) / (√(v'/c2) + ε))·(−lr) + w.
 * - `columnSum(x, out, rows, rowBytes)`: out[c] += Σ_r x[r, c] (BatchNormalization's statistics
 *   and every bias gradient reduce [N·H·W, C] this way).
 * - `clipGrad(x, dy, out, bytes, min, max)`: out = dy where min ≤ x ≤ max, else 0 (ReLU6's gradient).
 *
 * Byte counts must be multiples of 16; callers finish any remainder in JavaScript.
 */
import type { BackendWasm } from './wasm-access.ts';

/** WebAssembly opcodes used below (core spec and the fixed-width SIMD proposal). */
const op = {
  block: 0x02, loop: 0x03, br: 0x0c, brIf: 0x0d, end: 0x0b,
  localGet: 0x20, localSet: 0x21,
  i32Const: 0x41, i32GeU: 0x4f, i32Add: 0x6a,
  simd: 0xfd,
} as const;
/** SIMD sub-opcodes (after 0xfd, LEB128). */
const simd = {
  load: 0x00, store: 0x0b, f32x4Splat: 0x13, f32x4Le: 0x45, f32x4Ge: 0x46, and: 0x4e,
  sqrt: 0xe3, add: 0xe4, mul: 0xe6, div: 0xe7,
} as const;
const types = { i32: 0x7f, f32: 0x7d, v128: 0x7b, func: 0x60, void: 0x40 } as const;

function leb128(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return bytes;
}

const section = (id: number, body: number[]) => [id, ...leb128(body.length), ...body];
const vector = (items: number[][]) => [...leb128(items.length), ...items.flat()];
const name = (text: string) => [...leb128(text.length), ...Array.from(text, (c) => c.charCodeAt(0))];
const v = (code: number) => [op.simd, ...leb128(code)];
/** memarg: alignment 2^0 (unaligned is allowed), offset 0. */
const memarg = [0, 0];
const get = (i: number) => [op.localGet, i];
const set = (i: number) => [op.localSet, i];
/** v128.load from address (local a + local b). */
const loadAt = (a: number, b: number) => [...get(a), ...get(b), op.i32Add, ...v(simd.load), ...memarg];
/** v128.store of `value` at address (local a + local b). */
const storeAt = (a: number, b: number, value: number[]) => [...get(a), ...get(b), op.i32Add, ...value, ...v(simd.store), ...memarg];
/** i += step */
const advance = (i: number, step: number[]) => [...get(i), ...step, op.i32Add, ...set(i)];
/** block { loop { if (i >= end) break; body; br loop } } */
const countedLoop = (i: number, end: number, body: number[]) => [
  op.block, types.void, op.loop, types.void,
  ...get(i), ...get(end), op.i32GeU, op.brIf, 1,
  ...body,
  op.br, 0, op.end, op.end,
];

interface Func {
  name: string;
  params: number[];
  locals: Array<[count: number, type: number]>;
  body: number[];
}

function adamFunc(): Func {
  const P = { w: 0, g: 1, m: 2, v: 3, wOut: 4, mOut: 5, vOut: 6, bytes: 7, beta1: 8, keep1: 9, beta2: 10, keep2: 11, c1: 12, c2: 13, eps: 14, negLr: 15 };
  const L = { i: 16, beta1: 17, keep1: 18, beta2: 19, keep2: 20, c1: 21, c2: 22, eps: 23, negLr: 24, g: 25, m: 26, v: 27 };
  const splats = ([
    [P.beta1, L.beta1], [P.keep1, L.keep1], [P.beta2, L.beta2], [P.keep2, L.keep2],
    [P.c1, L.c1], [P.c2, L.c2], [P.eps, L.eps], [P.negLr, L.negLr],
  ] as const).flatMap(([param, local]) => [...get(param), ...v(simd.f32x4Splat), ...set(local)]);
  const body = countedLoop(L.i, P.bytes, [
    ...loadAt(P.g, L.i), ...set(L.g),
    // m' = m·β1 + g·(1−β1)
    ...loadAt(P.m, L.i), ...get(L.beta1), ...v(simd.mul), ...get(L.g), ...get(L.keep1), ...v(simd.mul), ...v(simd.add), ...set(L.m),
    // v' = v·β2 + (g·g)·(1−β2)
    ...loadAt(P.v, L.i), ...get(L.beta2), ...v(simd.mul), ...get(L.g), ...get(L.g), ...v(simd.mul), ...get(L.keep2), ...v(simd.mul), ...v(simd.add), ...set(L.v),
    ...storeAt(P.mOut, L.i, get(L.m)),
    ...storeAt(P.vOut, L.i, get(L.v)),
    // w' = ((m'/c1) / (√(v'/c2) + ε))·(−lr) + w
    ...storeAt(P.wOut, L.i, [
      ...get(L.m), ...get(L.c1), ...v(simd.div),
      ...get(L.v), ...get(L.c2), ...v(simd.div), ...v(simd.sqrt), ...get(L.eps), ...v(simd.add),
      ...v(simd.div), ...get(L.negLr), ...v(simd.mul), ...loadAt(P.w, L.i), ...v(simd.add),
    ]),
    ...advance(L.i, [op.i32Const, 16]),
  ]);
  return {
    name: 'adam',
    params: [...Array(8).fill(types.i32), ...Array(8).fill(types.f32)],
    locals: [[1, types.i32], [11, types.v128]],
    body: [...splats, ...body],
  };
}

function columnSumFunc(): Func {
  const P = { x: 0, out: 1, rows: 2, rowBytes: 3 };
  const L = { r: 4, j: 5, row: 6 };
  const columns = countedLoop(L.j, P.rowBytes, [
    ...storeAt(P.out, L.j, [...loadAt(P.out, L.j), ...loadAt(L.row, L.j), ...v(simd.add)]),
    ...advance(L.j, [op.i32Const, 16]),
  ]);
  const rows = countedLoop(L.r, P.rows, [
    op.i32Const, 0, ...set(L.j),
    ...columns,
    ...advance(L.row, get(P.rowBytes)),
    ...advance(L.r, [op.i32Const, 1]),
  ]);
  return {
    name: 'columnSum',
    params: [types.i32, types.i32, types.i32, types.i32],
    locals: [[3, types.i32]],
    body: [...get(P.x), ...set(L.row), ...rows],
  };
}

function clipGradFunc(): Func {
  const P = { x: 0, dy: 1, out: 2, bytes: 3, min: 4, max: 5 };
  const L = { i: 6, min: 7, max: 8, x: 9 };
  const body = countedLoop(L.i, P.bytes, [
    ...loadAt(P.x, L.i), ...set(L.x),
    ...storeAt(P.out, L.i, [
      ...loadAt(P.dy, L.i),
      ...get(L.x), ...get(L.min), ...v(simd.f32x4Ge), ...get(L.x), ...get(L.max), ...v(simd.f32x4Le), ...v(simd.and),
      ...v(simd.and),
    ]),
    ...advance(L.i, [op.i32Const, 16]),
  ]);
  return {
    name: 'clipGrad',
    params: [types.i32, types.i32, types.i32, types.i32, types.f32, types.f32],
    locals: [[1, types.i32], [3, types.v128]],
    body: [...get(P.min), ...v(simd.f32x4Splat), ...set(L.min), ...get(P.max), ...v(simd.f32x4Splat), ...set(L.max), ...body],
  };
}

const FUNCS = [adamFunc(), columnSumFunc(), clipGradFunc()];

/** The module's bytes; `shared` must match the imported memory (threaded builds share theirs). */
export function simdModuleBytes(shared: boolean): Uint8Array<ArrayBuffer> {
  const typeSection = section(1, vector(FUNCS.map((f) => [types.func, ...vector(f.params.map((t) => [t])), 0])));
  // memory limits: flags 0 = min only; 3 = shared with min and max (shared memories need a max).
  const limits = shared ? [0x03, ...leb128(1), ...leb128(65536)] : [0x00, ...leb128(1)];
  const importSection = section(2, vector([[...name('env'), ...name('memory'), 0x02, ...limits]]));
  const functionSection = section(3, vector(FUNCS.map((_, i) => leb128(i))));
  const exportSection = section(7, vector(FUNCS.map((f, i) => [...name(f.name), 0x00, ...leb128(i)])));
  const codeSection = section(10, vector(FUNCS.map((f) => {
    const code = [...vector(f.locals.map(([count, type]) => [...leb128(count), type])), ...f.body, op.end];
    return [...leb128(code.length), ...code];
  })));
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...typeSection, ...importSection, ...functionSection, ...exportSection, ...codeSection]);
}

export interface SimdKernels {
  adam(
    w: number, g: number, m: number, v: number, wOut: number, mOut: number, vOut: number, bytes: number,
    beta1: number, keep1: number, beta2: number, keep2: number, c1: number, c2: number, eps: number, negLr: number,
  ): void;
  columnSum(x: number, out: number, rows: number, rowBytes: number): void;
  clipGrad(x: number, dy: number, out: number, bytes: number, min: number, max: number): void;
}

const instances = new WeakMap<WebAssembly.Memory, SimdKernels | null>();

/**
 * The functions bound to `memory`, or null where this engine lacks WebAssembly SIMD (or refuses
 * the module): callers then keep tfjs's kernels. Compiled once per memory.
 */
export function simdKernelsFor(memory: WebAssembly.Memory): SimdKernels | null {
  if (instances.has(memory)) return instances.get(memory)!;
  let kernels: SimdKernels | null = null;
  try {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const bytes = simdModuleBytes(shared);
    if (WebAssembly.validate(bytes)) {
      const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
      kernels = instance.exports as unknown as SimdKernels;
    }
  } catch {
    kernels = null;
  }
  instances.set(memory, kernels);
  return kernels;
}

/** The wasm backend's WebAssembly.Memory (Emscripten keeps it as asm.memory, or wasmMemory when threaded). */
function backendMemory(backend: BackendWasm): WebAssembly.Memory | null {
  const module = backend.wasm as unknown as { asm?: { memory?: unknown }; wasmMemory?: unknown };
  const memory = module.asm?.memory ?? module.wasmMemory;
  return memory instanceof WebAssembly.Memory ? memory : null;
}

/** The SIMD functions on this wasm backend's heap, or null (no SIMD, or its memory unreachable). */
export function simdKernelsOf(backend: BackendWasm): SimdKernels | null {
  const memory = backendMemory(backend);
  return memory ? simdKernelsFor(memory) : null;
}
