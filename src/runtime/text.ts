/**
 * Values as text, for the headless runner (Node only: uses node:util). A displayable value
 * (display.ts) shows its `text` form; a DOM element its text: an input "Label: value", a Plot
 * figure a line describing it, other HTML its text laid out in lines. Objects with their own
 * toString (tensors) use it; other objects are inspected a few levels deep.
 */
import { inspect } from 'node:util';
import { displayForms } from './display.ts';
import { inputText, isInput } from './headless-inputs.ts';
import { figureText, isFigure } from './headless-plot.ts';

export interface FormatValueArgs {
  /** Quote strings, as an inspector does for an expression's value (default false: display() shows text as is). */
  quoteStrings?: boolean;
}

export function formatValue(value: unknown, { quoteStrings = false }: FormatValueArgs = {}): string {
  if (typeof value === 'string') {
    if (!quoteStrings) return value;
    // A multi-line string (a summary table, a report) reads best as a template literal, as Observable shows it.
    return value.includes('\n') ? `\`${value.replace(/[`\\]|\$\{/g, (m) => `\\${m}`)}\`` : JSON.stringify(value);
  }
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'function') return `ƒ ${value.name || '(anonymous)'}()`;
    return String(value);
  }
  const forms = displayForms(value);
  if (forms) return forms.text;
  if (isDomNode(value)) return nodeText(value);
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (!Array.isArray(value) && hasOwnToString(value)) return String(value);
  return inspect(value, { depth: 2, breakLength: 100, maxArrayLength: 20, maxStringLength: 200 });
}

/** A DOM node (of the headless DOM, or any other): it has a nodeType and a nodeName. */
export function isDomNode(value: unknown): value is Node {
  const node = value as Partial<Node> | null;
  return typeof node === 'object' && node !== null && typeof node.nodeType === 'number' && typeof node.nodeName === 'string';
}

function nodeText(node: Node): string {
  if (node.nodeType !== 1) return (node.textContent ?? '').trim();
  const element = node as Element;
  if (isInput(element)) return inputText(element, (v) => formatValue(v, { quoteStrings: true }));
  if (isFigure(element)) return figureText(element);
  return htmlText(element);
}

const BLOCKS = new Set(['ADDRESS', 'ARTICLE', 'ASIDE', 'BLOCKQUOTE', 'DD', 'DETAILS', 'DIV', 'DL', 'DT', 'FIELDSET', 'FIGCAPTION', 'FIGURE', 'FOOTER', 'FORM', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'HEADER', 'HR', 'LI', 'MAIN', 'NAV', 'OL', 'P', 'PRE', 'SECTION', 'SUMMARY', 'TABLE', 'TR', 'UL']);

/**
 * An element's text as a browser lays it out, roughly: blocks on lines of their own, list items
 * as "- ", table cells separated by " | ", `<pre>` as written, other whitespace collapsed; figures
 * inside as their one line; what is hidden (style, script, template) left out.
 */
export function htmlText(root: Element): string {
  const lines: string[] = [];
  let line = '';
  const breakLine = (): void => {
    if (line.trim()) lines.push(line.trim());
    line = '';
  };
  const walk = (node: Node, pre: boolean): void => {
    if (node.nodeType === 3) {
      line += pre ? (node.textContent ?? '') : (node.textContent ?? '').replace(/\s+/g, ' ');
      return;
    }
    if (node.nodeType !== 1) return;
    const element = node as Element;
    const tag = element.tagName.toUpperCase();
    if (tag === 'STYLE' || tag === 'SCRIPT' || tag === 'TEMPLATE' || element.getAttribute('aria-hidden') === 'true') return;
    if (tag === 'BR') return breakLine();
    if (element !== root && isFigure(element)) {
      breakLine();
      line = figureText(element);
      return breakLine();
    }
    if (tag === 'PRE') {
      breakLine();
      lines.push(...(element.textContent ?? '').replace(/\n$/, '').split('\n'));
      return;
    }
    const block = BLOCKS.has(tag);
    if (block) breakLine();
    if (tag === 'LI') line = '- ';
    if ((tag === 'TD' || tag === 'TH') && element.previousElementSibling) line += ' | ';
    for (const child of element.childNodes) walk(child, pre);
    if (block) breakLine();
  };
  walk(root, false);
  breakLine();
  return lines.join('\n');
}

function hasOwnToString(value: object): boolean {
  const toString = (value as { toString?: unknown }).toString;
  return typeof toString === 'function' && toString !== Object.prototype.toString && !(value instanceof Map) && !(value instanceof Set);
}
