/**
 * The backend pages use: IndexedDB database "lectern" (object stores `lessons`, the records, and
 * `loads`, the safe-start markers). A cell's `localStorage.clear()` does not reach it. A cell's
 * `indexedDB.deleteDatabase("lectern")` waits for this page's connection to close: before it
 * closes, the page reads every record, lets the deletion finish, and writes them all back.
 * On opening, edits from the localStorage keys of earlier Lecterns (`lectern:edits:<lesson>`) move
 * in, merged with what is there, and the old keys are removed once stored. Browser (any IndexedDB).
 */
import type { BackendEvent, EditBackend } from './backend.ts';
import { EDITS_PREFIX, legacyLessonIds, type KeyValueStorage } from './local-storage.ts';
import { EMPTY_RECORD, isEmptyRecord, mergeRecords, readRecord, serializeRecord, type LessonRecord } from './record.ts';

export const DATABASE_NAME = 'lectern';
const DATABASE_VERSION = 1;
const LESSONS = 'lessons';
const LOADS = 'loads';

export interface IndexedDbBackendArgs {
  /** Default globalThis.indexedDB. */
  indexedDB?: IDBFactory;
  /** Database name. Default DATABASE_NAME. */
  name?: string;
  /** Where earlier Lecterns kept edits, migrated on open; and whose `storage` events are watched. */
  legacy?: { storage: KeyValueStorage; events?: Pick<Window, 'addEventListener' | 'removeEventListener'> };
  /** Gives up opening after this long (some browsers never answer in private modes). Default 5000 ms. */
  openTimeoutMs?: number;
}

