import { describe, expect, it } from 'vitest';
import {
  forgetEdit,
  keepMine,
  loadEdits,
  reconcile,
  recordEdit,
  saveEdits,
  storageKey,
  type EditStorage,
  type LessonEdits,
  updateEdits,
  dropOrphans,
  withOrphans,
} from '../../src/host/persistence.ts';

/** A Map-backed stand-in for localStorage. */
function fakeStorage(): EditStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
    removeItem: (key) => void data.delete(key),
  };
}

const edit = (base: string, source: string) => ({ base, source, savedAt: 1 });

describe('loadEdits / saveEdits', () => {
  it('round-trips edits per lesson and keeps lessons apart', () => {
    const storage = fakeStorage();
    const a: LessonEdits = { '2': edit('x = 1', 'x = 2') };
    saveEdits(storage, 'a', a);
    saveEdits(storage, 'b', { '0': edit('y', 'z') });
    expect(loadEdits(storage, 'a')).toEqual(a);
    expect(loadEdits(storage, 'b')).toEqual({ '0': edit('y', 'z') });
    expect(loadEdits(storage, 'c')).toEqual({});
  });

  it('removes the entry when no edits are left', () => {
    const storage = fakeStorage();
    saveEdits(storage, 'a', { '0': edit('a', 'b') });
    saveEdits(storage, 'a', {});
    expect(storage.data.has(storageKey('a'))).toBe(false);
  });

  it('reads corrupt or foreign entries as no edits and skips malformed cells', () => {
    const storage = fakeStorage();
    storage.setItem(storageKey('bad'), '{not json');
    expect(loadEdits(storage, 'bad')).toEqual({});
    storage.setItem(storageKey('old'), JSON.stringify({ version: 99, cells: {} }));
    expect(loadEdits(storage, 'old')).toEqual({});
    storage.setItem(
      storageKey('mixed'),
      JSON.stringify({ version: 1, cells: { '0': edit('a', 'b'), '1': { base: 3 } } }),
    );
    expect(loadEdits(storage, 'mixed')).toEqual({ '0': edit('a', 'b') });
  });
});

describe('reconcile', () => {
  it('applies an edit whose cell is unchanged', () => {
    const r = reconcile(['a = 1', 'b = a + 1'], { '1': edit('b = a + 1', 'b = a * 10') });
    expect(r.cells).toEqual([{ kind: 'pristine' }, { kind: 'edited', edit: edit('b = a + 1', 'b = a * 10') }]);
    expect(r.orphans).toEqual([]);
    expect(r.edits).toEqual({ '1': edit('b = a + 1', 'b = a * 10') });
  });

  it('reports a conflict when the lesson changed an edited cell, keeping the edit', () => {
    const stored = { '1': edit('b = a + 1', 'b = a * 10') };
    const r = reconcile(['a = 1', 'b = a + 2'], stored);
    expect(r.cells[1]).toEqual({ kind: 'conflict', edit: stored['1'], lessonSource: 'b = a + 2' });
    expect(r.edits).toEqual(stored);
  });

  it('follows a cell that moved because cells were inserted above it', () => {
    const stored = { '1': edit('b = a + 1', 'b = 0') };
    const r = reconcile(['a = 1', 'inserted = 3', 'b = a + 1'], stored);
    expect(r.cells.map((c) => c.kind)).toEqual(['pristine', 'pristine', 'edited']);
    expect(r.edits).toEqual({ '2': stored['1'] });
  });

  it('does not guess when two cells have the edit\'s base source', () => {
    const stored = { '3': edit('x', 'y') };
    const r = reconcile(['x', 'x'], stored);
    expect(r.cells.map((c) => c.kind)).toEqual(['pristine', 'pristine']);
    expect(r.orphans).toEqual([stored['3']]);
  });

  it('reports edits of removed cells as orphans', () => {
    const stored = { '5': edit('gone', 'mine') };
    const r = reconcile(['a'], stored);
    expect(r.orphans).toEqual([stored['5']]);
    expect(r.edits).toEqual({});
  });

  it('keeps orphans stored with withOrphans until they are discarded', () => {
    const orphan = edit('gone', 'mine');
    const first = reconcile(['a'], { '5': orphan, '0': edit('a', 'b') });
    const stored = withOrphans(first.edits, first.orphans);
    const again = reconcile(['a'], stored);
    expect(again.orphans).toEqual([orphan]);
    expect(again.cells).toEqual([{ kind: 'edited', edit: edit('a', 'b') }]);
    expect(reconcile(['a'], withOrphans(again.edits, [])).orphans).toEqual([]);
  });

  it('drops an edit once the lesson itself has the learner\'s source', () => {
    const r = reconcile(['a = 2'], { '0': edit('a = 1', 'a = 2') });
    expect(r.cells).toEqual([{ kind: 'pristine' }]);
    expect(r.edits).toEqual({});
    expect(r.orphans).toEqual([]);
  });

  it('gives a conflict to the original index only when no moved edit took that cell', () => {
    // Edit 0 moved to cell 1 (its base is there); edit 1 changed: it would conflict at cell 1, but
    // that cell is taken, so it must surface as an orphan rather than vanish.
    const stored = { '0': edit('b', 'B!'), '1': edit('c', 'C!') };
    const r = reconcile(['new', 'b'], stored);
    expect(r.cells).toEqual([{ kind: 'pristine' }, { kind: 'edited', edit: stored['0'] }]);
    expect(r.orphans).toEqual([stored['1']]);
  });
});

