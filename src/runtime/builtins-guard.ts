/**
 * Built-ins a cell must not change (issue 12, item 10). The compiler rejects what it can see
 * (`Math = 1`, `globalThis.JSON = null`, `Object.prototype.x = 1`: src/cells/assignments.ts); this
 * catches the rest at run time (an alias, `Object.defineProperty(Array.prototype, …)`,
 * `Object.assign(globalThis, …)`): after a cell's code runs, and again when its promise settles,
 * the JavaScript built-ins and their prototypes are compared with what they were when Lectern
 * started; each change is undone, and the cell fails saying what it changed. So the rest of the
 * lesson, and Lectern itself (which uses JSON, Math, Array methods...), keep working.
 * Runs in Node and in the browser.
 */

/** Global names whose values are the language's and the host's basics. */
const GLOBAL_NAMES = [
  'AggregateError', 'Array', 'ArrayBuffer', 'Atomics', 'BigInt', 'BigInt64Array', 'BigUint64Array', 'Boolean', 'DataView',
  'Date', 'Error', 'EvalError', 'FinalizationRegistry', 'Float32Array', 'Float64Array', 'Function', 'Infinity', 'Int16Array',
  'Int32Array', 'Int8Array', 'Intl', 'JSON', 'Map', 'Math', 'NaN', 'Number', 'Object', 'Promise', 'Proxy', 'RangeError',
  'ReferenceError', 'Reflect', 'RegExp', 'Set', 'SharedArrayBuffer', 'String', 'Symbol', 'SyntaxError', 'TypeError', 'URIError',
  'Uint16Array', 'Uint32Array', 'Uint8Array', 'Uint8ClampedArray', 'WeakMap', 'WeakRef', 'WeakSet', 'WebAssembly',
  'decodeURI', 'decodeURIComponent', 'encodeURI', 'encodeURIComponent', 'eval', 'globalThis', 'isFinite', 'isNaN',
  'parseFloat', 'parseInt', 'undefined',
  'console', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'queueMicrotask', 'structuredClone',
  'requestAnimationFrame', 'cancelAnimationFrame', 'fetch', 'performance', 'TextEncoder', 'TextDecoder', 'URL',
];

/** The objects whose own properties every object, array or function of the page inherits. */
const PROTOTYPE_OWNERS = ['Object', 'Function', 'Array', 'String', 'Number', 'Boolean', 'Symbol', 'BigInt', 'Promise', 'RegExp', 'Date', 'Map', 'Set', 'WeakMap', 'WeakSet', 'Error', 'ArrayBuffer', 'Float32Array', 'Int32Array', 'Uint8Array'];

interface Watched {
  /** How the learner would name it: "globalThis", "Array.prototype", "JSON". */
  label: string;
  target: object;
  /** Only these keys (the global object), or every own key. */
  keys?: readonly string[];
  original: Map<PropertyKey, PropertyDescriptor>;
}

let watched: Watched[] | undefined;

function ownDescriptors(target: object, keys?: readonly string[]): Map<PropertyKey, PropertyDescriptor> {
  const found = new Map<PropertyKey, PropertyDescriptor>();
  for (const key of keys ?? Reflect.ownKeys(target)) {
    const descriptor = Reflect.getOwnPropertyDescriptor(target, key);
    if (descriptor) found.set(key, descriptor);
  }
  return found;
}

/** Takes the snapshot (once: the first call, before any cell runs, is what Lectern started with). */
export function watchBuiltins(): void {
  if (watched) return;
  const global = globalThis as unknown as Record<string, unknown>;
  const list: Watched[] = [{ label: 'globalThis', target: globalThis, keys: GLOBAL_NAMES, original: ownDescriptors(globalThis, GLOBAL_NAMES) }];
  for (const name of ['Math', 'JSON', 'Reflect', 'Object', 'Array', 'Promise']) {
    const value = global[name];
    if (typeof value === 'object' || typeof value === 'function') list.push({ label: name, target: value as object, original: ownDescriptors(value as object) });
  }
  for (const name of PROTOTYPE_OWNERS) {
    const prototype = (global[name] as { prototype?: object } | undefined)?.prototype;
    if (prototype) list.push({ label: `${name}.prototype`, target: prototype, original: ownDescriptors(prototype) });
  }
  watched = list;
}

const same = (a: PropertyDescriptor, b: PropertyDescriptor) =>
  Object.is(a.value, b.value) && a.get === b.get && a.set === b.set && a.writable === b.writable && a.enumerable === b.enumerable && a.configurable === b.configurable;

const keyText = (key: PropertyKey) => (typeof key === 'symbol' ? `[${key.description ?? 'symbol'}]` : String(key));

/**
 * Undoes every change to the built-ins since watchBuiltins(); returns what changed, one phrase each
 * ("replaced globalThis.JSON", "added Object.prototype.x"), empty when nothing did. A change that
 * cannot be undone (a frozen or non-configurable property) is named as such.
 */
export function restoreBuiltins(): string[] {
  if (!watched) return [];
  const changes: string[] = [];
  for (const { label, target, keys, original } of watched) {
    const now = ownDescriptors(target, keys);
    const name = (key: PropertyKey) => (label === 'globalThis' ? `globalThis.${keyText(key)}` : `${label}.${keyText(key)}`);
    for (const [key, descriptor] of now) {
      const before = original.get(key);
      if (before && same(before, descriptor)) continue;
      const undone = before ? Reflect.defineProperty(target, key, before) : Reflect.deleteProperty(target, key);
      changes.push(`${before ? 'replaced' : 'added'} ${name(key)}${undone ? '' : ' (could not be undone: reload the page)'}`);
    }
    for (const [key, before] of original) {
      if (now.has(key)) continue;
      const undone = Reflect.defineProperty(target, key, before);
      changes.push(`deleted ${name(key)}${undone ? '' : ' (could not be undone: reload the page)'}`);
    }
  }
  return changes;
}

/** The cell's error message for `changes` (from restoreBuiltins). */
export function builtinsChangedMessage(changes: readonly string[]): string {
  const listed = changes.slice(0, 3).join(', ') + (changes.length > 3 ? ` and ${changes.length - 3} more` : '');
  return `This cell changed JavaScript's built-ins (${listed}), which every cell and Lectern itself use; Lectern put them back. Declare names of your own instead`;
}
