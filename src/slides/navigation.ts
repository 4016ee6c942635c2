/**
 * Deck navigation as plain data: which key does what, `?slide=N` links, clamping. The deck page
 * and the presenter view share it. No DOM: tested in Node.
 */

export type NavAction = 'next' | 'previous' | 'first' | 'last';

/** The keys of Marp and most slide tools: arrows, space (Shift+space back), Page Up/Down, Home/End. */
export function keyAction(key: string, shiftKey = false): NavAction | null {
  switch (key) {
    case 'ArrowRight':
    case 'ArrowDown':
    case 'PageDown':
      return 'next';
    case ' ':
    case 'Spacebar':
      return shiftKey ? 'previous' : 'next';
    case 'ArrowLeft':
    case 'ArrowUp':
    case 'PageUp':
      return 'previous';
    case 'Home':
      return 'first';
    case 'End':
      return 'last';
    default:
      return null;
  }
}

/** What has the keyboard focus when a key is pressed, as far as slide keys care. */
export type FocusKind = 'editor' | 'text' | 'slider' | 'select' | 'radio' | 'checkbox' | 'button' | 'other';

/**
 * Whether `key` belongs to the focused control rather than to the deck. A control keeps the keys it
 * uses (a slider its arrows, a checkbox its space, an editor everything) and leaves the rest to the
 * deck, so a clicker (Page Up/Down, sometimes arrows) still moves slides after a toggle or a slider
 * was used. Page Up/Down move slides from anywhere but an editor, where they move through the code.
 */
export function keyBelongsToFocus(kind: FocusKind, key: string): boolean {
  const arrows = key === 'ArrowLeft' || key === 'ArrowRight' || key === 'ArrowUp' || key === 'ArrowDown';
  const space = key === ' ' || key === 'Spacebar';
  switch (kind) {
    case 'editor':
      return true;
    case 'text':
      return key !== 'PageUp' && key !== 'PageDown';
    case 'slider':
      return arrows || key === 'Home' || key === 'End';
    case 'select':
      return arrows || space || key === 'Home' || key === 'End';
    case 'radio':
      return arrows || space;
    case 'checkbox':
    case 'button':
      return space || key === 'Enter';
    case 'other':
      return false;
  }
}

/** The slide (0-based) an action leads to from `current` in a deck of `count` slides. */
export function applyAction(action: NavAction, current: number, count: number): number {
  const target = { next: current + 1, previous: current - 1, first: 0, last: count - 1 }[action];
  return clampSlide(target, count);
}

export function clampSlide(index: number, count: number): number {
  if (count <= 0) return 0;
  return Math.min(Math.max(0, Math.trunc(index)), count - 1);
}

/** `?slide=N` is 1-based, as people count slides (and as Marp's page numbers show them). */
export function slideFromSearch(search: string, count: number): number {
  const raw = new URLSearchParams(search).get('slide');
  const n = raw === null ? NaN : Number(raw);
  return Number.isFinite(n) ? clampSlide(n - 1, count) : 0;
}

/** The same query string with `slide` set to the 1-based number of `index` (other keys kept). */
export function searchWithSlide(search: string, index: number): string {
  const params = new URLSearchParams(search);
  params.set('slide', String(index + 1));
  return `?${params.toString()}`;
}

/** Deck id from `?deck=08-fine-tuning`; null when absent or not a plain file name. */
export function deckIdFromSearch(search: string): string | null {
  const id = new URLSearchParams(search).get('deck');
  return id && /^[\w.-]+$/.test(id) ? id : null;
}
