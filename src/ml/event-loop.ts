/**
 * Yielding to the event loop from long computations (training, feature extraction) so that a page
 * stays responsive and an AbortSignal can fire in between. `await` alone only runs microtasks:
 * input events, timers, rendering and the runtime's invalidation wait for a macrotask.
 *
 * In a browser with the Prioritized Task Scheduling API the continuation is a 'background' task:
 * the browser renders and handles input first (posted messages, by contrast, can keep a frame
 * waiting ~100 ms or more; measured in Chromium 156 with lesson 8: a summary update took
 * 370–560 ms while features were computed with message-channel yields). Elsewhere a message
 * (setTimeout(0) is clamped to 4 ms when nested), and in Node setImmediate.
 *
 * Such computations stop with `abortError()` when their AbortSignal fires; `pause(signal)` is the
 * yield-then-check they take between pieces of work.
 */
interface Scheduler {
  postTask(callback: () => void, options: { priority: 'background' | 'user-visible' | 'user-blocking' }): Promise<void>;
}

export function nextMacrotask(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: Scheduler }).scheduler;
  if (typeof scheduler?.postTask === 'function') return scheduler.postTask(() => undefined, { priority: 'background' });
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** The error a stopped computation throws: named 'AbortError', as fetch and the DOM name theirs. */
export function abortError(): Error {
  const error = new Error('fine-tuning aborted');
  error.name = 'AbortError';
  return error;
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw abortError();
}

/** Gives the page a macrotask, then throws `abortError()` if `signal` fired meanwhile. */
export async function pause(signal?: AbortSignal): Promise<void> {
  await nextMacrotask();
  throwIfAborted(signal);
}
