import { describe, expect, it } from 'vitest';
import { isCellInfo, liftCells } from '../../src/slides/cells.ts';

describe('liftCells', () => {
  it('lifts ts fences and keeps line numbers for messages', () => {
    const { markdown, cells } = liftCells('# A\n\n```ts\nconst a = 1\n```\n\ntext\n\n~~~typescript echo\na * 2\n~~~\n');
    expect(cells).toEqual([
      { index: 0, source: 'const a = 1', flags: [], line: 3 },
      { index: 1, source: 'a * 2', flags: ['echo'], line: 9 },
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

  it('recognises only TypeScript info strings', () => {
    expect(isCellInfo('ts')).toBe(true);
    expect(isCellInfo('TypeScript echo')).toBe(true);
    expect(isCellInfo('python')).toBe(false);
    expect(isCellInfo('')).toBe(false);
    expect(isCellInfo('tsx')).toBe(false);
  });
});
