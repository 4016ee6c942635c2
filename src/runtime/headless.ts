/**
 * The headless runner: executes every cell of a lesson in Node with the same semantics as the
 * page, capturing `display()` calls and values as text. `lectern run` prints its result; CI runs
 * every lesson through it.
 *
 * The lesson runs in a child process (headless-child.ts) that reports each event as it happens.
 * This process only listens, so it can stop code that never lets the event loop turn when
 * `timeoutMs` runs out, and report a lesson that exhausts its heap (a V8 out-of-memory aborts the
 * whole process, even from a worker thread) at the cell that was running, keeping every output
 * that came before.
 */
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRecorder, type HeadlessCellError, type HeadlessEvent, type HeadlessRecorder, type HeadlessRunResult } from './headless-result.ts';

export type { HeadlessCellError, HeadlessCellResult, HeadlessRunResult } from './headless-result.ts';

export interface HeadlessRunArgs {
  /** The lesson's Markdown. */
  source: string;
  /** Its path: "./" imports resolve next to it, and it is reported (default none: imports resolve in notebooks/). */
  path?: string;
  /** Values for view() inputs by declared name, as strings: `{dropout: "0.3"}` (default none). */
  set?: Record<string, string>;
  /** Stop cells still running after this many ms, even inside a loop the loop guard cannot see (default 300000). */
  timeoutMs?: number;
  /** Loop guard budget in ms (default the runtime's, 2000). */
  loopBudgetMs?: number;
  /** Heap limit of the lesson's JavaScript in MB (default Node's, about 4 GB on 64-bit machines). */
  heapMb?: number;
  /** Write each figure of the latest runs as an SVG file here, named by cell (default none). */
  outDir?: string;
  /** Where the lesson's console output goes (default this process's stderr, so stdout stays the result). */
  log?: NodeJS.WritableStream;
}

const CHILD = fileURLToPath(new URL('./headless-child.mjs', import.meta.url));
/** What Node prints when a process exhausts its heap (then it aborts). */
const OUT_OF_MEMORY = /FATAL ERROR:.*heap out of memory|Allocation failed - JavaScript heap out of memory/;

/**
 * Runs the lesson. When a cell froze the event loop past the time limit, ran out of memory or ended
 * the process, the cells still waiting lost their results with it: the lesson runs once more
 * without that cell (it fails with what it did; the cells reading it fail as its inputs), so every
 * other cell still gets its value.
 */
export async function runLessonHeadless(args: HeadlessRunArgs): Promise<HeadlessRunResult> {
  const stopped = new Map<string, HeadlessCellError>();
  for (;;) {
    const { result, culprit } = await runOnce(args, stopped);
    // Each run can only add a cell, and a lesson has finitely many.
    if (!culprit || stopped.has(culprit.id)) return withStopped(result, stopped);
    stopped.set(culprit.id, culprit.error);
  }
}

/** The run's result with the cells it did not run showing what they did the first time. */
function withStopped(result: HeadlessRunResult, stopped: ReadonlyMap<string, HeadlessCellError>): HeadlessRunResult {
  if (stopped.size === 0) return result;
  const cells = result.cells.map((cell) => {
    const error = stopped.get(cell.id);
    return error ? { ...cell, error } : cell;
  });
  const problems = [...result.problems, `the lesson ran again without ${[...stopped.keys()].join(', ')}, so that the other cells have their values`];
  return { ...result, cells, problems };
}

interface Attempt {
  result: HeadlessRunResult;
  /** The cell whose own code stopped the process while other cells were still waiting, if one did. */
  culprit?: { id: string; error: HeadlessCellError };
}