describe('editing operations', () => {
  it('recordEdit stores an edit and removes it when the source returns to the lesson\'s', () => {
    let edits = recordEdit({}, 0, 'a = 1', 'a = 2', 42);
    expect(edits).toEqual({ '0': { base: 'a = 1', source: 'a = 2', savedAt: 42 } });
    edits = recordEdit(edits, 0, 'a = 1', 'a = 1');
    expect(edits).toEqual({});
  });

  it('keepMine rebases the edit on the new lesson source so the conflict is gone', () => {
    const stored = { '0': edit('a = 1', 'a = 5') };
    const kept = keepMine(stored, 0, 'a = 2');
    expect(reconcile(['a = 2'], kept).cells).toEqual([{ kind: 'edited', edit: edit('a = 2', 'a = 5') }]);
    expect(() => keepMine({}, 0, 'x')).toThrow(/cell 0 has no saved edit/);
  });

  it('forgetEdit (take new / reset cell) leaves the lesson source in place', () => {
    const stored = { '0': edit('a = 1', 'a = 5'), '1': edit('b', 'c') };
    const next = forgetEdit(stored, 0);
    expect(reconcile(['a = 2', 'b'], next).cells.map((c) => c.kind)).toEqual(['pristine', 'edited']);
    expect(stored['0']).toBeDefined(); // the input is not mutated
  });
});

describe('updateEdits', () => {
  it('changes the edits as stored now, so two tabs of a lesson keep each other\'s edits', () => {
    const storage = fakeStorage();
    // Both tabs loaded the lesson with no edits; each then edits a different cell.
    updateEdits(storage, 'l', (stored) => recordEdit(stored, 0, 'a', 'A', 1));
    updateEdits(storage, 'l', (stored) => recordEdit(stored, 1, 'b', 'B', 2));
    expect(loadEdits(storage, 'l')).toEqual({ '0': { base: 'a', source: 'A', savedAt: 1 }, '1': { base: 'b', source: 'B', savedAt: 2 } });
  });

  it('dropOrphans keeps the cells\' edits only', () => {
    const stored = withOrphans({ '0': edit('a', 'b') }, [edit('x', 'y')]);
    expect(Object.keys(stored)).toEqual(['0', 'orphan-0']);
    expect(dropOrphans(stored)).toEqual({ '0': edit('a', 'b') });
  });
});
