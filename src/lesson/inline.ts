/**
 * Inline expressions in prose, as Observable Framework has them: "validation reached
 * ${accuracy}" shows the live value of `accuracy` in the sentence. In Markdown text, headings,
 * lists, tables and HTML; not in code (backtick spans, fences, indented code), not inside an HTML
 * tag, comment, `<script>` or `<style>`. `\${` is a literal `${`.
 *
 * The expression ends at the `}` that closes its `${`, found with acorn's tokenizer, so braces in
 * strings, template literals and object literals are fine. Each expression becomes an
 * {@link INLINE_TAG} placeholder in the block's HTML, which the page fills with the value.
 */
import { tokenizer, tokTypes, type Options } from 'acorn';
import type { MarkedExtension, Tokens } from 'marked';

/** The element standing for an inline expression in a block's HTML (a span survives sanitizing). */
export const INLINE_TAG = 'span';
/** Its attribute naming the expression's id, e.g. `data-lectern-inline="inline-1"`. */
export const INLINE_ATTRIBUTE = 'data-lectern-inline';

export function inlinePlaceholder(id: string): string {
  return `<${INLINE_TAG} class="lectern-inline" ${INLINE_ATTRIBUTE}="${id}"></${INLINE_TAG}>`;
}

const tokenizerOptions: Options = { ecmaVersion: 'latest', sourceType: 'module', allowAwaitOutsideFunction: true };

/**
 * The offset just past the `}` closing the `${` at `start` in `text`, or undefined when there is
 * none (unbalanced, or the text after `${` does not tokenize as JavaScript).
 */
export function inlineExpressionEnd(text: string, start: number): number | undefined {
  if (!text.startsWith('${', start)) return undefined;
  const from = start + 2;
  let depth = 1;
  try {
    for (const token of tokenizer(text.slice(from), tokenizerOptions)) {
      if (token.type === tokTypes.braceL || token.type === tokTypes.dollarBraceL) depth += 1;
      else if (token.type === tokTypes.braceR && --depth === 0) return from + token.end;
    }
  } catch {
    // An unterminated string or template, a bad escape: not an expression.
  }
  return undefined;
}

/** Collects the expressions of one lesson as marked renders it; `add` returns the expression's id. */
export type AddInline = (source: string) => string;

/**
 * A marked extension: `${...}` in inline text becomes a placeholder, and so does `${...}` in the
 * text of HTML blocks. `add` is called in document order (marked renders blocks in order).
 */
export function inlineExpressions(add: AddInline): MarkedExtension {
  return {
    extensions: [
      {
        name: 'lecternInline',
        level: 'inline',
        start: (src: string) => {
          const at = src.indexOf('${');
          return at < 0 ? undefined : at;
        },
        tokenizer(src: string) {
          const end = inlineExpressionEnd(src, 0);
          if (end === undefined) return undefined;
          const source = src.slice(2, end - 1);
          if (!source.trim()) return undefined; // `${}` stays text
          return { type: 'lecternInline', raw: src.slice(0, end), source };
        },
        renderer: (token) => inlinePlaceholder(add((token as Tokens.Generic).source as string)),
      },
    ],
    renderer: {
      html(token: Tokens.HTML | Tokens.Tag) {
        // Inline HTML is one tag at a time (no text to interpolate); HTML blocks hold text too.
        return token.block ? interpolateHtml(token.text, add) : token.text;
      },
    },
  };
}

/**
 * `${...}` in the text of an HTML block (not in tags, attributes, comments, `<script>` or
 * `<style>`) becomes a placeholder; `\${` becomes a literal `${`.
 */
export function interpolateHtml(html: string, add: AddInline): string {
  let out = '';
  let i = 0;
  while (i < html.length) {
    const skip = skipMarkup(html, i);
    if (skip > i) {
      out += html.slice(i, skip);
      i = skip;
      continue;
    }
    if (html.startsWith('\\${', i)) {
      out += '${';
      i += 3;
      continue;
    }
    const end = html.startsWith('${', i) ? inlineExpressionEnd(html, i) : undefined;
    const source = end === undefined ? '' : html.slice(i + 2, end - 1);
    if (end !== undefined && source.trim()) {
      out += inlinePlaceholder(add(source));
      i = end;
      continue;
    }
    out += html[i];
    i += 1;
  }
  return out;
}

/** Past a comment, a tag (with its quoted attributes), or a script/style element, at `i`; else `i`. */
function skipMarkup(html: string, i: number): number {
  if (html[i] !== '<') return i;
  if (html.startsWith('<!--', i)) {
    const close = html.indexOf('-->', i + 4);
    return close < 0 ? html.length : close + 3;
  }
  const tag = /^<\/?([A-Za-z][\w-]*)/.exec(html.slice(i, i + 64));
  if (!tag && !/^<[!?]/.test(html.slice(i, i + 2))) return i;
  let j = i + 1;
  let quote: string | undefined;
  for (; j < html.length; j++) {
    const c = html[j];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') break;
  }
  j = Math.min(j + 1, html.length);
  const name = tag?.[1]?.toLowerCase();
  if (name && !html.startsWith('</', i) && (name === 'script' || name === 'style')) {
    const close = html.toLowerCase().indexOf(`</${name}`, j);
    return close < 0 ? html.length : close;
  }
  return j;
}
