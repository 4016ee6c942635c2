/**
 * The headless runner: executes every cell of a lesson in Node with the same
 * semantics as the page, capturing `display()` calls and expression values as
 * text. `lectern run` prints its result; CI runs every lesson through it.
 */
import { dirname, resolve } from 'node:path';
import { compileCell } from '../cells/compile.ts';
import { parseLesson } from '../lesson/parse.ts';
import type { CellBlock } from '../lesson/types.ts';
import { CellError, type CellErrorKind } from './errors.ts';
import { inputValues, type ValueSource } from './generators.ts';
import { headlessInputs, isHeadlessInput } from './headless-inputs.ts';
import { headlessPlot } from './headless-plot.ts';
import { createLessonRuntime, type ImportModule } from './lesson-runtime.ts';
import { standardLibrary } from './library.ts';
import { createNodeImport } from './node-import.ts';
import { formatValue } from './text.ts';

export interface HeadlessRunArgs {
  /** The lesson's Markdown. */
  source: string;
  /** Its path: "./" imports resolve next to it, and it is reported (default none: imports resolve in notebooks/). */
  path?: string;
  /** Values for view() inputs by declared name, as strings: `{dropout: "0.3"}` (default none). */
  set?: Record<string, string>;
  /** Give up on cells still running after this many ms (default 300000). */
  timeoutMs?: number;
  /** Resolves imports (default createNodeImport next to `path`). */
  importModule?: ImportModule;
  /** Loop guard budget in ms (default the runtime's, 2000). */
  loopBudgetMs?: number;
}

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
  /** Milliseconds from the start of the cell's latest run to its end (includes waiting for inputs). */
  durationMs?: number;
  error?: HeadlessCellError;
}

export interface HeadlessRunResult {
  title: string;
  path?: string;
  cells: HeadlessCellResult[];
  /** Problems outside cells: front matter, fence options, unused `--set` names. */
  problems: string[];
  /** True when no cell failed and there are no problems. */
  ok: boolean;
}

export async function runLessonHeadless({ source, path, set = {}, timeoutMs = 300_000, importModule, loopBudgetMs }: HeadlessRunArgs): Promise<HeadlessRunResult> {
  const lesson = parseLesson(source, { path });
  const load = importModule ?? createNodeImport(path ? { baseDir: dirname(resolve(path)) } : {});
  const results = new Map<string, HeadlessCellResult>();
  const unusedSets = new Set(Object.keys(set));

  const view = (input: unknown, name: string | undefined): unknown => {
    if (name !== undefined && Object.hasOwn(set, name)) {
      unusedSets.delete(name);
      if (!isHeadlessInput(input)) throw new Error(`--set ${name}: view(${name}) is not an Inputs.* input`);
      try {
        input.value = input.parse(set[name]);
      } catch (error) {
        throw new Error(`--set ${name}=${set[name]}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return inputValues(input as ValueSource);
  };

  const runtime = createLessonRuntime({
    library: standardLibrary({ importModule: load, Inputs: headlessInputs, Plot: headlessPlot }),
    importModule: load,
    view,
    loopBudgetMs,
    followGenerators: true,
    observe(cell) {
      const block = lesson.cells.find((c) => c.id === cell.id) as CellBlock;
      const result: HeadlessCellResult = { id: cell.id, index: block.index, line: block.line, outputs: [] };
      results.set(cell.id, result);
      let displayed: string[] = [];
      const values: string[] = [];
      const keep = (text: string): void => {
        values.push(text);
        if (values.length > 1) result.values = values;
      };
      let started = performance.now();
      // A run lasts until its generators end (followGenerators).
      const finish = (): void => {
        result.durationMs = Math.round(performance.now() - started);
      };
      return {
        pending() {
          displayed = [];
          started = performance.now();
        },
        display(value) {
          displayed.push(formatValue(value));
          result.outputs = [...displayed];
          delete result.error;
        },
        fulfilled(value) {
          const text = formatValue(value, { quoteStrings: true });
          result.outputs = [...displayed, text];
          keep(text);
          delete result.error;
        },
        settled() {
          result.outputs = [...displayed];
          delete result.error;
        },
        rejected(error) {
          result.outputs = [...displayed];
          result.error = describeError(error, block);
        },
        yielded(name, value) {
          keep(`${name} = ${formatValue(value, { quoteStrings: true })}`);
        },
        finished: finish,
      };
    },
  });

  for (const block of lesson.cells) runtime.define(compileCell({ id: block.id, lang: block.lang, source: block.source }));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = await Promise.race([
    runtime.idle().then(() => false),
    new Promise<boolean>((r) => (timer = setTimeout(() => r(true), timeoutMs))),
  ]);
  clearTimeout(timer);
  if (timedOut) {
    for (const id of runtime.busy()) {
      const result = results.get(id);
      if (result) result.error = { kind: 'timeout', name: 'Error', message: `still running after ${timeoutMs} ms` };
    }
  }
  runtime.dispose();

  const problems = [
    ...lesson.diagnostics.map((d) => `line ${d.line}: ${d.message}`),
    ...[...unusedSets].map((name) => `--set ${name}: no cell declares "${name}" with view(...)`),
  ];
  const cells = lesson.cells.map((block) => results.get(block.id) as HeadlessCellResult);
  return { title: lesson.frontMatter.title, path, cells, problems, ok: problems.length === 0 && cells.every((c) => !c.error) };
}

function describeError(error: CellError, block: CellBlock): HeadlessCellError {
  const described: HeadlessCellError = { kind: error.kind, name: error.name, message: error.message };
  if (error.line !== undefined) {
    described.line = error.line;
    if (error.column !== undefined) described.column = error.column;
    described.fileLine = block.sourceLine + error.line - 1;
  }
  return described;
}
