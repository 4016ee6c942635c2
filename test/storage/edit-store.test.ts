/**
 * The edit store in Node: two "tabs" are two stores over one backend, told of each other's writes
 * on a BroadcastChannel (as in the browser). Nothing either tab writes is dropped unseen.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { memoryBackend } from '../../src/storage/backend.ts';
import { createEditStore, type EditStore, type RecordChange } from '../../src/storage/edit-store.ts';
import { localStorageBackend, SENTINEL_KEY } from '../../src/storage/local-storage.ts';
import { applyChange, mergeRecords, readRecord, serializeRecord } from '../../src/storage/record.ts';
import { forgetEdit, recordEdit } from '../../src/host/persistence.ts';

const edit = (base: string, source: string, savedAt = 1) => ({ base, source, savedAt });
let channelCount = 0;
const stores: EditStore[] = [];
afterEach(() => { for (const s of stores.splice(0)) s.close(); });

/** Two tabs on one storage. */
function twoTabs(backend = memoryBackend()) {
  const channel = `test-edits-${++channelCount}`;
  const a = createEditStore({ backend, channel });
  const b = createEditStore({ backend, channel });
  stores.push(a, b);
  return { backend, a, b };
}

/** Resolves with the next change a handle reports. */
const nextChange = (handle: { subscribe: (l: (c: RecordChange) => void) => () => void }) =>
  new Promise<RecordChange>((resolve) => { const stop = handle.subscribe((c) => { stop(); resolve(c); }); });

describe('record rules', () => {
  it('a change replacing a stored edit this tab never saw keeps it in displaced', () => {
    const stored = { cells: { '2': edit('x = 1', 'x = 2 // other tab') }, displaced: [] };
    const next = applyChange(stored, {}, (cells) => recordEdit(cells, '2', 'x = 1', 'x = 3 // mine'), 50);
    expect(next.cells['2']!.source).toBe('x = 3 // mine');
    expect(next.displaced).toEqual([{ key: '2', edit: edit('x = 1', 'x = 2 // other tab'), at: 50 }]);
  });

  it('replacing an edit the tab saw, or touching other cells, displaces nothing', () => {
    const stored = { cells: { '2': edit('x = 1', 'x = 2'), '4': edit('y', 'y2') }, displaced: [] };
    const seen = { '2': edit('x = 1', 'x = 2') };
    expect(applyChange(stored, seen, (cells) => recordEdit(cells, '2', 'x = 1', 'x = 5')).displaced).toEqual([]);
    // Cell 4 is unseen but untouched: it stays where it is.
    const other = applyChange(stored, {}, (cells) => recordEdit(cells, '7', 'z', 'z2'));
    expect(other.cells['4']).toEqual(edit('y', 'y2'));
    expect(other.displaced).toEqual([]);
  });

  it('a reset (forgetting edits) of unseen edits displaces them too', () => {
    const stored = { cells: { '0': edit('a', 'a2'), '1': edit('b', 'b2') }, displaced: [] };
    const next = applyChange(stored, { '0': edit('a', 'a2') }, () => ({}));
    expect(next.cells).toEqual({});
    expect(next.displaced.map((d) => d.key)).toEqual(['1']);
  });

  it('merging a legacy copy fills missing cells and displaces differing ones', () => {
    const main = { cells: { '0': edit('a', 'a-idb') }, displaced: [] };
    const legacy = { cells: { '0': edit('a', 'a-legacy'), '3': edit('d', 'd2') }, displaced: [] };
    const merged = mergeRecords(main, legacy, 9);
    expect(merged.cells).toEqual({ '0': edit('a', 'a-idb'), '3': edit('d', 'd2') });
    expect(merged.displaced).toEqual([{ key: '0', edit: edit('a', 'a-legacy'), at: 9 }]);
  });

  it('reads the original localStorage format, and what it writes reads back', () => {
    const legacy = JSON.stringify({ version: 1, cells: { '0': edit('a', 'b'), bad: { source: 1 } } });
    expect(readRecord(legacy)).toEqual({ cells: { '0': edit('a', 'b') }, displaced: [] });
    const record = { cells: { '1': edit('c', 'd') }, displaced: [{ key: '1', edit: edit('c', 'e'), at: 3 }] };
    expect(readRecord(JSON.parse(JSON.stringify(serializeRecord(record))))).toEqual(record);
    expect(readRecord('{not json')).toBeUndefined();
    expect(readRecord({ version: 99, cells: {} })).toBeUndefined();
  });
});

