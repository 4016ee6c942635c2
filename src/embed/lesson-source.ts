/**
 * Where an embed's lesson comes from: `lesson="08-fine-tuning"` names a lesson bundled with the
 * build; `src="…/08-fine-tuning.md"` is fetched relative to the page (a course site's own copy),
 * from a trusted origin only (src/trust: the page's, Lectern's, the build's LECTERN_LESSON_ORIGINS),
 * and falls back to the bundled lesson of the same file name when it cannot be fetched. Each
 * lesson is loaded and parsed once per page, however many elements show it. Browser-only.
 */
import { parseLesson } from '../lesson/parse.ts';
import type { Lesson } from '../lesson/types.ts';
import { lessonIds, loadLessonSource } from '../site/lessons.ts';
import { allowedLessonOrigins } from '../trust/allowed-origins.ts';
import { checkLessonUrl, fetchLesson, LessonUrlError } from '../trust/lesson-url.ts';

export interface LessonRef {
  /** A bundled lesson id. */
  lesson?: string | null;
  /** A URL of a lesson file, relative to `base`. */
  src?: string | null;
  /** What `src` is relative to. Default: document.baseURI. */
  base?: string;
  /** How `src` was given, for messages. Default: 'src='. */
  given?: string;
}

export interface LoadedLesson {
  /** Cache key: "lesson:<id>" or the absolute URL. */
  key: string;
  lesson: Lesson;
}

const loaded = new Map<string, Promise<LoadedLesson>>();

export function loadEmbeddedLesson(ref: LessonRef): Promise<LoadedLesson> {
  const key = lessonKey(ref);
  let promise = loaded.get(key);
  if (!promise) {
    promise = readLesson(ref, key);
    loaded.set(key, promise);
    // A failed load may succeed later (network): do not cache failures.
    promise.catch(() => loaded.delete(key));
  }
  return promise;
}

function lessonKey(ref: LessonRef): string {
  if (ref.lesson) return `lesson:${ref.lesson}`;
  // Refused before anything is fetched: a lesson from an untrusted origin never runs here.
  if (ref.src) return checkLessonUrl({ src: ref.src, base: ref.base ?? document.baseURI, allowedOrigins: allowedLessonOrigins(), given: ref.given ?? 'src=' }).href;
  throw new Error('<lectern-lesson> needs a src="…/lesson.md" or a lesson="08-fine-tuning" attribute');
}

async function readLesson(ref: LessonRef, key: string): Promise<LoadedLesson> {
  if (ref.lesson) return { key, lesson: parseLesson(await loadLessonSource(ref.lesson), { path: `notebooks/${ref.lesson}.md` }) };
  const bundledId = key.split('/').pop()!.replace(/\.md$/, '').split('?')[0]!;
  let problem: string;
  try {
    const { text } = await fetchLesson({ src: key, base: key, allowedOrigins: allowedLessonOrigins(), given: ref.given ?? 'src=' });
    return { key, lesson: parseLesson(text, { path: key }) };
  } catch (error) {
    if (error instanceof LessonUrlError) throw error; // refused, not missing: no fallback either
    problem = error instanceof Error ? error.message : String(error);
  }
  if (lessonIds.includes(bundledId)) {
    return { key, lesson: parseLesson(await loadLessonSource(bundledId), { path: `notebooks/${bundledId}.md` }) };
  }
  throw new Error(`${problem}, and no bundled lesson is named "${bundledId}"`);
}
