/**
 * `lectern pretrain --resume` continues exactly where a run stopped: weights, Adam's moments and
 * step count, the schedule and the augmentation draws, so two runs of one epoch each give the
 * same model as one run of two epochs, bit for bit.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/pretrain.ts';

let dir: string;
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'lectern-pretrain-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

async function pretrain(args: string[]): Promise<{ code: number; err: string }> {
  const err: string[] = [];
  const spyError = vi.spyOn(console, 'error').mockImplementation((line: string) => { err.push(String(line)); });
  const spyLog = vi.spyOn(console, 'log').mockImplementation(() => {});
  const spyStderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return { code: await run(args), err: err.join('\n') };
  } finally {
    spyError.mockRestore();
    spyLog.mockRestore();
    spyStderr.mockRestore();
  }
}

const common = ['--epochs', '2', '--limit', '64', '--batch-size', '16', '--val-limit', '32', '--quantization', 'float32', '--seed', '3'];

describe('lectern pretrain --resume', () => {
  it('two runs of one epoch (stop, resume) give the model one run of two epochs gives, bit for bit', async () => {
    const whole = await pretrain([...common, '--checkpoint', join(dir, 'a'), '--out', join(dir, 'a-out', 'pretrained')]);
    expect(whole).toEqual({ code: 0, err: '' });
    const first = await pretrain([...common, '--stop-after', '1', '--checkpoint', join(dir, 'b'), '--out', join(dir, 'b-out', 'pretrained')]);
    expect(first.code).toBe(0);
    const state = JSON.parse(await readFile(join(dir, 'b', 'state.json'), 'utf8')) as { epoch: number };
    expect(state.epoch).toBe(1);
    const second = await pretrain([...common, '--resume', '--checkpoint', join(dir, 'b'), '--out', join(dir, 'b-out', 'pretrained')]);
    expect(second.code).toBe(0);
    const [a, b] = await Promise.all(['a-out', 'b-out'].map((d) => readFile(join(dir, d, 'pretrained', 'weights.bin'))));
    expect(b!.equals(a!)).toBe(true);
    const card = await readFile(join(dir, 'b-out', 'MODEL.md'), 'utf8');
    expect(card).toMatch(/\| Augmentation \| random shifts of up to 2 px each way, left-right mirroring/);
    expect(card).toMatch(/\| 2 \| [0-9.]+ \|/); // the epoch table has both epochs
  }, 240_000);

  it('a damaged optimizer checkpoint fails with exit 1 and a message naming the file, not a stack', async () => {
    await writeFile(join(dir, 'b', 'optimizer.json'), '{"iterations": "x"}');
    const result = await pretrain([...common, '--epochs', '3', '--resume', '--checkpoint', join(dir, 'b'), '--out', join(dir, 'c-out', 'pretrained')]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/optimizer\.json is not a Lectern optimizer checkpoint/);
    expect(result.err).toMatch(/without --resume/);
    expect(result.err).not.toMatch(/\n\s+at /);
  }, 120_000);
});
