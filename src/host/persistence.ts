/**
 * A learner's edits to a lesson's cells, kept in localStorage per lesson and cell, by the cell's id
 * (parseLesson's: `id=name`, else `cell-N`).
 *
 * Each stored edit remembers the lesson's own source of the cell at the time of the edit (its
 * `base`). When the lesson file changes later, `reconcile` compares that base with the lesson's
 * current cells, so an edit is never applied to a different cell and never dropped silently:
 * it is either applied, reported as a conflict (the learner keeps theirs or takes the new one),
 * or reported as an orphan (its cell no longer exists).
 *
 * Pure logic over a minimal Storage interface: runs and is tested in Node.
 */

/** The part of the Web Storage API this module uses (localStorage, or a fake in tests). */
export type EditStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** One edited cell, as stored. */
export interface StoredEdit {
  /** The lesson's own source of the cell when the learner edited it. */
  base: string;
  /** The learner's source. */
  source: string;
  /** When the edit was saved (ms since the epoch), to show the learner. */
  savedAt: number;
}

/**
 * All edits of one lesson, keyed by the cell's id. Orphans (edits of cells the lesson no longer
 * has) are kept under "orphan:N" keys (no cell id has a colon) until the learner discards them.
 * Edits saved before ids keyed them are keyed by the cell's index ("3"); reconcile
 * moves them to their cells' ids, so no edit of an older Lectern is lost.
 */
export type LessonEdits = Record<string, StoredEdit>;

/** A cell of the lesson as persistence sees it: its id and the lesson's source of it. */
export interface CellSource {
  id: string;
  source: string;
}

/** What the page should do with one cell of the current lesson. */
export type CellState =
  | { kind: 'pristine' }
  | { kind: 'edited'; edit: StoredEdit }
  /** The lesson's source of an edited cell changed since the edit: the learner must choose. */
  | { kind: 'conflict'; edit: StoredEdit; lessonSource: string };

export interface Reconciled {
  /** One state per current cell, in the order of the cells given. */
  cells: CellState[];
  /** Edits whose cell no longer exists in the lesson: shown to the learner, never dropped silently. */
  orphans: StoredEdit[];
  /** The edits keyed by the ids of the cells they now belong to (cells may have moved): save this back. */
  edits: LessonEdits;
}

const KEY_PREFIX = 'lectern:edits:';
/**
 * The record's version stays 1 (src/storage reads version 1 records, and an older Lectern shows
 * keys it does not know as orphans, so it loses nothing): cells were keyed by index ("3", orphans
 * "orphan-N") and are now keyed by id (orphans "orphan:N"). A key of digits only is an index.
 */
const FORMAT_VERSION = 1;
const ORPHAN_PREFIX = 'orphan:';

export function storageKey(lessonId: string): string {
  return KEY_PREFIX + lessonId;
}

/** Reads a lesson's edits; a missing, corrupt or foreign entry reads as no edits (and is reported). */
export function loadEdits(storage: EditStorage, lessonId: string): LessonEdits {
  const raw = storage.getItem(storageKey(lessonId));
  if (raw === null) return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    if (!isRecord(parsed) || parsed.version !== FORMAT_VERSION || !isRecord(parsed.cells)) return {};
    const edits: LessonEdits = {};
    for (const [key, value] of Object.entries(parsed.cells)) {
      if (!isStoredEdit(value)) continue;
      // Orphans saved by index ("orphan-N") read as orphans; index keys stay as they are for reconcile.
      edits[/^orphan-\d+$/.test(key) ? `${ORPHAN_PREFIX}${key.slice('orphan-'.length)}` : key] = value;
    }
    return edits;
  } catch {
    console.warn(`lectern: ignoring unreadable saved edits for lesson "${lessonId}"`);
    return {};
  }
}

export function saveEdits(storage: EditStorage, lessonId: string, edits: LessonEdits): void {
  if (Object.keys(edits).length === 0) {
    storage.removeItem(storageKey(lessonId));
    return;
  }
  storage.setItem(storageKey(lessonId), JSON.stringify({ version: FORMAT_VERSION, cells: edits }));
}

/**
 * Matches stored edits to the lesson's current cells.
 *
 * Rules, in order, for an edit stored under a cell's id (or, saved by an older Lectern, the cell's index,
 * which stands for the id of the cell now at that index):
 * 1. that cell still has the edit's base source: the edit applies there;
 * 2. exactly one other cell without an edit of its own has the base source (cells were inserted,
 *    removed or renamed): the edit moves there;
 * 3. that cell exists (and has no edit yet): the lesson changed that cell: a conflict there;
 * 4. otherwise the edit is an orphan (as are edits stored under orphan keys).
 * An edit whose source equals the cell's current lesson source is no edit any more and is dropped.
 */
