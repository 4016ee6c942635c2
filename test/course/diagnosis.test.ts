/** The course's diagnosis points into lesson 8 and names its controls. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { courseDiagnosis, LESSON_REMEDIES, LESSON_SECTIONS } from '../../src/course/diagnosis.ts';
import { parseLesson } from '../../src/lesson/parse.ts';
import { VERDICTS } from '../../src/ml/diagnose.ts';

const lesson = parseLesson(readFileSync(new URL('../../notebooks/08-fine-tuning.md', import.meta.url), 'utf8'));
const headings = new Set(lesson.blocks.flatMap((b) => (b.type === 'heading' ? [b.slug] : [])));
const controls = new Set([...readFileSync(new URL('../../notebooks/08-fine-tuning.md', import.meta.url), 'utf8').matchAll(/label: '([^']+)'/g)].map((m) => m[1]));

describe("the course's diagnosis", () => {
  it('links every verdict to a heading of lesson 8', () => {
    for (const verdict of VERDICTS) expect(headings, `${verdict} → #${LESSON_SECTIONS[verdict]}`).toContain(LESSON_SECTIONS[verdict]);
  });

  it('names only controls the lesson has', () => {
    const named = Object.values(LESSON_REMEDIES).flat().flatMap((line) => [...line.matchAll(/"([^"]+)"/g)].map((m) => m[1]));
    expect(named.length).toBeGreaterThan(0);
    for (const name of named) expect(controls, name).toContain(name);
  });

  it('takes chance from the run\'s classes and skips the BatchNormalization rule when none trained', () => {
    const logs = [{ loss: 1.2, accuracy: 0.5, val_loss: 3, val_accuracy: 0.3 }, { loss: 0.8, accuracy: 0.7, val_loss: 3.5, val_accuracy: 0.35 }];
    const classes = ['a', 'b', 'c', 'd'];
    expect(courseDiagnosis({ logs, classes }).verdict).toBe('batchnorm statistics');
    expect(courseDiagnosis({ logs, classes, batchNormTrained: false }).verdict).toBe('overfitting');
    // Thirty classes: ln 30 = 3.4, so validation losses of 3 and 3.5 are no sign of broken statistics.
    const thirty = courseDiagnosis({ logs, classes: Array.from({ length: 30 }, (_, i) => `c${i}`) });
    expect(thirty.figures.chanceLoss).toBeCloseTo(Math.log(30), 12);
    expect(thirty.verdict).not.toBe('batchnorm statistics');
  });
});
