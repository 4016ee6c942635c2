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
