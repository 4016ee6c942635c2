/**
 * Generators the runtime iterates: a cell whose value (or declared name) is a
 * generator shows each value it yields, and its `return()` runs when the cell
 * is invalidated. `Generators` gathers them under Observable's names (observe,
 * queue, input, now, width, dark), as cells see it in the library.
 *
 * Runs in Node and in the browser: DOM APIs (ResizeObserver, matchMedia) are
 * used only when they exist, and otherwise the generator yields what it can
 * measure once.
 */

/** Called by the producer with each new value; returns the value (handy in expressions). */
export type Change<T> = (value: T) => T;

/** Starts producing values; may return a function that stops (called when the generator ends). */
export type Initialize<T> = (change: Change<T>) => (() => void) | void | null | undefined;

/**
 * Observable's `Generators.observe`: `initialize(change)` starts listening and
 * returns a disposer; each `change(value)` becomes the next yielded value. A
 * consumer slower than the producer sees only the latest value (see queue).
 */
export function* observe<T>(initialize: Initialize<T>): Generator<T | Promise<T>, void, unknown> {
  let resolve: ((value: T) => void) | null = null;
  let latest: { value: T } | null = null;
  const dispose = checkDisposer(
    initialize((value) => {
      if (resolve) {
        resolve(value);
        resolve = null;
      } else {
        latest = { value };
      }
      return value;
    }),
  );
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
    dispose?.();
  }
}

/**
 * Observable's `Generators.queue`: like observe, but every value is yielded, in
 * order, however fast `change` is called.
 */
export function* queue<T>(initialize: Initialize<T>): Generator<T | Promise<T>, void, unknown> {
  const values: T[] = [];
  let resolve: ((value: T) => void) | null = null;
  const dispose = checkDisposer(
    initialize((value) => {
      if (resolve) {
        resolve(value);
        resolve = null;
      } else {
        values.push(value);
      }
      return value;
    }),
  );
  try {
    for (;;) yield values.length ? (values.shift() as T) : new Promise<T>((r) => (resolve = r));
  } finally {
    dispose?.();
  }
}

/** An initializer must return nothing or a function: a promise would mean it started something we cannot stop. */
function checkDisposer(returned: unknown): (() => void) | undefined {
  if (returned === undefined || returned === null) return undefined;
  if (typeof returned === 'function') return returned as () => void;
  const isPromise = typeof (returned as { then?: unknown }).then === 'function';
  throw new Error(isPromise ? 'Generators.observe/queue: initialize must not be async (return a dispose function, not a promise)' : 'Generators.observe/queue: initialize must return a dispose function or nothing');
}

/** Something `view()` and `Generators.input` can follow: a DOM input, an Inputs.* element, or any object with a `value`. */
export interface ValueSource {
  value?: unknown;
  /** A DOM input's type ("range", "checkbox", ...), which picks the value read and the event listened to. */
  type?: string;
  addEventListener?: (type: string, listener: () => void) => void;
  removeEventListener?: (type: string, listener: () => void) => void;
}

/**
 * Observable's `Generators.input`: yields the element's value now (unless it
 * has none yet) and again on each change. A native input gives its typed value:
 * a number for range and number, a Date for date, a boolean for checkbox, the
 * selected values of a multiple select, the file(s) of a file input.
 */
export function input(element: ValueSource): Generator<unknown> {
  return followValue(element, { yieldUndefined: false });
}

/**
 * What `view(input)` declares: like {@link input}, but always yields the
 * current value first, so a cell reading an input without a value runs (with
 * undefined) instead of waiting. Headless inputs never fire events, so they yield once.
 */
export function inputValues(element: ValueSource): Generator<unknown> {
  return followValue(element, { yieldUndefined: true });
}

function followValue(element: ValueSource, { yieldUndefined }: { yieldUndefined: boolean }): Generator<unknown> {
  return observe((change) => {
    const event = changeEvent(element);
    const changed = (): void => void change(valueOf(element));
    const initial = valueOf(element);
    if (initial !== undefined || yieldUndefined) change(initial);
    element.addEventListener?.(event, changed);
    return () => element.removeEventListener?.(event, changed);
  });
}

interface NativeInput extends ValueSource {
  valueAsNumber?: number;
  valueAsDate?: Date | null;
  checked?: boolean;
  multiple?: boolean;
  files?: ArrayLike<unknown> | null;
  selectedOptions?: ArrayLike<{ value: string }>;
}

