/** `lectern run` and `lectern cells` as a user runs them: a child process, its exit code and output. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseLesson } from '../../src/lesson/parse.ts';
import { PROJECT_ROOT } from '../browser/harness.ts';

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

function lectern(...args: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile('node', ['bin/lectern.mjs', ...args], { cwd: PROJECT_ROOT, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

const LESSON = 'notebooks/00-how-lessons-work.md';
// Others may add sections to the lesson: find cells by their source, not by position.
const lesson = parseLesson(readFileSync(join(PROJECT_ROOT, LESSON), 'utf8'));
const cellWith = (source: string) => {
  const cell = lesson.cells.find((c) => c.source.includes(source));
  if (!cell) throw new Error(`${LESSON} has no cell containing ${source}`);
  return cell;
};
const arithmetic = cellWith('1 + 2 * 3');
const bestName = cellWith('best.name as string');
const withDropout = cellWith('`With dropout ${dropout}');
const tmp = mkdtempSync(join(tmpdir(), 'lectern-run-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('lectern run', () => {
  it(`runs ${LESSON} and exits 0`, { timeout: 120_000 }, async () => {
    const { code, stdout, stderr } = await lectern('run', LESSON);
    expect(stderr).not.toMatch(/FAILED|failed/);
    expect(code).toBe(0);
    expect(stdout).toContain(`[${arithmetic.id}] line ${arithmetic.line}\n  7`);
    expect(stdout).toContain('"With dropout 0.5, each unit is kept with probability 0.50."');
  });

  it('exits non-zero for a broken copy, naming the failing cell and its line', { timeout: 120_000 }, async () => {
    const source = readFileSync(join(PROJECT_ROOT, LESSON), 'utf8');
    const broken = source.replace('1 + 2 * 3', '1 + * 3').replace("best.name as string", "best.name.missing.deeper");
    expect(broken).not.toBe(source);
    const path = join(tmp, 'broken.md');
    writeFileSync(path, broken);
    const { code, stdout, stderr } = await lectern('run', path);
    expect(code).toBe(1);
    expect(stderr).toContain(`2 of ${lesson.cells.length} cells failed`);
    expect(stderr).toContain(`${arithmetic.id} (line ${arithmetic.line}): SyntaxError: Unexpected token (cell line 1, column 5; file line ${arithmetic.sourceLine})`);
    expect(stderr).toContain(`${bestName.id} (line ${bestName.line}): TypeError: Cannot read properties of undefined (reading 'deeper')`);
    // The other cells still ran.
    expect(stdout).toContain('"5 epochs of 100 steps at learning rate 0.001"');
  });

  it('gives a view() input a value with --set and prints JSON with --json', { timeout: 120_000 }, async () => {
    const { code, stdout } = await lectern('run', LESSON, '--json', '--set', 'dropout=0.3');
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as { ok: boolean; cells: { id: string; outputs: string[] }[] };
    expect(result.ok).toBe(true);
    expect(result.cells.find((c) => c.id === withDropout.id)?.outputs).toEqual(['"With dropout 0.3, each unit is kept with probability 0.70."']);
  });

  it('rejects bad usage with exit code 2', async () => {
    expect(await lectern('run')).toMatchObject({ code: 2, stderr: expect.stringContaining('missing the lesson file') });
    expect(await lectern('run', LESSON, '--set', 'oops')).toMatchObject({ code: 2, stderr: expect.stringContaining('--set expects name=value, got "oops"') });
    expect(await lectern('run', join(tmp, 'nope.md'))).toMatchObject({ code: 2, stderr: expect.stringContaining('cannot read') });
  });
});

describe('lectern cells', () => {
  it('prints each cell\'s analysis as JSON, for a .ts file', async () => {
    const { code, stdout } = await lectern('cells', 'test/input/error-syntax.ts', '--json');
    expect(code).toBe(1); // a cell that does not compile fails the command
    expect(JSON.parse(stdout)).toEqual([
      { index: 0, id: 'cell-1', line: 1, lang: 'ts', declarations: [], references: [], expression: false, imports: [], error: { message: 'Unexpected token', line: 2, column: 21, fileLine: 2 } },
    ]);
  });

  it('prints the cells of a lesson with their file lines', async () => {
    const { code, stdout } = await lectern('cells', LESSON, '--json');
    expect(code).toBe(0);
    const cells = JSON.parse(stdout) as { id: string; line: number; declarations: string[]; references: string[]; expression: boolean }[];
    const constants = cellWith('const learningRate');
    expect(cells[constants.index]).toMatchObject({ id: constants.id, line: constants.sourceLine, declarations: ['learningRate', 'epochs', 'batchSize', 'stepsPerEpoch'], references: [], expression: false });
    expect(cells.find((c) => c.declarations.includes('dropout'))?.references).toEqual(['view', 'Inputs']);
  });
});