export async function indexedDbBackend(args: IndexedDbBackendArgs = {}): Promise<EditBackend> {
  const factory = args.indexedDB ?? globalThis.indexedDB;
  const name = args.name ?? DATABASE_NAME;
  if (!factory) throw new Error('this browser has no IndexedDB');
  const listeners = new Set<(event: BackendEvent) => void>();
  const emit = (event: BackendEvent) => { for (const listener of listeners) listener(event); };
  let closed = false;

  const connect = (): Promise<IDBDatabase> => new Promise((resolve, reject) => {
    const request = factory.open(name, DATABASE_VERSION);
    const timer = setTimeout(() => reject(new Error('IndexedDB did not open')), args.openTimeoutMs ?? 5000);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains(LESSONS)) db.createObjectStore(LESSONS);
      if (!db.objectStoreNames.contains(LOADS)) db.createObjectStore(LOADS);
    };
    request.onsuccess = () => {
      clearTimeout(timer);
      const db = request.result;
      db.onversionchange = (event) => void onVersionChange(db, event);
      resolve(db);
    };
    request.onerror = () => {
      clearTimeout(timer);
      reject(request.error ?? new Error('IndexedDB refused to open'));
    };
    request.onblocked = () => undefined; // another tab holds an older version: it closes on versionchange
  });

  /** The open connection; replaced while a deletion is let through and the records written back. */
  let ready: Promise<IDBDatabase> = connect();
  await ready;

  async function onVersionChange(db: IDBDatabase, event: IDBVersionChangeEvent) {
    if (event.newVersion !== null) {
      // A newer Lectern upgrades the database: let it, and reconnect (a reload gets the new code).
      db.close();
      ready = connect();
      return;
    }
    // Every other operation waits until the records are back in the new database.
    let release!: (db: IDBDatabase) => void;
    let refuse!: (error: unknown) => void;
    ready = new Promise<IDBDatabase>((resolve, reject) => { release = resolve; refuse = reject; });
    ready.catch(() => undefined);
    const records = await readAll(db).catch(() => new Map<IDBValidKey, unknown>());
    db.close(); // lets the deletion go ahead
    try {
      const fresh = await connect();
      await run(fresh, LESSONS, 'readwrite', (store) => { for (const [key, value] of records) store.put(value, key); });
      release(fresh);
      if (!closed) emit({ type: 'wiped', how: 'indexedDB.deleteDatabase()', restored: true });
    } catch (error) {
      refuse(error);
      if (!closed) emit({ type: 'wiped', how: 'indexedDB.deleteDatabase()', restored: false });
    }
  }

  const transact = async (lessonId: string, change: (stored: LessonRecord) => LessonRecord): Promise<LessonRecord> => {
    const db = await ready;
    let result: LessonRecord = EMPTY_RECORD;
    await run(db, LESSONS, 'readwrite', (store, fail) => {
      const get = store.get(lessonId);
      get.onsuccess = () => {
        try {
          result = change(readRecord(get.result) ?? EMPTY_RECORD);
        } catch (error) {
          fail(error);
          return;
        }
        if (isEmptyRecord(result)) store.delete(lessonId);
        else store.put(serializeRecord(result), lessonId);
      };
    });
    return result;
  };

  const migrate = async (storage: KeyValueStorage, lessonId: string) => {
    const raw = storage.getItem(EDITS_PREFIX + lessonId);
    const legacy = readRecord(raw);
    if (legacy) await transact(lessonId, (stored) => mergeRecords(stored, legacy));
    // Removed only once stored (or when unreadable as a record: nothing to keep from it).
    if (storage.getItem(EDITS_PREFIX + lessonId) === raw) storage.removeItem(EDITS_PREFIX + lessonId);
  };

  const legacy = args.legacy;
  if (legacy) for (const lessonId of legacyLessonIds(legacy.storage)) await migrate(legacy.storage, lessonId);
  // A tab of an earlier Lectern, still open, may write there: its edits move in as well.
  const onStorage = (event: StorageEvent) => {
    if (!legacy || !event.key?.startsWith(EDITS_PREFIX) || event.newValue === null) return;
    const lessonId = event.key.slice(EDITS_PREFIX.length);
    void migrate(legacy.storage, lessonId).then(() => emit({ type: 'changed', lessonId }));
  };
  legacy?.events?.addEventListener('storage', onStorage as EventListener);

  return {
    kind: 'indexeddb',
    async read(lessonId) {
      const db = await ready;
      let value: unknown;
      await run(db, LESSONS, 'readonly', (store) => {
        const get = store.get(lessonId);
        get.onsuccess = () => { value = get.result; };
      });
      return readRecord(value) ?? EMPTY_RECORD;
    },
    transact,
    async loadMarker(lessonId) {
      const db = await ready;
      let value: unknown;
      await run(db, LOADS, 'readonly', (store) => {
        const get = store.get(lessonId);
        get.onsuccess = () => { value = get.result; };
      });
      return typeof value === 'number' ? value : undefined;
    },
    async setLoadMarker(lessonId, startedAt) {
      const db = await ready;
      await run(db, LOADS, 'readwrite', (store) => {
        if (startedAt === undefined) store.delete(lessonId);
        else store.put(startedAt, lessonId);
      }, 'strict');
    },
    check: async () => undefined,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      closed = true;
      legacy?.events?.removeEventListener('storage', onStorage as EventListener);
      listeners.clear();
      void ready.then((db) => db.close(), () => undefined);
    },
  };
}

/** Runs `body` in one transaction; resolves when it commits. `fail` aborts it with an error. */
function run(
  db: IDBDatabase,
  storeName: string,
  mode: IDBTransactionMode,
  body: (store: IDBObjectStore, fail: (error: unknown) => void) => void,
  durability: 'default' | 'strict' | 'relaxed' = 'default',
): Promise<void> {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(storeName, mode, { durability });
    let failure: unknown;
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(failure ?? tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(failure ?? tx.error ?? new Error('IndexedDB transaction aborted'));
    body(tx.objectStore(storeName), (error) => {
      failure = error;
      tx.abort();
    });
  });
}

function readAll(db: IDBDatabase): Promise<Map<IDBValidKey, unknown>> {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(LESSONS, 'readonly');
    const store = tx.objectStore(LESSONS);
    const keys = store.getAllKeys();
    const values = store.getAll();
    tx.oncomplete = () => resolve(new Map(keys.result.map((key, i) => [key, values.result[i]])));
    tx.onerror = () => reject(tx.error);
  });
}
