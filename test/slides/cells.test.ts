import { describe, expect, it } from 'vitest';
import { liftCells } from '../../src/slides/cells.ts';

describe('liftCells', () => {
  it('lifts ts fences and keeps line numbers for messages', () => {
    const { markdown, cells } = liftCells('# A\n\n```ts\nconst a = 1\n```\n\ntext\n\n~~~js echo id=double\na * 2\n~~~\n');
    expect(cells).toEqual([
      { index: 0, id: 'cell-1', lang: 'ts', source: 'const a = 1', options: { echo: false, hidden: false }, line: 3, problems: [] },
      { index: 1, id: 'double', lang: 'js', source: 'a * 2', options: { echo: true, hidden: false }, line: 9, problems: [] },
    ]);
    expect(markdown).toContain('<lectern-cell data-cell="0">\n</lectern-cell>');
    expect(markdown).toContain('<lectern-cell data-cell="1">');
    expect(markdown).toContain('text');
    expect(markdown).not.toContain('const a');
  });

  it('leaves a ts fence inside a longer fence alone', () => {
    const source = '````md\n```ts\nnot a cell\n```\n````\n';
    const { markdown, cells } = liftCells(source);
    expect(cells).toEqual([]);
    expect(markdown).toBe(source);
  });

  it('runs an unclosed fence to the end of the file', () => {
    const { cells } = liftCells('```ts\nconst a = 1\nconst b = 2');
    expect(cells[0]!.source).toBe('const a = 1\nconst b = 2');
  });

  it('follows the lessons\' fence rules: ts static and other languages stay code', () => {
    const { markdown, cells } = liftCells('```ts static\nshown()\n```\n\n```python\nprint(1)\n```\n\n```ts bogus\nx\n```');
    expect(cells.map((c) => c.source)).toEqual(['x']);
    expect(cells[0]!.problems[0]).toContain('Unknown cell option "bogus"');
    expect(markdown).toContain('shown()');
    expect(markdown).toContain('print(1)');
  });
});
