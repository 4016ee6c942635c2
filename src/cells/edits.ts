/** Position-based text edits, applied in one left-to-right pass. */

export interface TextEdit {
  /** 0-based offsets; `start === end` inserts. */
  start: number;
  end: number;
  text: string;
}

/**
 * Applies non-overlapping edits. At the same offset, edits apply in the order
 * given, and insertions go before a replacement starting there.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const ordered = edits
    .map((edit, order) => ({ edit, order }))
    .sort((a, b) => a.edit.start - b.edit.start || isReplacement(a.edit) - isReplacement(b.edit) || a.order - b.order)
    .map(({ edit }) => edit);
  let out = '';
  let cursor = 0;
  for (const edit of ordered) {
    if (edit.start < cursor) throw new Error(`overlapping edits at offset ${edit.start}`);
    out += text.slice(cursor, edit.start) + edit.text;
    cursor = edit.end;
  }
  return out + text.slice(cursor);
}

function isReplacement(edit: TextEdit): number {
  return edit.end > edit.start ? 1 : 0;
}
