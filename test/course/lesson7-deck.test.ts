/**
 * Lesson 7 and its deck address each other by section (slides ↔ lesson links, both ways): every
 * `##` section of notebooks/07-callbacks.md has slides, in the lesson's order, and every slide's
 * section is one of the lesson's. The lesson mirrors the course's deck: one section per slide of it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseLesson } from '../../src/lesson/parse.ts';
import { renderDeck } from '../../src/slides/render.ts';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const lesson = parseLesson(read('notebooks/07-callbacks.md'), { path: 'notebooks/07-callbacks.md' });
const sections = lesson.sections.map((s) => s.slug);

describe('lesson 7 and slides/07-callbacks.md', () => {
  it('the lesson has a section for each slide of the course deck after the title, in its order, and no diagnostics', () => {
    expect(lesson.diagnostics).toEqual([]);
    expect(sections).toEqual([
      'introduction', 'callbacks', 'tensorboard', 'earlystopping', 'earlystopping-example', 'modelcheckpoint',
      'modelcheckpoint-example', 'save-only-weights', 'load-the-best-weights', 'tutorial-and-materials',
    ]);
  });

  it('every lesson section has slides, in order, and every slide belongs to a lesson section', () => {
    const deck = renderDeck(read('slides/07-callbacks.md'), { lessonSections: sections });
    const bySlide = deck.slides.map((s) => s.section);
    expect(bySlide.every((s) => s !== null && sections.includes(s))).toBe(true);
    expect([...new Set(bySlide)]).toEqual(sections);
  });

  it('the deck has live cells where they teach: the patience slider and the curves', () => {
    const deck = renderDeck(read('slides/07-callbacks.md'), { lessonSections: sections });
    const sources = deck.slides.filter((s) => s.section === 'earlystopping-example').flatMap((s) => s.cells.map((i) => deck.cells[i]!.source)).join('\n');
    expect(sources).toMatch(/Inputs\.range\([^)]*label: "Patience"/);
    expect(sources).toMatch(/scalars\(runs/);
  });
});
