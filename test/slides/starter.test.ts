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

  it('splits prose into plain sentences, keeping inline code as code', () => {
    expect(sentences('See [the docs](x.md) and `fit()`. Then *stop*!\n\n| a | b |')).toEqual(['See the docs and `fit()`.', 'Then stop!']);
  });

  it('keeps identifiers intact: underscores inside code and words are not emphasis', () => {
    expect(sentences('`summary(show_trainable=True)` marks `block_16_project_BN` and out_relu. It is _really_ so.')).toEqual([
      '`summary(show_trainable=True)` marks `block_16_project_BN` and out_relu.',
      'It is really so.',
    ]);
    // A period inside code does not end the sentence.
    expect(sentences('Call `model.fit(x). Then` wait. Done.')).toEqual(['Call `model.fit(x). Then` wait.', 'Done.']);
  });

  it('takes one bullet per list item, its first sentence', () => {
    expect(sentences('Cases:\n\n- **Under**: few layers. It stays low\n  for long.\n- **Over**: all layers.')).toEqual(['Cases:', 'Under: few layers.', 'Over: all layers.']);
  });

  it('keeps the code block a bullet ending in ":" introduces', () => {
    const withCode = parseLesson(['# L', '', '## Freeze', '', 'In Keras the loop reads:', '', '```python', 'for layer in base.layers[:-4]:', '    layer.trainable = False', '```', '', 'Then train.'].join('\n'));
    const md = starterDeck(withCode, { lessonId: 'l' });
    expect(md).toContain('* In Keras the loop reads:\n\n```python\nfor layer in base.layers[:-4]:\n    layer.trainable = False\n```\n\n* Then train.');
  });

  it('puts what does not fit on "(continued)" slides of the same section, losing no slider', () => {
    const sliders = Array.from({ length: 12 }, (_, i) => ['```ts', `const s${i} = view(Inputs.range([0, 1], {label: "Slider ${i}"}))`, '```', ''].join('\n'));
    const crowded = parseLesson(['# L', '', '## Many', '', 'One. Two. Three.', '', ...sliders].join('\n'));
    const deck = renderDeck(starterDeck(crowded, { lessonId: 'l' }));
    const many = deck.slides.filter((s) => s.section === 'many');
    expect(many.map((s) => s.title)).toEqual(['Many', 'Many (continued)']);
    expect(deck.cells).toHaveLength(12);
    expect(many.flatMap((s) => s.cells)).toEqual(deck.cells.map((c) => c.index));
  });
});