export function reconcile(lessonCells: readonly CellSource[], stored: LessonEdits): Reconciled {
  const indexOf = new Map(lessonCells.map((cell, i) => [cell.id, i]));
  const cells: CellState[] = lessonCells.map(() => ({ kind: 'pristine' }));
  const claimed = new Map<number, StoredEdit>();
  const pending: [number | undefined, StoredEdit][] = [];
  const orphans: StoredEdit[] = [];
  for (const [key, edit] of Object.entries(stored)) {
    if (isOrphanKey(key)) {
      orphans.push(edit);
      continue;
    }
    const index = isIndexKey(key) ? (Number(key) < lessonCells.length ? Number(key) : undefined) : indexOf.get(key);
    if (index !== undefined && lessonCells[index]!.source === edit.base && !claimed.has(index)) claimed.set(index, edit);
    else pending.push([index, edit]);
  }
  const conflicts: [number | undefined, StoredEdit][] = [];
  for (const [index, edit] of pending) {
    const moved = uniqueUnclaimedMatch(lessonCells, claimed, edit.base);
    if (moved !== undefined) claimed.set(moved, edit);
    else conflicts.push([index, edit]);
  }
  for (const [index, edit] of conflicts) {
    if (index !== undefined && !claimed.has(index)) {
      claimed.set(index, edit);
      cells[index] = { kind: 'conflict', edit, lessonSource: lessonCells[index]!.source };
    } else {
      orphans.push(edit);
    }
  }
  const edits: LessonEdits = {};
  for (const [index, edit] of claimed) {
    if (edit.source === lessonCells[index]!.source) {
      cells[index] = { kind: 'pristine' };
      continue;
    }
    edits[lessonCells[index]!.id] = edit;
    if (cells[index]!.kind !== 'conflict') cells[index] = { kind: 'edited', edit };
  }
  return { cells, orphans, edits };
}

function uniqueUnclaimedMatch(
  lessonCells: readonly CellSource[],
  claimed: ReadonlyMap<number, StoredEdit>,
  base: string,
): number | undefined {
  let found: number | undefined;
  for (let i = 0; i < lessonCells.length; i++) {
    if (lessonCells[i]!.source !== base || claimed.has(i)) continue;
    if (found !== undefined) return undefined; // ambiguous: do not guess
    found = i;
  }
  return found;
}

/** Records the learner's source for a cell; an edit back to the lesson's source removes the edit. */
export function recordEdit(
  edits: LessonEdits,
  cellId: string,
  lessonSource: string,
  source: string,
  now: number = Date.now(),
): LessonEdits {
  const next = { ...edits };
  if (source === lessonSource) delete next[cellId];
  else next[cellId] = { base: lessonSource, source, savedAt: now };
  return next;
}

/** "Keep mine": the learner's source stays, now based on the lesson's new source of the cell. */
export function keepMine(edits: LessonEdits, cellId: string, lessonSource: string): LessonEdits {
  const edit = edits[cellId];
  if (!edit) throw new Error(`keepMine: cell "${cellId}" has no saved edit`);
  return { ...edits, [cellId]: { ...edit, base: lessonSource } };
}

/** "Take new" or "Reset cell": forgets the learner's edit of one cell. */
export function forgetEdit(edits: LessonEdits, cellId: string): LessonEdits {
  const next = { ...edits };
  delete next[cellId];
  return next;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStoredEdit(value: unknown): value is StoredEdit {
  return (
    isRecord(value) &&
    typeof value.base === 'string' &&
    typeof value.source === 'string' &&
    typeof value.savedAt === 'number'
  );
}

/** The edits to store: the cells' edits plus the orphans the learner has not discarded yet. */
export function withOrphans(edits: LessonEdits, orphans: readonly StoredEdit[]): LessonEdits {
  const all: LessonEdits = { ...edits };
  orphans.forEach((edit, i) => (all[`${ORPHAN_PREFIX}${i}`] = edit));
  return all;
}

/**
 * Applies `change` to the edits as stored now and stores the result. Every change goes through
 * here, so two tabs of one lesson do not overwrite each other's edits of other cells.
 */
export function updateEdits(storage: EditStorage, lessonId: string, change: (stored: LessonEdits) => LessonEdits): LessonEdits {
  const next = change(loadEdits(storage, lessonId));
  saveEdits(storage, lessonId, next);
  return next;
}

/** True for keys that hold an orphan rather than a cell's edit. */
export function isOrphanKey(key: string): boolean {
  return key.startsWith(ORPHAN_PREFIX);
}

/** True for a key saved by index (no cell id starts with a digit). */
function isIndexKey(key: string): boolean {
  return /^\d+$/.test(key);
}

/** The edits without their orphans (the learner discarded them). */
export function dropOrphans(edits: LessonEdits): LessonEdits {
  return Object.fromEntries(Object.entries(edits).filter(([key]) => !isOrphanKey(key)));
}
