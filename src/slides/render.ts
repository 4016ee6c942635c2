/**
 * Renders a Marp deck to HTML + CSS with `@marp-team/marp-core`, as Marp would (themes, scoped
 * `<style>`, header/footer and `_` per-slide directives, `paginate`, `bg right:33%` / `w:400`
 * images), with three Lectern additions:
 * - live cells: TypeScript fences become `<lectern-cell>` placeholders (see cells.ts);
 * - the `section` directive (`<!-- section: overfitting -->`, inherited by the following slides
 *   like any local Marp directive) names the lesson section a slide belongs to;
 * - the `lesson` global directive names the lesson (defaults to the deck's own name).
 *
 * No DOM: runs in Node (tests, `lectern slides`) and in the browser.
 */
import { Marp } from '@marp-team/marp-core';
import { CELL_TAG, liftCells, type DeckCell } from './cells.ts';
import { slugify } from '../lesson/slug.ts';

export interface RenderDeckArgs {
  /** Lesson section ids, to attach slides without a `section` directive by heading. Default: none. */
  lessonSections?: string[];
}

/** What the page needs to know about one slide, beside its HTML. */
export interface SlideInfo {
  /** 0-based position in the deck. */
  index: number;
  /** Speaker notes: the slide's HTML comments that are not directives. */
  notes: string[];
  /** Lesson section id this slide belongs to, or null when none is known. */
  section: string | null;
  /** Text of the slide's first heading, or '' (used for titles and section matching). */
  title: string;
  /** Indices of the live cells placed on this slide. */
  cells: number[];
}

export interface RenderedDeck {
  /** `<div class="marpit">` with one `<svg data-marpit-svg>` per slide. */
  html: string;
  /** The theme and the deck's styles, scoped to `div.marpit`. */
  css: string;
  slides: SlideInfo[];
  cells: DeckCell[];
  /** Lesson id from the `lesson` directive, or null. */
  lesson: string | null;
}

/** Marp's own HTML allowlist plus Lectern's cell placeholder (and nothing else). */
export const DECK_HTML_ALLOWLIST = { ...Marp.html, [CELL_TAG]: ['data-cell'] };

/** The part of markdown-it's core state this module reads (markdown-it ships no types here). */
interface DirectiveState {
  tokens: {
    type: string;
    meta?: { marpitDirectives?: Record<string, unknown> } | null;
    attrSet: (name: string, value: string) => void;
  }[];
}

function createMarp(): Marp {
  // math off: the math renderers add megabytes and courses here have no formulas in slides.
  const marp = new Marp({ script: false, math: false, html: DECK_HTML_ALLOWLIST });
  marp.customDirectives.local.section = (value) => ({ section: String(value) });
  marp.customDirectives.global.lesson = (value) => ({ lesson: String(value) });
  // Marpit writes only the directives it knew when it was constructed as data attributes, so
  // Lectern's two are written by a rule of its own, after Marpit has resolved inheritance.
  marp.markdown.core.ruler.after('marpit_directives_apply', 'lectern_directives', (state: DirectiveState) => {
    for (const token of state.tokens) {
      const directives = token.meta?.marpitDirectives;
      if (token.type !== 'marpit_slide_open' || !directives) continue;
      if (directives.section) token.attrSet('data-section', String(directives.section));
      if (directives.lesson) token.attrSet('data-lesson', String(directives.lesson));
    }
    return true;
  });
  return marp;
}

export function renderDeck(markdown: string, args: RenderDeckArgs = {}): RenderedDeck {
  const lifted = liftCells(markdown);
  const { html, css, comments } = createMarp().render(lifted.markdown);
  const chunks = splitSlides(html);
  if (chunks.length !== comments.length) {
    throw new Error(`Marp returned ${chunks.length} slide(s) but notes for ${comments.length}`);
  }
  let lastSection: string | null = null;
  const slides = chunks.map((chunk, index): SlideInfo => {
    const title = firstHeading(chunk);
    const section = attribute(chunk, 'data-section') ?? matchSection(title, args.lessonSections ?? []) ?? lastSection;
    lastSection = section;
    const cells = [...chunk.matchAll(new RegExp(`<${CELL_TAG} data-cell="(\\d+)"`, 'g'))].map((m) => Number(m[1]));
    return { index, notes: comments[index] ?? [], section, title, cells };
  });
  return { html, css, slides, cells: lifted.cells, lesson: attribute(html, 'data-lesson') };
}

/** The HTML of each slide (one `<svg data-marpit-svg>` each, split backgrounds included). */
export function splitSlides(html: string): string[] {
  return html.split('<svg data-marpit-svg').slice(1);
}

function attribute(html: string, name: string): string | null {
  const match = new RegExp(`${name}="([^"]*)"`).exec(html);
  return match ? decodeEntities(match[1]!) : null;
}

function firstHeading(html: string): string {
  const match = /<h[1-6][^>]*>([\s\S]*?)<\/h[1-6]>/.exec(html);
  return match ? decodeEntities(match[1]!.replace(/<[^>]+>/g, '')).trim() : '';
}

/**
 * A slide whose heading is "Overfitting: complex model" belongs to section `overfitting`: the
 * longest section id that its heading's slug equals or starts with (followed by a dash).
 */
export function matchSection(title: string, sections: string[]): string | null {
  if (!title.trim()) return null;
  const slug = slugify(title);
  let best: string | null = null;
  for (const id of sections) {
    if ((slug === id || slug.startsWith(`${id}-`)) && (!best || id.length > best.length)) best = id;
  }
  return best;
}

function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
