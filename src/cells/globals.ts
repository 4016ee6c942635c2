/**
 * Names that a cell reads from the JavaScript environment rather than from
 * another cell: never inputs, so they never make a cell depend on another.
 */
export const defaultGlobals: ReadonlySet<string> = new Set([
  // ECMAScript
  'AggregateError', 'Array', 'ArrayBuffer', 'Atomics', 'BigInt', 'BigInt64Array', 'BigUint64Array',
  'Boolean', 'DataView', 'Date', 'Error', 'EvalError', 'FinalizationRegistry', 'Float32Array',
  'Float64Array', 'Function', 'Infinity', 'Int16Array', 'Int32Array', 'Int8Array', 'Intl', 'JSON',
  'Map', 'Math', 'NaN', 'Number', 'Object', 'Promise', 'Proxy', 'RangeError', 'ReferenceError',
  'Reflect', 'RegExp', 'Set', 'SharedArrayBuffer', 'String', 'Symbol', 'SyntaxError', 'TypeError',
  'URIError', 'Uint16Array', 'Uint32Array', 'Uint8Array', 'Uint8ClampedArray', 'WeakMap', 'WeakRef',
  'WeakSet', 'WebAssembly', 'decodeURI', 'decodeURIComponent', 'encodeURI', 'encodeURIComponent',
  'escape', 'eval', 'globalThis', 'isFinite', 'isNaN', 'parseFloat', 'parseInt', 'undefined', 'unescape',
  'arguments',
  // Web platform (also in Node where it exists)
  'AbortController', 'AbortSignal', 'Blob', 'BroadcastChannel', 'CustomEvent', 'DOMParser', 'Element',
  'Event', 'EventTarget', 'File', 'FileReader', 'FormData', 'HTMLCanvasElement', 'HTMLElement',
  'HTMLInputElement', 'Headers', 'Image', 'ImageData', 'IntersectionObserver', 'MessageChannel',
  'MutationObserver', 'Node', 'OffscreenCanvas', 'Request', 'ResizeObserver', 'Response', 'SVGElement',
  'TextDecoder', 'TextEncoder', 'URL', 'URLSearchParams', 'Worker', 'XMLSerializer', 'alert', 'atob',
  'btoa', 'cancelAnimationFrame', 'clearInterval', 'clearTimeout', 'confirm', 'console', 'crypto',
  'devicePixelRatio', 'document', 'fetch', 'getComputedStyle', 'history', 'innerHeight', 'innerWidth',
  'localStorage', 'location', 'matchMedia', 'navigator', 'performance', 'prompt', 'queueMicrotask',
  'requestAnimationFrame', 'requestIdleCallback', 'self', 'sessionStorage', 'setInterval', 'setTimeout',
  'structuredClone', 'window',
]);
