/**
 * parseLesson: Markdown text → {@link Lesson}. marked lexes the file; runs of
 * Markdown tokens between headings and fences become one Markdown block;
 * `ts`/`js` fences become live cells; other fences stay static code; `${...}`
 * in prose and headings become inline expressions (see inline.ts).
 */
import { Marked, type Token, type Tokens, type TokensList } from 'marked';
import { parseFenceInfo } from './cell-info.ts';
import { containerBlocks, CONTAINER_KINDS, isContainerToken, type ContainerToken } from './exercises.ts';
import { splitFrontMatter, type FrontMatterBlock } from './front-matter.ts';
import { inlineExpressionEnd, inlineExpressions } from './inline.ts';
import { createSlugger } from './slug.ts';
import type { CellBlock, ExerciseBlock, FrontMatter, InlineExpression, Lesson, LessonBlock, LessonDiagnostic, LessonSection } from './types.ts';

export interface ParseLessonArgs {
  /** The file's path, used for default title and order and kept on the Lesson (default none). */
  path?: string;
}

/** Ids of inline expressions: `id=` of a cell may not take one. */
const INLINE_ID = /^inline-\d+$/;

export function parseLesson(text: string, { path }: ParseLessonArgs = {}): Lesson {
  const front = splitFrontMatter(text);
  const diagnostics: LessonDiagnostic[] = [...front.diagnostics];
  const inlines: InlineExpression[] = [];
  // One marked per lesson: its inline-expression extension numbers this lesson's expressions.
  const markdown = new Marked(
    { gfm: true },
    inlineExpressions((source) => {
      const id = `inline-${inlines.length + 1}`;
      inlines.push({ type: 'inline', id, index: inlines.length, source, line: 0, block: -1 });
      return id;
    }),
    containerBlocks(),
  );
  const tokens = markdown.lexer(front.body);
  const blocks: LessonBlock[] = [];
  const cells: CellBlock[] = [];
  const exercises: ExerciseBlock[] = [];
  const slug = createSlugger();
  let pending: Token[] = [];
  let pendingLine = 0;
  let line = front.lineOffset + 1;

  /**
   * Gives the expressions rendered since `first` their block and file line: `raw` is the block's
   * text, starting on file line `rawLine`; `blockLine` is the fallback. Matched by the first line
   * of their source (marked drops the indentation of a list item's continuation lines).
   */
  const placeInlines = (first: number, raw: string, rawLine: number, blockLine: number): void => {
    let from = 0;
    for (const inline of inlines.slice(first)) {
      const at = raw.indexOf(`\${${inline.source.split('\n')[0]}`, from);
      inline.block = blocks.length;
      inline.line = at < 0 ? blockLine : rawLine + countNewlines(raw.slice(0, at));
      if (at >= 0) from = at + 2;
    }
  };

  const flushMarkdown = (): void => {
    const content = pending.filter((t) => t.type !== 'space');
    const first = inlines.length;
    const html = content.length ? renderBlocks(markdown, content, tokens) : '';
    // Link reference definitions alone render to nothing: no block for them.
    if (html.trim()) {
      const raw = pending.map((t) => t.raw).join('');
      placeInlines(first, raw, pendingLine - leadingNewlines(pending[0]!.raw), pendingLine);
      blocks.push({ type: 'markdown', line: pendingLine, markdown: raw.trim(), html });
    }
    pending = [];
  };

  for (const token of tokens) {
    const tokenLine = line + leadingNewlines(token.raw);
    line += countNewlines(token.raw);
    if (token.type === 'heading') {
      flushMarkdown();
      const heading = token as Tokens.Heading;
      const first = inlines.length;
      const html = markdown.parseInline(heading.text) as string;
      placeInlines(first, heading.raw, tokenLine - leadingNewlines(heading.raw), tokenLine);
      blocks.push({ type: 'heading', line: tokenLine, depth: heading.depth, text: plainText(heading), slug: slug(plainText(heading)), html });
    } else if (isContainerToken(token)) {
      flushMarkdown();
      const first = inlines.length;
      const problems: LessonDiagnostic[] = [];
      const part = container(token, tokenLine, exercises, problems);
      const html = renderBlocks(markdown, token.tokens, tokens);
      if (part.kind === 'exercise') {
        placeInlines(first, token.raw, tokenLine, tokenLine);
        const exercise: ExerciseBlock = { type: 'exercise', line: tokenLine, id: part.id, title: part.title, html, hints: [] };
        exercises.push(exercise);
        blocks.push(exercise);
      } else if (part.kind === 'hint' || part.kind === 'solution') {
        // Shown in their exercise's box: their inline expressions belong to its block.
        placeInlines(first, token.raw, tokenLine, tokenLine);
        for (const inline of inlines.slice(first)) inline.block = blocks.indexOf(part.exercise);
        if (part.kind === 'hint') part.exercise.hints.push(html);
        else part.exercise.solution = html;
      } else if (html.trim()) {
        // An unknown or misplaced block keeps its content as prose: nothing the author wrote is lost.
        placeInlines(first, token.raw, tokenLine, tokenLine);
        blocks.push({ type: 'markdown', line: tokenLine, markdown: token.raw.trim(), html });
      }
      diagnostics.push(...problems);
    } else if (token.type === 'code') {
      flushMarkdown();
      const code = token as Tokens.Code;
      const isFenced = /^\s*(```|~~~)/.test(code.raw);
      if (isFenced) diagnostics.push(...fenceProblems(code.raw, tokenLine));
      const info = parseFenceInfo(isFenced ? code.lang ?? '' : '');
      if (info.live) {
        const index = cells.length;
        for (const problem of info.problems) diagnostics.push({ line: tokenLine, message: problem });
        let id = info.id ?? `cell-${index + 1}`;
        if (INLINE_ID.test(id)) {
          diagnostics.push({ line: tokenLine, message: `The id "${id}" is kept for the lesson's inline expressions; this cell is cell-${index + 1}` });
          id = `cell-${index + 1}`;
        } else if (cells.some((c) => c.id === id)) {
          // Ids key the runtime and saved edits: a repeated one falls back to the position.
          diagnostics.push({ line: tokenLine, message: `Two cells have the id "${id}"; this one is cell-${index + 1}` });
          id = `cell-${index + 1}`;
        }
        const options = { ...info.options };
        if (options.check !== undefined) {
          const exercise = options.check === '' ? exercises.at(-1) : exercises.find((e) => e.id === options.check);
          if (!exercise) {
            diagnostics.push({ line: tokenLine, message: options.check === '' ? 'A check cell checks the exercise above it, and there is none: add a "::: exercise name" block before it' : `check=${options.check}: no exercise "${options.check}" above this cell` });
            delete options.check;
          } else if (exercise.check !== undefined) {
            diagnostics.push({ line: tokenLine, message: `Exercise "${exercise.id}" already has a check (${exercise.check}); this cell is an ordinary cell` });
            delete options.check;
          } else {
            options.check = exercise.id;
            exercise.check = id;
          }
        }
        const cell: CellBlock = { type: 'cell', id, index, lang: info.lang, source: code.text, options, line: tokenLine, sourceLine: tokenLine + 1 };
        cells.push(cell);
        blocks.push(cell);
      } else {
        blocks.push({ type: 'code', line: tokenLine, lang: info.lang, source: code.text });
      }
    } else {
      if (!pending.length) pendingLine = tokenLine;
      pending.push(token);
    }
  }
  flushMarkdown();
  for (const exercise of exercises) {
    if (exercise.check === undefined) diagnostics.push({ line: exercise.line, message: `Exercise "${exercise.id}" has no check: add a \`\`\`ts check cell after it` });
  }

  return { path, frontMatter: toFrontMatter(front, blocks, path, diagnostics), blocks, cells, inlines, exercises, sections: findSections(blocks), diagnostics };
}

