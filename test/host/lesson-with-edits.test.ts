import { describe, expect, it } from 'vitest';
import { parseLesson } from '../../src/lesson/parse.ts';
import { lessonWithEdits } from '../../src/host/lesson-with-edits.ts';

const lesson = [
  '---',
  'title: Edits',
  '---',
  '',
  '# Edits',
  '',
  '```ts',
  'const a = 1',
  '```',
  '',
  'Some prose.',
  '',
  '```ts echo',
  'const b = a + 1',
  'b * 2',
  '```',
  '',
  '```python',
  'print(1)',
  '```',
  '',
].join('\n');

function sourcesOf(text: string): string[] {
  return parseLesson(text).cells.map((c) => c.source);
}

describe('lessonWithEdits', () => {
  const { cells } = parseLesson(lesson);

  it('replaces only the edited cells, keeping prose, options and static code', () => {
    const out = lessonWithEdits(lesson, cells, new Map([[1, 'const b = a + 100\nconst c = 3\nb * c']]));
    expect(sourcesOf(out)).toEqual(['const a = 1', 'const b = a + 100\nconst c = 3\nb * c']);
    expect(out).toContain('```ts echo\nconst b = a + 100');
    expect(out).toContain('Some prose.');
    expect(out).toContain('```python\nprint(1)\n```');
  });

  it('handles several edits that change line counts, including an empty cell', () => {
    const out = lessonWithEdits(lesson, cells, new Map([[0, 'const a = 5\n// more\n// lines'], [1, '']]));
    expect(sourcesOf(out)).toEqual(['const a = 5\n// more\n// lines', '']);
  });

  it('lengthens the fence when an edit contains a fence itself', () => {
    const source = 'const md = `\n```ts\nx\n```\n`';
    const out = lessonWithEdits(lesson, cells, new Map([[0, source]]));
    expect(out).toContain('````ts\nconst md');
    expect(sourcesOf(out)).toEqual([source, 'const b = a + 1\nb * 2']);
  });

  it('returns the text unchanged without edits', () => {
    expect(lessonWithEdits(lesson, cells, new Map())).toBe(lesson);
  });

  it('refuses to write into a file that no longer matches the parsed cells', () => {
    const changed = lesson.replace('const a = 1', 'const a = 2');
    expect(() => lessonWithEdits(changed, cells, new Map([[0, 'x']]))).toThrow(/Cell 1 \(line 7\) no longer matches/);
  });
});
