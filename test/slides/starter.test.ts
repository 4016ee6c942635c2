import { describe, expect, it } from 'vitest';
import { parseLesson } from '../../src/lesson/parse.ts';
import { sentences, starterDeck } from '../../src/slides/starter.ts';
import { renderDeck } from '../../src/slides/render.ts';

const lesson = parseLesson(
  [
    '---',
    'title: Fine-tuning',
    '---',
    '# Fine-tuning',
    '',
    'Intro text.',
    '',
    '## Freezing layers',
    '',
    'We freeze the base. Only the **last** layers learn. A third sentence. A fourth one.',
    '',
    '```ts',
    'const trainableLast = view(Inputs.range([0, 10], {label: "Trainable layers", value: 2}))',
    '```',
    '',
    '```ts',
    'const unrelated = 1',
    '```',
    '',
    '## Overfitting',
    '',
    '* Training: good',
    '* Validation: bad',
  ].join('\n'),
);

describe('starterDeck', () => {
  it('makes a title slide and one slide per section, linked by the section directive', () => {
    const md = starterDeck(lesson, { lessonId: '08-fine-tuning' });
    const deck = renderDeck(md);
    expect(deck.lesson).toBe('08-fine-tuning');
    expect(deck.slides.map((s) => [s.title, s.section])).toEqual([
      ['Fine-tuning', null],
      ['Freezing layers', 'freezing-layers'],
      ['Overfitting', 'overfitting'],
    ]);
    // Sliders become live cells on their section's slide; other cells stay in the lesson.
    expect(deck.cells.map((c) => c.source)).toEqual([lesson.cells[0]!.source]);
    expect(deck.slides[1]!.cells).toEqual([0]);
    expect(md).toContain('* We freeze the base.\n* Only the last layers learn.\n* A third sentence.\n');
    expect(md).not.toContain('A fourth one');
    expect(md).toContain('* Training: good\n* Validation: bad');
    expect(deck.slides[2]!.notes[0]).toContain('Notes for "Overfitting"');
  });

  it('splits prose into plain sentences', () => {
    expect(sentences('See [the docs](x.md) and `fit()`. Then *stop*!\n\n| a | b |')).toEqual(['See the docs and fit().', 'Then stop!']);
  });
});
