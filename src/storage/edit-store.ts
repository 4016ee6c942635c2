/**
 * The learner's edits as a page sees them: one handle per open lesson, over a backend
 * (backend.ts). A handle applies each change at once in memory (the page keeps running what was
 * typed) and writes it in order, each write a read-modify-write of the stored record so that two
 * tabs never overwrite each other's other cells. Tabs tell each other about writes on a
 * BroadcastChannel; a handle then reloads and reports the change to its subscribers, and a write
 * that would replace an edit this tab never saw keeps that edit in `displaced` (record.ts).
 * When a cell wipes the storage, open lessons are written back from memory and the learner is told.
 * Runs in Node (BroadcastChannel is global there) and the browser.
 */
import type { BackendEvent, BackendKind, EditBackend } from './backend.ts';
import { applyChange, changedKeys, EMPTY_RECORD, mergeRecords, type DisplacedEdit, type LessonEdits, type LessonRecord } from './record.ts';

export const EDITS_CHANNEL = 'lectern:edits';

/** A change to a lesson's stored edits that this page did not make itself (or not exactly so). */
export interface RecordChange {
  /** The cells as the page knew them before. */
  previous: LessonEdits;
  cells: LessonEdits;
  displaced: readonly DisplacedEdit[];
  /** Keys (cell indexes) whose edit differs from `previous`. */
  changed: string[];
}

export interface LessonEditsHandle {
  readonly lessonId: string;
  /** The edits as this page has them now: stored ones plus changes still being written. */
  cells(): LessonEdits;
  displaced(): readonly DisplacedEdit[];
  /** Applies `change` to the cells now and stores it; rejects when it cannot be stored (the change stays in memory). */
  update(change: (cells: LessonEdits) => LessonEdits): Promise<void>;
  /** Keeps `edit` aside as a displaced version of cell `key` (the page could not show it in its editor). */
  displace(key: string, edit: DisplacedEdit['edit']): Promise<void>;
  /** Forgets a displaced version (the learner used it or discarded it). */
  dropDisplaced(entry: DisplacedEdit): Promise<void>;
  /** Called when the stored record changed other than by this page's own changes; returns the unsubscribe function. */
  subscribe(listener: (change: RecordChange) => void): () => void;
  close(): void;
}

/** Said to the learner: something happened to their saved edits. */
export interface StoreNotice {
  kind: 'wiped';
  message: string;
}

export interface EditStore {
  readonly kind: BackendKind;
  readonly backend: EditBackend;
  open(lessonId: string): Promise<LessonEditsHandle>;
  /** Looks for a wipe no event announced (call after cells ran); writes back and tells subscribers. */
  check(): Promise<void>;
  onNotice(listener: (notice: StoreNotice) => void): () => void;
  close(): void;
}

export interface EditStoreArgs {
  backend: EditBackend;
  /** Channel name shared by the tabs. Default EDITS_CHANNEL. */
  channel?: string;
  /** Default Date.now. */
  now?: () => number;
}

interface Message {
  type: 'lectern:edits-changed';
  lessonId: string;
  tab: string;
}

function isMessage(data: unknown): data is Message {
  return typeof data === 'object' && data !== null && (data as Message).type === 'lectern:edits-changed' &&
    typeof (data as Message).lessonId === 'string' && typeof (data as Message).tab === 'string';
}