describe('two tabs on one storage', () => {
  it('an edit saved in one tab reaches the other, which is told which cell changed', async () => {
    const { a, b } = twoTabs();
    const inA = await a.open('lesson');
    const inB = await b.open('lesson');
    const told = nextChange(inB);
    await inA.update((cells) => recordEdit(cells, '1', 'x = 1', 'x = 2'));
    const change = await told;
    expect(change.changed).toEqual(['1']);
    expect(change.previous).toEqual({});
    expect(inB.cells()['1']!.source).toBe('x = 2');
  });

  it('edits of different cells in both tabs at once are all kept', async () => {
    const { backend, a, b } = twoTabs();
    const inA = await a.open('lesson');
    const inB = await b.open('lesson');
    await Promise.all([
      inA.update((cells) => recordEdit(cells, '0', 'a', 'a-from-A')),
      inB.update((cells) => recordEdit(cells, '3', 'd', 'd-from-B')),
    ]);
    expect(Object.keys(backend.records.get('lesson')!.cells).sort()).toEqual(['0', '3']);
  });

  it('one cell edited in both tabs before either heard of the other: neither version is lost', async () => {
    const { backend, a, b } = twoTabs();
    const inA = await a.open('lesson');
    const inB = await b.open('lesson');
    // Both write before any message is delivered (messages arrive in a later task).
    const writes = [inA.update((cells) => recordEdit(cells, '2', 'x', 'x = "A"')), inB.update((cells) => recordEdit(cells, '2', 'x', 'x = "B"'))];
    await Promise.all(writes);
    const stored = backend.records.get('lesson')!;
    const versions = [stored.cells['2']!.source, ...stored.displaced.map((d) => d.edit.source)].sort();
    expect(versions).toEqual(['x = "A"', 'x = "B"']);
    // The tab whose version was displaced hears about it.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(inA.displaced().map((d) => d.edit.source)).toEqual(stored.displaced.map((d) => d.edit.source));
    expect(inB.displaced().map((d) => d.edit.source)).toEqual(stored.displaced.map((d) => d.edit.source));
  });

  it('a displaced version stays until the learner drops it, in both tabs', async () => {
    const { backend, a, b } = twoTabs();
    const inA = await a.open('lesson');
    const inB = await b.open('lesson');
    await Promise.all([inA.update((c) => recordEdit(c, '0', 'x', 'one')), inB.update((c) => recordEdit(c, '0', 'x', 'two'))]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const [entry] = inA.displaced();
    const told = nextChange(inB);
    await inA.dropDisplaced(entry!);
    await told;
    expect(backend.records.get('lesson')!.displaced).toEqual([]);
    expect(inB.displaced()).toEqual([]);
  });

  it('a reset in one tab reaches the other (the edit is gone there too, and said so)', async () => {
    const { a, b } = twoTabs();
    const inA = await a.open('lesson');
    await inA.update((c) => recordEdit(c, '0', 'x', 'mine'));
    const inB = await b.open('lesson');
    const told = nextChange(inB);
    await inA.update((c) => forgetEdit(c, '0'));
    expect((await told).changed).toEqual(['0']);
    expect(inB.cells()).toEqual({});
  });

  it('a failed write rejects and keeps the change in memory', async () => {
    const backend = memoryBackend();
    backend.transact = async () => { throw new DOMException('The quota has been exceeded.', 'QuotaExceededError'); };
    const store = createEditStore({ backend, channel: `test-edits-${++channelCount}` });
    stores.push(store);
    const handle = await store.open('lesson');
    await expect(handle.update((c) => recordEdit(c, '0', 'x', 'y'))).rejects.toThrow('quota');
    expect(handle.cells()['0']!.source).toBe('y');
  });
});

describe('localStorage fallback', () => {
  function fakeStorage() {
    const data = new Map<string, string>();
    return {
      data,
      getItem: (key: string) => data.get(key) ?? null,
      setItem: (key: string, value: string) => void data.set(key, value),
      removeItem: (key: string) => void data.delete(key),
      key: (i: number) => [...data.keys()][i] ?? null,
      get length() { return data.size; },
      clear: () => data.clear(),
    };
  }

  it('keeps the original keys and format, readable by earlier Lecterns', async () => {
    const storage = fakeStorage();
    const store = createEditStore({ backend: localStorageBackend({ storage }), channel: `test-edits-${++channelCount}` });
    stores.push(store);
    const handle = await store.open('08-fine-tuning');
    await handle.update((c) => recordEdit(c, '0', 'x', 'y'));
    expect(JSON.parse(storage.data.get('lectern:edits:08-fine-tuning')!)).toEqual({ version: 1, cells: { '0': { base: 'x', source: 'y', savedAt: expect.any(Number) } } });
  });

  it('after a cell\'s localStorage.clear(), writes back the open lesson\'s edits and tells the learner', async () => {
    const storage = fakeStorage();
    const store = createEditStore({ backend: localStorageBackend({ storage }), channel: `test-edits-${++channelCount}` });
    stores.push(store);
    const notices: string[] = [];
    store.onNotice((n) => notices.push(n.message));
    const handle = await store.open('lesson');
    await handle.update((c) => recordEdit(recordEdit(c, '0', 'a', 'a2'), '1', 'b', 'b2'));
    storage.clear(); // what a cell does
    expect(storage.data.has(SENTINEL_KEY)).toBe(false);
    // The next write (a draft of cell 2) must not drop cells 0 and 1.
    await handle.update((c) => recordEdit(c, '2', 'c', 'c2'));
    expect(Object.keys(readRecord(storage.data.get('lectern:edits:lesson'))!.cells).sort()).toEqual(['0', '1', '2']);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(notices).toEqual([
      'Something on this page (a cell?) cleared this site\'s localStorage, where your edits are kept in this browser (localStorage.clear()). ' +
        'This page had this lesson\'s edits and saved them again; edits of lessons not open in a tab are gone.',
    ]);
  });

  it('notices a clear with no write after it, when the page checks', async () => {
    const storage = fakeStorage();
    const store = createEditStore({ backend: localStorageBackend({ storage }), channel: `test-edits-${++channelCount}` });
    stores.push(store);
    const handle = await store.open('lesson');
    await handle.update((c) => recordEdit(c, '0', 'a', 'a2'));
    storage.clear();
    await store.check();
    expect(readRecord(storage.data.get('lectern:edits:lesson'))!.cells['0']!.source).toBe('a2');
  });
});
