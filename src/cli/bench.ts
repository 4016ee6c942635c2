/**
 * `lectern bench` (`npm run bench`): MobileNetV2 alpha 1.0 throughput in Node on
 * wasm and cpu — forward pass and a training step with the last 4, the last 30 and
 * all layers trainable — printed per backend with the ratios the WASM issue set as
 * goals: wasm/cpu training speed (goal ≥ 20×) and, on wasm, the cost of training an
 * image relative to inferring it (goal ≤ 4×). `--json`: one JSON object per line.
 */
import { parseArgs } from 'node:util';
import { describeWasm, type BackendName } from '../ml/backend.ts';
import { caseName, DEFAULT_CASES, measureThroughput, type Measurement } from '../../bench/mobilenet-throughput.ts';

const USAGE = `Usage: lectern bench [--rows 32] [--batch 12] [--batches 2] [--backends wasm,cpu] [--json]

Measures MobileNetV2 (alpha 1.0, course head) images per second in Node: a forward pass, and a
training step (Lectern's trainer: fit()'s computation, Adam) with the last 4, the last 30 and all 154
base layers trainable.
  --rows      input rows and columns (default 32, the lesson's resolution)
  --batch     images per batch (default 12, the course's batch size)
  --batches   measured batches per figure, after one warm-up batch (default 2)
  --backends  comma-separated, from wasm, cpu, webgl (default wasm,cpu)
  --json      one JSON object per line: {name, backend, imagesPerSecond, msPerImage, ...}, then the
              ratios as {name, ratio, goal, met}`;

interface Options {
  rows: number;
  batch: number;
  batches: number;
  backends: BackendName[];
  json: boolean;
}

function positiveInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new Error(`--${name} must be a positive integer; got "${value}"`);
  return Number(value);
}

function parseOptions(args: string[]): Options | 'help' {
  const { values } = parseArgs({
    args,
    options: {
      rows: { type: 'string' },
      batch: { type: 'string' },
      batches: { type: 'string' },
      backends: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  const backends = (values.backends ?? 'wasm,cpu').split(',').map((b) => b.trim());
  for (const b of backends) {
    if (!['wasm', 'cpu', 'webgl'].includes(b)) throw new Error(`--backends: unknown backend "${b}"; choose from wasm, cpu, webgl`);
  }
  const rows = positiveInteger('rows', values.rows, 32);
  if (rows < 32) throw new Error(`--rows must be at least 32 (MobileNetV2's minimum input); got ${rows}`);
  return {
    rows,
    batch: positiveInteger('batch', values.batch, 12),
    batches: positiveInteger('batches', values.batches, 2),
    backends: backends as BackendName[],
    json: values.json ?? false,
  };
}

export interface Ratio {
  name: string;
  ratio: number;
  goal: string;
  met: boolean;
}

/** The goals: wasm ≥ 20× cpu for each training case; training ≤ 4× a forward pass on wasm. */
export function ratios(results: Measurement[]): Ratio[] {
  const find = (name: string, backend: BackendName) => results.find((m) => m.name === name && m.backend === backend);
  const out: Ratio[] = [];
  const wasmForward = find('mobilenetv2.forward', 'wasm');
  for (const c of DEFAULT_CASES) {
    const name = caseName(c);
    const wasm = find(name, 'wasm');
    const cpu = find(name, 'cpu');
    if (wasm && cpu) {
      const ratio = wasm.imagesPerSecond / cpu.imagesPerSecond;
      const isTraining = c.kind === 'train';
      out.push({ name: `${name}.wasmOverCpu`, ratio, goal: isTraining ? '>= 20' : 'none', met: isTraining ? ratio >= 20 : true });
    }
    if (c.kind === 'train' && wasm && wasmForward) {
      const ratio = wasm.msPerImage / wasmForward.msPerImage;
      out.push({ name: `${name}.trainCostOverForward.wasm`, ratio, goal: '<= 4', met: ratio <= 4 });
    }
  }
  return out;
}

function table(results: Measurement[], backends: BackendName[]): string {
  const names = [...new Set(results.map((m) => m.name))];
  const header = ['', ...backends.map((b) => `${b} img/s`), ...backends.map((b) => `${b} ms/img`)];
  const rows = names.map((name) => [
    name.replace('mobilenetv2.', ''),
    ...backends.map((b) => results.find((m) => m.name === name && m.backend === b)?.imagesPerSecond.toFixed(1) ?? '-'),
    ...backends.map((b) => results.find((m) => m.name === name && m.backend === b)?.msPerImage.toFixed(2) ?? '-'),
  ]);
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => r[i].length)));
  return [header, ...rows].map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ')).join('\n');
}

export async function run(args: string[]): Promise<number> {
  let options: Options | 'help';
  try {
    options = parseOptions(args);
  } catch (error) {
    console.error(`lectern bench: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }
  const { rows, batch, batches, json } = options;
  const results: Measurement[] = [];
  if (!json) console.log(`MobileNetV2 alpha 1.0, ${rows}×${rows}, batch ${batch}, ${batches} measured batches after 1 warm-up (Node)`);
  for (const backend of options.backends) {
    const { status } = await measureThroughput({
      backend,
      rows,
      batch,
      batches,
      onResult: (m) => {
        results.push(m);
        if (json) console.log(JSON.stringify(m));
        else console.log(`  ${m.backend.padEnd(5)} ${m.name.padEnd(28)} ${m.imagesPerSecond.toFixed(1).padStart(8)} img/s  ${m.msPerImage.toFixed(2).padStart(8)} ms/img`);
      },
    });
    if (!json && status.wasm) console.log(`  (wasm: ${describeWasm(status.wasm)})`);
  }
  const goals = ratios(results);
  if (json) {
    for (const r of goals) console.log(JSON.stringify(r));
    return 0;
  }
  console.log(`\n${table(results, options.backends)}\n`);
  for (const r of goals) {
    const verdict = r.goal === 'none' ? '' : `  goal ${r.goal}: ${r.met ? 'met' : 'NOT met'}`;
    console.log(`${r.name.replace('mobilenetv2.', '').padEnd(40)} ${r.ratio.toFixed(2).padStart(7)}×${verdict}`);
  }
  return 0;
}