type ContainerPart =
  | { kind: 'exercise'; id: string; title: string }
  | { kind: 'hint' | 'solution'; exercise: ExerciseBlock }
  | { kind: 'unknown' };

/** What a `:::` block is, with the problems of its opening line and its content said at their lines. */
function container(token: ContainerToken, line: number, exercises: readonly ExerciseBlock[], problems: LessonDiagnostic[]): ContainerPart {
  if (token.unclosed) problems.push({ line, message: `The "::: ${token.kind}" block opened here is never closed: add a line ":::" where it ends` });
  let offset = 1;
  for (const inner of token.tokens) {
    if (inner.type === 'code' && /^\s*(```|~~~)/.test(inner.raw) && parseFenceInfo((inner as Tokens.Code).lang ?? '').live && token.kind !== 'solution') {
      problems.push({ line: line + offset + leadingNewlines(inner.raw), message: `Live cells do not run inside a "::: ${token.kind}" block: put the cell after its closing ":::"` });
    }
    offset += countNewlines(inner.raw);
  }
  const words = token.args.split(/\s+/).filter(Boolean);
  if (token.kind === 'exercise') {
    const [id, ...title] = words;
    if (!id || !/^[A-Za-z][\w-]*$/.test(id)) {
      problems.push({ line, message: `"::: exercise" needs a name first (a letter, then letters, digits, _ or -), e.g. "::: exercise reach-80 Reach 80%"` });
      return { kind: 'unknown' };
    }
    if (exercises.some((e) => e.id === id)) {
      problems.push({ line, message: `Two exercises are named "${id}": progress is kept by name, so this one is shown as prose` });
      return { kind: 'unknown' };
    }
    return { kind: 'exercise', id, title: title.join(' ') || `Exercise ${exercises.length + 1}` };
  }
  if (token.kind === 'hint' || token.kind === 'solution') {
    const [name, ...rest] = words;
    const exercise = name === undefined ? exercises.at(-1) : exercises.find((e) => e.id === name);
    if (rest.length) problems.push({ line, message: `"::: ${token.kind}" takes at most an exercise's name (got "${token.args}")` });
    if (!exercise) {
      problems.push({ line, message: name === undefined ? `"::: ${token.kind}" belongs to the exercise above it, and there is none` : `"::: ${token.kind} ${name}": no exercise "${name}" above it` });
      return { kind: 'unknown' };
    }
    if (token.kind === 'solution' && exercise.solution !== undefined) {
      problems.push({ line, message: `Exercise "${exercise.id}" already has a solution; this one is shown as prose` });
      return { kind: 'unknown' };
    }
    return { kind: token.kind, exercise };
  }
  problems.push({ line, message: `Unknown block "::: ${token.kind}" (known: ${CONTAINER_KINDS.join(', ')}); its content is shown as prose` });
  return { kind: 'unknown' };
}

/**
 * A fence that is never closed runs to the end of the file, and one whose closing
 * line is missing swallows the prose and cells after it up to the next bare fence:
 * both compile prose as code. Say where, instead of only failing the cell.
 */
function fenceProblems(raw: string, line: number): LessonDiagnostic[] {
  const lines = raw.replace(/^(?:[ \t]*\n)+/, '').replace(/\n+$/, '').split('\n');
  const opening = /^ {0,3}(`{3,}|~{3,})\s*(\S*)/.exec(lines[0] ?? '');
  if (!opening) return [];
  const [, marker, lang] = opening;
  const char = marker[0] === '`' ? '`' : '~';
  const atLeast = `[${char}]{${marker.length},}`;
  const closing = new RegExp(`^ {0,3}${atLeast}\\s*$`);
  const nestedOpening = new RegExp(`^ {0,3}${atLeast}\\s*\\S`);
  const problems: LessonDiagnostic[] = [];
  const closed = lines.length > 1 && closing.test(lines[lines.length - 1]);
  const body = closed ? lines.slice(1, -1) : lines.slice(1);
  body.forEach((text, i) => {
    if (nestedOpening.test(text)) {
      problems.push({ line: line + 1 + i, message: `"${text.trim()}" is inside the ${marker}${lang} block opened on line ${line}: fences do not nest, so its closing ${marker} is probably missing above this line` });
    }
  });
  if (!closed) problems.push({ line, message: `The ${marker}${lang} fence opened here is never closed, so everything to the end of the file is its code: add a closing ${marker} line` });
  return problems;
}

/** Renders a run of block tokens, keeping the file's reference-style link definitions. */
function renderBlocks(markdown: Marked, content: Token[], all: TokensList): string {
  const list = Object.assign([...content], { links: all.links }) as TokensList;
  return markdown.parser(list);
}

/** A heading's text without markup, and without its inline expressions (a slug is not code). */
function plainText(heading: Tokens.Heading): string {
  return withoutInlineExpressions(heading.text).replace(/\s+/g, ' ').replace(/[*_`~]|\[([^\]]*)\]\([^)]*\)/g, '$1').trim();
}

