/**
 * The lesson page (lesson.html?lesson=<id>): loads notebooks/<id>.md, parses it and mounts it live.
 * In development (`npm start`), `lesson.html?file=/path/to/draft.md` opens any Markdown file under
 * the project root instead (for drafts outside notebooks/ and for the browser tests): a path of
 * this dev server only, never another origin's file.
 *
 * Edits live in the edit store (src/storage: IndexedDB, out of a cell's localStorage.clear()).
 * Safe start: when the last load of the lesson did not finish (a saved edit froze or emptied the
 * page), or with `?safe`, saved edits are shown but not run until the learner says so.
 */
import '@observablehq/inputs/dist/index.css';
import '../host/style.css';
import { keepInputsLabelled } from '../host/label-inputs.ts';
import { parseLesson } from '../lesson/parse.ts';
import { browserLibrary } from '../host/browser-library.ts';
import { lessonIdFromLocation, loadLessonSource } from '../site/lessons.ts';
import { mountLesson, type MountedLesson } from './mount-lesson.ts';
import { lessonImports } from '../host/vite-imports.ts';
import { fetchLesson } from '../trust/lesson-url.ts';
import { openEditStore } from '../storage/open.ts';
import { startLoad, watchLoad, type LoadGuard } from '../storage/safe-start.ts';
import { createStoredCellEdits } from './stored-edits.ts';

interface LessonFile {
  /** Storage key and download name. */
  id: string;
  /** Path for parseLesson's defaults (title, order). */
  path: string;
  text: string;
}

async function locateLesson(search: string): Promise<LessonFile> {
  const file = new URLSearchParams(search).get('file');
  if (file && import.meta.env.DEV) {
    const { text } = await fetchLesson({ src: file, base: window.location.href, allowedOrigins: [window.location.origin], given: 'lesson.html?file=' });
    return { id: `file:${file}`, path: file, text };
  }
  const id = lessonIdFromLocation(search);
  if (!id) throw new Error('No lesson given: open a lesson from the index (lesson.html?lesson=<name>).');
  return { id, path: `notebooks/${id}.md`, text: await loadLessonSource(id) };
}

function showFailure(root: HTMLElement, error: unknown): void {
  const box = document.createElement('div');
  box.className = 'cell-error';
  box.setAttribute('role', 'alert');
  box.textContent = error instanceof Error ? error.message : String(error);
  const back = document.createElement('p');
  back.innerHTML = '<a href="./index.html">Back to the lessons</a>';
  root.replaceChildren(box, back);
}

let stopWatching: (() => void) | undefined;

/**
 * Clears the load marker once the page stands: cells settled (or still responsive after a while),
 * content still there; `data-standing` says so (tests wait for it). Leaving an intact page clears
 * it as well (best effort), so a quick reload does not start safe.
 */
function watchPage(root: HTMLElement, guard: LoadGuard): void {
  stopWatching?.();
  delete root.dataset.standing;
  const intact = () => root.isConnected && root.querySelector('article.lesson') !== null;
  const settled = () => root.querySelector('[aria-busy="true"]') === null;
  const done: LoadGuard = { ...guard, safe: guard.safe, finished: async () => {
    await guard.finished();
    root.dataset.standing = 'true';
  } };
  stopWatching = watchLoad({ guard: done, intact, settled });
  window.onpagehide = () => {
    if (intact() && settled()) void guard.finished().catch(() => undefined);
  };
}

async function start(): Promise<MountedLesson | undefined> {
  const root = document.getElementById('lesson');
  if (!root) return undefined;
  try {
    const file = await locateLesson(window.location.search);
    const lesson = parseLesson(file.text, { path: file.path });
    document.title = `${lesson.frontMatter.title} — Lectern`;
    const { store, notice } = await openEditStore();
    const guard = await startLoad({ backend: store.backend, lessonId: file.id, asked: new URLSearchParams(window.location.search).has('safe') });
    const handle = await store.open(file.id);
    let problem: HTMLElement | undefined;
    const edits = createStoredCellEdits({
      handle,
      cells: lesson.cells,
      onProblem: (error) => {
        problem?.remove();
        problem = undefined;
        if (error === null) return;
        // Storage full or refused: the edits still run, but the learner must know they will not last.
        problem = mounted.notify('Your edits cannot be saved in this browser, so a reload will lose them: use "Download .md" to keep them. ' +
          `(${error instanceof Error ? error.message : String(error)})`);
        problem.classList.add('storage-problem');
      },
    });
    const mounted: MountedLesson = mountLesson({
      edits,
      handle,
      safe: guard.safe,
      beforeRun: () => {
        // Armed before the code runs: if it freezes or empties the page, the next load starts safe.
        void guard.arm().catch(() => undefined);
        watchPage(root, guard);
      },
      root,
      tools: document.getElementById('lesson-tools') ?? undefined,
      lesson,
      text: file.text,
      lessonId: file.id,
      library: browserLibrary({ column: root }),
      // Relative imports resolve next to the lesson, as `lectern run` resolves them.
      importModule: lessonImports(file.path.replace(/^\/?/, '/').replace(/[^/]*$/, '')),
    });
    // Observable Inputs leave a range's slider unnamed: name it after the input's label.
    keepInputsLabelled(root);
    if (notice) mounted.notify(notice).classList.add('storage-problem');
    store.onNotice(({ message }) => mounted.notify(message));
    // A wipe by a cell fires no event in this tab for localStorage: look after runs, now and then.
    setInterval(() => void store.check(), 2000);
    watchPage(root, guard);
    root.dataset.ready = 'true';
    return mounted;
  } catch (error) {
    showFailure(root, error);
    return undefined;
  }
}

void start();
