/**
 * The cell host: live cells of one lesson (or deck) on one lesson runtime, each shown in a cell
 * view wherever it is mounted. The lesson page, the deck and the embed all use it, so a cell edits,
 * runs, resets and shows its values the same way everywhere. A cell can be defined without being
 * shown (a section embed still needs the cells its section reads) and shown later: mounting
 * redefines it with its view as observer. Keeping the learner's edits is an option (`edits`, an
 * CellEdits): the page keeps them, decks and embeds do not.
 * Browser-only.
 */
import { compileCell } from '../cells/compile.ts';
import type { CellLanguage } from '../cells/types.ts';
import type { CellOptions, InlineExpression } from '../lesson/types.ts';
import { compileInline } from '../runtime/inline.ts';
import { createLessonRuntime, type CellObserver, type ImportModule, type LessonRuntime, type ViewFunction } from '../runtime/lesson-runtime.ts';
import { browserLibrary } from './browser-library.ts';
import { createCellView, type CellView } from './cell-view.ts';
import { createInlineOutput } from './inline-output.ts';
import type { CellEdits } from './cell-edits.ts';
import { importModule as pageImports } from './vite-imports.ts';
import { routeUncaught } from './uncaught.ts';

/** What a host needs to know of a cell: a lesson's CellBlock or a deck's DeckCell fits. */
export interface HostedCell {
  /** parseLesson's id (`id=name`, else `cell-N`): the runtime's, the storage's and the element's. */
  id: string;
  index: number;
  lang: CellLanguage;
  source: string;
  options: CellOptions;
}

export interface CellHostArgs {
  /** Names every cell can read. Default: browserLibrary() (Inputs, Plot, tf, now, width). */
  library?: Record<string, unknown>;
  /** Resolves cells' imports. Default: the page's import bridge (lessons in notebooks/). */
  importModule?: ImportModule;
  /** Loop guard budget in ms. Default: the runtime's (2000). */
  loopBudgetMs?: number;
  /** Implements `view(input)` (the lesson page keeps inputs in its URL). Default: the runtime's. */
  view?: ViewFunction;
  /** Keeps the learner's edits: restored when a cell is mounted, saved as they type. Default: none (they last until the page closes). */
  edits?: CellEdits;
  /**
   * Safe start: saved edits are shown in their editors but not run (the lesson's own source runs)
   * until `runHeld()` or the learner runs the cell. Default false.
   */
  hold?: boolean;
  /** Called before a cell runs at the learner's request (the page arms its safe-start marker). */
  beforeRun?: () => void;
  /**
   * Told of a value a cell threw in a timer or left rejected that is not an Error, so no cell can be
   * named (src/host/uncaught.ts); errors that name a cell are shown there. Default: nothing.
   */
  unattributed?: (message: string) => void;
}

export interface CellHost {
  runtime: LessonRuntime;
  /** The views of mounted cells, by cell id. */
  views: ReadonlyMap<string, CellView>;
  /** Defines `cell` on the runtime without showing it (no-op when it is already defined). */
  define: (cell: HostedCell) => void;
  /** Shows `cell` (in `container`, if given, replacing its content) and (re)defines it to run with this view as observer. */
  mount: (cell: HostedCell, container?: HTMLElement) => CellView;
  /** The source a cell has now: its editor's (the learner's, if edited), else the lesson's. */
  source: (cell: HostedCell) => string;
  /** Defines `cell` (the lesson's source) to report to `observer` instead of a view: a check cell reports to its exercise. */
  observe: (cell: HostedCell, observer: CellObserver) => void;
  /** Shows an inline expression of the prose (`${...}`) in its placeholder `span` and (re)defines it. */
  mountInline: (inline: InlineExpression, span: HTMLElement) => void;
  /** Brings back the lesson's source of a cell, forgets its edit and runs it. */
  reset: (cell: HostedCell) => void;
  /** Ids of cells whose saved edit is held back (safe start) and has not run yet. */
  held: () => string[];
  /** Runs the held edits (the learner said so). */
  runHeld: () => void;
  dispose: () => void;
}

