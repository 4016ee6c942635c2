/**
 * Safe start: a saved edit that breaks the page (empties it, freezes it) must not run again on
 * every load. A load of a lesson, and each run of a cell the learner asks for, first sets a marker
 * (durably: before any code runs) and clears it once the page stands: its cells settled, or it
 * stayed responsive for a while, with its content still there. Finding the marker at the next load
 * means the last one did not finish: that load, and any load with `?safe`, shows the saved edits
 * without running them until the learner says so. Runs in Node and the browser.
 */
import type { EditBackend } from './backend.ts';

export type SafeStartReason = 'unfinished' | 'asked';

export interface LoadGuard {
  /** Why this load starts safe, or null for a normal start. */
  readonly safe: SafeStartReason | null;
  /** Something is about to run: until finished(), the next load starts safe. */
  arm(): Promise<void>;
  /** The page stands: the next load starts normally. */
  finished(): Promise<void>;
}

export interface StartLoadArgs {
  backend: EditBackend;
  lessonId: string;
  /** The learner asked for a safe start (`?safe`). */
  asked?: boolean;
  /** Default Date.now. */
  now?: () => number;
}

/** Reads the last load's marker, then arms this load's. */
export async function startLoad({ backend, lessonId, asked = false, now = Date.now }: StartLoadArgs): Promise<LoadGuard> {
  const unfinished = (await backend.loadMarker(lessonId)) !== undefined;
  const arm = () => backend.setLoadMarker(lessonId, now());
  await arm();
  return {
    safe: asked ? 'asked' : unfinished ? 'unfinished' : null,
    arm,
    finished: () => backend.setLoadMarker(lessonId, undefined),
  };
}

export interface WatchLoadArgs {
  guard: LoadGuard;
  /** Whether the page's content is still there (a cell may have emptied the document). */
  intact: () => boolean;
  /** Whether every cell has settled (its first value or error shown). */
  settled: () => boolean;
  /** A page that stays responsive this long counts as standing even with cells still running (training). Default 10 000 ms. */
  responsiveMs?: number;
  /** Default 250 ms. */
  pollMs?: number;
}

/**
 * Calls guard.finished() once the page stands; a frozen page never gets there, an emptied one
 * neither. Returns a function that stops watching.
 */
export function watchLoad({ guard, intact, settled, responsiveMs = 10_000, pollMs = 250 }: WatchLoadArgs): () => void {
  const started = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    if (!intact()) return; // stays armed: the next load starts safe
    if (settled() || Date.now() - started >= responsiveMs) {
      void guard.finished().catch(() => undefined);
      return;
    }
    timer = setTimeout(tick, pollMs);
  };
  timer = setTimeout(tick, pollMs);
  return () => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
  };
}
