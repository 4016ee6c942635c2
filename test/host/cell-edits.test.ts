import { describe, expect, it } from 'vitest';
import { createCellEdits } from '../../src/host/cell-edits.ts';
import { loadEdits, storageKey, type EditStorage } from '../../src/host/persistence.ts';
import { parseLesson } from '../../src/lesson/parse.ts';

function fakeStorage(): EditStorage & { data: Map<string, string>; full: boolean } {
  const data = new Map<string, string>();
  const storage = {
    data,
    full: false,
    getItem: (key: string) => data.get(key) ?? null,
    setItem: (key: string, value: string) => {
      if (storage.full) throw new Error('QuotaExceededError');
      data.set(key, value);
    },
    removeItem: (key: string) => void data.delete(key),
  };
  return storage;
}

const lesson = parseLesson('# L\n\n```ts\nconst a = 1\n```\n\n```ts id=double\nconst b = a * 2\n```\n\n```ts\nb + 1\n```\n');
const [first, named, last] = lesson.cells as [typeof lesson.cells[0], typeof lesson.cells[0], typeof lesson.cells[0]];

describe('cell edits (the cell host\'s persistence)', () => {
  it('keys edits by parseLesson\'s cell ids, id= and default alike', () => {
    expect(lesson.cells.map((c) => c.id)).toEqual(['cell-1', 'double', 'cell-3']);
    const storage = fakeStorage();
    const store = createCellEdits({ storage, lessonId: 'l', cells: lesson.cells });
    store.record(named, 'const b = a * 3');
    store.record(last, 'b + 2');
    expect(Object.keys(loadEdits(storage, 'l'))).toEqual(['double', 'cell-3']);
    const reopened = createCellEdits({ storage, lessonId: 'l', cells: lesson.cells });
    expect(reopened.initial('double')).toMatchObject({ kind: 'edited', edit: { source: 'const b = a * 3' } });
    expect(reopened.initial('cell-1')).toEqual({ kind: 'pristine' });
  });

  it('migrates edits saved by index when the lesson opens, so they survive the next save', () => {
    const storage = fakeStorage();
    storage.setItem(storageKey('l'), JSON.stringify({ version: 1, cells: { '1': { base: 'const b = a * 2', source: 'const b = a * 5', savedAt: 1 } } }));
    const store = createCellEdits({ storage, lessonId: 'l', cells: lesson.cells });
    expect(store.initial('double')).toMatchObject({ kind: 'edited', edit: { source: 'const b = a * 5' } });
    expect(JSON.parse(storage.getItem(storageKey('l'))!)).toEqual({ version: 1, cells: { double: { base: 'const b = a * 2', source: 'const b = a * 5', savedAt: 1 } } });
    store.record(first, 'const a = 2');
    expect(Object.keys(loadEdits(storage, 'l')).sort()).toEqual(['cell-1', 'double']);
  });

  it('keep, forget, orphans and clear change what is stored', () => {
    const storage = fakeStorage();
    storage.setItem(storageKey('l'), JSON.stringify({ version: 1, cells: {
      double: { base: 'const b = a + 2', source: 'const b = 0', savedAt: 1 },
      removed: { base: 'gone', source: 'mine', savedAt: 1 },
    } }));
    const store = createCellEdits({ storage, lessonId: 'l', cells: lesson.cells });
    expect(store.initial('double')).toMatchObject({ kind: 'conflict', lessonSource: 'const b = a * 2' });
    expect(store.orphans().map((o) => o.source)).toEqual(['mine']);
    store.keep(named);
    expect(loadEdits(storage, 'l').double).toMatchObject({ base: 'const b = a * 2', source: 'const b = 0' });
    store.dropOrphans();
    expect(store.orphans()).toEqual([]);
    expect(Object.keys(loadEdits(storage, 'l'))).toEqual(['double']);
    store.forget(named);
    expect(loadEdits(storage, 'l')).toEqual({});
    store.record(first, 'const a = 9');
    store.clear();
    expect(storage.data.has(storageKey('l'))).toBe(false);
  });

  it('reports storage that refuses to write instead of throwing, and when it works again', () => {
    const storage = fakeStorage();
    const problems: unknown[] = [];
    const store = createCellEdits({ storage, lessonId: 'l', cells: lesson.cells, onProblem: (e) => problems.push(e) });
    storage.full = true;
    expect(() => store.record(first, 'const a = 3')).not.toThrow();
    storage.full = false;
    store.record(first, 'const a = 4');
    expect(problems.map((p) => (p === null ? null : (p as Error).message))).toEqual([null, 'QuotaExceededError', null]);
  });
});
