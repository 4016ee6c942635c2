/**
 * The token model of a lesson: a Markdown file in notebooks/ with a small
 * front matter and fenced `ts`/`js` live cells. Every block knows the line it
 * starts on in the file, so errors can point there.
 */
import type { CellLanguage } from '../cells/types.ts';

export interface FrontMatter {
  /** Title shown in the index and the page (default: the first `#` heading, else the file name). */
  title: string;
  /** Position in the course index (default: the file name's leading number, else 0). */
  order: number;
  /** Path of the lesson's Marp deck, e.g. "slides/08-fine-tuning.md" (optional). */
  slides?: string;
  /** One line saying what the lesson teaches, for the course index (optional). */
  description?: string;
  /** About how long the lesson takes to work through, in minutes, for the course index (optional). */
  minutes?: number;
  /** Any other keys, kept as parsed scalars. */
  extra: Record<string, string | number | boolean | null>;
}

/** Options written after a live cell's language: ```` ```ts echo id=setup ````. */
export interface CellOptions {
  /** Show the source above the output (`echo`). Default false. */
  echo: boolean;
  /** Run the cell but show neither source nor output (`hidden`). Default false. */
  hidden: boolean;
  /**
   * `check` / `check=name`: the cell checks exercise `name` (bare: the exercise just above). Its
   * value says passed / not yet (see exerciseStatus); the page shows that in the exercise's box
   * instead of the cell. Set only on check cells.
   */
  check?: string;
  /**
   * `panel`: the cell is a setting of the lesson page's control panel. Consecutive panel cells form
   * one panel; it and the blocks after it, up to the next heading, are laid out together (the panel
   * stays in view on wide screens). Other views show the cell as usual. Default false.
   */
  panel?: boolean;
}

/** Consecutive Markdown (paragraphs, lists, tables, HTML...) between headings and code. */
export interface MarkdownBlock {
  type: 'markdown';
  line: number;
  markdown: string;
  /** Rendered with marked. */
  html: string;
}

export interface HeadingBlock {
  type: 'heading';
  line: number;
  depth: number;
  /** Plain text of the heading. */
  text: string;
  /** Anchor id, unique in the lesson ("Under- and overfitting" → "under-and-overfitting"). */
  slug: string;
  /** The heading's inline content rendered with marked. */
  html: string;
}

/** A live cell: a fence with info string `ts` or `js` (plus options). */
export interface CellBlock {
  type: 'cell';
  /** `id=` option, else "cell-N" with N the 1-based position among the lesson's cells. */
  id: string;
  /** 0-based position among the lesson's cells. */
  index: number;
  lang: CellLanguage;
  source: string;
  options: CellOptions;
  /** Line of the opening fence. */
  line: number;
  /** Line of the cell's first source line: add (cell line - 1) to map a cell position into the file. */
  sourceLine: number;
}

/** A fence in any other language (or an indented block): shown, never run. */
export interface CodeBlock {
  type: 'code';
  line: number;
  /** Info string's first word, '' when none. */
  lang: string;
  source: string;
}

/**
 * An exercise (`::: exercise name Title` … `:::`): a task in Markdown, checked by a cell
 * (```` ```ts check ````), with optional hints (`::: hint`) and a solution (`::: solution`) that
 * the learner reveals on request. Hints and the solution may come after other blocks; they belong
 * to the exercise they name, else the one above them.
 */
export interface ExerciseBlock {
  type: 'exercise';
  line: number;
  /** The name after `exercise`: progress is kept under it. */
  id: string;
  /** The rest of the opening line, else "Exercise N". */
  title: string;
  /** The task, rendered with marked. */
  html: string;
  /** Each hint, rendered, in order. */
  hints: string[];
  /** The solution, rendered (its code as static code), when the lesson has one. */
  solution?: string;
  /** Id of the exercise's check cell, when the lesson has one. */
  check?: string;
}

export type LessonBlock = MarkdownBlock | HeadingBlock | CellBlock | CodeBlock | ExerciseBlock;

/**
 * `${...}` in a heading or prose (Framework's inline expression): a live value in the text. It
 * reads other cells' names like a cell and re-runs when they change, but declares nothing. Its
 * block's `html` holds a placeholder `<span data-lectern-inline="{id}">` where the value goes.
 */
export interface InlineExpression {
  type: 'inline';
  /** "inline-N", N the 1-based position among the lesson's inline expressions. */
  id: string;
  /** 0-based position among the lesson's inline expressions. */
  index: number;
  /** The expression between `${` and `}`. */
  source: string;
  /** File line of its `${`. */
  line: number;
  /** Index in `blocks` of the heading or Markdown block holding it. */
  block: number;
}

/** A `##` section: what slides and embeds address by slug. */
export interface LessonSection {
  slug: string;
  title: string;
  line: number;
  /** Index in `blocks` of the section's heading. */
  start: number;
  /** Index in `blocks` just past the section's last block. */
  end: number;
}

/** A problem in the lesson file itself (front matter, fence options), not in a cell's code. */
export interface LessonDiagnostic {
  line: number;
  message: string;
}

export interface Lesson {
  /** File path the lesson was read from, when known. */
  path?: string;
  frontMatter: FrontMatter;
  blocks: LessonBlock[];
  /** The live cells of `blocks`, in order. */
  cells: CellBlock[];
  /** The inline expressions of the headings and prose of `blocks`, in order. */
  inlines: InlineExpression[];
  /** The exercise blocks of `blocks`, in order. */
  exercises: ExerciseBlock[];
  sections: LessonSection[];
  diagnostics: LessonDiagnostic[];
}