function runOnce({ source, path, set = {}, timeoutMs = 300_000, loopBudgetMs, heapMb, outDir, log = process.stderr }: HeadlessRunArgs, stopped: ReadonlyMap<string, HeadlessCellError>): Promise<Attempt> {
  const recorder = createRecorder(path);
  let culprit: Attempt['culprit'];
  /** Called before the cells still running are failed: the cell inside its own code, if others lose their results. */
  const blame = (): void => {
    const inside = recorder.inside();
    if (inside === undefined || recorder.running().every((id) => id === inside)) return;
    culprit = { id: inside, error: { kind: 'runtime', name: 'Error', message: '' } };
  };
  // Explicit execArgv: a test runner's own flags must not reach the lesson's process.
  const child = fork(CHILD, [], {
    execArgv: heapMb === undefined ? [] : [`--max-old-space-size=${heapMb}`],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
  child.stdout?.pipe(log, { end: false });
  const stderr = watchStderr(child.stderr, log);
  const skip = Object.fromEntries([...stopped].map(([id, error]) => [id, error.message]));
  child.send({ source, path, set, loopBudgetMs, svg: outDir !== undefined, skip });

  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return new Promise((resolve) => {
    let settled = false;
    const settle = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const result = recorder.result();
      if (culprit) {
        // What the cell did, as this run reported it.
        const error = result.cells.find((cell) => cell.id === culprit!.id)?.error;
        if (error) culprit.error = error;
      }
      if (outDir !== undefined) writeFigures(recorder, result, outDir);
      // A lesson's timers may still be going: end the process, and resolve once all it logged is read.
      void closed.then(() => resolve({ result, culprit }));
      child.kill('SIGKILL');
    };
    // The time limit counts from the lesson's start, not from the process's.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const startTimer = (): void => {
      timer = setTimeout(() => {
        blame();
        timedOut(recorder, timeoutMs);
        settle();
      }, timeoutMs);
    };
    child.on('message', (event: HeadlessEvent) => {
      if (settled) return;
      recorder.apply(event);
      if (event.type === 'lesson') startTimer();
      if (event.type === 'end') settle();
    });
    child.on('exit', (code, signal) => {
      if (settled) return;
      // Let the last of stderr arrive: it says whether the heap ran out.
      setImmediate(() => {
        blame();
        if (stderr.outOfMemory()) outOfMemory(recorder, heapMb);
        else exited(recorder, code, signal);
        stderr.flush();
        settle();
      });
    });
  });
}

function timedOut(recorder: HeadlessRecorder, ms: number): void {
  const running = recorder.running();
  const inside = recorder.inside();
  recorder.fail(running, (id) => ({
    kind: 'timeout',
    name: 'Error',
    message:
      inside === undefined
        ? `still running after ${ms} ms`
        : id === inside
          ? `still running after ${ms} ms, inside its own code: the event loop never turned (a loop or call the loop guard cannot stop)`
          : `not finished after ${ms} ms: ${inside} never let the event loop turn`,
  }));
  if (running.length === 0) recorder.problem(`stopped after ${ms} ms: every cell had finished, but code in a timer or callback never let the event loop turn`);
}

function outOfMemory(recorder: HeadlessRecorder, heapMb: number | undefined): void {
  const limit = heapMb ?? recorder.heapLimitMb();
  const inside = recorder.inside();
  const message = `ran out of memory: the lesson's JavaScript heap reached its limit${limit ? ` of ${limit} MB` : ''} (raise it with --heap MB)`;
  const error = (id: string): HeadlessCellError =>
    inside === undefined || id === inside
      ? { kind: 'memory', name: 'RangeError', message: inside === undefined ? `${message}, while this cell was running` : message }
      : { kind: 'memory', name: 'Error', message: `stopped when ${inside} ran out of memory` };
  const cells = recorder.running();
  recorder.fail(inside !== undefined && !cells.includes(inside) ? [inside, ...cells] : cells, error);
  if (cells.length === 0 && inside === undefined) recorder.problem(message);
}

function exited(recorder: HeadlessRecorder, code: number | null, signal: NodeJS.Signals | null): void {
  const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
  recorder.fail(recorder.running(), () => ({ kind: 'runtime', name: 'Error', message: `the lesson's process ${how} while this cell was running` }));
  recorder.problem(`the run stopped early: the lesson's process ${how}`);
}

/** Forwards the child's stderr, holding back Node's report of a fatal error until it is known whether the heap ran out. */
function watchStderr(stream: NodeJS.ReadableStream | null, log: NodeJS.WritableStream): { outOfMemory(): boolean; flush(): void } {
  // V8 prints its last GCs, then the FATAL ERROR line, then a native stack: none of it is the lesson's.
  const banner = /\n?<--- Last few GCs --->|FATAL ERROR:/;
  let held = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    if (held) return void (held += chunk);
    const at = chunk.search(banner);
    if (at < 0) return void log.write(chunk);
    log.write(chunk.slice(0, at));
    held = chunk.slice(at);
  });
  return {
    outOfMemory: () => OUT_OF_MEMORY.test(held),
    flush: () => void (held && !OUT_OF_MEMORY.test(held) && log.write(held)),
  };
}

/** Writes each cell's figures as `<cell id>.svg` (`<id>-2.svg`, ... after the first) and lists them in the result. */
function writeFigures(recorder: HeadlessRecorder, result: HeadlessRunResult, outDir: string): void {
  const figures = recorder.figures();
  for (const cell of result.cells) {
    const svgs = (figures.get(cell.id) ?? []).flatMap((output) => (output.svg === undefined ? [] : [output.svg]));
    if (!svgs.length) continue;
    mkdirSync(outDir, { recursive: true });
    const stem = cell.id.replace(/[^\w.-]/g, '_');
    cell.files = svgs.map((svg, i) => {
      const file = join(outDir, i === 0 ? `${stem}.svg` : `${stem}-${i + 1}.svg`);
      writeFileSync(file, svg);
      return file;
    });
  }
}
