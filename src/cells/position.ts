/**
 * Maps positions in type-erased JavaScript back to the cell's TypeScript source.
 * Sucrase keeps every line but deletes type annotations, so on one line the
 * erased text is (almost always) a subsequence of the source text.
 */
import type { SourcePosition } from './types.ts';

/**
 * Maps a 1-based position in `erased` to the matching position in `source`.
 * `firstLineShift` corrects line 1 when the erased code was parenthesized.
 */
export function mapErasedPosition(source: string, erased: string, at: SourcePosition): SourcePosition {
  if (source === erased) return at;
  const sourceLine = source.split('\n')[at.line - 1];
  const erasedLine = erased.split('\n')[at.line - 1];
  if (sourceLine === undefined || erasedLine === undefined) return at;
  return { line: at.line, column: alignColumn(sourceLine, erasedLine, at.column - 1) + 1 };
}

/** Greedy subsequence walk: each erased character is found at or after the previous match. */
function alignColumn(sourceLine: string, erasedLine: string, erasedColumn: number): number {
  let s = 0;
  for (let e = 0; e < erasedColumn && e < erasedLine.length; e++) {
    const found = sourceLine.indexOf(erasedLine[e], s);
    if (found < 0) return Math.min(erasedColumn, sourceLine.length);
    s = found + 1;
  }
  // Skip what sucrase deleted (types) before the target character.
  if (erasedColumn < erasedLine.length) {
    const found = sourceLine.indexOf(erasedLine[erasedColumn], s);
    if (found >= 0) return found;
  }
  return Math.min(s + Math.max(0, erasedColumn - erasedLine.length), sourceLine.length);
}

/** 1-based line and column of a 0-based offset. */
export function positionAt(text: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
