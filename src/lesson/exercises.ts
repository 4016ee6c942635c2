/**
 * Exercises that check themselves: the `:::` blocks of a lesson (a marked extension) and what a
 * check cell's value means. Syntax (README, "Exercises"):
 *
 * ```md
 * ::: exercise reach-80 Reach 80% without overfitting
 * Task, in Markdown.
 * :::
 *
 * ```ts check
 * training.done ? { passed: best >= 0.8, message: `best ${best}` } : { waiting: 'Runs when training ends.' }
 * ```
 *
 * ::: hint
 * A hint (several are shown one at a time).
 * :::
 *
 * ::: solution
 * Prose and static code.
 * :::
 * ```
 *
 * `:::` blocks do not nest; a block ends at the first line that is `:::` alone. Runs in Node and the browser.
 */
import type { MarkedExtension, Token, TokenizerAndRendererExtension, Tokens } from 'marked';

/** A `:::` block as marked lexes it (the lesson parser turns it into an exercise or part of one). */
export interface ContainerToken extends Tokens.Generic {
  type: 'lecternContainer';
  raw: string;
  /** First word after `:::` ("exercise", "hint", "solution", or anything an author wrote). */
  kind: string;
  /** The rest of the opening line. */
  args: string;
  /** The block's content, lexed. */
  tokens: Token[];
  /** True when no closing `:::` line was found (the block runs to the end of the file). */
  unclosed: boolean;
}

export const CONTAINER_KINDS = ['exercise', 'hint', 'solution'] as const;

const OPENING = /^ {0,3}:::[ \t]*([A-Za-z][\w-]*)[ \t]*([^\n]*)$/;
const CLOSING = /^ {0,3}:::[ \t]*$/;

/** The marked extension lexing `::: kind args` … `:::` into a {@link ContainerToken}. */
export function containerBlocks(): MarkedExtension {
  const extension: TokenizerAndRendererExtension = {
    name: 'lecternContainer',
    level: 'block',
    start: (src) => {
      const match = /^ {0,3}:::[ \t]*[A-Za-z]/m.exec(src);
      return match ? match.index : undefined;
    },
    tokenizer(src) {
      const firstEnd = src.indexOf('\n');
      const first = firstEnd < 0 ? src : src.slice(0, firstEnd);
      const opening = OPENING.exec(first);
      if (!opening) return undefined;
      const lines = src.split('\n');
      let close = -1;
      for (let i = 1; i < lines.length; i++) {
        if (CLOSING.test(lines[i]!)) {
          close = i;
          break;
        }
      }
      const body = (close < 0 ? lines.slice(1) : lines.slice(1, close)).join('\n');
      let raw = (close < 0 ? lines : lines.slice(0, close + 1)).join('\n');
      // Take the line break (and blank lines) after the closing line, as marked's own blocks do.
      if (close >= 0) raw += /^\n*/.exec(src.slice(raw.length))![0];
      const token: ContainerToken = {
        type: 'lecternContainer',
        raw,
        kind: opening[1]!,
        args: opening[2]!.trim(),
        tokens: this.lexer.blockTokens(body, []),
        unclosed: close < 0,
      };
      return token;
    },
    // Rendered by the lesson parser (parse.ts), never by marked itself.
    renderer: () => '',
  };
  return { extensions: [extension] };
}

export function isContainerToken(token: Token): token is ContainerToken {
  return token.type === 'lecternContainer';
}

/** What a check says now. `waiting`: it cannot tell yet (training has not ended); `error`: the check itself failed. */
export interface ExerciseStatus {
  state: 'passed' | 'not-yet' | 'waiting' | 'error';
  /** Why: shown next to "Passed" / "Not yet" (may be ''). */
  message: string;
}

/**
 * A check cell's value read as a status: `true` passed; `false` not yet; a string, not yet with
 * that reason; `{ passed, message? }`; `{ waiting: 'why' }` or undefined/null, waiting. Anything
 * else is the check's own mistake, said as such.
 */
export function exerciseStatus(value: unknown): ExerciseStatus {
  if (value === true) return { state: 'passed', message: '' };
  if (value === false) return { state: 'not-yet', message: '' };
  if (value === undefined || value === null) return { state: 'waiting', message: '' };
  if (typeof value === 'string') return { state: 'not-yet', message: value };
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const message = typeof record.message === 'string' ? record.message : '';
    if (typeof record.passed === 'boolean') return { state: record.passed ? 'passed' : 'not-yet', message };
    if (typeof record.waiting === 'string' || record.waiting === true) {
      return { state: 'waiting', message: typeof record.waiting === 'string' ? record.waiting : message };
    }
  }
  return {
    state: 'error',
    message: `The check gave ${describe(value)}; a check gives true, false, a reason (a string), { passed, message } or { waiting: "why" }`,
  };
}

/** A check written as statements is read by its last display(...); without one it says nothing, which is the check's mistake. */
export function settledStatus(displayed: readonly unknown[]): ExerciseStatus {
  return displayed.length
    ? exerciseStatus(displayed[displayed.length - 1])
    : { state: 'error', message: 'the check cell gave no value: end it with an expression (true, false, a reason, or { passed, message })' };
}

function describe(value: unknown): string {
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object without "passed" or "waiting"';
  return `a ${typeof value}`;
}

/** The words a status is shown with, in the page and in `lectern run`. */
export function statusLabel(status: ExerciseStatus): string {
  const word = { passed: 'Passed', 'not-yet': 'Not yet', waiting: 'Not checked yet', error: 'The check failed' }[status.state];
  return status.message ? `${word}: ${status.message}` : word;
}
