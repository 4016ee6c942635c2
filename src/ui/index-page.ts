/**
 * The course index (index.html): every lesson in notebooks/, by front-matter order, linked by title.
 */
import '../host/style.css';
import { parseLesson } from '../lesson/parse.ts';
import { lessonIds, lessonUrl, loadLessonSource } from '../site/lessons.ts';

export interface LessonEntry {
  id: string;
  title: string;
  order: number;
}

/** Lessons sorted by front-matter order, then by file name. */
export async function listLessons(): Promise<LessonEntry[]> {
  const entries = await Promise.all(
    lessonIds.map(async (id) => {
      const { frontMatter } = parseLesson(await loadLessonSource(id), { path: `notebooks/${id}.md` });
      return { id, title: frontMatter.title, order: frontMatter.order };
    }),
  );
  return entries.sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
}

function renderIndex(main: HTMLElement, lessons: readonly LessonEntry[]): void {
  const heading = document.createElement('h1');
  heading.textContent = 'Lessons';
  if (lessons.length === 0) {
    const empty = document.createElement('p');
    empty.textContent = 'No lessons yet: add a Markdown file to notebooks/.';
    main.replaceChildren(heading, empty);
    return;
  }
  const list = document.createElement('ol');
  list.className = 'lesson-list';
  for (const lesson of lessons) {
    const item = document.createElement('li');
    const order = document.createElement('span');
    order.className = 'order';
    order.textContent = String(lesson.order).padStart(2, '0');
    const link = document.createElement('a');
    link.href = lessonUrl(lesson.id);
    link.textContent = lesson.title;
    item.append(order, link);
    list.append(item);
  }
  main.replaceChildren(heading, list);
}

const main = document.getElementById('course');
if (main) {
  listLessons().then(
    (lessons) => renderIndex(main, lessons),
    (error: unknown) => {
      main.textContent = `Could not list the lessons: ${error instanceof Error ? error.message : String(error)}`;
    },
  );
}