function valueOf(element: NativeInput): unknown {
  switch (element.type) {
    case 'range':
    case 'number':
      return element.valueAsNumber;
    case 'date':
      return element.valueAsDate;
    case 'checkbox':
      return element.checked;
    case 'file':
      return element.multiple ? element.files : element.files?.[0];
    case 'select-multiple':
      return Array.from(element.selectedOptions ?? [], (option) => option.value);
    default:
      return element.value;
  }
}

/** Buttons and checkboxes say so with a click, file inputs with change, the rest with input. */
function changeEvent(element: ValueSource): string {
  switch (element.type) {
    case 'button':
    case 'submit':
    case 'checkbox':
      return 'click';
    case 'file':
      return 'change';
    default:
      return 'input';
  }
}

/** Observable's `now`: the current time in ms, once per animation frame (or event loop turn). */
export function* now(): Generator<number> {
  for (;;) yield Date.now();
}

/** The parts of an element `width` measures. */
export interface Measurable {
  readonly clientWidth?: number;
  getBoundingClientRect?(): { width: number };
}

/**
 * Observable's `Generators.width(element)`: the element's content width now
 * and whenever it changes (ResizeObserver). Without ResizeObserver (Node), the
 * width measured once.
 */
export function width(element: Measurable, options?: { box?: 'content-box' | 'border-box' | 'device-pixel-content-box' }): Generator<number | Promise<number>, void, unknown> {
  return observe<number>((change) => {
    let last: number | undefined;
    const report = (measured: number): void => {
      if (measured !== last) change((last = measured));
    };
    const Observer = (globalThis as { ResizeObserver?: ResizeObserverLike }).ResizeObserver;
    if (!Observer) {
      report(element.getBoundingClientRect?.().width ?? element.clientWidth ?? 0);
      return undefined;
    }
    const observer = new Observer((entries) => {
      const entry = entries[entries.length - 1];
      if (entry) report(entry.contentRect.width);
    });
    observer.observe(element, options);
    return () => observer.disconnect();
  });
}

type ResizeObserverLike = new (callback: (entries: { contentRect: { width: number } }[]) => void) => {
  observe(target: unknown, options?: unknown): void;
  disconnect(): void;
};

/**
 * Observable's `Generators.dark()`: whether the page shows its dark color
 * scheme, now and whenever that changes. A page offering both schemes (CSS
 * `color-scheme: light dark`, as Lectern's) follows the reader's preference;
 * a page with one scheme is that one, a page declaring none is light.
 * Without matchMedia (Node): false.
 */
export function dark(): Generator<boolean | Promise<boolean>, void, unknown> {
  return observe<boolean>((change) => {
    const matchMedia = (globalThis as { matchMedia?: (query: string) => MediaQueryListLike }).matchMedia;
    if (!matchMedia) {
      change(false);
      return undefined;
    }
    const media = matchMedia('(prefers-color-scheme: dark)');
    let last: boolean | undefined;
    const changed = (): void => {
      const isDark = pageIsDark(media.matches);
      if (isDark !== last) change((last = isDark));
    };
    changed();
    media.addEventListener('change', changed);
    return () => media.removeEventListener('change', changed);
  });
}

interface MediaQueryListLike {
  readonly matches: boolean;
  addEventListener(type: 'change', listener: () => void): void;
  removeEventListener(type: 'change', listener: () => void): void;
}

function pageIsDark(prefersDark: boolean): boolean {
  const doc = (globalThis as { document?: { documentElement: unknown; body?: unknown } }).document;
  const styleOf = (globalThis as { getComputedStyle?: (element: unknown) => { getPropertyValue(name: string): string } }).getComputedStyle;
  if (!doc || !styleOf) return prefersDark;
  const schemes = styleOf(doc.body ?? doc.documentElement).getPropertyValue('color-scheme').split(/\s+/);
  // Both: the reader's preference; none ("normal"): browsers render light.
  const isDark = schemes.includes('dark');
  return isDark && schemes.includes('light') ? prefersDark : isDark;
}

/** Observable's `Generators`, as cells read it from the library. */
export const Generators = Object.freeze({ observe, queue, input, now, width, dark });
