/**
 * A starter Marp deck from a lesson, for authors who have none: a title slide, then one slide per
 * `##` section carrying a `section` directive (so slide and section link to each other), the
 * section's first sentences as bullets (with the code block a bullet ending in ":" introduces),
 * its sliders (cells declaring `view(...)`) as live cells, and a speaker-notes comment to fill in.
 * What does not fit on one slide goes on "(continued)" slides of the same section, by an estimate
 * of Marp's default 16:9 layout (see SLIDE). No DOM, no files: `lectern slides` writes the result.
 */
import type { CellBlock, CodeBlock, Lesson, LessonBlock } from '../lesson/types.ts';

export interface StarterDeckArgs {
  /** Lesson id written in the `lesson` directive, e.g. "08-fine-tuning". */
  lessonId: string;
  /** Marp theme. Default: "default". */
  theme?: string;
  /** Most bullets taken from a section's prose. Default: 3. */
  maxBullets?: number;
}

/**
 * Marp's default theme on a 1280×720 slide, in slide px, as measured in Chromium (29px text with
 * 1.5 line height, 78.5px padding, content centred): the height left under a `##` heading, with a
 * margin, and what each kind of content takes. Text wraps at about `charsPerLine` characters.
 * An Inputs control (13px, label column 120px) is one row, plus a row per extra line of its label.
 */
export const SLIDE = {
  contentHeight: 470,
  blockGap: 16,
  bulletLine: 43.5,
  charsPerLine: 82,
  codeLine: 29,
  codePadding: 8,
  controlRow: 35,
  controlLabelLine: 26,
  controlGap: 6,
  labelCharsPerLine: 14,
} as const;

type Item =
  | { kind: 'bullet'; text: string; code?: CodeBlock }
  | { kind: 'control'; cell: CellBlock };

export function starterDeck(lesson: Lesson, args: StarterDeckArgs): string {
  const { lessonId, theme = 'default', maxBullets = 3 } = args;
  const title = lesson.frontMatter.title;
  const front = ['---', 'marp: true', `theme: ${theme}`, `lesson: ${lessonId}`, `header: ${yamlString(title)}`, 'paginate: true', '---'];
  const slides: string[] = [['<!-- _header: "" -->', '<!-- _paginate: false -->', '', `# ${title}`].join('\n')];
  for (const section of lesson.sections) {
    const items = sectionItems(lesson.blocks.slice(section.start + 1, section.end), maxBullets);
    paginate(items).forEach((page, i) => {
      const heading = i === 0 ? section.title : `${section.title} (continued)`;
      const parts = [`<!-- section: ${section.slug} -->`, '', `## ${heading}`, ''];
      page.forEach((item, j) => {
        // Bullets in a row make one tight list; code and controls stand apart.
        const tight = item.kind === 'bullet' && !item.code && page[j + 1]?.kind === 'bullet';
        parts.push(...render(item), ...(tight ? [] : ['']));
      });
      if (i === 0) parts.push(`<!-- Notes for "${section.title}": what to say on this slide. -->`);
      slides.push(parts.join('\n').trimEnd());
    });
  }
  return `${front.join('\n')}\n\n${slides.join('\n\n---\n\n')}\n`;
}

/** The first `maxBullets` sentences (each with the code block it introduces), then every slider. */
function sectionItems(blocks: LessonBlock[], maxBullets: number): Item[] {
  const bullets: Item[] = [];
  blocks.forEach((block, i) => {
    if (block.type !== 'markdown') return;
    const texts = sentences(block.markdown);
    const next = blocks[i + 1];
    texts.forEach((text, j) => {
      const introduces = j === texts.length - 1 && text.endsWith(':') && next?.type === 'code';
      bullets.push(introduces ? { kind: 'bullet', text, code: next } : { kind: 'bullet', text });
    });
  });
  const sliders = blocks.filter((b): b is CellBlock => b.type === 'cell' && /\bview\s*\(/.test(b.source));
  return [...bullets.slice(0, maxBullets), ...sliders.map((cell) => ({ kind: 'control' as const, cell }))];
}

/** Fills slides in order; an item that does not fit starts the next slide (an oversized one gets a slide of its own). */
function paginate(items: Item[]): Item[][] {
  const pages: Item[][] = [[]];
  let used = 0;
  for (const item of items) {
    const height = itemHeight(item);
    if (used + height > SLIDE.contentHeight && pages[pages.length - 1]!.length > 0) {
      pages.push([]);
      used = 0;
    }
    pages[pages.length - 1]!.push(item);
    used += height;
  }
  return pages;
}

/** Estimated height of one item on a slide, gaps included (slide px). */
export function itemHeight(item: Item): number {
  if (item.kind === 'control') return SLIDE.controlGap + controlHeight(item.cell.source);
  const text = item.text.replace(/`([^`]*)`/g, (_, code: string) => 'm'.repeat(Math.ceil(code.length * 1.2))); // monospace runs wider
  const bullet = wrappedLines(text, SLIDE.charsPerLine) * SLIDE.bulletLine;
  const code = item.code ? SLIDE.blockGap + SLIDE.codePadding + item.code.source.trimEnd().split('\n').length * SLIDE.codeLine : 0;
  return SLIDE.blockGap + bullet + code;
}

/** An Inputs control: one row, and more when its label wraps in the label column. */
function controlHeight(source: string): number {
  const label = /\blabel\s*:\s*(["'`])((?:(?!\1).)*)\1/.exec(source)?.[2];
  const lines = label === undefined ? 2 : wrappedLines(label, SLIDE.labelCharsPerLine);
  return SLIDE.controlRow + (lines - 1) * SLIDE.controlLabelLine;
}

