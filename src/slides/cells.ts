/**
 * Live cells in a Marp deck: `ts`/`js` fences, as in lessons, are lifted out of the deck's Markdown before
 * Marp sees it and replaced by a `<lectern-cell data-cell="N">` placeholder, the one element
 * Lectern adds to Marp's HTML allowlist. The page later mounts each cell, on the lessons' reactive
 * runtime, into its placeholder.
 *
 * Pure string work: runs in Node and in the browser.
 */
import { parseFenceInfo } from '../lesson/cell-info.ts';
import type { CellOptions } from '../lesson/types.ts';
import type { CellLanguage } from '../cells/types.ts';

/** One live cell found in a deck. */
export interface DeckCell {
  /** Position among the deck's cells, 0-based: the placeholder's `data-cell`. */
  index: number;
  /** `id=` option, else "cell-N" (N 1-based), as in lessons. */
  id: string;
  lang: CellLanguage;
  /** The cell's source, without the fences. */
  source: string;
  /** `echo` (show the source) and `hidden` (run, show nothing), as in lessons. */
  options: CellOptions;
  /** 1-based line of the opening fence in the deck file, for error messages. */
  line: number;
  /** Problems with the fence's options (unknown words), reported at the cell. */
  problems: string[];
}

export interface LiftedCells {
  /** The deck's Markdown with every live cell replaced by its placeholder. */
  markdown: string;
  cells: DeckCell[];
}

/** The custom element that stands for a live cell in rendered slides. */
export const CELL_TAG = 'lectern-cell';

const OPENING_FENCE = /^( {0,3})(`{3,}|~{3,})\s*([^`]*)$/;

export function placeholder(index: number): string {
  // Open and close tags on their own lines make markdown-it keep it an HTML block (no <p> around).
  return `<${CELL_TAG} data-cell="${index}">\n</${CELL_TAG}>`;
}

/**
 * Replaces every live-cell fence of `markdown` by a placeholder. A fence that is never closed
 * runs to the end of the file, as in CommonMark. Fences nested in longer fences are left alone.
 */
export function liftCells(markdown: string): LiftedCells {
  const lines = markdown.split('\n');
  const out: string[] = [];
  const cells: DeckCell[] = [];
  let i = 0;
  while (i < lines.length) {
    const open = OPENING_FENCE.exec(lines[i]!);
    if (!open) {
      out.push(lines[i]!);
      i += 1;
      continue;
    }
    const fence = open[2]!;
    const info = open[3] ?? '';
    const end = findClosingFence(lines, i + 1, fence);
    // The lessons' own rule: `ts`/`js` fences are live (`ts static` is not), options after.
    const fenceInfo = parseFenceInfo(info);
    if (fenceInfo.live) {
      const index = cells.length;
      const source = lines.slice(i + 1, end).join('\n');
      const id = fenceInfo.id ?? `cell-${index + 1}`;
      cells.push({ index, id, lang: fenceInfo.lang, source, options: fenceInfo.options, line: i + 1, problems: fenceInfo.problems });
      out.push('', placeholder(index), '');
    } else {
      out.push(...lines.slice(i, Math.min(end + 1, lines.length)));
    }
    i = end + 1;
  }
  return { markdown: out.join('\n'), cells };
}

function findClosingFence(lines: string[], from: number, fence: string): number {
  const char = fence[0]!;
  const closing = new RegExp(`^ {0,3}\\${char}{${fence.length},}\\s*$`);
  for (let j = from; j < lines.length; j += 1) {
    if (closing.test(lines[j]!)) return j;
  }
  return lines.length;
}
