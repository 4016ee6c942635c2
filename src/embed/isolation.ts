/**
 * Static hosts such as GitHub Pages cannot send COOP/COEP headers; without them the page is not
 * cross-origin isolated, SharedArrayBuffer is missing and the WASM backend runs on one thread.
 * Lectern still works there, and says so. Browser-only (reads `crossOriginIsolated`).
 */

export const SINGLE_THREAD_NOTE =
  'This site is served without cross-origin isolation (COOP/COEP headers), so TensorFlow.js WASM runs single-threaded: training works, more slowly.';

/** The note to show, or null when WASM can use threads. */
export function isolationNote(isolated: boolean = globalThis.crossOriginIsolated === true): string | null {
  return isolated ? null : SINGLE_THREAD_NOTE;
}

/** A `<p role="note">` with the note, or null when none is needed. */
export function isolationNoteElement(): HTMLElement | null {
  const text = isolationNote();
  if (!text) return null;
  const note = document.createElement('p');
  note.className = 'lectern-isolation-note';
  note.setAttribute('role', 'note');
  note.textContent = text;
  return note;
}
