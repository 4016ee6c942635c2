/**
 * The page's edit store: IndexedDB (where a cell's localStorage.clear() does not reach), else
 * localStorage, else memory, with a notice for the learner when their edits are less safe than
 * usual. Browser-only (window, indexedDB, localStorage).
 */
import { memoryBackend } from './backend.ts';
import { createEditStore, type EditStore } from './edit-store.ts';
import { indexedDbBackend } from './indexeddb.ts';
import { localStorageBackend } from './local-storage.ts';

export const LOCAL_STORAGE_NOTICE =
  'This browser does not let Lectern use IndexedDB here, so your edits are kept in localStorage, where a cell ' +
  'calling localStorage.clear() erases the edits of lessons not open in a tab. "Download .md" keeps a copy of your own.';
export const MEMORY_NOTICE =
  'Your edits cannot be saved in this browser (it refuses this page storage), so a reload will lose them: ' +
  'use "Download .md" to keep them.';

export interface OpenedEditStore {
  store: EditStore;
  /** Said to the learner when edits are kept somewhere less safe than IndexedDB. */
  notice?: string;
}

export async function openEditStore(): Promise<OpenedEditStore> {
  const local = pageLocalStorage();
  try {
    const backend = await indexedDbBackend({ legacy: local ? { storage: local, events: window } : undefined });
    return { store: createEditStore({ backend }) };
  } catch {
    if (local) {
      try {
        return { store: createEditStore({ backend: localStorageBackend({ storage: local, events: window }) }), notice: LOCAL_STORAGE_NOTICE };
      } catch {
        // refused as well: memory below
      }
    }
    return { store: createEditStore({ backend: memoryBackend() }), notice: MEMORY_NOTICE };
  }
}

/** window.localStorage, or undefined where the browser refuses it (disabled, sandboxed). */
function pageLocalStorage(): Storage | undefined {
  try {
    const storage = window.localStorage;
    storage.getItem('lectern:probe');
    return storage;
  } catch {
    return undefined;
  }
}
