/**
 * Generators the runtime iterates: a cell whose value (or declared name) is a
 * generator shows each value it yields, and its `return()` runs when the cell
 * is invalidated.
 */

/**
 * Observable's `Generators.observe`: `initialize(change)` starts listening and
 * returns a disposer; each `change(value)` becomes the next yielded value.
 */
export function* observe<T>(initialize: (change: (value: T) => void) => (() => void) | void): Generator<T | Promise<T>, void, unknown> {
  let resolve: ((value: T) => void) | null = null;
  let latest: { value: T } | null = null;
  const dispose = initialize((value) => {
    if (resolve) {
      resolve(value);
      resolve = null;
    } else {
      latest = { value };
    }
  });
  try {
    for (;;) {
      if (latest) {
        const { value } = latest;
        latest = null;
        yield value;
      } else {
        yield new Promise<T>((r) => (resolve = r));
      }
    }
  } finally {
    if (dispose) dispose();
  }
}

/** Something `view()` can show: a DOM input, an Inputs.* element, or any object with a `value`. */
export interface ValueSource {
  value?: unknown;
  addEventListener?: (type: string, listener: () => void) => void;
  removeEventListener?: (type: string, listener: () => void) => void;
}

/**
 * Observable's `Generators.input`: yields the input's value now and again on
 * every "input" event. Works on DOM elements and on headless inputs (which
 * never fire events, so they yield once).
 */
export function inputValues(input: ValueSource): Generator<unknown> {
  return observe((change) => {
    const onInput = (): void => change(input.value);
    change(input.value);
    input.addEventListener?.('input', onInput);
    return () => input.removeEventListener?.('input', onInput);
  });
}

/** Observable's `now`: the current time in ms, once per animation frame (or event loop turn). */
export function* now(): Generator<number> {
  for (;;) yield Date.now();
}
