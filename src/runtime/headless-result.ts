/**
 * What a headless run reports, and the events it is built from. The lesson runs in a child process
 * (headless-child.ts) that sends one event per thing that happens; the command's process
 * (headless.ts) folds them into a HeadlessRunResult with a recorder, so what happened before a
 * hang, a crash or running out of memory is never lost.
 */
import type { CellErrorKind } from './errors.ts';

export interface HeadlessCellError {
  kind: CellErrorKind;
  name: string;
  message: string;
  /** Position in the cell's source (1-based), when known. */
  line?: number;
  column?: number;
  /** The same line in the lesson file. */
  fileLine?: number;
}

export interface HeadlessCellResult {
  id: string;
  index: number;
  /** Line of the cell's fence in the lesson file. */
  line: number;
  /** Text of each value the latest run displayed, then the expression's value (a generator's last). */
  outputs: string[];
  /**
   * Every value the cell produced, in order, when there was more than one: each yield of its
   * generator or a re-run's value (expression cells), `name = value` for each yield of a declared
   * generator. `lectern run --json` keeps them; the text output shows the last.
   */
  values?: string[];
  /** SVG files written for the latest run's figures (`lectern run --out DIR`), in output order. */
  files?: string[];
  /** Milliseconds from the start of the cell's latest run to its end (includes waiting for inputs and generators). */
  durationMs?: number;
  error?: HeadlessCellError;
}

/** An exercise of the lesson and what its check said last (`lectern run` reports them; they never fail the run). */
export interface HeadlessExerciseResult {
  id: string;
  title: string;
  line: number;
  /** Its check cell's id, when it has one. */
  check?: string;
  /** 'waiting' also when the check never gave a value. */
  state: 'passed' | 'not-yet' | 'waiting' | 'error';
  message: string;
}

export interface HeadlessRunResult {
  title: string;
  path?: string;
  cells: HeadlessCellResult[];
  /** The lesson's exercises (only when it has some). */
  exercises?: HeadlessExerciseResult[];
  /** Problems outside cells: front matter, fence options, unused `--set` names, a run cut short. */
  problems: string[];
  /** True when no cell failed and there are no problems. */
  ok: boolean;
}

/** One output of a cell: its text form, and its SVG form when it is a figure and SVG was asked for. */
export interface HeadlessOutput {
  text: string;
  svg?: string;
}

/** The cells of a figure-writing run, for `--out`: each cell's latest outputs with their SVG forms. */
export type HeadlessFigures = Map<string, HeadlessOutput[]>;

export type HeadlessEvent =
  /** The lesson parsed: its cells, in order, and problems found while parsing. */
  | { type: 'lesson'; title: string; cells: { id: string; index: number; line: number }[]; exercises?: { id: string; title: string; line: number; check?: string }[]; problems: string[]; heapLimitMb: number }
  /** What an exercise's check says now. */
  | { type: 'exercise'; id: string; state: HeadlessExerciseResult['state']; message: string }
  /** A new run of the cell started. */
  | { type: 'pending'; id: string }
  /** `display(value)` in the current run. */
  | { type: 'display'; id: string; output: HeadlessOutput }
  /** The expression's value (each yield of its generator). */
  | { type: 'fulfilled'; id: string; output: HeadlessOutput }
  /** A program cell's run finished. */
  | { type: 'settled'; id: string }
  | { type: 'rejected'; id: string; error: HeadlessCellError }
  /** A declared generator's value. */
  | { type: 'yielded'; id: string; text: string }
  /** The run and its generators are over. */
  | { type: 'finished'; id: string }
  /** The cell's code started (or stopped) running synchronously. */
  | { type: 'enter' | 'leave'; id: string }
  /** An error that reached no cell's run: attributed to a cell, or a problem of the run. */
  | { type: 'uncaught'; id?: string; error: HeadlessCellError }
  | { type: 'problem'; message: string }
  /** The run is over. */
  | { type: 'end' };

interface CellState {
  result: HeadlessCellResult;
  displayed: HeadlessOutput[];
  outputs: HeadlessOutput[];
  values: string[];
  runError?: HeadlessCellError;
  uncaught: HeadlessCellError[];
  /** From pending to finished (with generators). */
  running: boolean;
  started: number;
}

