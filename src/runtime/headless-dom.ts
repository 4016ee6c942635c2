/**
 * A DOM for headless runs (Node only): happy-dom's, so the real @observablehq/inputs and
 * @observablehq/plot build the same elements, values and figures as in the page. Installed once,
 * in the lesson's own process (headless-child.ts), only for a lesson that reads Inputs, Plot,
 * `document` or a DOM interface (see readsDom).
 *
 * happy-dom, not linkedom: linkedom (import ~110 ms vs ~350 ms here) has no form validation
 * (checkValidity), no HTMLCollection or form.elements and no valueAsNumber, so most Inputs throw;
 * happy-dom runs them all, with the three corrections below (checked against Chromium by
 * test/browser/headless-inputs.test.ts).
 *
 * Globals: `document` and the DOM's interfaces, with happy-dom's Event, CustomEvent and EventTarget
 * (its dispatchEvent accepts only its own events, and Inputs dispatch `new Event("input")`). Never
 * `window`, `navigator`, `location`, `fetch` or `localStorage`: TensorFlow.js and Lectern's loaders
 * take a global `window` to mean a browser, and would fetch files instead of reading them.
 */
import { createRequire } from 'node:module';
import type { Window as HappyWindow } from 'happy-dom';

/** Names a lesson can read that mean it needs a DOM: the library's DOM users, document, DOM interfaces. */
const DOM_NAMES = /^(Inputs|Plot|document|Node|NodeList|Element|Text|Comment|DocumentFragment|DOMParser|XMLSerializer|MutationObserver|ResizeObserver|IntersectionObserver|getComputedStyle|customElements|Event|CustomEvent|EventTarget|(HTML|SVG|CSS)\w*|\w+Event)$/;

/** Whether cells reading `references` need the DOM installed before they run. */
export function readsDom(references: Iterable<string>): boolean {
  for (const name of references) if (DOM_NAMES.test(name)) return true;
  return false;
}

/** Globals a browser window has that must not appear in Node (see the module's comment). */
const NOT_INSTALLED: ReadonlySet<string> = new Set([
  'window', 'self', 'top', 'parent', 'frames', 'opener', 'globalThis', 'location', 'navigator', 'history', 'screen',
  'localStorage', 'sessionStorage', 'indexedDB', 'caches', 'cookieStore', 'fetch', 'XMLHttpRequest', 'WebSocket',
  'Request', 'Response', 'Headers', 'FormData', 'Blob', 'File', 'URL', 'URLSearchParams', 'AbortController', 'AbortSignal',
  'TextEncoder', 'TextDecoder', 'ReadableStream', 'WritableStream', 'TransformStream', 'MessageChannel', 'MessagePort',
  'BroadcastChannel', 'Worker', 'performance', 'crypto', 'console', 'process', 'structuredClone', 'queueMicrotask',
  'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate',
  'requestAnimationFrame', 'cancelAnimationFrame', 'requestIdleCallback', 'cancelIdleCallback',
  'alert', 'confirm', 'prompt', 'open', 'close', 'print', 'stop', 'focus', 'blur', 'postMessage', 'DOMException',
]);

/** happy-dom's classes that replace Node's own: the DOM accepts only these. */
const REPLACED = ['Event', 'CustomEvent', 'EventTarget'];

let installed: HappyWindow | undefined;
const domErrorListeners = new Set<(error: unknown) => void>();

/**
 * Hears what the DOM's event listeners and timers throw: happy-dom catches it (as a browser does)
 * and fires the window's "error" event, which no Node handler sees. Returns the unsubscribe function.
 */
export function onDomError(listener: (error: unknown) => void): () => void {
  domErrorListeners.add(listener);
  return () => domErrorListeners.delete(listener);
}

/** Installs the DOM (once) and gives its window, for `document` and the DOM's classes. */
export function installDom(): HappyWindow {
  if (installed) return installed;
  // require, not import: happy-dom is 600 modules, and tsx's loader hooks triple their load time
  // (measured ~290 ms of CPU through require, ~840 ms through import).
  const { Window } = createRequire(import.meta.url)('happy-dom') as typeof import('happy-dom');
  const window = new Window({ url: 'http://localhost/', settings: { disableJavaScriptEvaluation: true, disableJavaScriptFileLoading: true, disableCSSFileLoading: true } });
  const global = globalThis as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(window)) {
    if (NOT_INSTALLED.has(name) || (name in global && !REPLACED.includes(name))) continue;
    if (name !== 'document' && !/^[A-Z]/.test(name)) continue; // interfaces, not the window's methods
    try {
      global[name] = (window as unknown as Record<string, unknown>)[name];
    } catch {
      // A property the window computes and refuses to give out of a browsing context: not needed.
    }
  }
  window.addEventListener('error', (event) => {
    for (const listener of domErrorListeners) listener((event as unknown as { error?: unknown }).error);
  });
  correctRangeInputs(window);
  correctStepMismatch(window);
  correctSelectedOptions(window);
  installed = window;
  return window;
}

interface StepInput {
  type: string;
  min: string;
  max: string;
  step: string;
  getAttribute(name: string): string | null;
}

/** The step rules of HTML's number and range states: the allowed step (null for "any") and its base. */
function stepOf(input: StepInput): { step: number | null; base: number } {
  const attribute = input.getAttribute('step');
  const parsed = attribute === null ? NaN : Number(attribute);
  const step = attribute !== null && attribute.toLowerCase() === 'any' ? null : parsed > 0 ? parsed : 1;
  const min = Number.parseFloat(input.getAttribute('min') ?? '');
  const value = Number.parseFloat(input.getAttribute('value') ?? '');
  return { step, base: Number.isFinite(min) ? min : Number.isFinite(value) ? value : 0 };
}

