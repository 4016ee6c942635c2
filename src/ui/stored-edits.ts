/**
 * The cell host's CellEdits over a lesson's handle in the edit store (src/storage: IndexedDB, where
 * a cell's localStorage.clear() does not reach, with two-tab safety). Reconciled with the lesson's
 * cells once, like createCellEdits (src/host/cell-edits.ts), then every change goes through the
 * handle, which writes in order and keeps any edit of another tab it would replace unseen.
 * A write that fails is reported, never thrown: the edits keep running.
 * Pure logic over the handle: runs in Node too.
 */
import { cellEditsOver, type CellEdits } from '../host/cell-edits.ts';
import type { CellSource } from '../host/persistence.ts';
import type { LessonEditsHandle } from '../storage/edit-store.ts';

export interface StoredCellEditsArgs {
  handle: LessonEditsHandle;
  cells: readonly CellSource[];
  /** Told after every write: null when it worked, else the store's error. */
  onProblem?: (error: unknown | null) => void;
}

export function createStoredCellEdits({ handle, cells, onProblem = () => {} }: StoredCellEditsArgs): CellEdits {
  return cellEditsOver(cells, handle.cells(), (change) => {
    handle.update(change).then(() => onProblem(null), onProblem);
  });
}
