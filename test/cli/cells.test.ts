import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/cells.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lectern-cells-'));
  vi.spyOn(console, 'log').mockImplementation(() => {});
  vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

const printed = (stream: 'log' | 'error') => vi.mocked(console[stream]).mock.calls.flat().join('\n');
const fence = (source: string, info = 'ts') => ['```' + info, source, '```', ''].join('\n');

describe('lectern cells', () => {
  it('exits 0 for a lesson whose cells compile, listing static and dynamic imports', async () => {
    const lesson = join(dir, 'ok.md');
    await writeFile(lesson, ['# Ok', '', fence('import { summary } from "lectern";'), fence('const diagnose = await import("/src/ml/diagnose.ts")')].join('\n'));
    expect(await run([lesson])).toBe(0);
    expect(printed('log')).toContain('imports:    lectern');
    expect(printed('log')).toContain('imports:    /src/ml/diagnose.ts (dynamic)');
    expect(await run([lesson, '--json'])).toBe(0);
    const json = JSON.parse(vi.mocked(console.log).mock.calls.at(-1)![0] as string);
    expect(json.map((c: { imports: unknown }) => c.imports)).toEqual([[{ specifier: 'lectern', method: 'static' }], [{ specifier: '/src/ml/diagnose.ts', method: 'dynamic' }]]);
  });

  it('exits 1 naming the cells with syntax errors, in text and JSON alike', async () => {
    const lesson = join(dir, 'broken.md');
    await writeFile(lesson, ['# Broken', '', fence('const fine = 1'), fence('const broken = ;'), fence('Math = 2')].join('\n'));
    expect(await run([lesson])).toBe(1);
    expect(printed('error')).toContain('2 of 3 cells do not compile: cell-2 (file line 8), cell-3 (file line 12)');
    expect(await run([lesson, '--json'])).toBe(1);
    const cellFile = join(dir, 'cell.ts');
    await writeFile(cellFile, 'let x = ;');
    expect(await run([cellFile])).toBe(1);
  });

  it('lists inline expressions of the prose after the cells, and fails on a broken one', async () => {
    const lesson = join(dir, 'inline.md');
    await writeFile(lesson, ['# Inline', '', 'Reached ${accuracy} in ${const n = 1}.', '', fence('const accuracy = 0.9')].join('\n'));
    expect(await run([lesson, '--json'])).toBe(1);
    const json = JSON.parse(vi.mocked(console.log).mock.calls.at(-1)![0] as string);
    expect(json.map((c: { id: string; inline?: boolean; line: number; references: string[] }) => [c.id, c.inline ?? false, c.line, c.references])).toEqual([
      ['cell-1', false, 6, []],
      ['inline-1', true, 3, ['accuracy']],
      ['inline-2', true, 3, []],
    ]);
    expect(printed('error')).toContain('1 of 3 cells do not compile: inline-2 (file line 3)');
  });

  it('exits 1 for problems of the lesson file itself, printed with their line', async () => {
    const lesson = join(dir, 'open.md');
    await writeFile(lesson, ['# Open', '', '```ts ecko', 'const a = 1', '```', '', '```ts', 'const b = 2', ''].join('\n'));
    expect(await run([lesson])).toBe(1);
    expect(printed('error')).toContain(`${lesson}:3: Unknown cell option "ecko"`);
    expect(printed('error')).toContain(`${lesson}:7: The \`\`\`ts fence opened here is never closed`);
  });
});
