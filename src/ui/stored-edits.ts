/**
 * The cell host's CellEdits over a lesson's handle in the edit store (src/storage: IndexedDB, where
 * a cell's localStorage.clear() does not reach, with two-tab safety). Reconciled with the lesson's
 * cells once, like createCellEdits (src/host/cell-edits.ts), then every change goes through the
 * handle, which writes in order and keeps any edit of another tab it would replace unseen.
 * A write that fails is reported, never thrown: the edits keep running.
 * Pure logic over the handle: runs in Node too.
 */
import type { CellEdits } from '../host/cell-edits.ts';
import {
  dropOrphans,
  forgetEdit,
  keepMine,
  reconcile,
  recordEdit,
  withOrphans,
  type CellSource,
  type LessonEdits,
  type StoredEdit,
} from '../host/persistence.ts';
import type { LessonEditsHandle } from '../storage/edit-store.ts';

export interface StoredCellEditsArgs {
  handle: LessonEditsHandle;
  cells: readonly CellSource[];
  /** Told after every write: null when it worked, else the store's error. */
  onProblem?: (error: unknown | null) => void;
}

export function createStoredCellEdits({ handle, cells, onProblem = () => {} }: StoredCellEditsArgs): CellEdits {
  const reconciled = reconcile(cells, handle.cells());
  const initial = new Map(cells.map((cell, i) => [cell.id, reconciled.cells[i]!]));
  let orphans: readonly StoredEdit[] = reconciled.orphans;
  const update = (change: (stored: LessonEdits) => LessonEdits): void => {
    handle.update(change).then(() => onProblem(null), onProblem);
  };
  // Stored as reconciled (edits that moved to other cells' ids, old index keys become ids).
  update(() => withOrphans(reconciled.edits, reconciled.orphans));
  return {
    initial: (cellId) => initial.get(cellId) ?? { kind: 'pristine' },
    orphans: () => orphans,
    record: (cell, source) => update((stored) => recordEdit(stored, cell.id, cell.source, source)),
    keep: (cell) => update((stored) => (stored[cell.id] ? keepMine(stored, cell.id, cell.source) : stored)),
    forget: (cell) => update((stored) => forgetEdit(stored, cell.id)),
    dropOrphans: () => {
      orphans = [];
      update(dropOrphans);
    },
    clear: () => {
      orphans = [];
      update(() => ({}));
    },
  };
}
