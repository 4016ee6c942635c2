/**
 * What kind of control a key event's target is (see keyBelongsToFocus in navigation.ts), read from
 * the DOM. Browser-only.
 */
import type { FocusKind } from './navigation.ts';

const TEXT_TYPES = new Set(['text', 'search', 'email', 'url', 'tel', 'password', 'number', 'date', 'time', 'datetime-local', 'month', 'week', 'color']);

export function focusKind(target: EventTarget | null): FocusKind {
  if (!(target instanceof Element)) return 'other';
  if (target.closest('textarea, .cm-editor, [contenteditable=""], [contenteditable="true"]')) return 'editor';
  if (target instanceof HTMLInputElement) {
    const type = target.type;
    if (type === 'range') return 'slider';
    if (type === 'checkbox') return 'checkbox';
    if (type === 'radio') return 'radio';
    if (type === 'button' || type === 'submit' || type === 'reset' || type === 'file') return 'button';
    return TEXT_TYPES.has(type) ? 'text' : 'other';
  }
  if (target.closest('select')) return 'select';
  if (target.closest('[role="slider"]')) return 'slider';
  if (target.closest('button, a[href], summary, [role="button"]')) return 'button';
  return 'other';
}
