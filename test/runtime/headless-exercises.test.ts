/** `lectern run` reports a lesson's exercises: each check's verdict, a check's own failure, and a pass never fails the run. */
import { describe, expect, it } from 'vitest';
import { formatRun } from '../../src/cli/run.ts';
import { runLessonHeadless } from '../../src/runtime/headless.ts';

const LESSON = [
  '# Checks',
  '```ts',
  'const threshold = view(Inputs.range([0, 1], { value: 0.5, step: 0.1, label: "Threshold" }))',
  '```',
  '::: exercise above Raise the threshold',
  'Reach 0.8.',
  ':::',
  '```ts check',
  'threshold >= 0.8 || `the threshold is ${threshold}, below 0.8`',
  '```',
  '::: exercise broken A check that fails',
  'Anything.',
  ':::',
  '```ts check',
  'missingName > 1',
  '```',
  '',
].join('\n');

describe('lectern run and exercises', () => {
  it('reports not yet with the reason, then passed with --set', { timeout: 60_000 }, async () => {
    const before = await runLessonHeadless({ source: LESSON });
    expect(before.exercises).toEqual([
      { id: 'above', title: 'Raise the threshold', line: 5, check: 'cell-2', state: 'not-yet', message: 'the threshold is 0.5, below 0.8' },
      { id: 'broken', title: 'A check that fails', line: 11, check: 'cell-3', state: 'error', message: expect.stringContaining('missingName') },
    ]);
    expect(formatRun(before)).toContain('Exercises: 0 of 2 passed\n  · above (Raise the threshold, line 5): Not yet: the threshold is 0.5, below 0.8');
    const after = await runLessonHeadless({ source: LESSON, set: { threshold: '0.9' } });
    expect(after.exercises?.[0]).toMatchObject({ id: 'above', state: 'passed' });
    expect(formatRun(after)).toContain('Exercises: 1 of 2 passed\n  ✓ above (Raise the threshold, line 5): Passed');
  });

  it('leaves lessons without exercises as they were', { timeout: 60_000 }, async () => {
    const result = await runLessonHeadless({ source: '# Plain\n```ts\n1 + 1\n```\n' });
    expect(result.exercises).toBeUndefined();
    expect(formatRun(result)).not.toContain('Exercises');
  });
});
