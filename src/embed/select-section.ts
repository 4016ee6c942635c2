/**
 * Which blocks of a lesson an embed shows (all of them, or one `##` section), and which cells must
 * run for them: the shown cells and, transitively, the cells declaring what they read. Cells that
 * nothing shown depends on stay undefined, so embedding a prose-only section of a training lesson
 * trains nothing. No DOM.
 */
import { compileCell } from '../cells/compile.ts';
import type { CellBlock, InlineExpression, Lesson, LessonBlock } from '../lesson/types.ts';
import { compileInline } from '../runtime/inline.ts';

export function sectionBlocks(lesson: Lesson, section: string | null): LessonBlock[] {
  if (!section) return lesson.blocks;
  const found = lesson.sections.find((s) => s.slug === section);
  if (!found) {
    const known = lesson.sections.map((s) => s.slug).join(', ') || 'none';
    throw new Error(`The lesson "${lesson.frontMatter.title}" has no section "${section}" (sections: ${known})`);
  }
  return lesson.blocks.slice(found.start, found.end);
}

/** The inline expressions (`${...}`) in `blocks`, which the embed shows with them. */
export function inlinesIn(lesson: Lesson, blocks: readonly LessonBlock[]): InlineExpression[] {
  return lesson.inlines.filter((inline) => blocks.includes(lesson.blocks[inline.block]!));
}

/** The cells of `lesson` that `shown` (and the inline expressions shown) need, in lesson order, `shown` included. */
export function cellsNeeded(lesson: Lesson, shown: CellBlock[], inlines: readonly InlineExpression[] = []): CellBlock[] {
  const compiled = new Map(lesson.cells.map((cell) => [cell.id, compileCell({ id: cell.id, lang: cell.lang, source: cell.source })]));
  const declaredBy = new Map<string, CellBlock>();
  for (const cell of lesson.cells) for (const name of compiled.get(cell.id)?.declarations ?? []) declaredBy.set(name, cell);
  const needed = new Set<CellBlock>();
  const visit = (cell: CellBlock) => {
    if (needed.has(cell)) return;
    needed.add(cell);
    for (const name of compiled.get(cell.id)?.references ?? []) {
      const owner = declaredBy.get(name);
      if (owner) visit(owner);
    }
  };
  shown.forEach(visit);
  for (const inline of inlines) {
    for (const name of compileInline(inline).references) {
      const owner = declaredBy.get(name);
      if (owner) visit(owner);
    }
  }
  return lesson.cells.filter((cell) => needed.has(cell));
}
