/**
 * Live cells hosted outside the lesson page (on slides, in embeds): one lesson runtime whose cells
 * show wherever they are mounted. A cell can be defined without being shown (a section embed still
 * needs the cells its section reads), and shown later: mounting redefines it so its output appears.
 * Browser-only.
 */
import { compileCell } from '../cells/compile.ts';
import type { CellLanguage } from '../cells/types.ts';
import type { CellOptions, InlineExpression } from '../lesson/types.ts';
import { compileInline } from '../runtime/inline.ts';
import { createLessonRuntime, type CellObserver, type LessonRuntime } from '../runtime/lesson-runtime.ts';
import { browserLibrary } from './browser-library.ts';
import { createCellView, type CellView } from './cell-view.ts';
import { createInlineOutput } from './inline-output.ts';
import { importModule } from './vite-imports.ts';

/** What a host needs to know of a cell: a lesson's CellBlock or a deck's DeckCell fits. */
export interface HostedCell {
  id: string;
  index: number;
  lang: CellLanguage;
  source: string;
  options: CellOptions;
}

export interface CellHost {
  runtime: LessonRuntime;
  /** Defines `cell` on the runtime without showing it (no-op when it is already defined). */
  define: (cell: HostedCell) => void;
  /** Shows `cell` in `container` and (re)defines it so it runs with this view as its observer. */
  mount: (cell: HostedCell, container: HTMLElement) => CellView;
  /** Shows an inline expression of the prose in its placeholder `span` and (re)defines it. */
  mountInline: (inline: InlineExpression, span: HTMLElement) => void;
  dispose: () => void;
}

export function createCellHost(): CellHost {
  const observers = new Map<string, CellObserver>();
  const runtime = createLessonRuntime({
    library: browserLibrary(),
    importModule,
    // Looked up when the runtime (re)defines a cell: a cell mounted later gets its own view.
    observe: (cell) => observers.get(cell.id) ?? {},
  });
  const defined = new Set<string>();
  const defineCell = (cell: HostedCell, source = cell.source) => {
    defined.add(cell.id);
    runtime.define(compileCell({ id: cell.id, lang: cell.lang, source }));
  };
  return {
    runtime,
    define(cell) {
      if (!defined.has(cell.id)) defineCell(cell);
    },
    mount(cell, container) {
      const view = createCellView({
        index: cell.index,
        lessonSource: cell.source,
        echo: cell.options.echo,
        hidden: cell.options.hidden,
        onRun: (source) => {
          view.setEdited(source !== cell.source);
          view.setDirty(false);
          runtime.redefine(cell.id, source);
        },
        onReset: () => {
          view.setSource(cell.source);
          view.setEdited(false);
          runtime.redefine(cell.id, cell.source);
        },
      });
      container.replaceChildren(view.element);
      observers.set(cell.id, view.output);
      defineCell(cell);
      return view;
    },
    mountInline(inline, span) {
      observers.set(inline.id, createInlineOutput(span));
      runtime.define(compileInline(inline));
    },
    dispose: () => runtime.dispose(),
  };
}