function withoutInlineExpressions(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; ) {
    const end = text[i - 1] === '\\' ? undefined : inlineExpressionEnd(text, i);
    if (end === undefined) out += text[i++];
    else i = end;
  }
  return out;
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/** Lines before a token's first non-blank line (marked folds leading blank lines into some tokens). */
function leadingNewlines(raw: string): number {
  const match = /^(?:[ \t]*\n)*/.exec(raw);
  return match ? countNewlines(match[0]) : 0;
}

function findSections(blocks: LessonBlock[]): LessonSection[] {
  const sections: LessonSection[] = [];
  blocks.forEach((block, i) => {
    if (block.type !== 'heading' || block.depth > 2) return;
    const last = sections[sections.length - 1];
    if (last) last.end = i;
    if (block.depth === 2) sections.push({ slug: block.slug, title: block.text, line: block.line, start: i, end: blocks.length });
  });
  return sections;
}

function toFrontMatter(front: FrontMatterBlock, blocks: LessonBlock[], path: string | undefined, diagnostics: LessonDiagnostic[]): FrontMatter {
  const { title, order, slides, description, minutes, ...extra } = front.values;
  const fileName = path?.replace(/^.*[\\/]/, '').replace(/\.md$/, '');
  const firstH1 = blocks.find((b) => b.type === 'heading' && b.depth === 1);
  const check = (key: string, ok: boolean, kind: string): void => {
    if (!ok) diagnostics.push({ line: front.lines[key] ?? 1, message: `Front matter: "${key}" must be ${kind}` });
  };
  if (title !== undefined) check('title', typeof title === 'string', 'a string');
  if (order !== undefined) check('order', typeof order === 'number', 'a number');
  if (slides !== undefined) check('slides', typeof slides === 'string', 'a path (string)');
  if (description !== undefined) check('description', typeof description === 'string', 'one line of text');
  if (minutes !== undefined) check('minutes', typeof minutes === 'number' && minutes > 0, 'a positive number (minutes to complete)');
  const leadingNumber = fileName ? /^(\d+)/.exec(fileName) : null;
  return {
    title: typeof title === 'string' ? title : firstH1?.type === 'heading' ? firstH1.text : (fileName ?? 'Untitled'),
    order: typeof order === 'number' ? order : leadingNumber ? Number(leadingNumber[1]) : 0,
    ...(typeof slides === 'string' ? { slides } : {}),
    ...(typeof description === 'string' ? { description } : {}),
    ...(typeof minutes === 'number' && minutes > 0 ? { minutes } : {}),
    extra,
  };
}
