/**
 * Mounts a parsed lesson into the page: prose, static code and live cells, on the cell host
 * (src/host) with the learner's edits restored from storage and kept there as they type.
 *
 * Running a cell (Run / Shift-Enter) redefines that cell alone on the runtime: its dependents
 * recompute, nothing reloads. The page never drops an edit silently: edits of cells the lesson
 * changed ask "keep mine / take new", and edits of cells the lesson removed are listed until the
 * learner discards them.
 */
import type { Lesson } from '../lesson/types.ts';
import type { ImportModule, LessonRuntime } from '../runtime/lesson-runtime.ts';
import { createCellHost } from '../host/cell-host.ts';
import type { CellView } from '../host/cell-view.ts';
import { createCellEdits, type CellEdits } from '../host/cell-edits.ts';
import { lessonWithEdits } from '../host/lesson-with-edits.ts';
import type { EditStorage, StoredEdit } from '../host/persistence.ts';
import { renderStaticBlock } from '../host/static-blocks.ts';
import { createExerciseView, type ExerciseView } from '../host/exercise-view.ts';
import { loadProgress, updateProgress, withProgressComment, withRevealed, withStatus, type LessonProgress } from '../host/progress.ts';
import { deckHref } from '../site/links.ts';
import { createUrlState } from '../host/url-state.ts';
import type { DisplacedEdit } from '../storage/record.ts';
import type { LessonEditsHandle, RecordChange } from '../storage/edit-store.ts';
import type { SafeStartReason } from '../storage/safe-start.ts';
import { addSlideLinks, deckForLesson } from './slide-links.ts';
import { stackFoldedCells } from '../host/folded-cells.ts';

export interface MountLessonArgs {
  /** Element the lesson is rendered into (its content is replaced). */
  root: HTMLElement;
  /** Element that gets the lesson-wide buttons (Download, Reset lesson). Default: none. */
  tools?: HTMLElement;
  lesson: Lesson;
  /** The lesson file's text, for "Download .md". */
  text: string;
  /** Key of the lesson's edits in storage, and the downloaded file's name. */
  lessonId: string;
  /** Where edits persist. Default: window.localStorage. */
  storage?: EditStorage;
  /** Names every cell can read (see createLessonRuntime). Default: none. */
  library?: Record<string, unknown>;
  /** Resolves cells' imports. */
  importModule: ImportModule;
  /** Loop guard budget in ms. Default: the runtime's (2000). */
  loopBudgetMs?: number;
  /** Asks the learner to confirm a destructive action. Default: window.confirm. */
  confirm?: (message: string) => boolean;
  /** Keep every view() input's value in the page's URL hash (a link opens the same inputs). Default true. */
  urlState?: boolean;
  /** The edits the cells use. Default: createCellEdits over `storage`. */
  edits?: CellEdits;
  /** The lesson's handle in the edit store: other tabs' edits arrive through it, displaced versions are offered. */
  handle?: LessonEditsHandle;
  /** Safe start: saved edits are shown but not run until the learner says so. Default: null (they run). */
  safe?: SafeStartReason | null;
  /** Called before cells run at the learner's request, held edits included (the page arms its load marker). */
  beforeRun?: () => void;
}

export interface MountedLesson {
  runtime: LessonRuntime;
  /** The cells' views by cell id. */
  views: ReadonlyMap<string, CellView>;
  /** The lesson file with the learner's current sources written into their cells (and their exercises' progress in a comment). */
  markdownWithEdits: () => string;
  /** The exercises' boxes by exercise id. */
  exercises: ReadonlyMap<string, ExerciseView>;
  /** Shows a message about the learner's edits at the top of the lesson. */
  notify: (message: string) => HTMLElement;
  dispose: () => void;
}

