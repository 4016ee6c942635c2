/**
 * A lesson's saved edits as the cell host uses them: reconciled once with the lesson's cells when
 * created (edits follow moved cells, changed cells become conflicts, removed ones orphans), then
 * changed one cell at a time, each change applied to what is stored now (another tab of the lesson
 * may have saved since). Storage that refuses to write (full, disabled) is reported, never thrown:
 * the edits keep running, and the page tells the learner they will not last.
 *
 * Pure logic over the EditStorage interface (persistence.ts): runs and is tested in Node.
 */
import {
  dropOrphans,
  forgetEdit,
  keepMine,
  loadEdits,
  reconcile,
  recordEdit,
  updateEdits,
  withOrphans,
  type CellSource,
  type CellState,
  type EditStorage,
  type LessonEdits,
  type StoredEdit,
} from './persistence.ts';

export interface CellEditsArgs {
  /** Where edits live (localStorage in the page). */
  storage: EditStorage;
  /** Key of the lesson's edits. */
  lessonId: string;
  /** The lesson's cells, by id, with the lesson's sources. */
  cells: readonly CellSource[];
  /** Told after every write: null when it worked, else the storage's error. Default: nothing. */
  onProblem?: (error: unknown | null) => void;
}

export interface CellEdits {
  /** What to show for a cell when the lesson opens: the lesson's code, the learner's, or a conflict. */
  initial(cellId: string): CellState;
  /** Edits of cells the lesson no longer has, until discarded. */
  orphans(): readonly StoredEdit[];
  /** Saves the learner's source of a cell (the lesson's own source removes the edit). */
  record(cell: CellSource, source: string): void;
  /** "Keep mine" after a conflict: the edit stays, based on the lesson's new source. */
  keep(cell: CellSource): void;
  /** "Take new" or "Reset cell". */
  forget(cell: CellSource): void;
  /** Discards the orphans. */
  dropOrphans(): void;
  /** "Reset lesson": forgets every edit, orphans included. */
  clear(): void;
}

export function createCellEdits({ storage, lessonId, cells, onProblem = () => {} }: CellEditsArgs): CellEdits {
  return cellEditsOver(cells, loadEdits(storage, lessonId), (change) => {
    try {
      updateEdits(storage, lessonId, change);
      onProblem(null);
    } catch (error) {
      onProblem(error);
    }
  });
}

/**
 * CellEdits over any store: `stored` is what it holds when the lesson opens, `update` applies one
 * change to what it holds then (localStorage here, the IndexedDB edit store in src/ui).
 */
export function cellEditsOver(
  cells: readonly CellSource[],
  stored: LessonEdits,
  update: (change: (stored: LessonEdits) => LessonEdits) => void,
): CellEdits {
  const reconciled = reconcile(cells, stored);
  const initial = new Map(cells.map((cell, i) => [cell.id, reconciled.cells[i]!]));
  let orphans: readonly StoredEdit[] = reconciled.orphans;
  // Store the edits as reconciled: some moved to other cells' ids, keys saved by index became ids.
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
