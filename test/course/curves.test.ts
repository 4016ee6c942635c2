/** Lesson 8's curves: two panels with their own scales, the best and restored epochs marked, the previous run faint. */
import { describe, expect, it } from 'vitest';
import { trainingCurves } from '../../src/course/displays.ts';
import { displayForms } from '../../src/runtime/display.ts';

const log = (epoch: number, valLoss: number) => ({ epoch, loss: 1 / epoch, accuracy: 0.5 + epoch / 100, val_loss: valLoss, val_accuracy: 0.5 + epoch / 200 });

describe('trainingCurves', () => {
  it('marks the lowest val_loss while training, then the history\'s best and restored epochs', () => {
    const curves = trainingCurves();
    const running = displayForms(curves({ logs: [log(1, 0.9), log(2, 0.5), log(3, 0.7)], done: false }))!;
    expect(running.html).toContain('data-marker="best epoch 2"');
    expect(running.html).toContain('epoch_loss');
    expect(running.html).toContain('epoch_accuracy');
    expect(running.html).toContain('ring: the best epoch (lowest val_loss)');
    const done = displayForms(curves({ logs: [log(1, 0.9), log(2, 0.5), log(3, 0.7), log(4, 0.8)], done: true, history: { bestEpoch: 2, restoredEpoch: 2, stoppedEpoch: 4 } }))!;
    expect(done.html).toContain('data-marker="restored epoch 2"');
    expect(done.html).not.toContain('previous run');
    expect(done.text).toContain('this run, restored epoch 2:');
  });

  it('keeps the previous run faint behind the next one', () => {
    const curves = trainingCurves();
    curves({ logs: [log(1, 0.9), log(2, 0.5)], done: true });
    const next = displayForms(curves({ logs: [{ ...log(1, 0.8), loss: 2 }], done: false }))!;
    expect(next.html).toMatch(/stroke-opacity="0.35"[^>]*data-run="previous run"/);
    expect(next.html).toContain('data-legend="previous run"');
    // The faint run gets no markers; this run's best is epoch 1.
    expect(next.html).not.toMatch(/data-marker="[^"]*" data-run="previous run"/);
    expect(next.html).toContain('data-marker="best epoch 1" data-run="this run"');
  });

  it('draws a finished run again (a new width) without making it its own previous run', () => {
    const curves = trainingCurves();
    const run = { logs: [log(1, 0.9), log(2, 0.5)], done: true };
    curves(run, { width: 700 });
    const again = displayForms(curves(run, { width: 500 }))!;
    expect(again.html).not.toContain('previous run');
    expect(again.html).toContain('width="500"');
  });

  it('holds the chart\'s place before the first epoch, saying what is happening', () => {
    const curves = trainingCurves();
    const first = displayForms(curves({ logs: [], done: false, epochs: 10 }, { width: 600 }))!;
    expect(first.html).toContain('class="lectern-curves-waiting"');
    expect(first.html).toContain('height: 280px');
    expect(first.html).toContain('Training epoch 1 of 10');
    expect(first.text).toBe('No epoch yet: the curves start when epoch 1 of 10 ends.');
    // With a run before it, the chart shows that run faint while the new one starts.
    curves({ logs: [log(1, 0.9), log(2, 0.5)], done: true });
    const next = displayForms(curves({ logs: [], done: false, epochs: 10 }))!;
    expect(next.html).not.toContain('lectern-curves-waiting');
    expect(next.html).toContain('data-legend="previous run"');
  });
});
