/**
 * Adam's update as a tiny WebAssembly SIMD function working directly on the tfjs wasm backend's
 * heap: 4 floats per instruction, one pass, no copies. A JavaScript loop over the heap takes
 * ≈10 ns per weight here (slower than tfjs's ~10 separate SIMD kernels); this takes well under
 * 1 ns. The module is a few hundred bytes assembled below at run time (no build step, no
 * download): it imports the backend's `WebAssembly.Memory`, shared or not, and exports
 *
 *   adam(w, g, m, v, wOut, mOut, vOut, bytes, β1, 1−β1, β2, 1−β2, c1, c2, ε, −lr)
 *
 * over `bytes` bytes (a multiple of 16) at those heap addresses, with f32 arithmetic in tfjs's
 * order (tfjs-core adam_optimizer.ts), so it gives tfjs's results bit for bit:
 *
 *   m' = m·β1 + g·(1−β1)    v' = v·β2 + (g·g)·(1−β2)    w' = ((m'/c1) / (√(v'/c2) + ε))·(−lr) + w
 */

/** WebAssembly opcodes used below (core spec and the fixed-width SIMD proposal). */
const op = {
  block: 0x02, loop: 0x03, br: 0x0c, brIf: 0x0d, end: 0x0b,
  localGet: 0x20, localSet: 0x21, localTee: 0x22,
  i32Const: 0x41, i32GeU: 0x4f, i32Add: 0x6a,
  simd: 0xfd,
} as const;
/** SIMD sub-opcodes (after 0xfd, LEB128). */
const simd = { load: 0x00, store: 0x0b, f32x4Splat: 0x13, sqrt: 0xe3, add: 0xe4, sub: 0xe5, mul: 0xe6, div: 0xe7 } as const;
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
const simdOp = (code: number) => [op.simd, ...leb128(code)];
/** memarg: alignment 2^0 (unaligned is allowed), offset 0. */
const memarg = [0, 0];

// Parameters 0..7 are i32 addresses and the byte count, 8..15 f32 constants; locals follow.
const P = { w: 0, g: 1, m: 2, v: 3, wOut: 4, mOut: 5, vOut: 6, bytes: 7, beta1: 8, keep1: 9, beta2: 10, keep2: 11, c1: 12, c2: 13, eps: 14, negLr: 15 };
const L = { i: 16, beta1: 17, keep1: 18, beta2: 19, keep2: 20, c1: 21, c2: 22, eps: 23, negLr: 24, g: 25, m: 26, v: 27 };

const get = (i: number) => [op.localGet, i];
/** v128.load from address (param base + i). */
const load = (base: number) => [...get(base), ...get(L.i), op.i32Add, ...simdOp(simd.load), ...memarg];
const f32x4 = (code: number) => simdOp(code);

function adamBody(): number[] {
  const splats = ([
    [P.beta1, L.beta1], [P.keep1, L.keep1], [P.beta2, L.beta2], [P.keep2, L.keep2],
    [P.c1, L.c1], [P.c2, L.c2], [P.eps, L.eps], [P.negLr, L.negLr],
  ] as const).flatMap(([param, local]) => [...get(param), ...f32x4(simd.f32x4Splat), op.localSet, local]);
  const storeTo = (base: number, value: number[]) => [...get(base), ...get(L.i), op.i32Add, ...value, ...simdOp(simd.store), ...memarg];
  const loop = [
    op.block, types.void,
    op.loop, types.void,
    ...get(L.i), ...get(P.bytes), op.i32GeU, op.brIf, 1,
    ...load(P.g), op.localSet, L.g,
    // m' = m·β1 + g·(1−β1)
    ...load(P.m), ...get(L.beta1), ...f32x4(simd.mul), ...get(L.g), ...get(L.keep1), ...f32x4(simd.mul), ...f32x4(simd.add), op.localSet, L.m,
    // v' = v·β2 + (g·g)·(1−β2)
    ...load(P.v), ...get(L.beta2), ...f32x4(simd.mul), ...get(L.g), ...get(L.g), ...f32x4(simd.mul), ...get(L.keep2), ...f32x4(simd.mul), ...f32x4(simd.add), op.localSet, L.v,
    ...storeTo(P.mOut, get(L.m)),
    ...storeTo(P.vOut, get(L.v)),
    // w' = ((m'/c1) / (√(v'/c2) + ε))·(−lr) + w
    ...storeTo(P.wOut, [
      ...get(L.m), ...get(L.c1), ...f32x4(simd.div),
      ...get(L.v), ...get(L.c2), ...f32x4(simd.div), ...f32x4(simd.sqrt), ...get(L.eps), ...f32x4(simd.add),
      ...f32x4(simd.div), ...get(L.negLr), ...f32x4(simd.mul), ...load(P.w), ...f32x4(simd.add),
    ]),
    ...get(L.i), op.i32Const, 16, op.i32Add, op.localSet, L.i,
    op.br, 0,
    op.end,
    op.end,
  ];
  const locals = vector([[1, types.i32], [11, types.v128]]);
  const code = [...locals, ...splats, ...loop, op.end];
  return [...leb128(code.length), ...code];
}

/** The module's bytes; `shared` must match the imported memory (threaded builds share theirs). */
export function simdAdamModuleBytes(shared: boolean): Uint8Array<ArrayBuffer> {
  const params = [...Array(8).fill(types.i32), ...Array(8).fill(types.f32)];
  const typeSection = section(1, vector([[types.func, ...vector(params.map((t) => [t])), 0]]));
  // memory limits: flags 0 = min only; 3 = shared with min and max (shared memories need a max).
  const limits = shared ? [0x03, ...leb128(1), ...leb128(65536)] : [0x00, ...leb128(1)];
  const importSection = section(2, vector([[...name('env'), ...name('memory'), 0x02, ...limits]]));
  const functionSection = section(3, vector([[0]]));
  const exportSection = section(7, vector([[...name('adam'), 0x00, 0]]));
  const codeSection = section(10, vector([adamBody()]));
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...typeSection, ...importSection, ...functionSection, ...exportSection, ...codeSection]);
}

export type SimdAdam = (
  w: number, g: number, m: number, v: number, wOut: number, mOut: number, vOut: number, bytes: number,
  beta1: number, keep1: number, beta2: number, keep2: number, c1: number, c2: number, eps: number, negLr: number,
) => void;

const instances = new WeakMap<WebAssembly.Memory, SimdAdam | null>();

/**
 * The adam function bound to `memory`, or null where this engine lacks WebAssembly SIMD (or
 * refuses the module): callers then use tfjs ops. Compiled once per memory.
 */
export function simdAdamFor(memory: WebAssembly.Memory): SimdAdam | null {
  if (instances.has(memory)) return instances.get(memory)!;
  let adam: SimdAdam | null = null;
  try {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const bytes = simdAdamModuleBytes(shared);
    if (WebAssembly.validate(bytes)) {
      const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
      adam = instance.exports['adam'] as SimdAdam;
    }
  } catch {
    adam = null;
  }
  instances.set(memory, adam);
  return adam;
}
