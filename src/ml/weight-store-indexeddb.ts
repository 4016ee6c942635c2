/**
 * A WeightStore in the browser's IndexedDB: a checkpoint written by a lesson survives a reload (and
 * closing the tab), as a file on disk would. One database, one object store of
 * `{path, bytes, info}` records keyed by path. Browser only (IndexedDB); Node uses weight-store.ts.
 */
import { checkCheckpointPath, type CheckpointInfo, type StoredWeights, type WeightStore } from './weight-store.ts';

export const CHECKPOINT_DB = 'lectern-checkpoints';
const STORE = 'weights';

interface Record {
  path: string;
  bytes: ArrayBuffer;
  info: CheckpointInfo;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function open(name: string): Promise<IDBDatabase> {
  if (typeof indexedDB === 'undefined') return Promise.reject(new Error('checkpoints: this browser has no IndexedDB (private mode?); checkpoints stay in memory'));
  const req = indexedDB.open(name, 1);
  req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'path' });
  return request(req);
}

/** The browser's checkpoint store (`name` lets tests use a database of their own). */
export function indexedDbWeightStore(name = CHECKPOINT_DB): WeightStore {
  let db: Promise<IDBDatabase> | null = null;
  const transact = async <T>(mode: IDBTransactionMode, body: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> => {
    db ??= open(name);
    const tx = (await db).transaction(STORE, mode);
    // Listen before anything can complete: the data is only safe once the transaction commits.
    const committed = new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted (storage full?)'));
    });
    const [result] = await Promise.all([request(body(tx.objectStore(STORE))), committed]);
    return result;
  };
  return {
    async save(path, bytes, info) {
      const record: Record = { path: checkCheckpointPath(path), bytes: bytes.slice().buffer, info: { ...info } };
      await transact('readwrite', (store) => store.put(record));
    },
    async load(path): Promise<StoredWeights | null> {
      const record = (await transact('readonly', (store) => store.get(path))) as Record | undefined;
      return record ? { bytes: new Uint8Array(record.bytes), info: record.info } : null;
    },
    async list() {
      const records = (await transact('readonly', (store) => store.getAll())) as Record[];
      return records.map((r) => r.info);
    },
    async remove(path) {
      await transact('readwrite', (store) => store.delete(path));
    },
  };
}
