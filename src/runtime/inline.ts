/**
 * Inline expressions (`${...}` in prose) on the lesson runtime: each is a cell of its own, id
 * "inline-N", that reads other cells' names and re-runs when they change, and whose value shows
 * in the sentence. How a value shows follows Framework: a DOM node is inserted, an iterable's
 * items one after another, anything else as text, and a displayable value (rich({html, text}))
 * as its HTML where there is a page, else its text.
 *
 * Runs in Node and in the browser: the page turns {@link InlinePart}s into DOM, the command line
 * joins {@link inlineText}.
 */
import { compileCell } from '../cells/compile.ts';
import type { CompiledCell } from '../cells/types.ts';
import type { InlineExpression } from '../lesson/types.ts';
import { displayForms } from './display.ts';

/** An inline expression compiled for the runtime (an error if it is not one expression). */
export function compileInline(inline: Pick<InlineExpression, 'id' | 'source'>): CompiledCell {
  return compileCell({ id: inline.id, source: inline.source, inline: true });
}

/** Something a DOM implementation made: inserted as it is. */
export interface NodeLike {
  readonly nodeType: number;
}

export type InlinePart = { kind: 'node'; node: NodeLike } | { kind: 'html'; html: string } | { kind: 'text'; text: string };

/** What an inline value shows as, in order. */
export function inlineParts(value: unknown): InlinePart[] {
  if (typeof value !== 'string' && isIterable(value) && !isNode(value) && displayForms(value) === undefined) {
    return [...value].map(part);
  }
  return [part(value)];
}

/** The text of an inline value, as the command line shows it in a sentence. */
export function inlineText(value: unknown): string {
  const forms = (v: unknown) => displayForms(v)?.text;
  if (typeof value !== 'string' && isIterable(value) && !isNode(value) && forms(value) === undefined) {
    return [...value].map((v) => forms(v) ?? textOf(v)).join('');
  }
  return forms(value) ?? textOf(value);
}

function part(value: unknown): InlinePart {
  if (isNode(value)) return { kind: 'node', node: value };
  const forms = displayForms(value);
  if (forms?.html !== undefined) return typeof forms.html === 'string' ? { kind: 'html', html: forms.html } : { kind: 'node', node: forms.html };
  if (forms?.svg !== undefined) return { kind: 'html', html: forms.svg };
  return { kind: 'text', text: forms ? forms.text : textOf(value) };
}

/** String(value), which is what a sentence shows; a symbol does not convert implicitly. */
function textOf(value: unknown): string {
  return typeof value === 'symbol' ? value.toString() : String(value);
}

function isNode(value: unknown): value is NodeLike {
  return typeof value === 'object' && value !== null && typeof (value as Partial<NodeLike>).nodeType === 'number';
}

function isIterable(value: unknown): value is Iterable<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function';
}