/** `x` rounded to the digits its step and base have, so 0.1 * 3 reads 0.3, as browsers write it. */
function tidy(x: number, step: number, base: number): number {
  const digits = (n: number): number => (String(n).split(/e/i)[0].split('.')[1] ?? '').length;
  return Number(x.toFixed(Math.min(20, Math.max(digits(step), digits(base)))));
}

/**
 * happy-dom's `<input type=range>` returns "" with no value set and never rounds to its step; HTML's
 * value sanitization gives the default (min + (max − min) / 2, or min when max < min), clamps to
 * [min, max] and rounds to the nearest allowed step (the higher one on a tie). Inputs.range reads its
 * default value and snaps every value through this.
 */
function correctRangeInputs(window: HappyWindow): void {
  const prototype = window.HTMLInputElement.prototype as unknown as Record<string, unknown>;
  const value = Object.getOwnPropertyDescriptor(prototype, 'value');
  if (!value?.get || !value.set) return;
  const { get, set } = value;
  const sanitize = (input: StepInput, raw: string): string => {
    const min = Number.parseFloat(input.getAttribute('min') ?? '');
    const low = Number.isFinite(min) ? min : 0;
    const maxAttribute = Number.parseFloat(input.getAttribute('max') ?? '');
    const high = Math.max(low, Number.isFinite(maxAttribute) ? maxAttribute : 100);
    let x = Number.parseFloat(raw);
    if (!Number.isFinite(x) || !/^\s*[-+]?(\d|\.\d)/.test(raw)) x = high < low ? low : low + (high - low) / 2;
    x = Math.min(high, Math.max(low, x));
    const { step, base } = stepOf(input);
    if (step !== null) {
      let n = Math.floor((x - base) / step + 0.5 + 1e-9);
      while (base + n * step > high + 1e-9 && n > 0) n--;
      while (base + n * step < low - 1e-9) n++;
      x = tidy(base + n * step, step, base);
    }
    return String(x);
  };
  Object.defineProperty(prototype, 'value', {
    configurable: true,
    enumerable: value.enumerable,
    get(this: StepInput) {
      const raw = get.call(this) as string;
      return this.type === 'range' ? sanitize(this, raw) : raw;
    },
    set(this: StepInput, next: unknown) {
      set.call(this, this.type === 'range' && next !== null ? sanitize(this, String(next)) : next);
    },
  });
}

/**
 * happy-dom tests a step with `value % step !== 0`: it ignores the step base (min) and floating
 * point, so 0.5 with step 0.05 (0.5 % 0.05 = 0.04999…) is invalid and Inputs drop the value. HTML
 * counts steps from the base; browsers allow rounding error, as here.
 */
function correctStepMismatch(window: HappyWindow): void {
  const prototype = window.ValidityState.prototype as unknown as Record<string, unknown>;
  const original = Object.getOwnPropertyDescriptor(prototype, 'stepMismatch');
  if (!original?.get) return;
  const originalGet = original.get;
  Object.defineProperty(prototype, 'stepMismatch', {
    configurable: true,
    get(this: { element?: StepInput & { value: string } }) {
      const input = this.element;
      if (!input || (input.type !== 'number' && input.type !== 'range')) return originalGet.call(this) as boolean;
      const x = Number.parseFloat(input.value);
      const { step, base } = stepOf(input);
      if (step === null || !Number.isFinite(x)) return false;
      const steps = (x - base) / step;
      return Math.abs(steps - Math.round(steps)) > 1e-9 * Math.max(1, Math.abs(steps));
    },
  });
}

/**
 * Two slips in happy-dom's `<select>`: when several options are selected at once (an option
 * inserted with `selected` after the first was chosen by default, as Inputs.select({value}) builds
 * it), it keeps the option whose index is the count of selected ones instead of the last one, so
 * the select showed the wrong option; and it reads options through a query cache that a change of
 * selection does not reset, so a multiple select's `selectedOptions` kept its first selection.
 * Each selection update here starts from a fresh cache and ends on the last selected option, as
 * HTML says. (The cache, the update and an option's selectedness are happy-dom's own symbols.)
 */
function correctSelectedOptions(window: HappyWindow): void {
  const symbols = createRequire(import.meta.url)('happy-dom/lib/PropertySymbol.js') as Record<'clearCache' | 'updateSelectedness' | 'selectedness' | 'selectedIndex', symbol>;
  type Internal = Element & Record<symbol, unknown>;
  const prototype = window.HTMLSelectElement.prototype as unknown as Record<symbol, unknown>;
  const update = prototype[symbols.updateSelectedness];
  if (typeof update !== 'function') return;
  prototype[symbols.updateSelectedness] = function (this: Internal, selectedOption?: Element) {
    (this[symbols.clearCache] as () => void).call(this);
    const options = [...this.querySelectorAll('option')] as unknown as Internal[];
    const chosen = options.filter((option) => option[symbols.selectedness]);
    const result: unknown = update.call(this, selectedOption);
    if (!this.hasAttribute('multiple') && !selectedOption && chosen.length >= 2) {
      const last = chosen[chosen.length - 1];
      for (const option of options) option[symbols.selectedness] = option === last;
      this[symbols.selectedIndex] = options.indexOf(last);
    }
    return result;
  };
}
