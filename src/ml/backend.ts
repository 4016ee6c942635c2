/**
 * Choosing the tfjs backend, in Node and in the browser (no DOM here):
 * `selectBackend('wasm' | 'webgl' | 'cpu')` starts the requested backend and,
 * when it cannot start, falls back along webgl → wasm → cpu, returning a status
 * whose `message` names the backend actually in use. Choosing wasm also registers
 * Lectern's wasm gradient kernels (src/ml/kernels), without which WASM cannot
 * train a convolution. The browser adds its .wasm URLs and WebGL context-loss
 * handling in src/ui/backend-browser.ts.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmGradients } from './kernels/register.ts';

export type BackendName = 'wasm' | 'webgl' | 'cpu';

export const BACKEND_NAMES: readonly BackendName[] = ['webgl', 'wasm', 'cpu'];

/** What the WASM backend runs with; null fields when wasm is not the active backend. */
export interface WasmFeatures {
  /** The threaded binary runs (SharedArrayBuffer: needs cross-origin isolation in the browser; never in Node with tfjs 4.22). */
  threads: boolean;
  /** Threads in XNNPACK's pool (tfjs picks about half the cores; 1 when single-threaded). */
  threadsCount: number;
  /** WebAssembly SIMD. */
  simd: boolean;
}

export interface BackendAttempt {
  name: BackendName;
  ok: boolean;
  /** Why it did not start, when it did not. */
  reason?: string;
}

export interface BackendStatus {
  requested: BackendName;
  /** The backend tfjs now runs on. */
  active: BackendName;
  /** True when `active` differs from `requested`. */
  fellBack: boolean;
  /** One sentence for the page or the console naming the backend in use (and why, after a fallback). */
  message: string;
  attempts: BackendAttempt[];
  /** Present when `active` is 'wasm'. */
  wasm?: WasmFeatures;
}

export interface SelectBackendArgs {
  /** The backend to start. */
  name: BackendName;
  /** Fall back along webgl → wasm → cpu when it cannot start. Default true. */
  fallback?: boolean;
  /**
   * Called before the wasm backend starts (the browser passes setWasmPaths here,
   * or disables threads). Default: nothing.
   */
  beforeWasm?: () => void;
}

const LABEL: Record<BackendName, string> = { wasm: 'WASM', webgl: 'WebGL', cpu: 'CPU' };

/** The backends tried, in order, for a request. */
export function fallbackChain(name: BackendName, fallback = true): BackendName[] {
  if (!BACKEND_NAMES.includes(name)) {
    throw new Error(`selectBackend: unknown backend "${String(name)}"; choose one of ${BACKEND_NAMES.join(', ')}`);
  }
  return fallback ? BACKEND_NAMES.slice(BACKEND_NAMES.indexOf(name)) : [name];
}

/** Starts a backend (see SelectBackendArgs); accepts a bare name as shorthand. */
export async function selectBackend(request: BackendName | SelectBackendArgs): Promise<BackendStatus> {
  const args: SelectBackendArgs = typeof request === 'string' ? { name: request } : request;
  const chain = fallbackChain(args.name, args.fallback ?? true);
  const attempts: BackendAttempt[] = [];
  for (const name of chain) {
    const reason = await tryStart(name, args);
    attempts.push(reason === null ? { name, ok: true } : { name, ok: false, reason });
    if (reason === null) return describe(args.name, name, attempts);
  }
  const tried = attempts.map((a) => `${LABEL[a.name]} (${a.reason})`).join('; ');
  throw new Error(`selectBackend: no backend could start: ${tried}`);
}

/** Starts one backend; returns null on success, else the reason it failed. */
async function tryStart(name: BackendName, args: SelectBackendArgs): Promise<string | null> {
  const warn = console.warn;
  let warning = '';
  // tfjs reports a failed initialisation only through console.warn; keep its text as the reason.
  console.warn = (...parts: unknown[]) => {
    warning ||= parts.map(String).join(' ');
  };
  try {
    if (name === 'wasm') {
      args.beforeWasm?.();
      registerWasmGradients();
    }
    const ok = await tf.setBackend(name);
    if (!ok) return warning || `${LABEL[name]} did not initialise`;
    await tf.ready();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    console.warn = warn;
  }
}

async function describe(requested: BackendName, active: BackendName, attempts: BackendAttempt[]): Promise<BackendStatus> {
  const wasm = active === 'wasm' ? await wasmFeatures() : undefined;
  const fellBack = requested !== active;
  const failures = attempts.filter((a) => !a.ok).map((a) => `${LABEL[a.name]} could not start (${a.reason})`);
  const running = `Running on ${LABEL[active]}${wasm ? ` (${describeWasm(wasm)})` : ''}.`;
  const message = fellBack ? `${failures.join('; ')}. ${running}` : running;
  return { requested, active, fellBack, message, attempts, ...(wasm ? { wasm } : {}) };
}

/** Threads, thread count and SIMD of the running wasm backend. */
export async function wasmFeatures(): Promise<WasmFeatures> {
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  const threadsFlag = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
  const threadsCount = tf.getBackend() === 'wasm' ? getThreadsCount() : 1;
  return { threads: threadsFlag, threadsCount: threadsFlag ? threadsCount : 1, simd };
}

export function describeWasm(w: WasmFeatures): string {
  const threads = w.threads ? `threaded, ${w.threadsCount} thread${w.threadsCount === 1 ? '' : 's'}` : 'single-threaded';
  return `${threads}, ${w.simd ? 'SIMD' : 'no SIMD'}`;
}
