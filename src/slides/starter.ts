/**
 * A starter Marp deck from a lesson, for authors who have none: a title slide, then one slide per
 * `##` section carrying a `section` directive (so slide and section link to each other), the
 * section's first sentences as bullets, its sliders (cells declaring `view(...)`) as live cells,
 * and a speaker-notes comment to fill in. No DOM, no files: `lectern slides` writes the result.
 */
import type { CellBlock, Lesson, LessonBlock } from '../lesson/types.ts';

export interface StarterDeckArgs {
  /** Lesson id written in the `lesson` directive, e.g. "08-fine-tuning". */
  lessonId: string;
  /** Marp theme. Default: "default". */
  theme?: string;
  /** Most bullets taken from a section's prose. Default: 3. */
  maxBullets?: number;
}

export function starterDeck(lesson: Lesson, args: StarterDeckArgs): string {
  const { lessonId, theme = 'default', maxBullets = 3 } = args;
  const title = lesson.frontMatter.title;
  const front = ['---', 'marp: true', `theme: ${theme}`, `lesson: ${lessonId}`, `header: ${yamlString(title)}`, 'paginate: true', '---'];
  const slides: string[] = [['<!-- _header: "" -->', '<!-- _paginate: false -->', '', `# ${title}`].join('\n')];
  for (const section of lesson.sections) {
    const blocks = lesson.blocks.slice(section.start + 1, section.end);
    const bullets = proseOf(blocks).flatMap(sentences).slice(0, maxBullets).map((s) => `* ${s}`);
    const sliders = blocks.filter((b): b is CellBlock => b.type === 'cell' && /\bview\s*\(/.test(b.source));
    const parts = [`<!-- section: ${section.slug} -->`, '', `## ${section.title}`, ''];
    if (bullets.length) parts.push(...bullets, '');
    for (const cell of sliders) parts.push(`\`\`\`${cell.lang}`, cell.source.trimEnd(), '```', '');
    parts.push(`<!-- Notes for "${section.title}": what to say on this slide. -->`);
    slides.push(parts.join('\n'));
  }
  return `${front.join('\n')}\n\n${slides.join('\n\n---\n\n')}\n`;
}

function proseOf(blocks: LessonBlock[]): string[] {
  return blocks.filter((b) => b.type === 'markdown').map((b) => (b.type === 'markdown' ? b.markdown : ''));
}

/** Plain sentences of a Markdown block: list items and paragraph sentences, markup stripped. */
export function sentences(markdown: string): string[] {
  const text = markdown
    .split('\n')
    .filter((line) => !/^\s*(\||<|>|!\[)/.test(line))
    .map((line) => line.replace(/^\s*([*+-]|\d+\.)\s+/, '\n'))
    .join(' ')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/[*_]{1,2}([^*_]+)[*_]{1,2}/g, '$1');
  return text
    .split(/\n|(?<=[.!?])\s+(?=[A-Z])/)
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter((s) => s.length > 0);
}

function yamlString(text: string): string {
  return /^[\w ,.()-]+$/.test(text) ? text : JSON.stringify(text);
}
