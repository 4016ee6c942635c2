import { describe, expect, it } from 'vitest';
import { isHeightMessage, HEIGHT_MESSAGE } from '../../src/embed/height.ts';
import { isolationNote, SINGLE_THREAD_NOTE } from '../../src/embed/isolation.ts';

describe('height messages', () => {
  it('accepts only a finite, non-negative height of the Lectern type', () => {
    expect(isHeightMessage({ type: HEIGHT_MESSAGE, height: 420 })).toBe(true);
    expect(isHeightMessage({ type: HEIGHT_MESSAGE, height: -1 })).toBe(false);
    expect(isHeightMessage({ type: HEIGHT_MESSAGE, height: Number.NaN })).toBe(false);
    expect(isHeightMessage({ type: HEIGHT_MESSAGE, height: '420' })).toBe(false);
    expect(isHeightMessage({ type: 'other', height: 420 })).toBe(false);
    expect(isHeightMessage('lectern:height')).toBe(false);
  });
});

describe('isolation note', () => {
  it('speaks only when the page is not cross-origin isolated', () => {
    expect(isolationNote(true)).toBeNull();
    expect(isolationNote(false)).toBe(SINGLE_THREAD_NOTE);
    expect(SINGLE_THREAD_NOTE).toContain('single-threaded');
  });
});
