/** The presenter's timer as data: elapsed time that can pause and resume. Tested in Node. */

export interface TimerState {
  /** Milliseconds counted before the current run started. */
  banked: number;
  /** When the current run started (ms), or null while paused. */
  runningSince: number | null;
}

export const startTimer = (now: number): TimerState => ({ banked: 0, runningSince: now });

export function elapsed(state: TimerState, now: number): number {
  return state.banked + (state.runningSince === null ? 0 : now - state.runningSince);
}

export function togglePause(state: TimerState, now: number): TimerState {
  return state.runningSince === null
    ? { banked: state.banked, runningSince: now }
    : { banked: elapsed(state, now), runningSince: null };
}

/** `h:mm:ss` past an hour, `mm:ss` below. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mmss = `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
  return h > 0 ? `${h}:${mmss}` : mmss;
}
