/**
 * Every lesson in notebooks/ runs headlessly to the end without a failing cell, as CI requires:
 * `npx lectern run notebooks/<lesson>.md`, with small settings where a lesson trains.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from './browser/harness.ts';

const run = promisify(execFile);

/** `--set` values that keep a lesson's training short (CI has two cores). */
const SMALL_SETTINGS: Record<string, Record<string, string>> = {
  '07-callbacks.md': { epochs: '2' },
  // The from-scratch reference too, so that its cells run in CI.
  '08-fine-tuning.md': { trainSize: '200', epochs: '2', compareFromScratch: 'true' },
};

/** Outputs some cells of the lesson must show once it ran to the end. */
const EXPECTED_OUTPUT: Record<string, RegExp[]> = {
  // The checkpoint reloaded into a fresh model scores what the checkpoint recorded (\1: the same digits).
  '07-callbacks.md': [/has validation accuracy (\d\.\d{4}) and loss [\d.]+; the checkpoint recorded val_accuracy \1 and/],
  '08-fine-tuning.md': [
    /Diagnosis: (Underfitting|Overfitting|Good fit|Still learning|Validation broken by BatchNormalization statistics)\./,
    /Best validation accuracy in \d+ s: fine-tuned \d+\.\d%, from scratch \d+\.\d% \(\d+ epochs?\)\./,
  ],
};

const lessons = readdirSync(join(PROJECT_ROOT, 'notebooks')).filter((file) => file.endsWith('.md')).sort();

describe('lessons run headlessly (lectern run)', () => {
  it('finds the lessons', () => {
    expect(lessons).toContain('07-callbacks.md');
    expect(lessons).toContain('08-fine-tuning.md');
  });

  for (const lesson of lessons) {
    it(`${lesson} exits 0 with every cell succeeding`, { timeout: 300_000 }, async () => {
      const sets = Object.entries(SMALL_SETTINGS[lesson] ?? {}).flatMap(([name, value]) => ['--set', `${name}=${value}`]);
      const { stdout } = await run('node', ['bin/lectern.mjs', 'run', join('notebooks', lesson), '--json', ...sets], {
        cwd: PROJECT_ROOT,
        maxBuffer: 64 * 1024 * 1024,
      }).catch((error: { stdout?: string; stderr?: string; message: string }) => {
        throw new Error(`lectern run ${lesson} failed: ${error.message}\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
      });
      const result = JSON.parse(stdout) as { ok: boolean; cells: { id: string; outputs: string[]; error?: { message: string } }[] };
      expect(result.cells.filter((c) => c.error).map((c) => `${c.id}: ${c.error!.message}`)).toEqual([]);
      expect(result.ok).toBe(true);
      for (const pattern of EXPECTED_OUTPUT[lesson] ?? []) expect(result.cells.flatMap((c) => c.outputs).join('\n')).toMatch(pattern);
    });
  }
});
