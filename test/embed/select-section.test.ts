import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseLesson } from '../../src/lesson/parse.ts';
import type { CellBlock } from '../../src/lesson/types.ts';
import { cellsNeeded, inlinesIn, sectionBlocks } from '../../src/embed/select-section.ts';

const fixture = parseLesson(readFileSync(new URL('../fixtures/embed/two-sections.md', import.meta.url), 'utf8'));
const lesson8 = parseLesson(readFileSync(new URL('../../notebooks/08-fine-tuning.md', import.meta.url), 'utf8'));
const cellsOf = (blocks: ReturnType<typeof sectionBlocks>) => blocks.filter((b): b is CellBlock => b.type === 'cell');

describe('sectionBlocks', () => {
  it('gives one section from its heading to the next ## heading', () => {
    const blocks = sectionBlocks(fixture, 'result');
    expect(blocks[0]).toMatchObject({ type: 'heading', text: 'Result' });
    expect(cellsOf(blocks).map((c) => c.source)).toEqual(['const doubled = factor * 2', expect.stringContaining('doubled = ${doubled}')]);
    expect(sectionBlocks(fixture, null)).toBe(fixture.blocks);
  });
  it('names the sections when the one asked for does not exist', () => {
    expect(() => sectionBlocks(fixture, 'nope')).toThrow('The lesson "Embedding fixture" has no section "nope" (sections: setup, result)');
  });
});

describe('cellsNeeded', () => {
  it('adds the cells a section reads from other sections, and nothing else', () => {
    const shown = cellsOf(sectionBlocks(fixture, 'result'));
    expect(cellsNeeded(fixture, shown).map((c) => c.source.split('\n')[0])).toEqual([
      expect.stringContaining('const factor = view('),
      'const doubled = factor * 2',
      expect.stringContaining('document.createElement("output")'),
    ]);
    expect(cellsNeeded(fixture, cellsOf(sectionBlocks(fixture, 'setup')))).toHaveLength(1);
  });

  it('adds the cells that the inline expressions of a prose-only section read', () => {
    const lesson = parseLesson(['# L', '', '## Data', '', '```ts', 'const n = 4', '```', '', '```ts', 'const unused = 1', '```', '', '## Summary', '', 'We kept ${n} images.'].join('\n'));
    const blocks = sectionBlocks(lesson, 'summary');
    const inlines = inlinesIn(lesson, blocks);
    expect(inlines.map((i) => i.source)).toEqual(['n']);
    expect(inlinesIn(lesson, sectionBlocks(lesson, 'data'))).toEqual([]);
    expect(cellsNeeded(lesson, [], inlines).map((c) => c.source)).toEqual(['const n = 4']);
  });

  it('runs nothing for a prose-only section of lesson 8, and the training chain for its curves', () => {
    expect(cellsOf(sectionBlocks(lesson8, 'overfitting'))).toEqual([]);
    expect(cellsNeeded(lesson8, [])).toEqual([]);
    const generalize = cellsOf(sectionBlocks(lesson8, 'generalize-our-classifier'));
    const needed = cellsNeeded(lesson8, generalize).map((c) => c.source);
    // Training reads the base, the data and the Trainable layers slider of earlier sections...
    expect(needed.some((s) => s.includes("label: 'Trainable layers'"))).toBe(true);
    expect(needed.some((s) => s.includes('const data ='))).toBe(true);
    // ...but not the summary table, which nothing in that section reads.
    expect(needed.some((s) => s.includes('summaryHtml(frozen)'))).toBe(false);
  });
});
