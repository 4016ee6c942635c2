/**
 * Observable Framework's cell fixtures (its test/input/*.js), each written anew as a section of
 * test/input/framework/cells.md: the analysis of every case is compared with
 * test/output/framework/cells.json (a fixture pair; UPDATE_FIXTURES=1 rewrites it). Each expected
 * value is Framework's documented result: what a cell declares and reads, whether it displays its
 * value, whether it awaits, what it imports, and whether (and where) it is rejected.
 */
import { describe, expect, it } from 'vitest';
import { compileCell } from '../../src/cells/compile.ts';
import { parseLesson } from '../../src/lesson/parse.ts';
import { expectFixture, readInput } from '../fixture-pairs.ts';

const INPUT = 'framework/cells.md';

describe("Framework's cell fixtures", () => {
  const lesson = parseLesson(readInput(INPUT));

  it('has one section of one js cell per Framework fixture', () => {
    expect(lesson.sections).toHaveLength(75);
    for (const section of lesson.sections) {
      const cells = lesson.blocks.slice(section.start, section.end).filter((b) => b.type === 'cell');
      expect(cells, section.title).toHaveLength(1);
    }
  });

  it('analyses each case as Framework documents', () => {
    const cases: Record<string, unknown> = {};
    for (const section of lesson.sections) {
      const cell = lesson.cells.find((c) => lesson.blocks.indexOf(c) > section.start && lesson.blocks.indexOf(c) < section.end)!;
      const { declarations, references, expression, async, imports, error } = compileCell({ id: section.title, lang: 'js', source: cell.source });
      cases[section.title] = error
        ? { error: `${error.message} (${error.line}:${error.column})` }
        : { declarations, references, expression, async, imports: imports.map((i) => `${i.method} ${i.specifier}`) };
    }
    expectFixture(INPUT, cases);
  });
});