export function mountLesson(args: MountLessonArgs): MountedLesson {
  const { root, tools, lesson, text, lessonId, importModule, loopBudgetMs } = args;
  const storage = args.storage ?? pageStorage() ?? refusingStorage();
  const confirmAction = args.confirm ?? ((message: string) => window.confirm(message));
  const storageNotice = document.createElement('div');
  storageNotice.className = 'notice storage-problem';
  storageNotice.setAttribute('role', 'alert');
  const showStorageProblem = (error: unknown | null) => {
    if (error === null) {
      storageNotice.remove();
      return;
    }
    // Storage full or disabled: the edits still run, but the learner must know they will not last.
    storageNotice.textContent = 'Your edits cannot be saved in this browser, so a reload will lose them: ' +
      'use "Download .md" to keep them. ' + `(${error instanceof Error ? error.message : String(error)})`;
    if (!storageNotice.isConnected) root.prepend(storageNotice);
  };
  const edits = args.edits ?? createCellEdits({ storage, lessonId, cells: lesson.cells, onProblem: showStorageProblem });
  const linkNotice = document.createElement('div');
  linkNotice.className = 'notice link-problem';
  linkNotice.setAttribute('role', 'alert');
  const urlState = args.urlState === false ? undefined : createUrlState({
    onProblem: (message) => {
      const line = document.createElement('p');
      line.textContent = message;
      linkNotice.append(line);
      if (!linkNotice.isConnected) root.prepend(linkNotice);
    },
  });
  const host = createCellHost({
    library: args.library ?? {}, importModule, loopBudgetMs, edits, hold: Boolean(args.safe), beforeRun: args.beforeRun,
    // A non-Error a cell threw in a timer: no stack names the cell, so the page says it at the top.
    unattributed: (message) => notify(message).classList.add('uncaught'),
    ...(urlState ? { view: urlState.view } : {}),
  });

  const resetLesson = () => {
    // The inputs go back to the lesson's values (and leave the URL) without asking: nothing is lost.
    urlState?.reset();
    linkNotice.replaceChildren();
    linkNotice.remove();
    const edited = lesson.cells.filter((cell) => host.source(cell) !== cell.source);
    const count = edited.length + (orphanNotice.isConnected ? edits.orphans().length : 0);
    if (count === 0) return;
    if (!confirmAction(`Reset this lesson? Your changes to ${count} cell${count === 1 ? '' : 's'} will be discarded.`)) return;
    orphanNotice.remove();
    for (const cell of edited) host.reset(cell);
    edits.clear();
  };

  const markdownWithEdits = () => {
    const sources = new Map<number, string>();
    for (const cell of lesson.cells) {
      const current = host.source(cell);
      if (current !== cell.source) sources.set(cell.index, current);
    }
    return withProgressComment(lessonWithEdits(text, lesson.cells, sources), lesson.exercises, readProgress());
  };

  // Exercises' progress, read-modify-written on each change (another tab may have written since).
  const readProgress = (): LessonProgress => {
    try {
      return loadProgress(storage, lessonId);
    } catch {
      return {};
    }
  };
  const changeProgress = (change: (progress: LessonProgress) => LessonProgress): void => {
    try {
      updateProgress(storage, lessonId, change);
    } catch (error) {
      showStorageProblem(error);
    }
  };
  const exerciseViews = new Map<string, ExerciseView>();
  const startProgress = readProgress();
  for (const exercise of lesson.exercises) {
    exerciseViews.set(exercise.id, createExerciseView({
      exercise,
      progress: startProgress[exercise.id],
      onStatus: (status) => changeProgress((p) => withStatus(p, exercise.id, status, Date.now())),
      onReveal: (revealed) => changeProgress((p) => withRevealed(p, exercise.id, revealed)),
    }));
  }

  // Render the page; each cell runs as it is mounted (its observer is its view).
  const article = document.createElement('article');
  // Closed cells that show nothing take no room (folded-cells.ts).
  article.className = 'lesson folds-empty-cells';
  if (!lesson.blocks.some((b) => b.type === 'heading' && b.depth === 1)) {
    const title = document.createElement('h1');
    title.textContent = lesson.frontMatter.title;
    article.append(title);
  }
  const orphanNotice = renderOrphans(edits.orphans(), () => {
    edits.dropOrphans();
    orphanNotice.remove();
  });
  const hadProblem = storageNotice.isConnected;
  root.replaceChildren(...(hadProblem ? [storageNotice] : []), ...lessonDiagnostics(lesson), orphanNotice, article);
  if (edits.orphans().length === 0) orphanNotice.remove();
  // `panel` cells gather in a control panel; it and the blocks after it, up to the next heading,
  // form a lab: the settings with what they change (on wide screens the panel stays in view).
  let lab: HTMLElement | undefined;
  let panel: HTMLElement | undefined; // open while nothing but panel (or hidden) cells came since it started
  for (const block of lesson.blocks) {
    if (block.type === 'heading') lab = panel = undefined;
    if (block.type === 'cell' && block.options.panel) {
      if (!panel) {
        lab = document.createElement('div');
        lab.className = 'lesson-lab';
        panel = document.createElement('div');
        panel.className = 'lesson-panel';
        panel.setAttribute('role', 'group');
        panel.setAttribute('aria-label', 'Settings');
        lab.append(panel);
        article.append(lab);
      }
      panel.append(host.mount(block).element);
      continue;
    }
    const into = lab ?? article;
    if (block.type === 'exercise') into.append(exerciseViews.get(block.id)!.element);
    // A check cell is not shown: its verdict is, in its exercise's box.
    else if (block.type === 'cell' && block.options.check !== undefined) host.observe(block, exerciseViews.get(block.options.check)!.observer);
    else into.append(block.type === 'cell' ? host.mount(block).element : renderStaticBlock(block));
    if (!(block.type === 'cell' && (block.options.hidden || block.options.check !== undefined))) panel = undefined;
  }
  // `${...}` in the prose: each fills its placeholder span and follows what it reads.
  for (const inline of lesson.inlines) {
    const span = article.querySelector<HTMLElement>(`[data-lectern-inline="${inline.id}"]`);
    if (span) host.mountInline(inline, span);
  }
  addSlideLinks(article, lessonId, lesson.frontMatter.slides);
  const stopStacking = stackFoldedCells(article);
  // The page was empty when the browser looked for the anchor of `#section&name=value`.
  const anchor = window.location.hash.replace(/^#/, '').split('&')[0];
  if (anchor && !anchor.includes('=')) {
    try {
      article.querySelector(`#${CSS.escape(decodeURIComponent(anchor))}`)?.scrollIntoView();
    } catch {
      // A malformed anchor: nothing to scroll to.
    }
  }

  const notify = (message: string) => {
    const box = notice('notice edits-notice', message);
    root.prepend(box);
    return box;
  };
  if (args.safe && host.held().length > 0) {
    const count = host.held().length;
    const why = args.safe === 'asked' ? 'you opened this lesson with ?safe'
      : 'the last time this lesson was opened, it did not finish loading (a cell may have frozen or emptied the page)';
    const box = notice('notice safe-start', `Safe start: ${why}. Your saved edits of ${count === 1 ? 'one cell are' : `${count} cells are`} ` +
      'shown in their editors but have not run; the lesson\'s own code ran instead. "Reset lesson" discards them.');
    const runThem = button('Run my edits', () => {
      box.remove();
      host.runHeld();
    });
    box.append(actionsOf(runThem));
    root.prepend(box);
  }
  if (args.handle) followOtherTabs(root, args.handle, lesson, host);

  const deckId = deckForLesson(lessonId, lesson.frontMatter.slides);
  const toolButtons = tools ? renderTools(tools, {
    deck: deckId ? deckHref(deckId) : undefined,
    download: () => downloadText(`${lessonId.replace(/^.*\//, '').replace(/\.md$/, '')}.md`, markdownWithEdits()),
    reset: resetLesson,
  }) : [];

  return {
    runtime: host.runtime,
    views: host.views,
    markdownWithEdits,
    exercises: exerciseViews,
    notify,
    dispose() {
      stopStacking();
      host.dispose();
      urlState?.dispose();
      for (const button of toolButtons) button.remove();
    },
  };
}

function notice(className: string, message: string): HTMLElement {
  const box = document.createElement('div');
  box.className = className;
  box.setAttribute('role', 'alert');
  const text = document.createElement('p');
  text.textContent = message;
  box.append(text);
  return box;
}

function button(label: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.addEventListener('click', onClick);
  return b;
}

function actionsOf(...buttons: HTMLElement[]): HTMLElement {
  const actions = document.createElement('div');
  actions.className = 'actions';
  actions.append(...buttons);
  return actions;
}

/**
 * Another tab of this lesson saved edits: they show in this page's editors (not run: marked as
 * code that has not run), and versions a tab replaced without having seen them are offered here,
 * so no edit is dropped unseen.
 */
function followOtherTabs(root: HTMLElement, handle: LessonEditsHandle, lesson: Lesson, host: ReturnType<typeof createCellHost>): void {
  let changedBox: HTMLElement | undefined;
  let displacedBox: HTMLElement | undefined;
  const showDisplaced = (displaced: readonly DisplacedEdit[]) => {
    displacedBox?.remove();
    displacedBox = undefined;
    if (displaced.length === 0) return;
    displacedBox = notice('notice displaced', `Another tab saved over ${displaced.length === 1 ? 'an edit' : `${displaced.length} edits`} ` +
      'of this lesson before this page had shown them. They are kept here: use one, or discard it.');
    for (const entry of displaced) {
      const cell = lesson.cells.find((c) => c.id === entry.key);
      const title = document.createElement('p');
      title.textContent = cell ? `Cell ${cell.id}:` : `An edit of a cell this lesson no longer has (${entry.key}):`;
      const pre = document.createElement('pre');
      pre.textContent = entry.edit.source;
      const use = button('Use this version', () => {
        const view = host.views.get(entry.key);
        if (!view || !cell) return;
        view.setSource(entry.edit.source);
        view.setEdited(entry.edit.source !== cell.source);
        void handle.dropDisplaced(entry);
      });
      use.disabled = !cell || !host.views.has(entry.key);
      const discard = button('Discard', () => void handle.dropDisplaced(entry));
      displacedBox.append(title, pre, actionsOf(use, discard));
    }
    root.prepend(displacedBox);
  };
  showDisplaced(handle.displaced());
  handle.subscribe((change: RecordChange) => {
    const shown: string[] = [];
    for (const key of change.changed) {
      const cell = lesson.cells.find((c) => c.id === key);
      const view = host.views.get(key);
      if (!cell || !view) continue;
      const next = change.cells[key]?.source ?? cell.source;
      if (view.getSource() === next) continue;
      view.setSource(next);
      view.setEdited(next !== cell.source);
      view.setDirty(true);
      shown.push(key);
    }
    if (shown.length > 0) {
      changedBox?.remove();
      changedBox = notice('notice other-tab', `Another tab changed ${shown.join(', ')}: the editors show its code, which has not run here yet.`);
      root.prepend(changedBox);
    }
    showDisplaced(change.displaced);
  });
}

/** window.localStorage, or undefined where the browser refuses it (disabled, sandboxed). */
function pageStorage(): EditStorage | undefined {
  try {
    const storage = window.localStorage;
    storage.getItem('lectern:probe');
    return storage;
  } catch {
    return undefined;
  }
}

/** Reads nothing and refuses to write, so the page tells the learner their edits will not last. */
function refusingStorage(): EditStorage {
  return {
    getItem: () => null,
    setItem: () => {
      throw new Error('this browser does not allow local storage for this page');
    },
    removeItem: () => undefined,
  };
}


function lessonDiagnostics(lesson: Lesson): HTMLElement[] {
  if (lesson.diagnostics.length === 0) return [];
  const box = document.createElement('div');
  box.className = 'notice';
  box.setAttribute('role', 'alert');
  const intro = document.createElement('p');
  intro.textContent = 'This lesson file has problems:';
  const list = document.createElement('ul');
  for (const { line, message } of lesson.diagnostics) {
    const item = document.createElement('li');
    item.textContent = `line ${line}: ${message}`;
    list.append(item);
  }
  box.append(intro, list);
  return [box];
}

function renderOrphans(orphans: readonly StoredEdit[], discard: () => void): HTMLElement {
  const box = document.createElement('div');
  box.className = 'notice orphans';
  box.setAttribute('role', 'alert');
  const intro = document.createElement('p');
  intro.textContent = `You edited ${orphans.length === 1 ? 'a cell' : `${orphans.length} cells`} that this lesson no longer has. ` +
    'Your code is kept below until you discard it.';
  box.append(intro);
  for (const orphan of orphans) {
    const pre = document.createElement('pre');
    pre.textContent = orphan.source;
    box.append(pre);
  }
  const actions = document.createElement('div');
  actions.className = 'actions';
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = 'Discard this code';
  button.addEventListener('click', discard);
  actions.append(button);
  box.append(actions);
  return box;
}

function renderTools(tools: HTMLElement, actions: { deck?: string; download: () => void; reset: () => void }): HTMLElement[] {
  const added: HTMLElement[] = [];
  if (actions.deck) {
    const slides = document.createElement('a');
    slides.className = 'tool-link';
    slides.href = actions.deck;
    slides.textContent = 'Slides';
    added.push(slides);
  }
  const download = document.createElement('button');
  download.type = 'button';
  download.textContent = 'Download .md';
  download.title = 'Download the lesson with your edits as a Markdown file';
  download.addEventListener('click', actions.download);
  const reset = document.createElement('button');
  reset.type = 'button';
  reset.textContent = 'Reset lesson';
  reset.title = 'Put the inputs back to the lesson\'s values and discard all your edits of this lesson';
  reset.addEventListener('click', actions.reset);
  added.push(download, reset);
  tools.append(...added);
  return added;
}

function downloadText(fileName: string, content: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: 'text/markdown' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
