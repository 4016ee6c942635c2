/**
 * One headless run of a lesson in this thread: every cell on the lesson runtime with the same
 * semantics as the page, generators followed to their end, each thing that happens sent as a
 * HeadlessEvent. headless-child.ts runs one in a process of its own; headless.ts folds the events.
 */
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { compileCell } from '../cells/compile.ts';
import { parseLesson } from '../lesson/parse.ts';
import type { CompiledCell } from '../cells/types.ts';
import type { CellBlock } from '../lesson/types.ts';
import { CellError } from './errors.ts';
import { setCellScope, uncaughtCellError, UNCAUGHT_HOW } from './evaluate.ts';
import { displayForms } from './display.ts';
import { inputValues, type ValueSource } from './generators.ts';
import { installDom, onDomError, readsDom } from './headless-dom.ts';
import { isInputElement, setFromText } from './headless-inputs.ts';
import { figureSvg, isFigure, withDocument } from './headless-plot.ts';
import type { HeadlessCellError, HeadlessEvent, HeadlessOutput } from './headless-result.ts';
import { exerciseStatus, settledStatus } from '../lesson/exercises.ts';
import { createLessonRuntime, type ImportModule } from './lesson-runtime.ts';
import { standardLibrary } from './library.ts';
import { createNodeImport } from './node-import.ts';
import { formatValue, isDomNode } from './text.ts';

export interface HeadlessSessionArgs {
  /** The lesson's Markdown. */
  source: string;
  /** Its path: "./" imports resolve next to it (default none: imports resolve in notebooks/). */
  path?: string;
  /** Values for view() inputs by declared name, as strings: `{dropout: "0.3"}` (default none). */
  set?: Record<string, string>;
  /** Loop guard budget in ms (default the runtime's, 2000). */
  loopBudgetMs?: number;
  /** Send figures' SVG forms too, for `--out` (default false). */
  svg?: boolean;
  /**
   * Cells not to run, by id, each failing with the message given: a run again after a cell froze
   * or killed the process (headless.ts), so that the other cells get their values. Default none.
   */
  skip?: Record<string, string>;
}

export interface HeadlessSession {
  /** Resolves when every cell's latest run, and every generator a cell made, has finished. */
  finished: Promise<void>;
  /** Routes an error that reached no cell's run (a rejection nobody handled, a throw in a timer). */
  uncaught(error: unknown, how: 'rejection' | 'callback'): void;
  /**
   * Ends the run: with 'quiet' (nothing is left to happen), cells whose run never finished fail as
   * stalled; a generator that waits for an input event keeps its last value. Then every cell is
   * invalidated and generators are returned.
   */
  stop(reason: 'finished' | 'quiet'): void;
}

