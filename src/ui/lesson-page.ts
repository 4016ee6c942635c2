/**
 * The lesson page (lesson.html?lesson=<id>): loads notebooks/<id>.md, parses it and mounts it live.
 * In development (`npm start`), `lesson.html?file=/path/to/draft.md` opens any Markdown file under
 * the project root instead (for drafts outside notebooks/ and for the browser tests): a path of
 * this dev server only, never another origin's file.
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

async function start(): Promise<MountedLesson | undefined> {
  const root = document.getElementById('lesson');
  if (!root) return undefined;
  try {
    const file = await locateLesson(window.location.search);
    const lesson = parseLesson(file.text, { path: file.path });
    document.title = `${lesson.frontMatter.title} — Lectern`;
    const mounted = mountLesson({
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
    root.dataset.ready = 'true';
    return mounted;
  } catch (error) {
    showFailure(root, error);
    return undefined;
  }
}

void start();
