/**
 * `Inputs` for headless runs (Node has no DOM): each input is a plain object
 * with a `value`, a text form for the output, and a parser that turns the
 * string of `--set name=value` into a value of the right type.
 */

export interface HeadlessInput {
  readonly kind: string;
  readonly label?: string;
  value: unknown;
  /** Parses a `--set` string for this input; throws a message naming the accepted values. */
  parse(text: string): unknown;
  toString(): string;
}

interface LabelOptions {
  label?: unknown;
  value?: unknown;
  step?: number;
  format?: (value: unknown) => string;
}

function input(kind: string, label: unknown, value: unknown, parse: (text: string) => unknown, describe: (value: unknown) => string): HeadlessInput {
  return {
    kind,
    label: label === undefined || label === null ? undefined : String(label),
    value,
    parse,
    toString() {
      return `${this.label ?? kind}: ${describe(this.value)}`;
    },
  };
}

function numberParser(min: number, max: number): (text: string) => number {
  return (text) => {
    const n = Number(text);
    if (text.trim() === '' || Number.isNaN(n)) throw new Error(`expected a number, got "${text}"`);
    if (n < min || n > max) throw new Error(`${n} is outside [${min}, ${max}]`);
    return n;
  };
}

function optionParser(options: readonly unknown[], format: (value: unknown) => string): (text: string) => unknown {
  return (text) => {
    const found = options.find((o) => format(o) === text || String(o) === text);
    if (found === undefined) throw new Error(`"${text}" is not one of ${options.map((o) => JSON.stringify(format(o))).join(', ')}`);
    return found;
  };
}

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? `[${v.map(show).join(', ')}]` : String(v));

const knownInputs = {
  range([min, max]: [number, number] = [0, 1], { label, value, step }: LabelOptions = {}): HeadlessInput {
    const initial = typeof value === 'number' ? value : step ? min + Math.round((max - min) / 2 / step) * step : (min + max) / 2;
    return input('range', label, initial, numberParser(min, max), show);
  },
  number(range?: [number, number] | LabelOptions, options: LabelOptions = {}): HeadlessInput {
    const [bounds, { label, value }] = Array.isArray(range) ? [range, options] : [[-Infinity, Infinity] as [number, number], range ?? options];
    return input('number', label, typeof value === 'number' ? value : 0, numberParser(bounds[0], bounds[1]), show);
  },
  select(options: readonly unknown[], { label, value, format = String }: LabelOptions = {}): HeadlessInput {
    return input('select', label, value !== undefined ? value : options[0], optionParser(options, format), (v) => show(format(v)));
  },
  radio(options: readonly unknown[], { label, value = null, format = String }: LabelOptions = {}): HeadlessInput {
    return input('radio', label, value, optionParser(options, format), (v) => (v === null ? 'none' : show(format(v))));
  },
  checkbox(options: readonly unknown[], { label, value = [], format = String }: LabelOptions = {}): HeadlessInput {
    const one = optionParser(options, format);
    return input('checkbox', label, value, (text) => (text === '' ? [] : text.split(',').map((t) => one(t.trim()))), show);
  },
  toggle({ label, value = false }: LabelOptions = {}): HeadlessInput {
    const parse = (text: string): boolean => {
      if (/^(true|1|yes|on)$/i.test(text)) return true;
      if (/^(false|0|no|off)$/i.test(text)) return false;
      throw new Error(`expected true or false, got "${text}"`);
    };
    return input('toggle', label, Boolean(value), parse, show);
  },
  text({ label, value = '' }: LabelOptions = {}): HeadlessInput {
    return input('text', label, String(value), (text) => text, show);
  },
  textarea({ label, value = '' }: LabelOptions = {}): HeadlessInput {
    return input('textarea', label, String(value), (text) => text, show);
  },
  button(content: unknown = 'button', { label, value = 0 }: LabelOptions = {}): HeadlessInput {
    return input('button', label ?? content, value, (text) => text, show);
  },
};

export function isHeadlessInput(value: unknown): value is HeadlessInput {
  return typeof value === 'object' && value !== null && typeof (value as HeadlessInput).parse === 'function' && 'kind' in value;
}

/**
 * Any other `Inputs.*` (table, search, date, color, file, form...): an input
 * whose value is its `value` option (else null) and whose `--set` value is the text.
 */
function genericInput(kind: string, args: unknown[]): HeadlessInput {
  const options = [...args].reverse().find((a): a is LabelOptions => typeof a === 'object' && a !== null && !Array.isArray(a)) ?? {};
  return input(kind, options.label, options.value ?? null, (text) => text, show);
}

const NOT_INPUTS: ReadonlySet<string> = new Set(['then', 'next', 'return', 'throw', 'toJSON', 'constructor', 'valueOf', 'toString', 'inspect', 'nodeType']);

type AnyInputs = typeof knownInputs & Record<string, (...args: unknown[]) => HeadlessInput>;

/** `Inputs` for headless runs: the common inputs above, and a generic one for the rest. */
export const headlessInputs = new Proxy(knownInputs, {
  get: (target, name) => {
    // Answering `then` or `next`/`return` would make the module look like a promise or a generator.
    if (typeof name !== 'string' || NOT_INPUTS.has(name)) return undefined;
    if (Object.hasOwn(target, name)) return target[name as keyof typeof knownInputs];
    return (...args: unknown[]) => genericInput(name, args);
  },
  // The proxy answers every other name too; TypeScript cannot see that from `knownInputs`.
}) as unknown as AnyInputs;
