/** Exercises in lessons: how `:::` blocks and `check` cells parse (the full shape is the lesson-exercises fixture), and what a check's value means. */
import { describe, expect, it } from 'vitest';
import { exerciseStatus, settledStatus, statusLabel } from '../../src/lesson/exercises.ts';
import { parseLesson } from '../../src/lesson/parse.ts';
import { readInput } from '../fixture-pairs.ts';

describe('exercises in a lesson', () => {
  const lesson = parseLesson(readInput('lesson-exercises.md'));

  it('gathers hints, solution and check into the exercise they belong to', () => {
    const [above, unchecked, neverClosed] = lesson.exercises;
    expect(lesson.exercises.map((e) => [e.id, e.title])).toEqual([['above', 'Raise the threshold'], ['unchecked', 'Exercise 2'], ['never-closed', 'Runs to the end']]);
    expect(above!.hints).toHaveLength(2);
    expect(above!.hints[1]).toContain('Drag it right');
    expect(above!.solution).toContain('<code class="language-ts">const threshold = 0.9');
    expect(above!.check).toBe('cell-2');
    expect(lesson.cells[1]!.options.check).toBe('above');
    expect(unchecked!.check).toBeUndefined();
    expect(neverClosed!.html).toContain('const inside');
    // The prose between hints stays where it was; hints and the solution are not blocks of their own.
    expect(lesson.blocks.map((b) => b.type)).toEqual(['heading', 'cell', 'exercise', 'cell', 'markdown', 'exercise', 'markdown', 'markdown', 'cell', 'exercise']);
  });

  it('says what is wrong at its line, and keeps unknown blocks as prose', () => {
    const messages = lesson.diagnostics.map((d) => `${d.line}: ${d.message}`);
    expect(messages).toEqual([
      expect.stringMatching(/^41: "::: hint nowhere": no exercise "nowhere" above it/),
      expect.stringMatching(/^45: Unknown block "::: tip" \(known: exercise, hint, solution\)/),
      expect.stringMatching(/^49: Exercise "above" already has a check \(cell-2\)/),
      expect.stringMatching(/^53: The "::: exercise" block opened here is never closed/),
      expect.stringMatching(/^54: Live cells do not run inside a "::: exercise" block/),
      expect.stringMatching(/^37: Exercise "unchecked" has no check/),
      expect.stringMatching(/^53: Exercise "never-closed" has no check/),
    ]);
    expect(lesson.blocks.some((b) => b.type === 'markdown' && b.html.includes('An unknown block keeps its text'))).toBe(true);
  });

  it('places an inline expression of a task in the exercise block', () => {
    const [inline] = lesson.inlines;
    expect(inline!.source).toBe('threshold');
    expect(inline!.line).toBe(12);
    expect(lesson.blocks[inline!.block]!.type).toBe('exercise');
  });

  it('rejects a check without an exercise, or with a bad name', () => {
    const bad = parseLesson('```ts check\ntrue\n```\n\n```ts check=9x\ntrue\n```\n');
    expect(bad.diagnostics.map((d) => d.message)).toEqual([
      expect.stringContaining('A check cell checks the exercise above it, and there is none'),
      expect.stringContaining('Cell option "check=9x"'),
    ]);
    expect(bad.cells.every((c) => c.options.check === undefined)).toBe(true);
  });

  it('rejects an exercise without a name and a repeated name', () => {
    const bad = parseLesson('::: exercise\nNo name.\n:::\n\n::: exercise a\nOne.\n:::\n\n::: exercise a\nTwo.\n:::\n');
    expect(bad.exercises.map((e) => e.id)).toEqual(['a']);
    expect(bad.diagnostics.map((d) => d.message)).toEqual([
      expect.stringContaining('"::: exercise" needs a name first'),
      expect.stringContaining('Two exercises are named "a"'),
      expect.stringContaining('Exercise "a" has no check'),
    ]);
  });
});

describe('exerciseStatus', () => {
  it('reads the values a check may give', () => {
    expect(exerciseStatus(true)).toEqual({ state: 'passed', message: '' });
    expect(exerciseStatus(false)).toEqual({ state: 'not-yet', message: '' });
    expect(exerciseStatus('too low')).toEqual({ state: 'not-yet', message: 'too low' });
    expect(exerciseStatus({ passed: true, message: '81%' })).toEqual({ state: 'passed', message: '81%' });
    expect(exerciseStatus({ passed: false })).toEqual({ state: 'not-yet', message: '' });
    expect(exerciseStatus({ waiting: 'when training ends' })).toEqual({ state: 'waiting', message: 'when training ends' });
    expect(exerciseStatus(undefined)).toEqual({ state: 'waiting', message: '' });
  });

  it('calls anything else the check\'s mistake', () => {
    expect(exerciseStatus(42)).toEqual({ state: 'error', message: expect.stringContaining('The check gave a number') });
    expect(exerciseStatus({ ok: true }).message).toContain('an object without "passed" or "waiting"');
    expect(settledStatus([]).state).toBe('error');
    expect(settledStatus(['first', true])).toEqual({ state: 'passed', message: '' });
  });

  it('labels a status in words', () => {
    expect(statusLabel({ state: 'not-yet', message: 'the threshold is 0.5' })).toBe('Not yet: the threshold is 0.5');
    expect(statusLabel({ state: 'passed', message: '' })).toBe('Passed');
  });
});
