/** Fixture pairs for lesson parsing: test/input/*.md → test/output/*.json (blocks with HTML, sections, inline expressions, cells' and inline expressions' analysis). */
import { describe, it } from 'vitest';
import { compileCell } from '../../src/cells/compile.ts';
import { parseLesson } from '../../src/lesson/parse.ts';
import { expectFixture, fixtureInputs, readInput } from '../fixture-pairs.ts';

describe('lesson fixtures', () => {
  for (const name of fixtureInputs('.md')) {
    it(name, () => {
      const lesson = parseLesson(readInput(name), { path: `notebooks/${name}` });
      const analysis = lesson.cells.map((cell) => {
        const { declarations, references, expression, imports, views, error } = compileCell(cell);
        return { id: cell.id, declarations, references, expression, imports, views, error };
      });
      const inlineAnalysis = lesson.inlines.map((inline) => {
        const { references, expression, error } = compileCell({ id: inline.id, source: inline.source, inline: true });
        return { id: inline.id, references, expression, error };
      });
      // `cells` repeats the cell blocks: keep only the analysis next to them.
      const { cells: _cells, ...rest } = lesson;
      expectFixture(name, { ...rest, analysis, inlineAnalysis });
    });
  }
});
