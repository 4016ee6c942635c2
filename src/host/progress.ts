/**
 * A learner's progress through a lesson's exercises, kept in storage per lesson (key
 * "lectern:progress:<lessonId>") and written into "Download .md" as a comment. An exercise once
 * passed stays passed (with when), whatever later runs say; the latest check's words are kept too,
 * so a reload shows them before the check has run again.
 *
 * Pure logic over the EditStorage interface (localStorage in the page): runs and is tested in Node.
 */
import type { ExerciseStatus } from '../lesson/exercises.ts';
import type { EditStorage } from './persistence.ts';

export interface ExerciseProgress {
  /** The latest check's state and words (never "waiting": that says nothing yet). */
  state: Exclude<ExerciseStatus['state'], 'waiting'>;
  message: string;
  /** When the check first passed (ms since the epoch); kept once set. */
  passedAt?: number;
  /** Hints the learner opened, and whether they opened the solution. */
  hints?: number;
  solution?: boolean;
}

export type LessonProgress = Record<string, ExerciseProgress>;

const KEY_PREFIX = 'lectern:progress:';
const VERSION = 1;

export function progressKey(lessonId: string): string {
  return KEY_PREFIX + lessonId;
}

/** A lesson's progress; missing or unreadable progress reads as none. */
export function loadProgress(storage: EditStorage, lessonId: string): LessonProgress {
  const raw = storage.getItem(progressKey(lessonId));
  if (raw === null) return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    if (!isRecord(parsed) || parsed.version !== VERSION || !isRecord(parsed.exercises)) return {};
    const progress: LessonProgress = {};
    for (const [id, value] of Object.entries(parsed.exercises)) {
      if (isRecord(value) && ['passed', 'not-yet', 'error'].includes(value.state as string) && typeof value.message === 'string') {
        progress[id] = value as unknown as ExerciseProgress;
      }
    }
    return progress;
  } catch {
    return {};
  }
}

/**
 * Applies `change` to what is stored now (another tab may have written since) and writes it back.
 * Throws what the storage throws (full, disabled): the caller tells the learner.
 */
export function updateProgress(storage: EditStorage, lessonId: string, change: (progress: LessonProgress) => LessonProgress): LessonProgress {
  const next = change(loadProgress(storage, lessonId));
  storage.setItem(progressKey(lessonId), JSON.stringify({ version: VERSION, exercises: next }));
  return next;
}

/** The progress with exercise `id`'s latest status; `waiting` changes nothing. */
export function withStatus(progress: LessonProgress, id: string, status: ExerciseStatus, now: number): LessonProgress {
  if (status.state === 'waiting') return progress;
  const before = progress[id];
  const passedAt = before?.passedAt ?? (status.state === 'passed' ? now : undefined);
  const entry: ExerciseProgress = { ...before, state: status.state, message: status.message };
  if (passedAt !== undefined) entry.passedAt = passedAt;
  return { ...progress, [id]: entry };
}

/** The progress with what the learner opened of exercise `id`: hints up to `hints`, or the solution. */
export function withRevealed(progress: LessonProgress, id: string, revealed: { hints?: number; solution?: boolean }): LessonProgress {
  const before: ExerciseProgress = progress[id] ?? { state: 'not-yet', message: '' };
  return {
    ...progress,
    [id]: {
      ...before,
      ...(revealed.hints !== undefined ? { hints: Math.max(before.hints ?? 0, revealed.hints) } : {}),
      ...(revealed.solution ? { solution: true } : {}),
    },
  };
}

/** How many of `exerciseIds` were passed at some time. */
export function passedCount(progress: LessonProgress, exerciseIds: readonly string[]): number {
  return exerciseIds.filter((id) => progress[id]?.passedAt !== undefined).length;
}

const COMMENT_START = '<!-- lectern:progress';
const COMMENT = /\n*<!-- lectern:progress[\s\S]*?-->\n?/g;

/**
 * `markdown` with a comment at its end listing each exercise's progress (replacing one a previous
 * download wrote): Markdown renderers show nothing of it, a person reading the file sees it.
 */
export function withProgressComment(markdown: string, exercises: readonly { id: string; title: string }[], progress: LessonProgress): string {
  const body = markdown.replace(COMMENT, '\n').replace(/\n*$/, '\n');
  if (exercises.length === 0) return body;
  const lines = exercises.map(({ id, title }) => {
    const entry = progress[id];
    const state = entry?.passedAt !== undefined
      ? `passed ${new Date(entry.passedAt).toISOString().slice(0, 16).replace('T', ' ')} UTC`
      : entry ? `not yet${entry.message ? ` (${entry.message})` : ''}` : 'not tried';
    const opened = [entry?.hints ? `${entry.hints} hint${entry.hints === 1 ? '' : 's'} opened` : '', entry?.solution ? 'solution opened' : ''].filter(Boolean);
    return `- ${id} (${title.replace(/--/g, '-')}): ${state.replace(/--/g, '-')}${opened.length ? `; ${opened.join(', ')}` : ''}`;
  });
  return `${body}\n${COMMENT_START} (exercises: ${passedCount(progress, exercises.map((e) => e.id))} of ${exercises.length} passed)\n${lines.join('\n')}\n-->\n`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
