/**
 * What goes wrong at a cell, as a {@link CellError}: errors the Observable
 * runtime raises (undefined names, failed inputs, circular definitions) and
 * thrown values get a kind, a readable message and, when known, a line.
 */
import { RuntimeError } from '@observablehq/runtime';
import { LoopBudgetError } from '../cells/loop-guard.ts';
import type { CompiledCell } from '../cells/types.ts';
import { CellError } from './errors.ts';
import { throwLine } from './evaluate.ts';

/** Names declared by more than one cell, with the ids of those cells. */
export function findDuplicates(cells: Iterable<CompiledCell>): Map<string, string[]> {
  const owners = new Map<string, string[]>();
  for (const cell of cells) for (const name of cell.declarations) owners.set(name, [...(owners.get(name) ?? []), cell.id]);
  return new Map([...owners].filter(([, ids]) => ids.length > 1));
}

/**
 * Framework's rule: cells declaring the same name still run, and a cell reading
 * that name fails, naming the cells that declare it.
 */
function duplicateMessage(name: string, cells: readonly CompiledCell[]): string {
  const owners = findDuplicates(cells).get(name) ?? [];
  const where = owners.length ? ` (declared by ${owners.slice(0, -1).join(', ')} and ${owners[owners.length - 1]})` : '';
  return `"${name}" is defined more than once${where}: rename all but one so this cell knows which to read`;
}

/** Classifies what a cell's run rejected with; `cells` are all cells, to name a cycle. */
export function toCellError(cell: CompiledCell, error: unknown, cells: readonly CompiledCell[]): CellError {
  if (error instanceof CellError) return error;
  if (error instanceof RuntimeError) {
    const input = error.input;
    if (input === undefined && error.message === 'circular definition') {
      return new CellError(circularMessage(cell, cells), { cellId: cell.id, kind: 'circular', name: 'RuntimeError', cause: error });
    }
    if (input !== undefined && error.message === `${input} is defined more than once`) {
      return new CellError(duplicateMessage(input, cells), { cellId: cell.id, kind: 'duplicate', name: 'RuntimeError', cause: error });
    }
    if (input !== undefined && error.message === `${input} is not defined`) {
      return new CellError(`"${input}" is not defined: no cell declares it and it is not in the library`, { cellId: cell.id, kind: 'undefined', name: 'RuntimeError', cause: error });
    }
    if (input !== undefined) {
      const message = error.message.startsWith(`${input} `) ? error.message : `input "${input}" failed: ${error.message}`;
      return new CellError(message, { cellId: cell.id, kind: 'input', name: 'RuntimeError', cause: error });
    }
  }
  if (error instanceof LoopBudgetError) {
    return new CellError(error.message, { cellId: cell.id, kind: 'loop', name: error.name, cause: error, line: throwLine(error, cell.id) });
  }
  if (error instanceof Error) {
    return new CellError(error.message, { cellId: cell.id, kind: 'runtime', name: error.name, cause: error, line: throwLine(error, cell.id) });
  }
  return new CellError(`threw ${String(error)}`, { cellId: cell.id, kind: 'runtime', cause: error });
}

/** "Circular definition: p reads q → p, ...": the names leading from the failing cell back to it. */
function circularMessage(cell: CompiledCell, cells: readonly CompiledCell[]): string {
  const owner = new Map<string, CompiledCell>();
  for (const c of cells) for (const name of c.declarations) owner.set(name, c);
  const path: string[] = [];
  const seen = new Set<string>();
  const visit = (current: CompiledCell): boolean => {
    if (seen.has(current.id)) return false;
    seen.add(current.id);
    for (const name of current.references) {
      const next = owner.get(name);
      if (!next) continue;
      path.push(name);
      if (next.id === cell.id || visit(next)) return true;
      path.pop();
    }
    return false;
  };
  if (!visit(cell)) return 'Circular definition: this cell depends on itself through other cells';
  return `Circular definition: ${cell.id} reads ${path.join(' → ')}, which depends on this cell again`;
}
