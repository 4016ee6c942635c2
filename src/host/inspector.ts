/**
 * A small value inspector: renders any value a cell displays as DOM. Values that follow the
 * display protocol (src/runtime/display.ts) show their HTML, else their SVG, else their text; DOM
 * nodes are shown as they are; primitives in the style of a console; arrays, maps, sets, objects and tensors as a one-line
 * preview that expands (a native <details>, so it is keyboard-usable) into their entries, built
 * lazily when opened so huge values cost nothing until looked at.
 */

import { displayForms, type DisplayForms } from '../runtime/display.ts';

const PREVIEW_ITEMS = 5;
const EXPANDED_ITEMS = 100;

/** Renders a value for display under a cell. */
export function inspect(value: unknown): Node {
  const forms = displayForms(value);
  if (forms) return richForm(forms);
  if (isDomNode(value)) return value;
  if (isExpandable(value)) return expandable(value);
  return leaf(value);
}

/** The form a page shows: HTML, else SVG, else the text as a block. */
function richForm(forms: DisplayForms): Node {
  if (forms.html !== undefined && typeof forms.html !== 'string' && isDomNode(forms.html)) return forms.html;
  const markup = typeof forms.html === 'string' ? forms.html : forms.svg;
  if (markup !== undefined) {
    // The cell's own markup, as if it had built these nodes itself.
    const box = document.createElement('div');
    box.className = 'lectern-rich';
    box.innerHTML = markup;
    return box;
  }
  const pre = document.createElement('pre');
  pre.className = 'insp-text';
  // A long line scrolls, and keyboard users must reach it (axe: scrollable-region-focusable).
  pre.tabIndex = 0;
  pre.textContent = forms.text;
  return pre;
}

function isDomNode(value: unknown): value is Node {
  return typeof Node !== 'undefined' && value instanceof Node;
}

/** A duck-typed tfjs Tensor (the inspector does not import tfjs). */
interface TensorLike {
  shape: number[];
  dtype: string;
  isDisposed: boolean;
  toString(verbose?: boolean): string;
}

function isTensor(value: unknown): value is TensorLike {
  const v = value as Partial<TensorLike> | null;
  return typeof value === 'object' && value !== null && Array.isArray(v?.shape) && typeof v?.dtype === 'string' &&
    typeof v?.toString === 'function' && 'dataId' in value;
}

function isExpandable(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !(value instanceof Date) && !(value instanceof RegExp) &&
    !(value instanceof Error) && !(value instanceof Promise);
}

function span(className: string, text: string): HTMLSpanElement {
  const el = document.createElement('span');
  el.className = className;
  el.textContent = text;
  return el;
}

/** Text of a value that does not expand, as a console would print it. */
export function formatLeaf(value: unknown): { className: string; text: string } {
  switch (typeof value) {
    case 'string': return { className: 'insp-string', text: JSON.stringify(value) };
    case 'number': return { className: 'insp-number', text: Object.is(value, -0) ? '-0' : String(value) };
    case 'bigint': return { className: 'insp-number', text: `${value}n` };
    case 'boolean': return { className: 'insp-keyword', text: String(value) };
    case 'undefined': return { className: 'insp-keyword', text: 'undefined' };
    case 'symbol': return { className: 'insp-symbol', text: value.toString() };
    case 'function': return { className: 'insp-function', text: `ƒ ${value.name || '(anonymous)'}()` };
  }
  if (value === null) return { className: 'insp-keyword', text: 'null' };
  if (value instanceof Date) return { className: 'insp-date', text: value.toISOString() };
  if (value instanceof RegExp) return { className: 'insp-regexp', text: String(value) };
  if (value instanceof Error) return { className: 'insp-error', text: `${value.name}: ${value.message}` };
  if (value instanceof Promise) return { className: 'insp-keyword', text: 'Promise' };
  return { className: 'insp-object', text: Object.prototype.toString.call(value) };
}

function leaf(value: unknown): Node {
  // Long multi-line text (a model summary, a log) reads best as a block, not as one quoted line.
  if (typeof value === 'string' && value.includes('\n')) {
    const pre = document.createElement('pre');
    pre.className = 'insp-text';
    pre.tabIndex = 0; // it may scroll: reachable by keyboard
    pre.textContent = value;
    return pre;
  }
  const { className, text } = formatLeaf(value);
  return span(className, text);
}

/** A value's entries as [label, value] pairs, and a label for the value itself. */
function describe(value: object): { title: string; entries: [string, unknown][]; size: number } {
  if (Array.isArray(value)) {
    return { title: `Array(${value.length})`, entries: value.map((v, i) => [String(i), v]), size: value.length };
  }
  if (value instanceof Map) {
    const entries = [...value].map(([k, v]): [string, unknown] => [formatLeaf(k).text, v]);
    return { title: `Map(${value.size})`, entries, size: value.size };
  }
  if (value instanceof Set) {
    return { title: `Set(${value.size})`, entries: [...value].map((v, i) => [String(i), v]), size: value.size };
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const items = Array.from(value as unknown as ArrayLike<number>);
    return { title: `${value.constructor.name}(${items.length})`, entries: items.map((v, i) => [String(i), v]), size: items.length };
  }
  const entries = Object.entries(value);
  const name = Object.getPrototypeOf(value)?.constructor?.name;
  return { title: name && name !== 'Object' ? name : '', entries, size: entries.length };
}

function preview(value: object): string {
  if (isTensor(value)) return `Tensor ${value.dtype} [${value.shape.join(', ')}]${value.isDisposed ? ' (disposed)' : ''}`;
  const { title, entries, size } = describe(value);
  const isList = Array.isArray(value) || value instanceof Set || ArrayBuffer.isView(value);
  const shown = entries.slice(0, PREVIEW_ITEMS).map(([k, v]) => {
    const text = isExpandable(v) ? '…' : formatLeaf(v).text;
    return isList ? text : `${k}: ${text}`;
  });
  if (size > PREVIEW_ITEMS) shown.push('…');
  const [open, close] = isList ? ['[', ']'] : ['{', '}'];
  return `${title ? title + ' ' : ''}${open}${shown.join(', ')}${close}`;
}

function expandable(value: object): HTMLElement {
  const details = document.createElement('details');
  details.className = 'insp-expandable';
  const summary = document.createElement('summary');
  summary.textContent = preview(value);
  details.append(summary);
  details.addEventListener('toggle', () => {
    if (details.open && details.childElementCount === 1) details.append(expansion(value));
  }, { passive: true });
  return details;
}

function expansion(value: object): HTMLElement {
  if (isTensor(value)) {
    const pre = document.createElement('pre');
    pre.className = 'insp-text';
    pre.tabIndex = 0; // it may scroll: reachable by keyboard
    try {
      pre.textContent = value.toString(true);
    } catch (error) {
      pre.textContent = `(cannot read this tensor: ${error instanceof Error ? error.message : String(error)})`;
    }
    return pre;
  }
  const list = document.createElement('ul');
  list.className = 'insp-entries';
  const { entries, size } = describe(value);
  for (const [key, child] of entries.slice(0, EXPANDED_ITEMS)) {
    const item = document.createElement('li');
    item.append(span('insp-key', `${key}: `), inspect(child));
    list.append(item);
  }
  if (size > EXPANDED_ITEMS) {
    const more = document.createElement('li');
    more.textContent = `… ${size - EXPANDED_ITEMS} more`;
    list.append(more);
  }
  return list;
}
