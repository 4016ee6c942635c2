import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/slides.ts';
import { renderDeck } from '../../src/slides/render.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lectern-slides-'));
  vi.spyOn(console, 'log').mockImplementation(() => {});
  vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

describe('lectern slides', () => {
  it('writes a deck whose slides follow the lesson sections, and refuses to overwrite it', async () => {
    const lesson = join(dir, '09-demo.md');
    await writeFile(lesson, '# Demo\n\n## First part\n\nOne. Two.\n\n## Second part\n\nThree.\n');
    const out = join(dir, 'deck.md');
    expect(await run([lesson, '--out', out])).toBe(0);
    const deck = renderDeck(await readFile(out, 'utf8'));
    expect(deck.lesson).toBe('09-demo');
    expect(deck.slides.map((s) => s.section)).toEqual([null, 'first-part', 'second-part']);
    expect(await run([lesson, '--out', out])).toBe(2);
    expect(vi.mocked(console.error).mock.calls.flat().join('\n')).toContain('exists; pass --force');
    expect(await run([lesson, '--out', out, '--force'])).toBe(0);
  });

  it('says what is wrong with bad input', async () => {
    expect(await run([join(dir, 'missing.md')])).toBe(2);
    expect(vi.mocked(console.error).mock.calls.flat().join('\n')).toContain('no lesson file at');
    const flat = join(dir, 'flat.md');
    await writeFile(flat, '# Only a title\n\nNo sections.\n');
    expect(await run([flat, '--stdout'])).toBe(2);
    expect(vi.mocked(console.error).mock.calls.flat().join('\n')).toContain('has no "##" sections');
  });

  it('says so when the lesson or --out is a directory, instead of throwing EISDIR', async () => {
    const folder = join(dir, 'dir.md');
    await mkdir(folder);
    expect(await run([folder])).toBe(2);
    const errors = () => vi.mocked(console.error).mock.calls.flat().join('\n');
    expect(errors()).toContain(`${folder} is a directory; give a lesson's .md file`);
    const lesson = join(dir, '09-demo.md');
    await writeFile(lesson, '# Demo\n\n## Part\n\nOne.\n');
    expect(await run([lesson, '--out', folder])).toBe(2);
    expect(errors()).toContain(`${folder} is a directory; give --out a file name`);
    expect(errors()).not.toContain('EISDIR');
  });
});
