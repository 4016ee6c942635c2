import { afterEach, describe, expect, it, vi } from 'vitest';
import { dark, Generators, input, inputValues, now, observe, queue, width } from '../../src/runtime/generators.ts';
import { runLessonHeadless } from '../../src/runtime/headless.ts';

/** Awaits the next `count` values of a generator that may yield promises. */
async function take<T>(generator: Generator<T | Promise<T>, void, unknown>, count: number): Promise<T[]> {
  const values: T[] = [];
  for (let i = 0; i < count; i++) values.push(await (generator.next().value as T | Promise<T>));
  return values;
}

/** An EventTarget posing as a native input of `type`. */
function fakeInput(fields: Record<string, unknown>): EventTarget & Record<string, unknown> {
  return Object.assign(new EventTarget(), fields);
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('Generators.observe', () => {
  it('yields the latest value given to change, and calls the disposer when returned', async () => {
    let change!: (v: number) => number;
    const dispose = vi.fn();
    const values = observe<number>((c) => {
      change = c;
      return dispose;
    });
    const first = values.next().value; // starts the initializer; nothing changed yet
    expect(change(1)).toBe(1);
    expect(await first).toBe(1);
    change(2);
    change(3); // a slow consumer sees only the latest
    expect(await values.next().value).toBe(3);
    values.return();
    expect(dispose).toHaveBeenCalledOnce();
  });

  it('rejects an async initializer with a message saying why', () => {
    // A cell author in JavaScript can write this; the types forbid it.
    const values = observe((async () => undefined) as unknown as () => undefined);
    expect(() => values.next()).toThrow(/must not be async/);
  });
});

describe('Generators.queue', () => {
  it('yields every value, in order, however fast they come', async () => {
    const values = queue<string>((change) => {
      change('a');
      change('b');
      setTimeout(() => change('c'), 5);
    });
    expect(await take(values, 3)).toEqual(['a', 'b', 'c']);
  });
});

describe('Generators.input', () => {
  it('yields a range input as a number, now and on each input event', async () => {
    const range = fakeInput({ type: 'range', value: '3', valueAsNumber: 3 });
    const values = input(range);
    expect(await values.next().value).toBe(3);
    const next = values.next().value;
    range.valueAsNumber = 7;
    range.dispatchEvent(new Event('input'));
    expect(await next).toBe(7);
  });

  it('follows a checkbox by its clicks and reads checked', async () => {
    const box = fakeInput({ type: 'checkbox', checked: false, value: 'on' });
    const values = input(box);
    expect(await values.next().value).toBe(false);
    const next = values.next().value;
    box.dispatchEvent(new Event('input')); // not the checkbox's event
    box.checked = true;
    box.dispatchEvent(new Event('click'));
    expect(await next).toBe(true);
  });

  it('reads the selected values of a multiple select', async () => {
    const select = fakeInput({ type: 'select-multiple', value: 'a', selectedOptions: [{ value: 'a' }, { value: 'c' }] });
    expect(await input(select).next().value).toEqual(['a', 'c']);
  });

  it('waits for a first value when there is none; view() yields undefined at once', async () => {
    const empty = fakeInput({ value: undefined });
    const waiting = input(empty).next().value;
    expect(waiting).toBeInstanceOf(Promise);
    expect(inputValues(empty).next().value).toBeUndefined();
    empty.value = 'typed';
    empty.dispatchEvent(new Event('input'));
    expect(await waiting).toBe('typed');
  });
});

describe('Generators.now, width, dark', () => {
  it('now yields the clock, never going back', async () => {
    const [a, b] = await take(now(), 2);
    expect(b).toBeGreaterThanOrEqual(a);
    expect(Math.abs(a - Date.now())).toBeLessThan(1000);
  });

  it('width without ResizeObserver (Node) measures the element once', async () => {
    expect(await width({ clientWidth: 480 }).next().value).toBe(480);
    expect(await width({ getBoundingClientRect: () => ({ width: 312.5 }) }).next().value).toBe(312.5);
  });

  it('width with ResizeObserver yields each new width, not repeats, and disconnects', async () => {
    let notify!: (entries: { contentRect: { width: number } }[]) => void;
    const disconnect = vi.fn();
    vi.stubGlobal(
      'ResizeObserver',
      class {
        constructor(callback: typeof notify) {
          notify = callback;
        }
        observe() {}
        disconnect = disconnect;
      },
    );
    const values = width({});
    const first = values.next().value;
    notify([{ contentRect: { width: 600 } }]);
    expect(await first).toBe(600);
    const second = values.next().value;
    notify([{ contentRect: { width: 600 } }]);
    notify([{ contentRect: { width: 420 } }]);
    expect(await second).toBe(420);
    values.return();
    expect(disconnect).toHaveBeenCalledOnce();
  });

  it('dark is false without matchMedia, and follows the preference where the page offers both schemes', async () => {
    expect(await dark().next().value).toBe(false);
    const media = Object.assign(new EventTarget(), { matches: true });
    vi.stubGlobal('matchMedia', () => media);
    vi.stubGlobal('document', { documentElement: {}, body: {} });
    vi.stubGlobal('getComputedStyle', () => ({ getPropertyValue: () => 'light dark' }));
    const values = dark();
    expect(await values.next().value).toBe(true);
    const next = values.next().value;
    media.matches = false;
    media.dispatchEvent(new Event('change'));
    expect(await next).toBe(false);
    vi.stubGlobal('getComputedStyle', () => ({ getPropertyValue: () => 'normal' }));
    expect(await dark().next().value).toBe(false); // a page without dark styles is light
  });
});

describe('Generators in the library', () => {
  it('is what cells read as Generators, with Observable names', async () => {
    const source = ['# G', '', '```js', 'Object.keys(Generators).sort().join(" ")', '```', ''].join('\n');
    const result = await runLessonHeadless({ source });
    expect(result.cells[0]).toMatchObject({ outputs: ['"dark input now observe queue width"'] });
  });
});
