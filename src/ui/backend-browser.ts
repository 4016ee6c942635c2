/**
 * Browser only: the backend the page trains on, as data the page and the lesson
 * can show. Wraps selectBackend (src/ml/backend.ts) with what only a browser has:
 * - the three .wasm files served by Vite (useBundledWasm, src/host/wasm-paths.ts);
 * - threads only where the page is cross-origin isolated (COOP + COEP headers);
 *   elsewhere WASM runs single-threaded with SIMD, and a message says so;
 * - a WebGL context lost while training: a message, and a switch to WASM.
 * Every change is published to subscribers as a new BrowserBackendState.
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend, type BackendName, type BackendStatus } from '../ml/backend.ts';
import { useBundledWasm } from '../host/wasm-paths.ts';

export interface BrowserBackendState {
  /** The last selection's outcome; null before the first start(). */
  status: BackendStatus | null;
  /** Whether the page can use WASM threads (SharedArrayBuffer under COOP/COEP). */
  crossOriginIsolated: boolean;
  /** Messages for the reader, oldest first (fallbacks, single-threaded WASM, lost WebGL context). */
  messages: string[];
  /** True while switching backends (e.g. after a lost WebGL context). */
  switching: boolean;
}

export interface BackendController {
  /** Starts a backend (with fallback webgl → wasm → cpu); resolves to the new state. */
  start(name: BackendName): Promise<BrowserBackendState>;
  state(): BrowserBackendState;
  /** Calls `listener` on every change (not immediately); returns the unsubscribe function. */
  subscribe(listener: (state: BrowserBackendState) => void): () => void;
  /** Removes the WebGL context-loss listener. */
  dispose(): void;
}

export interface BackendControllerArgs {
  /** Where the wasm binaries come from. Default useBundledWasm (Vite asset URLs). */
  setWasmPaths?: () => void;
  /** Whether the page is cross-origin isolated. Default globalThis.crossOriginIsolated. */
  crossOriginIsolated?: boolean;
}

export const SINGLE_THREAD_MESSAGE =
  'WASM runs single-threaded (with SIMD): this page is not cross-origin isolated, so it cannot share memory with worker threads.';
export const CONTEXT_LOST_MESSAGE = 'The WebGL context was lost; switching to WASM.';

export function createBackendController(args: BackendControllerArgs = {}): BackendController {
  const isolated = args.crossOriginIsolated ?? Boolean(globalThis.crossOriginIsolated);
  let current: BrowserBackendState = { status: null, crossOriginIsolated: isolated, messages: [], switching: false };
  const listeners = new Set<(s: BrowserBackendState) => void>();
  let detachContextLoss: (() => void) | null = null;

  const update = (change: Partial<BrowserBackendState>) => {
    current = { ...current, ...change };
    for (const listener of listeners) listener(current);
  };

  const beforeWasm = () => {
    (args.setWasmPaths ?? useBundledWasm)();
    // Without isolation the threaded binary cannot start; pick the SIMD one up front.
    if (!isolated) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  };

  async function start(name: BackendName): Promise<BrowserBackendState> {
    detachContextLoss?.();
    detachContextLoss = null;
    const status = await selectBackend({ name, beforeWasm });
    const messages = [...current.messages, status.message];
    if (status.active === 'wasm' && !isolated) messages.push(SINGLE_THREAD_MESSAGE);
    if (status.active === 'webgl') detachContextLoss = watchContextLoss(onContextLost);
    update({ status, messages, switching: false });
    return current;
  }

  function onContextLost() {
    update({ messages: [...current.messages, CONTEXT_LOST_MESSAGE], switching: true });
    // Tensors on the lost context are gone: whoever trains restarts on the new backend.
    void start('wasm').catch((error: unknown) => {
      update({ messages: [...current.messages, `No backend could start after the WebGL loss: ${String(error)}`], switching: false });
    });
  }

  return {
    start,
    state: () => current,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose() {
      detachContextLoss?.();
      detachContextLoss = null;
      listeners.clear();
    },
  };
}

/** The canvas tfjs's WebGL backend draws with, if it is the active backend. */
export function webglCanvas(): HTMLCanvasElement | OffscreenCanvas | null {
  if (tf.getBackend() !== 'webgl') return null;
  // MathBackendWebGL is not part of @tensorflow/tfjs's types; reach its GL context structurally.
  const backend = tf.backend() as unknown as { getGPGPUContext?: () => { gl: WebGLRenderingContext } };
  return backend.getGPGPUContext?.().gl.canvas ?? null;
}

function watchContextLoss(onLost: () => void): () => void {
  const canvas = webglCanvas();
  if (!canvas) return () => {};
  const listener = (event: Event) => {
    event.preventDefault();
    onLost();
  };
  canvas.addEventListener('webglcontextlost', listener, { once: true });
  return () => canvas.removeEventListener('webglcontextlost', listener);
}