export interface HeadlessRecorder {
  apply(event: HeadlessEvent): void;
  /** Ids of cells whose latest run (or a generator of it) has not finished, in lesson order. */
  running(): string[];
  /** The cell running synchronously right now (as far as the events tell), if any. */
  inside(): string | undefined;
  /** The lesson's JavaScript heap limit, once the lesson event came. */
  heapLimitMb(): number | undefined;
  /** Whether the `end` event came. */
  ended(): boolean;
  /** Gives `ids` an error (a timeout, running out of memory) unless they already have one of their own. */
  fail(ids: readonly string[], error: (id: string) => HeadlessCellError): void;
  problem(message: string): void;
  result(): HeadlessRunResult;
  /** Each cell's latest outputs with their SVG forms. */
  figures(): HeadlessFigures;
}

export function createRecorder(path?: string): HeadlessRecorder {
  let title = '';
  let heapLimit: number | undefined;
  let ended = false;
  const cells = new Map<string, CellState>();
  const exercises = new Map<string, HeadlessExerciseResult>();
  const problems: string[] = [];
  // Cells running synchronously, innermost last (a cell's code may call another's function).
  const inside: string[] = [];

  const finish = (state: CellState): void => {
    if (!state.running) return;
    state.running = false;
    state.result.durationMs = Math.round(performance.now() - state.started);
  };

  const apply = (event: HeadlessEvent): void => {
    if (event.type === 'lesson') {
      title = event.title;
      heapLimit = event.heapLimitMb;
      problems.push(...event.problems);
      for (const exercise of event.exercises ?? []) {
        exercises.set(exercise.id, { ...exercise, state: 'waiting', message: exercise.check ? 'the check gave no value' : 'no check' });
      }
      for (const cell of event.cells) {
        const result: HeadlessCellResult = { id: cell.id, index: cell.index, line: cell.line, outputs: [] };
        cells.set(cell.id, { result, displayed: [], outputs: [], values: [], uncaught: [], running: true, started: performance.now() });
      }
      return;
    }
    if (event.type === 'problem') return void problems.push(event.message);
    if (event.type === 'exercise') {
      const exercise = exercises.get(event.id);
      if (exercise) Object.assign(exercise, { state: event.state, message: event.message });
      return;
    }
    if (event.type === 'end') {
      ended = true;
      // Generators left waiting for an input event end with the run.
      for (const state of cells.values()) finish(state);
      return;
    }
    if (event.type === 'uncaught' && event.id === undefined) return void problems.push(describe(event.error));
    const state = cells.get(event.id as string);
    if (!state) return;
    switch (event.type) {
      case 'pending':
        state.displayed = [];
        state.running = true;
        state.started = performance.now();
        break;
      case 'display':
        state.displayed.push(event.output);
        state.outputs = [...state.displayed];
        delete state.runError;
        break;
      case 'fulfilled':
        state.outputs = [...state.displayed, event.output];
        state.values.push(event.output.text);
        delete state.runError;
        break;
      case 'settled':
        state.outputs = [...state.displayed];
        delete state.runError;
        break;
      case 'rejected':
        state.outputs = [...state.displayed];
        state.runError = event.error;
        break;
      case 'yielded':
        state.values.push(event.text);
        break;
      case 'finished':
        finish(state);
        break;
      case 'enter':
        inside.push(event.id);
        break;
      case 'leave':
        inside.splice(inside.lastIndexOf(event.id), 1);
        break;
      case 'uncaught':
        state.uncaught.push(event.error);
        break;
    }
  };

  const cellResult = (state: CellState): HeadlessCellResult => {
    const result: HeadlessCellResult = { ...state.result, outputs: state.outputs.map((o) => o.text) };
    if (state.values.length > 1) result.values = [...state.values];
    const [first, ...more] = state.uncaught;
    const error = state.runError ?? (first && (more.length ? { ...first, message: `${first.message} (and ${more.length} more)` } : first));
    if (error) result.error = error;
    else delete result.error;
    return result;
  };

  return {
    apply,
    running: () => [...cells.values()].filter((s) => s.running).map((s) => s.result.id),
    inside: () => inside.at(-1),
    heapLimitMb: () => heapLimit,
    ended: () => ended,
    fail(ids, error) {
      for (const id of ids) {
        const state = cells.get(id);
        if (!state) continue;
        finish(state);
        state.runError ??= error(id);
      }
    },
    problem: (message) => void problems.push(message),
    result() {
      const results = [...cells.values()].map(cellResult);
      const ok = problems.length === 0 && results.every((c) => !c.error);
      return { title, path, cells: results, ...(exercises.size ? { exercises: [...exercises.values()].map((e) => ({ ...e })) } : {}), problems: [...problems], ok };
    },
    figures: () => new Map([...cells].map(([id, state]) => [id, state.outputs])),
  };
}

function describe(error: HeadlessCellError): string {
  return `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}`;
}