export function createCellHost(args: CellHostArgs = {}): CellHost {
  const { edits, loopBudgetMs } = args;
  const observers = new Map<string, CellObserver>();
  const views = new Map<string, CellView>();
  const runtime = createLessonRuntime({
    library: args.library ?? browserLibrary(),
    importModule: args.importModule ?? pageImports,
    loopBudgetMs,
    ...(args.view ? { view: args.view } : {}),
    // Looked up when the runtime (re)defines a cell: a cell mounted later gets its own view.
    observe: (cell) => observers.get(cell.id) ?? {},
  });
  const defined = new Set<string>();
  /** The source each cell last ran with, to mark editors holding code that has not run. */
  const ranSource = new Map<string, string>();
  const cellsById = new Map<string, HostedCell>();
  const held = new Set<string>();
  // Rejections nobody handled and throws in timers show at the cell whose code they came from.
  const stopRouting = typeof window === 'undefined' ? () => {} : routeUncaught({
    cellIds: () => runtime.cells().map((cell) => cell.id),
    report: (error) => observers.get(error.cellId)?.rejected?.(error),
    unattributed: args.unattributed,
  });

  const run = (cell: HostedCell, source: string): void => {
    held.delete(cell.id);
    ranSource.set(cell.id, source);
    views.get(cell.id)?.setDirty(false);
    if (defined.has(cell.id)) runtime.redefine(cell.id, source);
    else {
      defined.add(cell.id);
      runtime.define(compileCell({ id: cell.id, lang: cell.lang, source }));
    }
  };

  const reset = (cell: HostedCell): void => {
    const view = views.get(cell.id);
    view?.setSource(cell.source);
    edits?.forget(cell);
    view?.setEdited(false);
    run(cell, cell.source);
  };

  const mount = (cell: HostedCell, container?: HTMLElement): CellView => {
    const state = edits?.initial(cell.id) ?? { kind: 'pristine' as const };
    const source = state.kind === 'pristine' ? cell.source : state.edit.source;
    const view = createCellView({
      id: cell.id,
      index: cell.index,
      lessonSource: cell.source,
      source,
      echo: cell.options.echo,
      hidden: cell.options.hidden,
      onRun: (next) => {
        args.beforeRun?.();
        edits?.record(cell, next);
        view.setEdited(next !== cell.source);
        run(cell, next);
      },
      onDraft: (next) => {
        // Drafts are saved too: a reload never loses typing, and runs what was typed.
        edits?.record(cell, next);
        view.setEdited(next !== cell.source);
        view.setDirty(next !== ranSource.get(cell.id));
      },
      onReset: () => reset(cell),
    });
    view.setEdited(state.kind !== 'pristine');
    if (state.kind === 'conflict') {
      void view.askAboutLessonChange(state.lessonSource).then((choice) => (choice === 'keep' ? edits?.keep(cell) : reset(cell)));
    }
    container?.replaceChildren(view.element);
    views.set(cell.id, view);
    cellsById.set(cell.id, cell);
    observers.set(cell.id, view.output);
    // Redefined even when defined already, so that the runtime reports to this view from now on.
    defined.delete(cell.id);
    if (args.hold && source !== cell.source) {
      run(cell, cell.source);
      held.add(cell.id);
      view.setDirty(true);
    } else {
      run(cell, source);
    }
    return view;
  };

  return {
    runtime,
    views,
    define(cell) {
      if (!defined.has(cell.id)) run(cell, cell.source);
    },
    mount,
    observe(cell, observer) {
      observers.set(cell.id, observer);
      defined.delete(cell.id);
      run(cell, cell.source);
    },
    mountInline(inline, span) {
      observers.set(inline.id, createInlineOutput(span));
      runtime.define(compileInline(inline));
    },
    source: (cell) => views.get(cell.id)?.getSource() ?? ranSource.get(cell.id) ?? cell.source,
    reset,
    held: () => [...held],
    runHeld() {
      args.beforeRun?.();
      for (const id of [...held]) {
        const cell = cellsById.get(id);
        if (cell) run(cell, views.get(id)?.getSource() ?? cell.source);
      }
    },
    dispose: () => {
      stopRouting();
      runtime.dispose();
    },
  };
}
