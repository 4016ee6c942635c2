/**
 * Mounts a deck's live cells into their `<lectern-cell>` placeholders, on the lessons' reactive
 * runtime: the deck's cells form one notebook (a cell may read another slide's cell, a slider on
 * one slide drives a chart on the next). Browser-only.
 */
import type { DeckCell } from './cells.ts';
import { CELL_TAG } from './cells.ts';
import { createCellHost, type CellHost } from '../host/cell-host.ts';
import { keepInputsLabelled } from '../host/label-inputs.ts';

export function mountLiveCells(cells: DeckCell[], root: Element): CellHost {
  const host = createCellHost();
  keepInputsLabelled(root);
  for (const cell of cells) {
    const placeholder = root.querySelector<HTMLElement>(`${CELL_TAG}[data-cell="${cell.index}"]`);
    if (placeholder) host.mount(cell, placeholder);
    else host.define(cell);
  }
  return host;
}
