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
    const a: LessonEdits = { 'cell-3': edit('x = 1', 'x = 2') };
    saveEdits(storage, 'a', a);
    saveEdits(storage, 'b', { setup: edit('y', 'z') });
    expect(loadEdits(storage, 'a')).toEqual(a);
    expect(loadEdits(storage, 'b')).toEqual({ setup: edit('y', 'z') });
    expect(loadEdits(storage, 'c')).toEqual({});
  });

  it('removes the entry when no edits are left', () => {
    const storage = fakeStorage();
    saveEdits(storage, 'a', { 'cell-1': edit('a', 'b') });
    saveEdits(storage, 'a', {});
    expect(storage.data.has(storageKey('a'))).toBe(false);
  });

  it('reads corrupt or foreign entries as no edits and skips malformed cells', () => {
    const storage = fakeStorage();
    storage.setItem(storageKey('bad'), '{not json');
    expect(loadEdits(storage, 'bad')).toEqual({});
    storage.setItem(storageKey('future'), JSON.stringify({ version: 99, cells: {} }));
    expect(loadEdits(storage, 'future')).toEqual({});
    storage.setItem(
      storageKey('mixed'),
      JSON.stringify({ version: 1, cells: { 'cell-1': edit('a', 'b'), 'cell-2': { base: 3 } } }),
    );
    expect(loadEdits(storage, 'mixed')).toEqual({ 'cell-1': edit('a', 'b') });
  });
});

/** Cells with default ids, as parseLesson gives them. */
const cells = (...sources: string[]) => sources.map((source, i) => ({ id: `cell-${i + 1}`, source }));

describe('reconcile', () => {
  it('applies an edit whose cell is unchanged', () => {
    const r = reconcile(cells('a = 1', 'b = a + 1'), { 'cell-2': edit('b = a + 1', 'b = a * 10') });
    expect(r.cells).toEqual([{ kind: 'pristine' }, { kind: 'edited', edit: edit('b = a + 1', 'b = a * 10') }]);
    expect(r.orphans).toEqual([]);
    expect(r.edits).toEqual({ 'cell-2': edit('b = a + 1', 'b = a * 10') });
  });

  it('keys edits by the id= of a cell, wherever the cell moves and however it changes', () => {
    const stored = { setup: edit('a = 1', 'a = 2') };
    const moved = reconcile([{ id: 'intro', source: 'x' }, { id: 'setup', source: 'a = 1' }], stored);
    expect(moved.cells.map((c) => c.kind)).toEqual(['pristine', 'edited']);
    expect(moved.edits).toEqual(stored);
    const changed = reconcile([{ id: 'setup', source: 'a = 10' }, { id: 'other', source: 'y' }], stored);
    expect(changed.cells[0]).toEqual({ kind: 'conflict', edit: stored.setup, lessonSource: 'a = 10' });
  });

  it('reports a conflict when the lesson changed an edited cell, keeping the edit', () => {
    const stored = { 'cell-2': edit('b = a + 1', 'b = a * 10') };
    const r = reconcile(cells('a = 1', 'b = a + 2'), stored);
    expect(r.cells[1]).toEqual({ kind: 'conflict', edit: stored['cell-2'], lessonSource: 'b = a + 2' });
    expect(r.edits).toEqual(stored);
  });

  it('follows a cell that moved because cells were inserted above it (its default id changed)', () => {
    const stored = { 'cell-2': edit('b = a + 1', 'b = 0') };
    const r = reconcile(cells('a = 1', 'inserted = 3', 'b = a + 1'), stored);
    expect(r.cells.map((c) => c.kind)).toEqual(['pristine', 'pristine', 'edited']);
    expect(r.edits).toEqual({ 'cell-3': stored['cell-2'] });
  });

  it('does not guess when two cells have the edit\'s base source', () => {
    const stored = { 'cell-4': edit('x', 'y') };
    const r = reconcile(cells('x', 'x'), stored);
    expect(r.cells.map((c) => c.kind)).toEqual(['pristine', 'pristine']);
    expect(r.orphans).toEqual([stored['cell-4']]);
  });

  it('reports edits of removed cells as orphans', () => {
    const stored = { 'cell-6': edit('gone', 'mine'), named: edit('also gone', 'mine too') };
    const r = reconcile(cells('a'), stored);
    expect(r.orphans).toEqual([stored['cell-6'], stored.named]);
    expect(r.edits).toEqual({});
  });

  it('keeps orphans stored with withOrphans until they are discarded', () => {
    const orphan = edit('gone', 'mine');
    const first = reconcile(cells('a'), { 'cell-6': orphan, 'cell-1': edit('a', 'b') });
    const stored = withOrphans(first.edits, first.orphans);
    const again = reconcile(cells('a'), stored);
    expect(again.orphans).toEqual([orphan]);
    expect(again.cells).toEqual([{ kind: 'edited', edit: edit('a', 'b') }]);
    expect(reconcile(cells('a'), withOrphans(again.edits, [])).orphans).toEqual([]);
  });

  it('drops an edit once the lesson itself has the learner\'s source', () => {
    const r = reconcile(cells('a = 2'), { 'cell-1': edit('a = 1', 'a = 2') });
    expect(r.cells).toEqual([{ kind: 'pristine' }]);
    expect(r.edits).toEqual({});
    expect(r.orphans).toEqual([]);
  });

  it('gives a conflict to the original cell only when no moved edit took that cell', () => {
    // Edit of cell-1 moved to cell 2 (its base is there); the edit of cell-2 changed: it would
    // conflict at cell 2, but that cell is taken, so it must surface as an orphan rather than vanish.
    const stored = { 'cell-1': edit('b', 'B!'), 'cell-2': edit('c', 'C!') };
    const r = reconcile(cells('new', 'b'), stored);
    expect(r.cells).toEqual([{ kind: 'pristine' }, { kind: 'edited', edit: stored['cell-1'] }]);
    expect(r.orphans).toEqual([stored['cell-2']]);
  });
});

