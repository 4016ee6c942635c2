/**
 * The fallback backend, for browsers that refuse this page IndexedDB: records as JSON under
 * `lectern:edits:<lesson>` (the format and keys Lectern always used there, so older tabs read
 * them). A cell's `localStorage.clear()` erases them; this backend notices (a sentinel key is gone)
 * and writes back every record this tab has read or written, then reports the wipe.
 * Works on any Storage (localStorage in the page; a Map-backed one in Node tests).
 */
import type { BackendEvent, EditBackend } from './backend.ts';
import { EMPTY_RECORD, isEmptyRecord, readRecord, serializeRecord, type LessonRecord } from './record.ts';

export const EDITS_PREFIX = 'lectern:edits:';
export const LOADING_PREFIX = 'lectern:loading:';
/** Present while nothing wiped the storage; written at start. */
export const SENTINEL_KEY = 'lectern:storage-sentinel';

export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>;

export interface LocalStorageBackendArgs {
  storage: KeyValueStorage;
  /** Where `storage` events arrive (window); none in Node. */
  events?: Pick<Window, 'addEventListener' | 'removeEventListener'>;
}

export function localStorageBackend({ storage, events }: LocalStorageBackendArgs): EditBackend {
  /** Every record this tab read or wrote, to write back after a wipe. */
  const mirror = new Map<string, LessonRecord>();
  const listeners = new Set<(event: BackendEvent) => void>();
  const emit = (event: BackendEvent) => { for (const listener of listeners) listener(event); };
  storage.setItem(SENTINEL_KEY, '1'); // throws where the browser refuses storage: the caller falls back

  const read = (lessonId: string): LessonRecord => {
    const record = readRecord(storage.getItem(EDITS_PREFIX + lessonId)) ?? EMPTY_RECORD;
    mirror.set(lessonId, record);
    return record;
  };
  const write = (lessonId: string, record: LessonRecord) => {
    if (isEmptyRecord(record)) storage.removeItem(EDITS_PREFIX + lessonId);
    else storage.setItem(EDITS_PREFIX + lessonId, JSON.stringify(serializeRecord(record)));
    mirror.set(lessonId, record);
  };
  /** After a wipe: the sentinel and every record known here go back before anything else is read. */
  const healWipe = (): boolean => {
    if (storage.getItem(SENTINEL_KEY) !== null) return false;
    storage.setItem(SENTINEL_KEY, '1');
    for (const [lessonId, record] of mirror) if (!isEmptyRecord(record)) write(lessonId, record);
    emit({ type: 'wiped', how: 'localStorage.clear()', restored: false });
    return true;
  };

  const onStorage = (event: StorageEvent) => {
    if (event.storageArea !== null && event.storageArea !== (storage as unknown)) return;
    if (event.key === null) healWipe(); // clear() in another tab
    else if (event.key.startsWith(EDITS_PREFIX)) emit({ type: 'changed', lessonId: event.key.slice(EDITS_PREFIX.length) });
  };
  events?.addEventListener('storage', onStorage as EventListener);

  return {
    kind: 'localstorage',
    async read(lessonId) {
      healWipe();
      return read(lessonId);
    },
    async transact(lessonId, change) {
      healWipe();
      // Synchronous from read to write: no other script of this tab runs in between.
      const next = change(read(lessonId));
      write(lessonId, next);
      return next;
    },
    async loadMarker(lessonId) {
      const value = Number(storage.getItem(LOADING_PREFIX + lessonId));
      return Number.isFinite(value) && value > 0 ? value : undefined;
    },
    async setLoadMarker(lessonId, startedAt) {
      if (startedAt === undefined) storage.removeItem(LOADING_PREFIX + lessonId);
      else storage.setItem(LOADING_PREFIX + lessonId, String(startedAt));
    },
    async check() {
      healWipe();
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      events?.removeEventListener('storage', onStorage as EventListener);
      listeners.clear();
    },
  };
}

/** Lesson ids that have records under the legacy localStorage keys. */
export function legacyLessonIds(storage: KeyValueStorage): string[] {
  const ids: string[] = [];
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i);
    if (key?.startsWith(EDITS_PREFIX)) ids.push(key.slice(EDITS_PREFIX.length));
  }
  return ids;
}
