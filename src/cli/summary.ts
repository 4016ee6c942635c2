/**
 * `lectern summary`: prints Keras's `base_model.summary(show_trainable=True)` for
 * MobileNetV2(include_top=False) with all but the last N layers frozen, or the same as JSON.
 */
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { countParams, freezeAllButLast } from '../ml/freeze.ts';
import { formatAlphas, mobileNetV2, MIN_INPUT_SIZE, SUPPORTED_ALPHAS } from '../ml/mobilenetv2.ts';
import { summarize } from '../ml/summary/rows.ts';
import { renderSummaryText } from '../ml/summary/text.ts';

const USAGE = `Usage: lectern summary [--alpha 1.0] [--rows 224] [--trainable-last 4] [--width N] [--json]

Prints the Keras 3 summary (show_trainable=True) of MobileNetV2(include_top=False,
input_shape=(rows, rows, 3), alpha) with every layer but the last N frozen.
  --alpha           width multiplier: ${formatAlphas()} (default 1.0)
  --rows            input rows and columns, at least ${MIN_INPUT_SIZE} (default 224)
  --trainable-last  number of last layers left trainable, 0 to 154 (default 4, as the lesson)
  --width           line length (default as Keras: 120 capped at the terminal width - 4; 76 when
                    the output is not a terminal)
  --json            per layer {name, className, outputShape, params, trainableParams, trainable,
                    connectedTo} and the totals, as JSON`;

class UsageError extends Error {}

function integer(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^-?\d+$/.test(value)) throw new UsageError(`--${name} must be an integer; got "${value}"`);
  return Number(value);
}

interface Options {
  alpha: number;
  rows: number;
  trainableLast: number;
  width?: number;
  json: boolean;
}

const VALUE_OPTIONS = new Set(['--alpha', '--rows', '--trainable-last', '--width']);

/** Joins `--opt -1` into `--opt=-1`, so that parseArgs reads a negative number as a value. */
function joinNegativeValues(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (VALUE_OPTIONS.has(args[i]) && /^-\d/.test(args[i + 1] ?? '')) out.push(`${args[i]}=${args[++i]}`);
    else out.push(args[i]);
  }
  return out;
}

function parse(args: string[]): Options | 'help' {
  const { values } = parseArgs({
    args: joinNegativeValues(args),
    strict: true,
    allowPositionals: false,
    options: {
      alpha: { type: 'string' },
      rows: { type: 'string' },
      'trainable-last': { type: 'string' },
      width: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  const alpha = values.alpha === undefined ? 1.0 : Number(values.alpha);
  if (!(SUPPORTED_ALPHAS as readonly number[]).includes(alpha)) {
    throw new UsageError(`--alpha must be one of ${formatAlphas()}; got "${values.alpha}"`);
  }
  const rows = integer('rows', values.rows, 224);
  if (rows < MIN_INPUT_SIZE) throw new UsageError(`--rows must be at least ${MIN_INPUT_SIZE} (Keras's minimum input size); got ${rows}`);
  const trainableLast = integer('trainable-last', values['trainable-last'], 4);
  const width = values.width === undefined ? undefined : integer('width', values.width, 0);
  if (width !== undefined && width < 1) throw new UsageError(`--width must be a positive integer; got ${width}`);
  return { alpha, rows, trainableLast, width, json: values.json ?? false };
}

function render(options: Options): string {
  const model = mobileNetV2({ includeTop: false, alpha: options.alpha, inputShape: [options.rows, options.rows, 3] });
  try {
    const count = model.layers.length;
    if (options.trainableLast < 0 || options.trainableLast > count) {
      throw new UsageError(`--trainable-last must be from 0 to ${count} (the model's layer count); got ${options.trainableLast}`);
    }
    freezeAllButLast(model, options.trainableLast);
    const s = summarize(model);
    if (options.json) {
      const { total, trainable, nonTrainable } = countParams(model);
      const layers = s.rows.map(({ trainableMark: _mark, ...row }) => row);
      return `${JSON.stringify({ model: s.name, layers, totals: { total, trainable, nonTrainable } }, null, 2)}\n`;
    }
    const terminalColumns = process.stdout.isTTY ? process.stdout.columns : 80;
    try {
      return renderSummaryText(s, { showTrainable: true, lineLength: options.width, terminalColumns });
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message.replace(/^summary: /, '--width: ') : String(error));
    }
  } finally {
    model.dispose();
  }
}

export async function run(args: string[]): Promise<number> {
  // Keeps tfjs's "running in Node.js" banner off stderr, so that errors stay one line.
  tf.enableProdMode();
  try {
    const options = parse(args);
    if (options === 'help') {
      console.log(USAGE);
      return 0;
    }
    process.stdout.write(render(options));
    return 0;
  } catch (error) {
    // parseArgs reports unknown options and missing values with a TypeError carrying a code.
    const usage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    if (!usage) throw error;
    console.error(`lectern summary: ${(error as Error).message.split('\n')[0]}`);
    return 2;
  }
}