export function createEditStore({ backend, channel: channelName = EDITS_CHANNEL, now = Date.now }: EditStoreArgs): EditStore {
  const tab = Math.random().toString(36).slice(2);
  const handles = new Map<string, Set<HandleInternals>>();
  const noticeListeners = new Set<(notice: StoreNotice) => void>();
  const channel = typeof BroadcastChannel === 'undefined' ? undefined : new BroadcastChannel(channelName);

  const announce = (lessonId: string) => channel?.postMessage({ type: 'lectern:edits-changed', lessonId, tab } satisfies Message);
  const reloadAll = (lessonId: string) => { for (const h of handles.get(lessonId) ?? []) void h.reload(); };

  if (channel) {
    channel.onmessage = (event: MessageEvent) => {
      if (isMessage(event.data) && event.data.tab !== tab) reloadAll(event.data.lessonId);
    };
  }

  const tell = (message: string) => { for (const listener of noticeListeners) listener({ kind: 'wiped', message }); };

  const onBackendEvent = async (event: BackendEvent) => {
    if (event.type === 'changed') {
      reloadAll(event.lessonId);
      return;
    }
    // Written back from memory: what the open lessons hold (the backend may have restored the rest).
    const open = [...handles.values()].flatMap((set) => [...set]);
    const results = await Promise.allSettled(open.map((h) => h.writeBack()));
    const failed = results.some((r) => r.status === 'rejected');
    const what = event.how === 'localStorage.clear()' ? 'cleared this site\'s localStorage, where your edits are kept in this browser'
      : 'deleted the database where Lectern keeps your edits';
    const back = failed ? 'This page could not save them again: use "Download .md" to keep them.'
      : event.restored ? 'They were all written back.'
      : 'This page had this lesson\'s edits and saved them again; edits of lessons not open in a tab are gone.';
    tell(`Something on this page (a cell?) ${what} (${event.how}). ${back}`);
  };
  const detach = backend.onEvent((event) => void onBackendEvent(event));

  interface HandleInternals extends LessonEditsHandle {
    reload(): Promise<void>;
    writeBack(): Promise<void>;
  }

  async function open(lessonId: string): Promise<LessonEditsHandle> {
    let state: LessonRecord = await backend.read(lessonId);
    /** The cells as last stored and shown to this page: what a write may replace without displacing. */
    let seen: LessonEdits = state.cells;
    let queue: Promise<unknown> = Promise.resolve();
    let pending = 0;
    let reloadWanted = false;
    const listeners = new Set<(change: RecordChange) => void>();

    /** Tells subscribers about `arrived` keys (another tab's edits) and a changed list of displaced versions. */
    const notify = (previous: LessonEdits, next: LessonRecord, arrived: string[], displacedBefore: readonly DisplacedEdit[]) => {
      if (arrived.length === 0 && sameDisplaced(displacedBefore, next.displaced)) return;
      for (const listener of listeners) listener({ previous, cells: next.cells, displaced: next.displaced, changed: arrived });
    };

    /**
     * Takes in what another tab stored (`stored`, read in a write or a reload): keys it changed
     * since this page last saw them, and that this page's write left alone, are shown now.
     */
    const takeIn = (stored: LessonEdits, written: LessonRecord, remote: string[]) => {
      const previous = seen;
      const shown = state;
      const arrived = remote.filter((key) => written.cells[key]?.source === stored[key]?.source);
      const cells = { ...shown.cells };
      for (const key of arrived) {
        const edit = written.cells[key];
        if (edit) cells[key] = edit;
        else delete cells[key];
      }
      seen = written.cells;
      state = { cells, displaced: written.displaced };
      notify(previous, state, arrived, shown.displaced);
    };

    /** Queues a read-modify-write; `optimistic` is what the page has meanwhile. */
    const enqueue = (optimistic: (state: LessonRecord) => LessonRecord, write: (stored: LessonRecord) => LessonRecord): Promise<void> => {
      state = optimistic(state);
      pending++;
      const run = queue.then(async () => {
        try {
          let stored: LessonEdits = {};
          let remote: string[] = [];
          const written = await backend.transact(lessonId, (current) => {
            stored = current.cells;
            remote = changedKeys(seen, current.cells);
            return write(current);
          });
          takeIn(stored, written, remote);
          announce(lessonId);
        } finally {
          pending--;
          if (pending === 0 && reloadWanted) {
            reloadWanted = false;
            void handle.reload();
          }
        }
      });
      queue = run.catch(() => undefined);
      return run;
    };

    const handle: HandleInternals = {
      lessonId,
      cells: () => state.cells,
      displaced: () => state.displaced,
      update(change) {
        return enqueue(
          (s) => ({ cells: change(s.cells), displaced: s.displaced }),
          (stored) => applyChange(stored, seen, change, now()),
        );
      },
      displace(key, edit) {
        const add = (r: LessonRecord): LessonRecord =>
          r.displaced.some((d) => d.key === key && d.edit.source === edit.source) ? r : { cells: r.cells, displaced: [...r.displaced, { key, edit, at: now() }] };
        return enqueue(add, add);
      },
      dropDisplaced(entry) {
        const drop = (r: LessonRecord): LessonRecord => ({
          cells: r.cells,
          displaced: r.displaced.filter((d) => !(d.key === entry.key && d.edit.source === entry.edit.source)),
        });
        return enqueue(drop, drop);
      },
      subscribe(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      close() {
        listeners.clear();
        handles.get(lessonId)?.delete(handle);
      },
      async reload() {
        if (pending > 0) {
          reloadWanted = true; // after this page's own writes, which read the stored record anyway
          return;
        }
        const stored = await backend.read(lessonId);
        if (pending > 0) {
          reloadWanted = true;
          return;
        }
        takeIn(stored.cells, stored, changedKeys(seen, stored.cells));
      },
      async writeBack() {
        // What is stored now (nothing, what a backend restored, another tab's write-back) joins what
        // this page has; where both differ, the stored edit stays and this page's is displaced.
        await enqueue((s) => s, (stored) => mergeRecords(stored, state, now()));
      },
    };
    if (!handles.has(lessonId)) handles.set(lessonId, new Set());
    handles.get(lessonId)!.add(handle);
    return handle;
  }

  return {
    kind: backend.kind,
    backend,
    open,
    check: () => backend.check(),
    onNotice(listener) {
      noticeListeners.add(listener);
      return () => noticeListeners.delete(listener);
    },
    close() {
      detach();
      channel?.close();
      noticeListeners.clear();
      handles.clear();
      backend.close();
    },
  };
}

function sameDisplaced(a: readonly DisplacedEdit[], b: readonly DisplacedEdit[]): boolean {
  return a.length === b.length && a.every((d, i) => d.key === b[i]!.key && d.edit.source === b[i]!.edit.source);
}

export { EMPTY_RECORD };
