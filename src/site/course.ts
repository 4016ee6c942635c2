/**
 * The course as the index shows it: each lesson with its deck, a one-line description, about how
 * long it takes, and how many of its exercises the learner has passed. Front matter says it
 * (`description:`, `minutes:`, `slides:`); without it the index says what it can tell from the
 * lesson itself (its first sentence, a reading-and-running estimate, a deck of the same name).
 * No DOM: runs and is tested in Node.
 */
import type { Lesson } from '../lesson/types.ts';

export interface CourseLesson {
  id: string;
  title: string;
  order: number;
  description: string;
  minutes: number;
  /** True when `minutes` is the index's estimate, not the author's. */
  estimated: boolean;
  /** The deck's id, or null when the lesson has none. */
  deck: string | null;
  /** The lesson's exercises, in order. */
  exercises: { id: string; title: string }[];
}

/** Reading at about 200 words a minute, plus a minute per live cell to run and look at. */
const WORDS_PER_MINUTE = 200;

export function courseLesson(id: string, lesson: Lesson, deckIds: readonly string[]): CourseLesson {
  const { frontMatter } = lesson;
  const prose = lesson.blocks.flatMap((b) => (b.type === 'markdown' ? [plainText(b.markdown)] : b.type === 'exercise' ? [plainText(b.html)] : []));
  const words = prose.join(' ').split(/\s+/).filter(Boolean).length;
  const estimate = Math.max(5, Math.round((words / WORDS_PER_MINUTE + lesson.cells.length) / 5) * 5);
  const named = frontMatter.slides?.replace(/^.*\//, '').replace(/\.md$/, '');
  const deck = named && deckIds.includes(named) ? named : deckIds.includes(id) ? id : null;
  return {
    id,
    title: frontMatter.title,
    order: frontMatter.order,
    description: frontMatter.description ?? firstSentence(prose.find((p) => p.trim() !== '') ?? ''),
    minutes: frontMatter.minutes ?? estimate,
    estimated: frontMatter.minutes === undefined,
    deck,
    exercises: lesson.exercises.map((e) => ({ id: e.id, title: e.title })),
  };
}

/** "2 of 3 exercises done", "No exercises", "Not started: 3 exercises". */
export function progressText(done: number, total: number): string {
  if (total === 0) return 'No exercises';
  const noun = total === 1 ? 'exercise' : 'exercises';
  if (done === 0) return `Not started: ${total} ${noun}`;
  return done >= total ? `All ${total} ${noun} done` : `${done} of ${total} ${noun} done`;
}

/** "about 40 min", "about 1 h 15 min". */
export function durationText(minutes: number): string {
  const rounded = Math.round(minutes);
  if (rounded < 60) return `about ${rounded} min`;
  const hours = Math.floor(rounded / 60);
  const rest = rounded % 60;
  return `about ${hours} h${rest ? ` ${rest} min` : ''}`;
}

/** Markdown or HTML as plain words: tags, code spans, link targets and emphasis marks dropped. */
function plainText(text: string): string {
  return text
    .replace(/<[^>]+>/g, ' ')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\$\{[^}]*\}/g, '…')
    .replace(/[*_#>]/g, '')
    .replace(/&[a-z]+;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function firstSentence(text: string): string {
  const match = /^.*?[.!?](?=\s|$)/.exec(text);
  const sentence = (match ? match[0] : text).trim();
  return sentence.length > 160 ? `${sentence.slice(0, 157).trimEnd()}…` : sentence;
}
