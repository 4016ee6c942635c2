/**
 * The display protocol: a value may carry several forms of itself, and each view picks the one it
 * can show. The lesson page, slides and embeds take `html` (or `svg`), the command line takes
 * `text`. A cell author returns `rich({html, text})` instead of checking `typeof document`.
 *
 * Forms are computed on demand (a summary's HTML is only built where a page will show it), and a
 * value that is not displayable is shown by each view as it always was (the inspector, or text).
 *
 * Runs in Node and in the browser: nothing here touches the DOM.
 */

/** The key a displayable value answers to; `Symbol.for` so two copies of this module agree. */
export const DISPLAY = Symbol.for('lectern.display');

/** The forms of one value. `text` is required: every view can show text. */
export interface DisplayForms {
  /** Plain text (monospace in pages), for terminals, `--json` and screen readers' fallbacks. */
  text: string;
  /** An HTML fragment (a string; the page parses it) or a DOM node the value built itself. */
  html?: string | { readonly nodeType: number };
  /** An SVG document (a string), e.g. a plot; views without HTML may write it to a file. */
  svg?: string;
}

export interface Displayable {
  [DISPLAY](): DisplayForms;
}

/** A value displayed as `forms` (or as what `forms()` returns, computed when a view asks). */
export function rich(forms: DisplayForms | (() => DisplayForms)): Displayable {
  const get = typeof forms === 'function' ? forms : () => forms;
  return {
    [DISPLAY]: get,
    // String(value) and template literals read the text form, as the command line does.
    toString: () => get().text,
  } as Displayable;
}

/**
 * `value` itself, made displayable as `forms`: the protocol's key and a `toString` giving the text
 * are added as non-enumerable properties, so the value's own fields, its JSON and the inspector's
 * view of its entries stay as they were. For results that are data and also show themselves (a
 * diagnosis, a training's progress).
 */
export function withDisplay<T extends object>(value: T, forms: DisplayForms | (() => DisplayForms)): T & Displayable {
  const get = typeof forms === 'function' ? forms : () => forms;
  Object.defineProperty(value, DISPLAY, { value: get, configurable: true });
  Object.defineProperty(value, 'toString', { value: () => get().text, configurable: true });
  return value as T & Displayable;
}

export function isDisplayable(value: unknown): value is Displayable {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as Partial<Displayable>)[DISPLAY] === 'function';
}

/** The forms of a displayable value, or undefined for any other value. */
export function displayForms(value: unknown): DisplayForms | undefined {
  return isDisplayable(value) ? value[DISPLAY]() : undefined;
}
