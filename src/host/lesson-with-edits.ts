/**
 * The lesson file with the learner's edits written into their cells: what "Download .md" saves.
 * Works on lines, using each cell's fence position from parseLesson, and checks that the file
 * still holds the cell's source there before replacing it. Pure: runs and is tested in Node.
 */
import type { CellBlock } from '../lesson/types.ts';

/** The cell fields this module needs (a CellBlock has them all). */
export type CellPlace = Pick<CellBlock, 'index' | 'line' | 'sourceLine' | 'source'>;

/**
 * Returns `text` with the source of each cell in `sources` (by cell index) replaced.
 * Fences are lengthened when a new source contains a fence of its own, so the file still parses
 * into the same cells.
 */
export function lessonWithEdits(text: string, cells: readonly CellPlace[], sources: ReadonlyMap<number, string>): string {
  const lines = text.split('\n');
  // From the last cell up, so earlier line numbers stay valid while later cells change length.
  const edited = cells.filter((c) => sources.has(c.index)).sort((a, b) => b.line - a.line);
  for (const cell of edited) {
    const replacement = sources.get(cell.index) ?? cell.source;
    const first = cell.sourceLine - 1; // 0-based index of the cell's first source line
    const count = lineCount(cell.source);
    const closing = first + count;
    const found = lines.slice(first, closing).join('\n');
    // marked drops trailing "\r" and a fence's indentation; compare loosely, replace exactly.
    if (normalise(found) !== normalise(cell.source)) {
      throw new Error(`Cell ${cell.index + 1} (line ${cell.line}) no longer matches the lesson file; reload the page`);
    }
    const opening = lines[cell.line - 1];
    const fence = /^(\s*)(`{3,}|~{3,})/.exec(opening);
    const closingFence = /^(\s*)(`{3,}|~{3,})\s*$/.exec(lines[closing] ?? '');
    const newLines = replacement === '' ? [] : replacement.split('\n');
    if (fence && closingFence) {
      const [, indent, marker] = fence;
      const needed = longestFenceRun(newLines, marker[0]) + 1;
      if (needed > marker.length) {
        const longer = marker[0].repeat(needed);
        lines[cell.line - 1] = indent + longer + opening.slice(indent.length + marker.length);
        lines[closing] = closingFence[1] + longer;
      }
    }
    lines.splice(first, count, ...newLines);
  }
  return lines.join('\n');
}

function lineCount(source: string): number {
  return source === '' ? 0 : source.split('\n').length;
}

function normalise(text: string): string {
  return text.split('\n').map((line) => line.replace(/\r$/, '').trim()).join('\n');
}

/** Length of the longest run of `char` that starts a line (a would-be fence). */
function longestFenceRun(lines: readonly string[], char: string): number {
  let longest = 0;
  for (const line of lines) {
    const match = new RegExp(`^\\s*(\\${char}{3,})`).exec(line);
    if (match) longest = Math.max(longest, match[1].length);
  }
  return longest;
}
