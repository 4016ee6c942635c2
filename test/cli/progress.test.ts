import { describe, expect, it } from 'vitest';
import { progressBar } from '../../src/cli/progress.ts';

/** A stand-in for a log file (not a terminal) that keeps what is written. */
function logFile() {
  const lines: string[] = [];
  const stream = { isTTY: false, write: (text: string) => { lines.push(text); return true; } } as unknown as NodeJS.WriteStream;
  return { lines, stream };
}

describe('progressBar({total, label}) in a log file', () => {
  it('prints about every 5% even when updates come every 20 steps (not multiples of the interval)', () => {
    const { lines, stream } = logFile();
    const bar = progressBar({ total: 788, label: 'epoch 1/10', stream }); // logs every 39 steps
    for (let step = 20; step <= 788; step += 20) bar.update(step);
    bar.update(788);
    expect(lines.length).toBeGreaterThanOrEqual(19);
    expect(lines.length).toBeLessThanOrEqual(21);
    expect(lines.at(-1)).toMatch(/788\/788/);
  });

  it('prints nothing between two multiples of the interval', () => {
    const { lines, stream } = logFile();
    const bar = progressBar({ total: 100, label: 'x', logEvery: 10, stream });
    bar.update(3);
    bar.update(7);
    expect(lines).toEqual([]);
    bar.update(12);
    expect(lines).toHaveLength(1);
  });
});
