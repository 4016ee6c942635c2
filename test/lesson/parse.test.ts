import { describe, expect, it } from 'vitest';
import { parseFenceInfo } from '../../src/lesson/cell-info.ts';
import { splitFrontMatter } from '../../src/lesson/front-matter.ts';
import { parseLesson } from '../../src/lesson/parse.ts';
import { createSlugger, slugify } from '../../src/lesson/slug.ts';

describe('splitFrontMatter', () => {
  it('reads scalars: quoted and bare strings, numbers, booleans, null', () => {
    const { values, body, lineOffset } = splitFrontMatter('---\ntitle: "A: b"\nname: plain text\norder: 8\nratio: 2.5e-1\ndraft: true\nslides:\nq: \'it\'\'s\'\n---\nBody\n');
    expect(values).toEqual({ title: 'A: b', name: 'plain text', order: 8, ratio: 0.25, draft: true, slides: null, q: "it's" });
    expect(body).toBe('Body\n');
    expect(lineOffset).toBe(9);
  });

  it('leaves a file without front matter as it is', () => {
    expect(splitFrontMatter('# Title\n---\n')).toMatchObject({ values: {}, body: '# Title\n---\n', lineOffset: 0 });
  });
});

describe('parseFenceInfo', () => {
  it('makes ts and js fences live, with options', () => {
    expect(parseFenceInfo('ts echo id=setup')).toEqual({ live: true, lang: 'ts', options: { echo: true, hidden: false }, id: 'setup', problems: [] });
    expect(parseFenceInfo('js hidden')).toMatchObject({ live: true, lang: 'js', options: { echo: false, hidden: true } });
  });

  it('leaves other languages, and `static` cells, as code', () => {
    expect(parseFenceInfo('python')).toEqual({ live: false, lang: 'python' });
    expect(parseFenceInfo('typescript')).toEqual({ live: false, lang: 'typescript' });
    expect(parseFenceInfo('ts static')).toEqual({ live: false, lang: 'ts' });
    expect(parseFenceInfo('ts run=false')).toEqual({ live: false, lang: 'ts' });
    expect(parseFenceInfo('js echo run=False')).toEqual({ live: false, lang: 'js' });
    expect(parseFenceInfo('')).toEqual({ live: false, lang: '' });
  });

  it("reads Framework's echo=true|false and run=true", () => {
    expect(parseFenceInfo('ts echo=true run=true')).toMatchObject({ live: true, options: { echo: true }, problems: [] });
    expect(parseFenceInfo('js echo=false')).toMatchObject({ live: true, options: { echo: false }, problems: [] });
  });

  it('reads `panel` (a setting of the page\'s control panel), which a hidden cell cannot be', () => {
    expect(parseFenceInfo('ts panel')).toEqual({ live: true, lang: 'ts', options: { echo: false, hidden: false, panel: true }, problems: [] });
    expect(parseFenceInfo('ts panel hidden')).toMatchObject({ problems: ['A cell cannot be both "panel" and "hidden"'] });
    expect(parseFenceInfo('ts panel=yes')).toMatchObject({ problems: [expect.stringContaining('"panel=yes"')] });
  });

  it('reports unknown options', () => {
    expect(parseFenceInfo('ts echoo').live && parseFenceInfo('ts echoo')).toMatchObject({ problems: [expect.stringContaining('"echoo"')] });
  });
});

describe('slugs', () => {
  it('lowercases, drops punctuation and joins words with hyphens', () => {
    expect(slugify('Under- and Overfitting!')).toBe('under-and-overfitting');
    expect(slugify('Café au lait')).toBe('cafe-au-lait');
    expect(slugify('???')).toBe('section');
  });

  it('makes repeated headings unique', () => {
    const slug = createSlugger();
    expect([slug('Data'), slug('Data'), slug('Data')]).toEqual(['data', 'data-1', 'data-2']);
  });
});

describe('parseLesson', () => {
  const text = ['---', 'title: T', 'order: 2', '---', '', '# T', '', 'Intro.', '', '```ts', 'const a = 1', '```', '', '## One', '', '```ts echo', 'a + 1', '```', '', '## Two', '', 'Text.', ''].join('\n');
  const lesson = parseLesson(text, { path: 'notebooks/02-t.md' });

  it('gives every block its line in the file', () => {
    expect(lesson.blocks.map((b) => [b.type, b.line])).toEqual([
      ['heading', 6],
      ['markdown', 8],
      ['cell', 10],
      ['heading', 14],
      ['cell', 16],
      ['heading', 20],
      ['markdown', 22],
    ]);
    expect(lesson.cells.map((c) => c.sourceLine)).toEqual([11, 17]);
  });

  it('numbers cells by position and keeps their source', () => {
    expect(lesson.cells.map((c) => [c.id, c.index, c.source, c.options.echo])).toEqual([
      ['cell-1', 0, 'const a = 1', false],
      ['cell-2', 1, 'a + 1', true],
    ]);
  });

  it('splits ## sections over the blocks', () => {
    expect(lesson.sections).toEqual([
      { slug: 'one', title: 'One', line: 14, start: 3, end: 5 },
      { slug: 'two', title: 'Two', line: 20, start: 5, end: 7 },
    ]);
  });

  it('reads the front matter, and falls back to the heading and file name', () => {
    expect(lesson.frontMatter).toEqual({ title: 'T', order: 2, extra: {} });
    expect(parseLesson('# From heading\n', { path: 'notebooks/05-x.md' }).frontMatter).toMatchObject({ title: 'From heading', order: 5 });
    expect(parseLesson('text\n', { path: 'notebooks/x.md' }).frontMatter).toMatchObject({ title: 'x', order: 0 });
  });

  it("reads the index's description and minutes, and names a bad value at its line", () => {
    const good = parseLesson('---\ntitle: T\ndescription: Freeze, then thaw the top\nminutes: 40\n---\n');
    expect(good.frontMatter).toEqual({ title: 'T', order: 0, description: 'Freeze, then thaw the top', minutes: 40, extra: {} });
    const bad = parseLesson('---\ntitle: T\nminutes: soon\n---\n');
    expect(bad.frontMatter.minutes).toBeUndefined();
    expect(bad.diagnostics).toContainEqual({ line: 3, message: 'Front matter: "minutes" must be a positive number (minutes to complete)' });
  });
});
