/**
 * Where lesson records live: IndexedDB (indexeddb.ts), localStorage when a browser refuses
 * IndexedDB (local-storage.ts), or memory when it refuses both (memoryBackend, also for tests).
 * Each backend reads and writes whole lesson records, one lesson at a time and atomically with
 * respect to other tabs, and keeps the safe-start markers (safe-start.ts). Runs in Node and the browser.
 */
import { isEmptyRecord, type LessonRecord, EMPTY_RECORD } from './record.ts';

export type BackendKind = 'indexeddb' | 'localstorage' | 'memory';

/** Something that happened to the stored records other than this tab's own writes. */
export type BackendEvent =
  /** Another tab (or an older Lectern) wrote a lesson's record. */
  | { type: 'changed'; lessonId: string }
  /**
   * The storage was wiped (localStorage.clear(), indexedDB.deleteDatabase) by something on the page.
   * `restored`: the backend wrote back every record it had read beforehand; otherwise only what
   * open lessons hold in memory can be written back.
   */
  | { type: 'wiped'; how: 'localStorage.clear()' | 'indexedDB.deleteDatabase()'; restored: boolean };

export interface EditBackend {
  readonly kind: BackendKind;
  /** The lesson's record, or EMPTY_RECORD. */
  read(lessonId: string): Promise<LessonRecord>;
  /**
   * Reads the lesson's record, applies `change` and stores the result (an empty record is deleted),
   * with no other tab's write in between. Resolves with the stored record once it is durable.
   */
  transact(lessonId: string, change: (stored: LessonRecord) => LessonRecord): Promise<LessonRecord>;
  /** When the lesson's last load began without finishing (ms since the epoch), if it did not finish. */
  loadMarker(lessonId: string): Promise<number | undefined>;
  /** Sets (a time) or clears (undefined) the lesson's load marker; resolves once it is durable. */
  setLoadMarker(lessonId: string, startedAt: number | undefined): Promise<void>;
  /** Looks for a wipe that no event announced (a cell cleared localStorage in this tab). */
  check(): Promise<void>;
  onEvent(listener: (event: BackendEvent) => void): () => void;
  close(): void;
}

/** Records in a Map: for browsers that refuse every storage (edits last as long as the page) and for tests. */
export function memoryBackend(): EditBackend & { records: Map<string, LessonRecord>; markers: Map<string, number> } {
  const records = new Map<string, LessonRecord>();
  const markers = new Map<string, number>();
  const listeners = new Set<(event: BackendEvent) => void>();
  return {
    kind: 'memory',
    records,
    markers,
    read: async (lessonId) => records.get(lessonId) ?? EMPTY_RECORD,
    async transact(lessonId, change) {
      const next = change(records.get(lessonId) ?? EMPTY_RECORD);
      if (isEmptyRecord(next)) records.delete(lessonId);
      else records.set(lessonId, structuredClone(next));
      return next;
    },
    loadMarker: async (lessonId) => markers.get(lessonId),
    async setLoadMarker(lessonId, startedAt) {
      if (startedAt === undefined) markers.delete(lessonId);
      else markers.set(lessonId, startedAt);
    },
    check: async () => undefined,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => listeners.clear(),
  };
}
