import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseFineTuneArgs } from '../../src/cli/finetune.ts';
import { PROJECT_ROOT } from '../browser/harness.ts';

const run = promisify(execFile);

describe('lectern finetune', () => {
  it('parses options with the lesson defaults and names a bad one', () => {
    expect(parseFineTuneArgs([])).toMatchObject({ trainableLast: 4, dropout: 0.5, epochs: 10, batchNorm: 'batch', backend: 'wasm', json: false });
    expect(() => parseFineTuneArgs(['--trainable-last', '155'])).toThrow(/--trainable-last must be an integer from 0 to 154/);
    expect(() => parseFineTuneArgs(['--dropout', '1'])).toThrow(/--dropout must be a number in \[0, 1\)/);
    expect(() => parseFineTuneArgs(['--backend', 'webgl'])).toThrow(/--backend must be wasm or cpu/);
  });

  it('--json prints one object per epoch, then {"diagnosis": {"verdict", ...}}', { timeout: 300_000 }, async () => {
    const { stdout } = await run('node', ['bin/lectern.mjs', 'finetune', '--json', '--epochs', '2', '--train-size', '64', '--val-size', '32', '--trainable-last', '0'], {
      cwd: PROJECT_ROOT,
    });
    const lines = stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines).toHaveLength(3);
    expect(lines.slice(0, 2).map((l) => l.epoch)).toEqual([1, 2]);
    for (const key of ['loss', 'accuracy', 'val_loss', 'val_accuracy', 'seconds']) expect(typeof lines[0][key]).toBe('number');
    expect(lines[2].diagnosis.verdict).toMatch(/^(underfitting|overfitting|good fit|still learning)$/);
    expect(lines[2].diagnosis.remedies.length).toBeGreaterThan(0);
  });

  it('exits 2 with a one-line reason on a bad option', async () => {
    const error = await run('node', ['bin/lectern.mjs', 'finetune', '--epochs', '0'], { cwd: PROJECT_ROOT }).catch((e: { code: number; stderr: string }) => e);
    expect(error).toMatchObject({ code: 2 });
    expect((error as { stderr: string }).stderr).toMatch(/--epochs must be an integer >= 1/);
  });
});