describe('edits saved by index (older Lecterns) move to their cells\' ids: none is lost', () => {
  const saveV1 = (storage: ReturnType<typeof fakeStorage>, cellsByIndex: Record<string, unknown>) =>
    storage.setItem(storageKey('old'), JSON.stringify({ version: 1, cells: cellsByIndex }));

  it('an index key stands for the cell now at that index, named or not', () => {
    const storage = fakeStorage();
    saveV1(storage, { '0': edit('a = 1', 'a = 5'), '1': edit('const setupValue = 2', 'const setupValue = 3') });
    const lesson = [{ id: 'cell-1', source: 'a = 1' }, { id: 'setup', source: 'const setupValue = 2' }];
    const r = reconcile(lesson, loadEdits(storage, 'old'));
    expect(r.cells.map((c) => c.kind)).toEqual(['edited', 'edited']);
    expect(r.edits).toEqual({ 'cell-1': edit('a = 1', 'a = 5'), setup: edit('const setupValue = 2', 'const setupValue = 3') });
  });

  it('follows moved cells, reports changed ones as conflicts and removed ones (and old orphans) as orphans', () => {
    const storage = fakeStorage();
    saveV1(storage, { '0': edit('b', 'B!'), '2': edit('c = 1', 'c = 2'), '7': edit('gone', 'mine'), 'orphan-0': edit('older', 'kept') });
    const r = reconcile(cells('new', 'b', 'c = 10'), loadEdits(storage, 'old'));
    expect(r.cells).toEqual([
      { kind: 'pristine' },
      { kind: 'edited', edit: edit('b', 'B!') },
      { kind: 'conflict', edit: edit('c = 1', 'c = 2'), lessonSource: 'c = 10' },
    ]);
    expect(r.orphans).toEqual([edit('older', 'kept'), edit('gone', 'mine')]);
    // Saved back, they are keyed by id (same record version, which src/storage and older Lecterns read), and read back the same.
    saveEdits(storage, 'old', withOrphans(r.edits, r.orphans));
    const stored = JSON.parse(storage.getItem(storageKey('old'))!);
    expect(stored.version).toBe(1);
    expect(Object.keys(stored.cells)).toEqual(['cell-2', 'cell-3', 'orphan:0', 'orphan:1']);
    expect(reconcile(cells('new', 'b', 'c = 10'), loadEdits(storage, 'old')).cells.map((c) => c.kind)).toEqual(['pristine', 'edited', 'conflict']);
  });
});

describe('editing operations', () => {
  it('recordEdit stores an edit and removes it when the source returns to the lesson\'s', () => {
    let edits = recordEdit({}, 'cell-1', 'a = 1', 'a = 2', 42);
    expect(edits).toEqual({ 'cell-1': { base: 'a = 1', source: 'a = 2', savedAt: 42 } });
    edits = recordEdit(edits, 'cell-1', 'a = 1', 'a = 1');
    expect(edits).toEqual({});
  });

  it('keepMine rebases the edit on the new lesson source so the conflict is gone', () => {
    const stored = { 'cell-1': edit('a = 1', 'a = 5') };
    const kept = keepMine(stored, 'cell-1', 'a = 2');
    expect(reconcile(cells('a = 2'), kept).cells).toEqual([{ kind: 'edited', edit: edit('a = 2', 'a = 5') }]);
    expect(() => keepMine({}, 'cell-1', 'x')).toThrow(/cell "cell-1" has no saved edit/);
  });

  it('forgetEdit (take new / reset cell) leaves the lesson source in place', () => {
    const stored = { 'cell-1': edit('a = 1', 'a = 5'), 'cell-2': edit('b', 'c') };
    const next = forgetEdit(stored, 'cell-1');
    expect(reconcile(cells('a = 2', 'b'), next).cells.map((c) => c.kind)).toEqual(['pristine', 'edited']);
    expect(stored['cell-1']).toBeDefined(); // the input is not mutated
  });
});

describe('updateEdits', () => {
  it('changes the edits as stored now, so two tabs of a lesson keep each other\'s edits', () => {
    const storage = fakeStorage();
    // Both tabs loaded the lesson with no edits; each then edits a different cell.
    updateEdits(storage, 'l', (stored) => recordEdit(stored, 'cell-1', 'a', 'A', 1));
    updateEdits(storage, 'l', (stored) => recordEdit(stored, 'cell-2', 'b', 'B', 2));
    expect(loadEdits(storage, 'l')).toEqual({ 'cell-1': { base: 'a', source: 'A', savedAt: 1 }, 'cell-2': { base: 'b', source: 'B', savedAt: 2 } });
  });

  it('dropOrphans keeps the cells\' edits only', () => {
    const stored = withOrphans({ 'cell-1': edit('a', 'b') }, [edit('x', 'y')]);
    expect(Object.keys(stored)).toEqual(['cell-1', 'orphan:0']);
    expect(dropOrphans(stored)).toEqual({ 'cell-1': edit('a', 'b') });
  });
});