/** Lines of `text` wrapped greedily at spaces to `width` characters; a longer word is broken. */
export function wrappedLines(text: string, width: number): number {
  let lines = 1;
  let used = 0;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (used > 0 && used + 1 + word.length <= width) {
      used += 1 + word.length;
      continue;
    }
    if (used > 0) lines += 1;
    const extra = Math.ceil(word.length / width) - 1;
    lines += extra;
    used = word.length - extra * width;
  }
  return lines;
}

function render(item: Item): string[] {
  if (item.kind === 'control') return [fence(item.cell.lang, item.cell.source)];
  return item.code ? [`* ${item.text}`, '', fence(item.code.lang, item.code.source)] : [`* ${item.text}`];
}

/** A fence longer than any backtick run in the code, so the code cannot close it. */
function fence(lang: string, source: string): string {
  const longest = Math.max(2, ...[...source.matchAll(/`+/g)].map((m) => m[0].length));
  const marker = '`'.repeat(longest + 1);
  return `${marker}${lang}\n${source.trimEnd()}\n${marker}`;
}

/**
 * Plain sentences of a Markdown block: each paragraph's sentences, and each list item's first
 * sentence. Links become their text and emphasis markers go; inline code stays code, so
 * identifiers such as `show_trainable` keep their underscores.
 */
export function sentences(markdown: string): string[] {
  const items: { text: string; listItem: boolean }[] = [];
  for (const line of markdown.split('\n')) {
    if (/^\s*(\||<|>|!\[)/.test(line)) continue;
    const bullet = /^\s*(?:[*+-]|\d+[.)])\s+(.*)$/.exec(line);
    const last = items[items.length - 1];
    if (bullet) items.push({ text: bullet[1]!, listItem: true });
    else if (line.trim() === '') items.push({ text: '', listItem: false });
    else if (last && last.text !== '') last.text += ` ${line.trim()}`;
    else items.push({ text: line.trim(), listItem: false });
  }
  return items.flatMap(({ text, listItem }) => {
    const found = splitSentences(plain(text));
    return listItem ? found.slice(0, 1) : found;
  });
}

/** Markdown inline markup to plain text, code spans kept (and shielded from the other rules). */
function plain(text: string): string {
  const spans: string[] = [];
  const shielded = text.replace(/(`+)([\s\S]*?[^`])\1(?!`)/g, (span) => `\u0000${spans.push(span) - 1}\u0000`);
  const stripped = shielded
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__)(?=\S)([\s\S]*?\S)\1/g, '$2')
    .replace(/\*(?=\S)([^*]*?\S)\*/g, '$1')
    // `_x_` is emphasis only at word boundaries: snake_case words keep their underscores.
    .replace(/(^|[^\p{L}\p{N}_])_(?=\S)([^_]*?\S)_(?![\p{L}\p{N}_])/gu, '$1$2');
  return stripped.replace(/\u0000(\d+)\u0000/g, (_, i: string) => spans[Number(i)]!);
}

/** Sentences end at . ! ? before a capital letter; not inside code spans (restored already, so split around them). */
function splitSentences(text: string): string[] {
  const out: string[] = [];
  let current = '';
  // Code spans are atoms: only the text between them can end a sentence.
  for (const part of text.split(/(`+[\s\S]*?[^`]`+(?!`))/)) {
    if (part.startsWith('`')) {
      current += part;
      continue;
    }
    const pieces = part.split(/(?<=[.!?])\s+(?=[A-Z])/);
    current += pieces[0];
    for (const piece of pieces.slice(1)) {
      out.push(current);
      current = piece;
    }
  }
  out.push(current);
  return out.map((s) => s.replace(/\s+/g, ' ').trim()).filter((s) => s.length > 0);
}

function yamlString(text: string): string {
  return /^[\w ,.()-]+$/.test(text) ? text : JSON.stringify(text);
}
