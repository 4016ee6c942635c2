/**
 * The process a headless run executes in, forked by headless.ts: it receives one job, runs the
 * lesson with a HeadlessSession and sends every event back over IPC as it happens. Being a process
 * of its own lets the parent stop code that never yields (`--timeout`) and survive the lesson
 * running out of memory, naming the cell; errors that reach no cell (a rejection nobody handled, a
 * throw in a timer) are routed to the cell they came from instead of ending the run.
 */
import { getHeapStatistics } from 'node:v8';
import type { HeadlessEvent } from './headless-result.ts';
import { startHeadlessSession, type HeadlessSessionArgs } from './headless-session.ts';

const send = (event: HeadlessEvent): void => void process.send?.(event);

const job = await new Promise<HeadlessSessionArgs>((resolve) => process.once('message', (message) => resolve(message as HeadlessSessionArgs)));
// From here on, only the lesson's own timers and I/O keep this process alive: when none is left,
// beforeExit says that nothing more can happen.
process.channel?.unref();

const session = startHeadlessSession(job, send, Math.round(getHeapStatistics().heap_size_limit / 2 ** 20));
process.on('uncaughtException', (error) => session.uncaught(error, 'callback'));
process.on('unhandledRejection', (reason) => session.uncaught(reason, 'rejection'));

let stopped = false;
const stop = (reason: 'finished' | 'quiet'): void => {
  if (stopped) return;
  stopped = true;
  session.stop(reason);
};
// Once every cell has finished, one more turn of the event loop lets Node report the rejections
// nobody handled (it does so after the microtasks of a turn) before the run ends; timers a cell
// set that are due soon still run (a throw in one goes to its cell), for up to TIMER_GRACE_MS.
const TIMER_GRACE_MS = 1000;
const endWhenTimersDone = (deadline: number): void => {
  setImmediate(() => {
    const timers = process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    if (timers === 0 || Date.now() >= deadline) stop('finished');
    else setTimeout(() => endWhenTimersDone(deadline), 20);
  });
};
void session.finished.then(() => endWhenTimersDone(Date.now() + TIMER_GRACE_MS));
process.on('beforeExit', () => stop('quiet'));
