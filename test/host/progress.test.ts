/** Exercises' progress per lesson: passing is kept, the latest words too, a storage that refuses is reported, and the download carries it. */
import { describe, expect, it } from 'vitest';
import type { EditStorage } from '../../src/host/persistence.ts';
import { loadProgress, passedCount, progressKey, updateProgress, withProgressComment, withRevealed, withStatus } from '../../src/host/progress.ts';

function fakeStorage(): EditStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) };
}

describe('exercise progress', () => {
  it('keeps a pass with its time, whatever later checks say, and their latest words', () => {
    const storage = fakeStorage();
    updateProgress(storage, 'l', (p) => withStatus(p, 'a', { state: 'not-yet', message: 'too low' }, 1000));
    expect(loadProgress(storage, 'l')).toEqual({ a: { state: 'not-yet', message: 'too low' } });
    updateProgress(storage, 'l', (p) => withStatus(p, 'a', { state: 'passed', message: '81%' }, 2000));
    updateProgress(storage, 'l', (p) => withStatus(p, 'a', { state: 'not-yet', message: 'too low again' }, 3000));
    // Waiting says nothing new.
    updateProgress(storage, 'l', (p) => withStatus(p, 'a', { state: 'waiting', message: '' }, 4000));
    expect(loadProgress(storage, 'l')).toEqual({ a: { state: 'not-yet', message: 'too low again', passedAt: 2000 } });
    expect(passedCount(loadProgress(storage, 'l'), ['a', 'b'])).toBe(1);
    // Other lessons are apart.
    expect(loadProgress(storage, 'other')).toEqual({});
  });

  it('remembers opened hints and the solution', () => {
    let p = withRevealed({}, 'a', { hints: 2 });
    p = withRevealed(p, 'a', { hints: 1 });
    p = withRevealed(p, 'a', { solution: true });
    expect(p).toEqual({ a: { state: 'not-yet', message: '', hints: 2, solution: true } });
  });

  it('reads corrupt or foreign entries as no progress', () => {
    const storage = fakeStorage();
    storage.setItem(progressKey('l'), '{not json');
    expect(loadProgress(storage, 'l')).toEqual({});
    storage.setItem(progressKey('l'), JSON.stringify({ version: 1, exercises: { a: { state: 'bogus', message: '' }, b: { state: 'passed', message: 'x', passedAt: 5 } } }));
    expect(loadProgress(storage, 'l')).toEqual({ b: { state: 'passed', message: 'x', passedAt: 5 } });
  });

  it('throws what a full storage throws, so the page can say so', () => {
    const storage: EditStorage = { getItem: () => null, setItem: () => { throw new Error('QuotaExceededError'); }, removeItem: () => undefined };
    expect(() => updateProgress(storage, 'l', (p) => withStatus(p, 'a', { state: 'passed', message: '' }, 1))).toThrow('QuotaExceededError');
  });

  it('writes the progress into the downloaded lesson as a comment, replacing an earlier one', () => {
    const exercises = [{ id: 'a', title: 'Reach 80%' }, { id: 'b', title: 'Tune -- dropout' }, { id: 'c', title: 'Later' }];
    const progress = withRevealed(withStatus(withStatus({}, 'a', { state: 'passed', message: '' }, Date.UTC(2026, 11, 3, 23, 50)), 'b', { state: 'not-yet', message: 'overfitting' }, 0), 'b', { hints: 1 });
    const once = withProgressComment('# Lesson\n', exercises, progress);
    expect(once).toBe('# Lesson\n\n<!-- lectern:progress (exercises: 1 of 3 passed)\n- a (Reach 80%): passed 2026-12-03 23:50 UTC\n- b (Tune - dropout): not yet (overfitting); 1 hint opened\n- c (Later): not tried\n-->\n');
    expect(withProgressComment(once, exercises, progress)).toBe(once);
    expect(withProgressComment('# No exercises\n', [], {})).toBe('# No exercises\n');
  });
});
