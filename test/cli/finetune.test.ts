import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFineTuneArgs } from '../../src/cli/finetune.ts';
import { PROJECT_ROOT } from '../browser/harness.ts';

const run = promisify(execFile);

describe('lectern finetune', () => {
  it('parses options with the lesson defaults and names a bad one', () => {
    expect(parseFineTuneArgs([])).toMatchObject({ trainableLast: 4, dropout: 0.5, epochs: 10, batchNorm: 'moving', backend: 'wasm', json: false });
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

  describe('lesson 7\'s callbacks: --logdir, --save-weights, --load-weights', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'lectern-finetune-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });
    const small = ['--train-size', '64', '--val-size', '32', '--trainable-last', '4'];

    it('writes TensorBoard event files and the best epoch\'s Keras weights, which load back scoring as that epoch did', { timeout: 300_000 }, async () => {
      const weights = join(dir, 'checkpoints', 'best.weights.h5');
      const logdir = join(dir, 'logs', 'fit', 'run');
      const { stdout } = await run('node', ['bin/lectern.mjs', 'finetune', '--json', '--epochs', '3', ...small, '--logdir', logdir, '--save-weights', weights], { cwd: PROJECT_ROOT });
      const lines = stdout.trim().split('\n').map((line) => JSON.parse(line));
      const epochs = lines.slice(0, 3);
      const best = epochs.reduce((a, b) => (b.val_loss < a.val_loss ? b : a));
      expect(lines[3].savedWeights).toEqual({ file: weights, epoch: best.epoch, val_loss: best.val_loss });

      // TensorBoard: one scalar per epoch and tag, read by the independent reader.
      for (const [sub, loss, accuracy] of [['train', 'loss', 'accuracy'], ['validation', 'val_loss', 'val_accuracy']] as const) {
        const [file] = await readdir(join(logdir, sub));
        const events = JSON.parse((await run('/usr/bin/python3', ['test/ml/tfevents.py', join(logdir, sub, file!)], { cwd: PROJECT_ROOT })).stdout);
        expect(events.slice(1).map((e: { step: number }) => e.step)).toEqual([0, 1, 2]);
        expect(events.slice(1).map((e: { scalars: Record<string, number> }) => [e.scalars.epoch_loss, e.scalars.epoch_accuracy]))
          .toEqual(epochs.map((l) => [Math.fround(l[loss]), Math.fround(l[accuracy])]));
      }

      // The weights in Keras's layout, read by h5py: the course's head after the nested base.
      const groups = JSON.parse((await run('/usr/bin/python3', ['test/ml/keras_h5.py', 'read', weights], { cwd: PROJECT_ROOT, maxBuffer: 64 << 20 })).stdout);
      expect(groups['layers/functional/layers/conv2d'].name).toBe('Conv1');
      expect(groups['layers/dense'].shapes[0][1]).toBe(128);
      const classes = groups['layers/dense_1'].shapes[1][0];
      expect(classes).toBeGreaterThanOrEqual(2);

      // --load-weights: before training, the loaded model scores what the saved epoch logged.
      const loaded = await run('node', ['bin/lectern.mjs', 'finetune', '--epochs', '1', ...small, '--load-weights', weights], { cwd: PROJECT_ROOT });
      const score = /Loaded model - val_loss: ([\d.]+) - val_accuracy: ([\d.]+)/.exec(loaded.stdout);
      expect(score, loaded.stdout).not.toBeNull();
      expect(Number(score![1])).toBeCloseTo(best.val_loss, 4);
      expect(Number(score![2])).toBe(Number(best.val_accuracy.toFixed(4)));
    });

    it('names the problem with a weight file: its name, a missing file, another model\'s file', { timeout: 120_000 }, async () => {
      const fail = (args: string[]) => run('node', ['bin/lectern.mjs', 'finetune', '--epochs', '1', ...small, ...args], { cwd: PROJECT_ROOT }).catch((e: { code: number; stderr: string }) => e);
      expect(await fail(['--save-weights', join(dir, 'best.h5')])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--save-weights must name a file ending in \.weights\.h5/) });
      expect(await fail(['--load-weights', join(dir, 'none.weights.h5')])).toMatchObject({ code: 1, stderr: expect.stringMatching(/--load-weights .*none\.weights\.h5: no such file/) });
      const other = join(dir, 'other.weights.h5');
      await writeFile(other, 'not an HDF5 file');
      expect(await fail(['--load-weights', other])).toMatchObject({ code: 1, stderr: expect.stringMatching(/other\.weights\.h5: is not an HDF5 file/) });
    });
  });
});
