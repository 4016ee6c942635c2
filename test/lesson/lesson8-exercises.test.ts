/** Lesson 8's "Your turn" exercises: each has a check, hints and a solution, and its check reads only what the lesson declares. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileCell } from '../../src/cells/compile.ts';
import { parseLesson } from '../../src/lesson/parse.ts';

const lesson = parseLesson(readFileSync(new URL('../../notebooks/08-fine-tuning.md', import.meta.url), 'utf8'));

describe("lesson 8's exercises", () => {
  it('are the good fit, the two underfitting cures, EarlyStopping and where the base pays, each with a check, hints and a solution', () => {
    expect(lesson.diagnostics).toEqual([]);
    expect(lesson.exercises.map((e) => e.id)).toEqual(['good-fit-deeper', 'cure-underfitting', 'too-slow', 'early-stop', 'base-pays']);
    for (const exercise of lesson.exercises) {
      expect(exercise.check, exercise.id).toBeDefined();
      expect(exercise.hints.length, exercise.id).toBeGreaterThan(0);
      expect(exercise.solution, exercise.id).toBeTruthy();
    }
  });

  it('check only names the lesson declares (a misspelt name would fail in the page, not here)', () => {
    const declared = new Set(lesson.cells.flatMap((cell) => compileCell({ source: cell.source, id: cell.id }).declarations));
    for (const exercise of lesson.exercises) {
      const cell = lesson.cells.find((c) => c.id === exercise.check)!;
      const compiled = compileCell({ source: cell.source, id: cell.id });
      expect(compiled.error, exercise.id).toBeUndefined();
      expect(compiled.expression, exercise.id).toBe(true);
      expect(compiled.references.filter((name) => !declared.has(name)), exercise.id).toEqual([]);
    }
  });
});
