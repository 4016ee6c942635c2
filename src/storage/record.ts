/**
 * What is stored for one lesson: the learner's edits of its cells (persistence.ts's rules decide
 * which cell an edit belongs to) and the versions displaced by another tab. A write never drops a
 * stored edit that the writing tab has not seen: `applyChange` moves it to `displaced`, where the
 * learner picks it or discards it. Pure: runs and is tested in Node.
 */
import type { LessonEdits, StoredEdit } from '../host/persistence.ts';

export type { LessonEdits, StoredEdit };

/** A stored edit that a tab replaced without having seen it (two tabs edited one cell at once). */
export interface DisplacedEdit {
  /** The key of its cell in `cells` (the cell's index, or an orphan key). */
  key: string;
  edit: StoredEdit;
  /** When it was displaced (ms since the epoch). */
  at: number;
}

export interface LessonRecord {
  cells: LessonEdits;
  displaced: DisplacedEdit[];
}

export const EMPTY_RECORD: LessonRecord = Object.freeze({ cells: {}, displaced: [] }) as LessonRecord;

/** The record format, as IndexedDB and localStorage hold it (version 1 is the original localStorage format). */
export const RECORD_VERSION = 1;

export function isEmptyRecord(record: LessonRecord): boolean {
  return Object.keys(record.cells).length === 0 && record.displaced.length === 0;
}

/** What is written: JSON-safe, readable by earlier Lecterns (which ignore `displaced`). */
export function serializeRecord(record: LessonRecord): { version: number; cells: LessonEdits; displaced?: DisplacedEdit[] } {
  return { version: RECORD_VERSION, cells: record.cells, ...(record.displaced.length > 0 ? { displaced: record.displaced } : {}) };
}

/**
 * Reads a stored record (an object, or its JSON text); entries that do not have the expected
 * shape are left out, and something that is no record at all reads as undefined.
 */
export function readRecord(value: unknown): LessonRecord | undefined {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  if (!isObject(parsed) || parsed.version !== RECORD_VERSION || !isObject(parsed.cells)) return undefined;
  const cells: LessonEdits = {};
  for (const [key, edit] of Object.entries(parsed.cells)) if (isStoredEdit(edit)) cells[key] = edit;
  const displaced = Array.isArray(parsed.displaced)
    ? parsed.displaced.filter((d): d is DisplacedEdit => isObject(d) && typeof d.key === 'string' && typeof d.at === 'number' && isStoredEdit(d.edit))
    : [];
  return { cells, displaced };
}

/**
 * The record after `change`, applied to the cells as stored now (`stored`), by a tab that last saw
 * `seen`. A stored edit the change replaces or removes, which differs from what the tab saw (another
 * tab saved it meanwhile), is kept in `displaced` instead of lost.
 */
export function applyChange(
  stored: LessonRecord,
  seen: LessonEdits,
  change: (cells: LessonEdits) => LessonEdits,
  now: number = Date.now(),
): LessonRecord {
  const cells = change(stored.cells);
  const displaced = [...stored.displaced];
  for (const [key, edit] of Object.entries(stored.cells)) {
    const replaced = cells[key]?.source !== edit.source;
    const unseen = seen[key]?.source !== edit.source;
    const kept = displaced.some((d) => d.key === key && d.edit.source === edit.source);
    if (replaced && unseen && !kept) displaced.push({ key, edit, at: now });
  }
  return { cells, displaced };
}

/**
 * Joins a record found in two places (IndexedDB and a legacy localStorage copy): `extra`'s edits
 * fill cells `main` has none for; where both have a different edit, main's stays and extra's is
 * displaced, so nothing is dropped.
 */
export function mergeRecords(main: LessonRecord, extra: LessonRecord, now: number = Date.now()): LessonRecord {
  const cells = { ...main.cells };
  const displaced = [...main.displaced];
  for (const [key, edit] of Object.entries(extra.cells)) {
    const mine = cells[key];
    if (!mine) cells[key] = edit;
    else if (mine.source !== edit.source && !displaced.some((d) => d.key === key && d.edit.source === edit.source)) {
      displaced.push({ key, edit, at: now });
    }
  }
  for (const d of extra.displaced) {
    if (!displaced.some((m) => m.key === d.key && m.edit.source === d.edit.source)) displaced.push(d);
  }
  return { cells, displaced };
}

/** The keys whose edit differs between two states of a lesson's cells. */
export function changedKeys(before: LessonEdits, after: LessonEdits): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((key) => before[key]?.source !== after[key]?.source || before[key]?.base !== after[key]?.base);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStoredEdit(value: unknown): value is StoredEdit {
  return isObject(value) && typeof value.base === 'string' && typeof value.source === 'string' && typeof value.savedAt === 'number';
}
