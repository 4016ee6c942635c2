/**
 * Every `view()` input's value in the page's URL hash (`#dropout=0.3&trainableLast=12`), as
 * TensorFlow Playground keeps its state, so a link opens the lesson with the same inputs. Only
 * values that differ from the lesson's defaults are written; a section anchor stays first
 * (`#overfitting&dropout=0.3`). Values are the text `lectern run --set` takes (headless-inputs.ts),
 * set on the input as a reader would set it, so the input's own code computes the value.
 *
 * `parseHash` / `formatHash` are pure (Node-tested); the rest needs the page.
 */
import type { ViewFunction } from '../runtime/lesson-runtime.ts';
import { inputValues, type ValueSource } from '../runtime/generators.ts';
import { inputStateText, isInputElement, setFromText, type InputElement } from '../runtime/headless-inputs.ts';

export interface HashState {
  /** The part without `=`: a section's anchor, or '' when none. */
  anchor: string;
  /** Input values by declared name, in the order written. */
  values: Map<string, string>;
}

export function parseHash(hash: string): HashState {
  const values = new Map<string, string>();
  let anchor = '';
  for (const part of hash.replace(/^#/, '').split('&')) {
    if (part === '') continue;
    const at = part.indexOf('=');
    if (at < 0) {
      if (!anchor) anchor = safeDecode(part);
      continue;
    }
    values.set(safeDecode(part.slice(0, at)), safeDecode(part.slice(at + 1)));
  }
  return { anchor, values };
}

export function formatHash({ anchor, values }: HashState): string {
  // encodeURIComponent leaves , . - _ ~ ! * ' ( ) readable; & = # and spaces are escaped.
  const parts = [...(anchor ? [encodeURIComponent(anchor)] : []), ...[...values].map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)];
  return parts.length ? `#${parts.join('&')}` : '';
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

export interface UrlStateArgs {
  /** Told when a value in the URL does not fit its input (the input keeps the lesson's value). */
  onProblem: (message: string) => void;
  /** Default: window. */
  window?: Pick<Window, 'location' | 'history' | 'addEventListener' | 'removeEventListener'>;
}

export interface UrlState {
  /** The runtime's `view`: applies the URL's value to a new input and follows its changes into the URL. */
  view: ViewFunction;
  /** Puts every input back to the lesson's value (as its cell made it) and removes them from the URL. */
  reset: () => void;
  /** Names in the URL that no input has taken (yet). */
  unused: () => string[];
  dispose: () => void;
}

export function createUrlState({ onProblem, window: win = window }: UrlStateArgs): UrlState {
  let state = parseHash(win.location.hash);
  /** The latest input of each name, with the value its cell gave it. */
  const inputs = new Map<string, { input: InputElement; initial: string }>();

  const write = (): void => {
    const hash = formatHash(state);
    if (hash === win.location.hash || (hash === '' && win.location.hash === '')) return;
    // replaceState: moving a slider must not fill the back button's history.
    const url = `${win.location.pathname}${win.location.search}${hash}`;
    win.history.replaceState(win.history.state, '', url);
  };

  const apply = (name: string, input: InputElement, text: string): void => {
    if (inputStateText(input) === text) return;
    try {
      setFromText(input, text);
    } catch (error) {
      onProblem(`The link sets ${name}=${text}, but ${error instanceof Error ? error.message : String(error)}; ${name} keeps the lesson's value.`);
      state.values.delete(name);
      write();
    }
  };

  const view: ViewFunction = (input, name) => {
    if (name !== undefined && isInputElement(input)) {
      const initial = inputStateText(input);
      if (initial !== undefined) {
        inputs.set(name, { input, initial });
        const wanted = state.values.get(name);
        if (wanted !== undefined) apply(name, input, wanted);
        input.addEventListener('input', () => {
          if (inputs.get(name)?.input !== input) return; // an input of an earlier run of its cell
          const text = inputStateText(input);
          if (text === undefined || text === initial) state.values.delete(name);
          else state.values.set(name, text);
          write();
        });
      }
    }
    return inputValues(input as ValueSource);
  };

  // A link pasted into the address bar of the open lesson: take its values.
  const onHashChange = (): void => {
    state = parseHash(win.location.hash);
    for (const [name, { input, initial }] of inputs) apply(name, input, state.values.get(name) ?? initial);
  };
  win.addEventListener('hashchange', onHashChange);

  return {
    view,
    reset() {
      state = { anchor: state.anchor, values: new Map() };
      write();
      for (const [name, { input, initial }] of inputs) apply(name, input, initial);
    },
    unused: () => [...state.values.keys()].filter((name) => !inputs.has(name)),
    dispose: () => win.removeEventListener('hashchange', onHashChange),
  };
}
