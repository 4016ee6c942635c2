import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { matchSection, renderDeck, splitSlides } from '../../src/slides/render.ts';
import { parseLesson } from '../../src/lesson/parse.ts';

const deckFile = new URL('../../slides/08-fine-tuning.md', import.meta.url);
const lessonFile = new URL('../../notebooks/08-fine-tuning.md', import.meta.url);

describe('renderDeck', () => {
  it('renders every slide of a plain Marp deck with its notes, header, footer and page numbers', () => {
    const md = [
      '---',
      'theme: uncover',
      'header: Course',
      'footer: Lesson',
      '---',
      '<!-- _header: "" -->',
      '# Title',
      '<!-- first note -->',
      '---',
      '<!-- paginate: true -->',
      '## Second',
      '---',
      '## Third',
    ].join('\n');
    const deck = renderDeck(md);
    expect(deck.slides).toHaveLength(3);
    expect(deck.slides.map((s) => s.title)).toEqual(['Title', 'Second', 'Third']);
    expect(deck.slides[0]!.notes).toEqual(['first note']);
    expect(deck.slides[1]!.notes).toEqual([]);
    const [first, second, third] = splitSlides(deck.html);
    // `_header: ""` clears the header on the first slide only.
    expect(first).not.toContain('<header>');
    expect(second).toContain('<header>Course</header>');
    expect(third).toContain('<footer>Lesson</footer>');
    // paginate applies from the slide that sets it onwards.
    expect(first).not.toContain('data-paginate="true"');
    expect(second).toContain('data-marpit-pagination="2"');
    expect(third).toContain('data-marpit-pagination="3"');
    expect(deck.css).toContain('uncover');
  });

  it('keeps scoped styles scoped to their slide', () => {
    const deck = renderDeck('<style scoped>p { color: cyan; }</style>\n\nA\n\n---\n\nB');
    const [first, second] = splitSlides(deck.html);
    const scope = /data-marpit-scope-([\w-]+)/.exec(first!)?.[1];
    expect(scope).toBeTruthy();
    expect(second).not.toContain(`data-marpit-scope-${scope}`);
    expect(deck.css).toContain(`data-marpit-scope-${scope}`);
    expect(deck.css).toContain('cyan');
  });

  it('renders split backgrounds and sized images', () => {
    const deck = renderDeck('# A\n\n![bg right:33% w:400](pic.webp)\n\n---\n\n![w:400](pic.webp)');
    const [first, second] = splitSlides(deck.html);
    expect(first).toContain('data-marpit-advanced-background-split="right"');
    expect(first).toContain('--marpit-advanced-background-split:33%');
    expect(first).toContain('background-size:400px auto');
    expect(second).toMatch(/<img src="pic.webp" alt="" style="width:400px;"/);
  });

  it('turns TypeScript fences into cell placeholders and leaves other code static', () => {
    const deck = renderDeck('## Live\n\n```ts echo\nconst x = 1\n```\n\n```python\nprint(1)\n```\n\n---\n\n```js\nx + 1\n```');
    expect(deck.cells.map((c) => [c.index, c.source, c.options.echo])).toEqual([
      [0, 'const x = 1', true],
      [1, 'x + 1', false],
    ]);
    expect(deck.slides.map((s) => s.cells)).toEqual([[0], [1]]);
    expect(deck.html).toContain('<lectern-cell data-cell="0">');
    expect(deck.html).toContain('language-python');
    expect(deck.html).not.toContain('const x = 1');
  });

  it('allows Lectern\'s cell element and no other new HTML', () => {
    const deck = renderDeck('<lectern-cell data-cell="0" onclick="alert(1)">\n</lectern-cell>\n\n<script>alert(1)</script>\n\n<iframe src="x"></iframe>');
    expect(deck.html).toContain('<lectern-cell data-cell="0">');
    expect(deck.html).not.toContain('onclick');
    expect(deck.html).not.toContain('<script');
    expect(deck.html).not.toContain('<iframe');
  });

  it('reads the section directive, inherited by later slides, and the lesson directive', () => {
    const md = '---\nlesson: 08-fine-tuning\n---\n\n# Intro\n\n---\n\n<!-- section: overfitting -->\n\n## A\n\n---\n\n## B\n\n---\n\n<!-- section: underfitting -->\n\n## C';
    const deck = renderDeck(md);
    expect(deck.lesson).toBe('08-fine-tuning');
    expect(deck.slides.map((s) => s.section)).toEqual([null, 'overfitting', 'overfitting', 'underfitting']);
    // Directives are not speaker notes.
    expect(deck.slides.every((s) => s.notes.length === 0)).toBe(true);
  });

  it('attaches slides without a directive to lesson sections by heading', () => {
    const deck = renderDeck('## Underfitting: simple model\n\n---\n\n## Summary table\n\n---\n\n## Overfitting', {
      lessonSections: ['underfitting', 'overfitting', 'under'],
    });
    expect(deck.slides.map((s) => s.section)).toEqual(['underfitting', 'underfitting', 'overfitting']);
  });

  it('renders the course deck of lesson 8 (Lectern\'s own) with every feature', () => {
    const deck = renderDeck(readFileSync(deckFile, 'utf8'));
    const slides = splitSlides(deck.html);
    expect(deck.lesson).toBe('08-fine-tuning');
    expect(slides.length).toBe(deck.slides.length);
    expect(deck.slides.length).toBeGreaterThanOrEqual(15);
    expect(deck.css).toContain('data-marpit-scope-');
    expect(slides[0]).not.toContain('<header>');
    expect(slides[1]).toContain('<header>');
    expect(deck.html).toContain('data-marpit-pagination=');
    expect(deck.html).toContain('data-marpit-advanced-background-split="right"');
    expect(deck.html).toContain('style="width:400px;"');
    expect(deck.html).toContain('alt="Course QR code (not shipped with Lectern)"');
    expect(deck.slides.filter((s) => s.notes.length > 0).length).toBeGreaterThanOrEqual(3);
    const sections = new Set(deck.slides.map((s) => s.section));
    // The same sections, in order, as the lesson: every slide links to one, every section has a slide.
    const lesson = parseLesson(readFileSync(lessonFile, 'utf8'));
    expect([...sections]).toEqual(lesson.sections.map((s) => s.slug));
    const cellSources = deck.cells.map((c) => c.source).join('\n');
    expect(cellSources).toContain('"Trainable layers"');
    expect(cellSources).toContain('"Dropout"');
  });
});

describe('matchSection', () => {
  it('prefers the longest matching id and needs a whole word', () => {
    expect(matchSection('Fine-tuning example', ['fine', 'fine-tuning'])).toBe('fine-tuning');
    expect(matchSection('Finest', ['fine'])).toBeNull();
    expect(matchSection('', ['fine'])).toBeNull();
  });
});
