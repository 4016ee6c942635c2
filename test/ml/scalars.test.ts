import { describe, expect, it } from 'vitest';
import { createScalarsBoard, scalarsSvg, scalarsText, smooth, type ScalarLog } from '../../src/ml/scalars.ts';

const logs = (n: number, offset = 0): ScalarLog[] =>
  Array.from({ length: n }, (_, i) => ({ epoch: i + 1, loss: 1 / (i + 1) + offset, accuracy: 0.5 + i / 40, val_loss: 1.1 / (i + 1) + offset, val_accuracy: 0.45 + i / 50 }));

describe('smooth (TensorBoard\'s debiased exponential moving average)', () => {
  it('matches a hand computation and leaves values alone at weight 0', () => {
    // w = 0.5: last = 0.5·last + 0.5·v, divided by 1 - 0.5^n.
    // v = [2, 4, 8]: last 1 → 1/0.5 = 2; last 2.5 → 2.5/0.75; last 5.25 → 5.25/0.875.
    const [a, b, c] = smooth([2, 4, 8], 0.5);
    expect(a).toBeCloseTo(2, 12);
    expect(b).toBeCloseTo(2.5 / 0.75, 12);
    expect(c).toBeCloseTo(5.25 / 0.875, 12);
    expect(smooth([3, 1, 2], 0)).toEqual([3, 1, 2]);
    expect(smooth([1, Number.NaN, 1], 0.9)).toEqual([1, Number.NaN, expect.closeTo(1, 12)]);
    expect(() => smooth([1], 1)).toThrow(/smoothing must be in \[0, 1\)/);
  });
});

describe('a scalars board', () => {
  it('updates a run while it trains and keeps finished runs side by side', () => {
    const board = createScalarsBoard();
    board.record('patience 3', { logs: logs(1) });
    board.record('patience 3', { logs: logs(4) });
    let runs = board.record('patience 3', { logs: logs(5), done: true, history: { restoredEpoch: 2, stoppedEpoch: 5 } });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ name: 'patience 3', done: true, markers: [{ epoch: 2, label: 'restored epoch 2' }, { epoch: 5, label: 'stopped at 5' }] });
    expect(runs[0]!.logs).toHaveLength(5);

    runs = board.record('patience 5', { logs: logs(2, 0.1) });
    expect(runs.map((r) => r.name)).toEqual(['patience 3', 'patience 5']);
    // The same settings again, after that run finished: a second run of the name, as TensorBoard keeps both folders.
    board.record('patience 5', { logs: logs(3, 0.1), done: true });
    runs = board.record('patience 5', { logs: logs(1, 0.2) });
    expect(runs.map((r) => r.name)).toEqual(['patience 3', 'patience 5', 'patience 5 (2)']);
    // A run whose first epoch differs from the one in progress is another run, not a continuation.
    runs = board.record('patience 5', { logs: logs(2, 0.3) });
    expect(runs.map((r) => r.name)).toEqual(['patience 3', 'patience 5', 'patience 5 (2)', 'patience 5 (3)']);
  });

  it('keeps at most maxRuns runs, dropping the oldest', () => {
    const board = createScalarsBoard({ maxRuns: 2 });
    for (const name of ['a', 'b', 'c']) board.record(name, { logs: logs(2), done: true });
    expect(board.runs.map((r) => r.name)).toEqual(['b', 'c']);
    board.clear();
    expect(board.runs).toEqual([]);
  });
});

describe('scalarsSvg and scalarsText', () => {
  const board = createScalarsBoard();
  board.record('patience 3', { logs: logs(6), done: true, history: { restoredEpoch: 3, stoppedEpoch: 6 } });
  const runs = board.record('patience <5>', { logs: logs(9, 0.05) });

  it('draws loss and accuracy panels with a training and a validation line per run, and the restored epoch', () => {
    const svg = scalarsSvg(runs, { smoothing: 0.6 });
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" role="img" aria-label="Training curves of 2 runs: patience 3; patience &#60;5&#62;"/);
    expect(svg.match(/data-split="train"/g)).toHaveLength(4); // 2 runs × 2 panels
    expect(svg.match(/data-split="validation"/g)).toHaveLength(4);
    expect(svg.match(/data-marker="restored epoch 3"/g)).toHaveLength(2); // one dot per panel
    expect(svg).toContain('epoch_loss');
    expect(svg).toContain('epoch_accuracy');
    expect(svg).not.toContain('<5>'); // names are escaped
    // Smoothing 0 draws no faint raw line; 0.6 draws raw and smoothed.
    expect(scalarsSvg(runs, { smoothing: 0 }).match(/stroke-opacity="0\.3"/g)).toBeNull();
    expect(svg.match(/stroke-opacity="0\.3"/g)).toHaveLength(8);
  });

  it('the smoothed line follows the smoothed values', () => {
    const one = createScalarsBoard().record('r', { logs: logs(3), done: true });
    const path = (svg: string) => /<path d="([^"]+)"[^>]*data-run="r" data-split="train"/.exec(svg)![1]!;
    const ys = (d: string) => d.split(/[ML]/).filter(Boolean).map((p) => Number(p.split(',')[1]));
    const raw = ys(path(scalarsSvg(one, { smoothing: 0 })));
    const smoothed = ys(path(scalarsSvg(one, { smoothing: 0.9 })));
    expect(raw[0]).toBeCloseTo(smoothed[0]!, 1); // debiased: the first point is the value itself
    expect(smoothed[2]!).toBeLessThan(raw[2]!); // loss falls; the average lags above it (smaller y is higher)
  });

  it('as text: one line per epoch, the restored epoch marked', () => {
    const text = scalarsText(runs, { smoothing: 0 });
    expect(text.split('\n')[0]).toBe('Scalars (smoothing 0): epoch_loss, epoch_accuracy for train / validation');
    expect(text).toContain('patience 3, restored epoch 3:');
    expect(text).toContain('patience <5> (training):');
    expect(text).toMatch(/epoch {3}3 {2}loss 0\.3333 \/ 0\.3667 {2}accuracy 0\.5500 \/ 0\.4900 {2}← restored/);
    expect(scalarsText([])).toBe('No runs yet.');
  });
});
