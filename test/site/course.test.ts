import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseLesson } from '../../src/lesson/parse.ts';
import { courseLesson, durationText, progressText } from '../../src/site/course.ts';

const lesson = (text: string) => parseLesson(text, { path: 'notebooks/03-x.md' });

describe('the course index entry of a lesson', () => {
  it("takes the author's description, minutes and deck", () => {
    const entry = courseLesson('03-x', lesson('---\ntitle: X\ndescription: One line.\nminutes: 25\nslides: slides/03-deck.md\n---\n# X\n\nFirst words here. More.\n'), ['03-deck', '03-x']);
    expect(entry).toMatchObject({ title: 'X', order: 3, description: 'One line.', minutes: 25, estimated: false, deck: '03-deck', exercises: [] });
  });

  it('says what it can without them: the first sentence, an estimate, a deck of the same name', () => {
    const words = Array.from({ length: 1000 }, () => 'word').join(' ');
    const text = `# X\n\nThe **first** sentence, with \`code\` and [a link](#y). The second.\n\n${words}\n\n\`\`\`ts\nconst a = 1\n\`\`\`\n\n::: exercise e1 Do it\nTask.\n:::\n\n\`\`\`ts check\ntrue\n\`\`\`\n`;
    const entry = courseLesson('03-x', lesson(text), ['03-x']);
    expect(entry.description).toBe('The first sentence, with code and a link.');
    // 1,000+ words at 200 a minute and two cells: about 5 + 2 minutes, to the nearest 5.
    expect(entry).toMatchObject({ minutes: 5, estimated: true, deck: '03-x', exercises: [{ id: 'e1', title: 'Do it' }] });
    expect(courseLesson('03-x', lesson('# X\n\nText.\n'), ['other']).deck).toBeNull();
  });

  it("describes this course's lessons in one line each, with a deck for 7 and 8", () => {
    for (const id of ['00-how-lessons-work', '07-callbacks', '08-fine-tuning']) {
      const entry = courseLesson(id, parseLesson(readFileSync(`notebooks/${id}.md`, 'utf8'), { path: `notebooks/${id}.md` }), ['07-callbacks', '08-fine-tuning']);
      expect(entry.description.length, id).toBeGreaterThan(20);
      expect(entry.description, id).not.toMatch(/\n/);
      expect(entry.estimated, id).toBe(false);
      expect(entry.deck, id).toBe(id === '00-how-lessons-work' ? null : id);
    }
  });

  it('words progress and time for people', () => {
    expect(progressText(0, 0)).toBe('No exercises');
    expect(progressText(0, 3)).toBe('Not started: 3 exercises');
    expect(progressText(1, 3)).toBe('1 of 3 exercises done');
    expect(progressText(1, 1)).toBe('All 1 exercise done');
    expect(durationText(40)).toBe('about 40 min');
    expect(durationText(75)).toBe('about 1 h 15 min');
    expect(durationText(120)).toBe('about 2 h');
  });
});
