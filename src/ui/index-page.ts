/**
 * The course index (index.html): every lesson in notebooks/ by front-matter order, as a course:
 * its title, a one-line description, about how long it takes, its deck, and how many of its
 * exercises this browser's learner has passed (the lesson page's progress, see src/host/progress.ts).
 */
import '../host/style.css';
import './index.css';
import { parseLesson } from '../lesson/parse.ts';
import { lessonIds, lessonUrl, loadLessonSource } from '../site/lessons.ts';
import { deckIds } from '../site/decks.ts';
import { deckHref } from '../site/links.ts';
import { courseLesson, durationText, progressText, type CourseLesson } from '../site/course.ts';
import { loadProgress, passedCount, progressKey } from '../host/progress.ts';

/** Lessons sorted by front-matter order, then by file name. */
export async function listLessons(): Promise<CourseLesson[]> {
  const decks = deckIds();
  const entries = await Promise.all(
    lessonIds.map(async (id) => courseLesson(id, parseLesson(await loadLessonSource(id), { path: `notebooks/${id}.md` }), decks)),
  );
  return entries.sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
}

/** window.localStorage, or null where the browser refuses it (disabled, sandboxed). */
function progressStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Fills each lesson's progress line from storage (again when another tab changes it). */
function showProgress(list: HTMLElement, lessons: readonly CourseLesson[]): { done: number; total: number } {
  const storage = progressStorage();
  let done = 0;
  let total = 0;
  for (const lesson of lessons) {
    const line = list.querySelector<HTMLElement>(`[data-progress="${CSS.escape(lesson.id)}"]`);
    if (!line) continue;
    const ids = lesson.exercises.map((e) => e.id);
    const passed = storage ? passedCount(loadProgress(storage, lesson.id), ids) : 0;
    done += passed;
    total += ids.length;
    const bar = line.querySelector('progress');
    const text = line.querySelector('.lesson-progress-text');
    if (text) text.textContent = storage || ids.length === 0 ? progressText(passed, ids.length) : `${ids.length} exercises (progress is not kept in this browser)`;
    if (bar) {
      bar.max = Math.max(ids.length, 1);
      bar.value = passed;
      bar.hidden = ids.length === 0;
    }
    line.closest('li')?.classList.toggle('lesson-done', ids.length > 0 && passed >= ids.length);
  }
  return { done, total };
}

function renderIndex(main: HTMLElement, lessons: readonly CourseLesson[]): void {
  const heading = el('h1', '', 'Lessons');
  if (lessons.length === 0) {
    main.replaceChildren(heading, el('p', '', 'No lessons yet: add a Markdown file to notebooks/.'));
    return;
  }
  const summary = el('p', 'course-summary');
  const list = el('ol', 'lesson-list');
  for (const lesson of lessons) {
    const item = el('li', 'lesson-card');
    const title = el('h2', 'lesson-title');
    const link = el('a', '', lesson.title);
    link.href = lessonUrl(lesson.id);
    title.append(el('span', 'order', String(lesson.order).padStart(2, '0')), link);
    const description = el('p', 'lesson-description', lesson.description);
    const meta = el('p', 'lesson-meta');
    const time = el('span', 'lesson-time', durationText(lesson.minutes));
    time.title = lesson.estimated ? 'Estimated from the lesson’s length and cells' : 'The author’s estimate';
    meta.append(time);
    if (lesson.deck) {
      const deck = el('a', 'lesson-deck', 'Slides');
      deck.href = deckHref(lesson.deck);
      deck.setAttribute('aria-label', `Slides of ${lesson.title}`);
      meta.append(deck);
    }
    const progress = el('p', 'lesson-progress');
    progress.dataset.progress = lesson.id;
    const bar = el('progress', '');
    bar.setAttribute('aria-label', `Exercises done in ${lesson.title}`);
    progress.append(bar, el('span', 'lesson-progress-text'));
    item.append(title, description, meta, progress);
    list.append(item);
  }
  const paint = () => {
    const { done, total } = showProgress(list, lessons);
    summary.textContent = `${lessons.length} lessons, about ${Math.round(lessons.reduce((m, l) => m + l.minutes, 0) / 5) * 5} minutes in all` +
      (total ? `; ${done} of ${total} exercises done in this browser.` : '.');
  };
  paint();
  // Another tab (a lesson page) passed an exercise: the index follows.
  addEventListener('storage', (event) => {
    if (event.key === null || lessons.some((l) => event.key === progressKey(l.id))) paint();
  });
  main.replaceChildren(heading, summary, list);
}

const main = document.getElementById('course');
if (main) {
  listLessons().then(
    (lessons) => {
      renderIndex(main, lessons);
      main.dataset.ready = 'true';
    },
    (error: unknown) => {
      main.textContent = `Could not list the lessons: ${error instanceof Error ? error.message : String(error)}`;
      main.dataset.ready = 'error';
    },
  );
}
