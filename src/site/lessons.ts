/**
 * The lessons of the course as Vite sees them: every `notebooks/*.md`, loaded as raw text. Works the
 * same in `npm start` and in the static build (Vite inlines the files as modules).
 */

const lessonSources = import.meta.glob<string>('/notebooks/*.md', { query: '?raw', import: 'default' });

/** "/notebooks/08-fine-tuning.md" → "08-fine-tuning". */
export function lessonIdFromPath(path: string): string {
  return path.replace(/^.*\//, '').replace(/\.md$/, '');
}

export const lessonIds: string[] = Object.keys(lessonSources).map(lessonIdFromPath).sort();

/** The Markdown text of a lesson, or an error naming the lesson and listing the ones that exist. */
export async function loadLessonSource(id: string): Promise<string> {
  const load = lessonSources[`/notebooks/${id}.md`];
  if (!load) {
    throw new Error(`There is no lesson "${id}" in notebooks/. Lessons: ${lessonIds.join(', ') || '(none)'}.`);
  }
  return load();
}

/** Relative URL of a lesson page: query strings keep the static build working under any sub-path. */
export function lessonUrl(id: string): string {
  return `./lesson.html?lesson=${encodeURIComponent(id)}`;
}

/** The lesson id a lesson page was opened with, or undefined. */
export function lessonIdFromLocation(search: string): string | undefined {
  return new URLSearchParams(search).get('lesson') ?? undefined;
}