export function startHeadlessSession({ source, path, set = {}, loopBudgetMs, svg = false, skip = {} }: HeadlessSessionArgs, emit: (event: HeadlessEvent) => void, heapLimitMb = 0): HeadlessSession {
  const lesson = parseLesson(source, { path });
  const load = withObservablePackages(createNodeImport(path ? { baseDir: dirname(resolve(path)) } : {}));
  const blocks = new Map(lesson.cells.map((block) => [block.id, block]));
  const unusedSets = new Set(Object.keys(set));
  // Cells whose latest run has not reached a value, settled or failed (a generator may still go on after).
  const unsettled = new Set(blocks.keys());
  const output = (value: unknown, quoteStrings: boolean): HeadlessOutput => {
    const text = formatValue(value, { quoteStrings });
    const figure = svg ? svgForm(value) : undefined;
    return figure === undefined ? { text } : { text, svg: figure };
  };

  emit({
    type: 'lesson',
    title: lesson.frontMatter.title,
    cells: lesson.cells.map((b) => ({ id: b.id, index: b.index, line: b.line })),
    ...(lesson.exercises.length ? { exercises: lesson.exercises.map(({ id, title, line, check }) => ({ id, title, line, ...(check ? { check } : {}) })) } : {}),
    problems: lesson.diagnostics.map((d) => `line ${d.line}: ${d.message}`),
    heapLimitMb,
  });

  const view = (input: unknown, name: string | undefined): unknown => {
    if (name !== undefined && Object.hasOwn(set, name)) {
      unusedSets.delete(name);
      if (!isInputElement(input)) throw new Error(`--set ${name}: view(${name}) is not an input element (Inputs.*, or one with a value)`);
      try {
        setFromText(input, set[name]);
      } catch (error) {
        throw new Error(`--set ${name}=${set[name]}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return inputValues(input as ValueSource);
  };

  setCellScope({
    enter: (id) => blocks.has(id) && emit({ type: 'enter', id }),
    leave: (id) => blocks.has(id) && emit({ type: 'leave', id }),
  });

  const runtime = createLessonRuntime({
    library: {
      ...standardLibrary({ importModule: load }),
      // Lazy, as in the page: a lesson that never reads them never loads the DOM.
      document: () => installDom().document,
    },
    importModule: load,
    view,
    loopBudgetMs,
    followGenerators: true,
    observe(cell) {
      const id = cell.id;
      const block = blocks.get(id) as CellBlock;
      // A check cell's value (or its last display, as the page reads it) is also its exercise's verdict.
      const exercise = block.options.check;
      let displayed: unknown[] = [];
      const verdict = (status: ReturnType<typeof exerciseStatus>): void => {
        if (exercise !== undefined) emit({ type: 'exercise', id: exercise, ...status });
      };
      return {
        pending: () => (unsettled.add(id), (displayed = []), emit({ type: 'pending', id })),
        display: (value) => (displayed.push(value), emit({ type: 'display', id, output: output(value, false) })),
        fulfilled: (value) => (unsettled.delete(id), emit({ type: 'fulfilled', id, output: output(value, true) }), verdict(exerciseStatus(value))),
        settled: () => (unsettled.delete(id), emit({ type: 'settled', id }), verdict(settledStatus(displayed))),
        rejected: (error) => {
          unsettled.delete(id);
          emit({ type: 'rejected', id, error: describeError(error, block) });
          if (exercise !== undefined) emit({ type: 'exercise', id: exercise, state: 'error', message: error.message });
        },
        yielded: (name, value) => emit({ type: 'yielded', id, text: `${name} = ${formatValue(value, { quoteStrings: true })}` }),
        finished: () => emit({ type: 'finished', id }),
      };
    },
  });

  const cells = lesson.cells.map((block) => {
    const cell = compileCell({ id: block.id, lang: block.lang, source: block.source });
    // Its names stay declared, so the cells that read it fail as they would have.
    return Object.hasOwn(skip, cell.id) ? { ...cell, error: undefined, async: false, body: `function () { throw new Error(${JSON.stringify(skip[cell.id])}); }` } : cell;
  });
  // Before the cells run: a cell reading a DOM interface (Event, HTMLElement) resolves it as it is defined.
  if (readsDom(cells.flatMap((cell) => cell.references))) installDom();
  for (const cell of cells) runtime.define(cell);

  const session: HeadlessSession = {
    finished: runtime.idle(),
    uncaught(error, how) {
      const cellError = uncaughtCellError(error, how, blocks.keys());
      if (cellError === undefined) {
        // Without a stack (a thrown string, Promise.reject(42)) nothing says which cell it came from.
        const name = error instanceof Error ? error.name : 'Error';
        const message = `${error instanceof Error ? error.message : formatValue(error, { quoteStrings: true })} — ${UNCAUGHT_HOW[how]}`;
        const hint = error instanceof Error ? 'from no cell\'s code' : 'not an Error, so no stack names its cell: throw or reject with an Error';
        emit({ type: 'uncaught', error: { kind: 'uncaught', name, message: `${message} (${hint})` } });
        return;
      }
      emit({ type: 'uncaught', id: cellError.cellId, error: describeError(cellError, blocks.get(cellError.cellId) as CellBlock) });
    },
    stop(reason) {
      if (reason === 'quiet') {
        for (const [id, message] of stalledMessages(runtime.cells(), unsettled)) {
          emit({ type: 'rejected', id, error: { kind: 'stalled', name: 'Error', message } });
        }
      }
      for (const name of unusedSets) emit({ type: 'problem', message: `--set ${name}: no cell declares "${name}" with view(...)` });
      stopDomErrors();
      setCellScope(undefined);
      runtime.dispose();
      emit({ type: 'end' });
    },
  };
  // A throw in a DOM event listener of a cell's (happy-dom catches it, as a browser would).
  const stopDomErrors = onDomError((error) => session.uncaught(error, 'callback'));
  return session;
}

/**
 * The Observable packages headless: @observablehq/inputs and @observablehq/plot need the DOM, and
 * Plot its document (headless-plot.ts). The library's `Inputs` and `Plot` load through this too,
 * so a cell's `import * as Plot from "@observablehq/plot"` is the same module.
 */
function withObservablePackages(load: ImportModule): ImportModule {
  // require, not import: Plot and d3 are hundreds of modules, and tsx's loader hooks slow each one.
  const require = createRequire(import.meta.url);
  return async (specifier) => {
    const name = specifier.replace(/^npm:/, '');
    if (name === '@observablehq/inputs') {
      installDom();
      return require('@observablehq/inputs') as Record<string, unknown>;
    }
    if (name === '@observablehq/plot') {
      const { document } = installDom();
      return withDocument(require('@observablehq/plot') as Parameters<typeof withDocument>[0], document as unknown as Document);
    }
    return load(specifier);
  };
}

/** A value's SVG form: its display forms' `svg`, or a figure's (Plot) as a standalone document. */
function svgForm(value: unknown): string | undefined {
  const forms = displayForms(value);
  if (forms) return forms.svg;
  if (!isDomNode(value) || value.nodeType !== 1 || !isFigure(value as Element)) return undefined;
  const serializer = new (installDom().XMLSerializer)();
  return figureSvg(value as Element, (node) => serializer.serializeToString(node as never));
}

/**
 * Why each unsettled cell is stuck: its own wait, or the name of a stuck cell it reads. Called when
 * nothing is left to run, so no timer or I/O can settle them any more.
 */
function stalledMessages(cells: readonly CompiledCell[], unsettled: ReadonlySet<string>): Map<string, string> {
  const owner = new Map<string, string>();
  for (const cell of cells) if (unsettled.has(cell.id)) for (const name of cell.declarations) owner.set(name, cell.id);
  const messages = new Map<string, string>();
  for (const cell of cells) {
    if (!unsettled.has(cell.id)) continue;
    const input = cell.references.find((name) => owner.has(name) && owner.get(name) !== cell.id);
    messages.set(
      cell.id,
      input === undefined
        ? 'never finished: it waits for something that can no longer happen (nothing else is left to run)'
        : `never ran: it reads "${input}" of ${owner.get(input)}, which never finished`,
    );
  }
  return messages;
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
