/**
 * A TensorBoard-like scalars view of training runs: loss and accuracy per epoch, training solid and
 * validation dashed, one colour per run, several runs side by side, TensorBoard's smoothing, and
 * marked epochs (the one EarlyStopping restored). Pure functions of the runs: an SVG string for
 * pages, a text table for `lectern run`; no DOM, so Node and the browser draw the same chart.
 *
 * A board keeps runs across re-runs of the cell that trains, as TensorBoard keeps one folder per run:
 *
 * ```ts
 * const board = createScalarsBoard();                        // a cell that runs once
 * const runs = board.record(`patience ${patience}`, training); // re-runs with every epoch
 * scalarsChart(runs, { smoothing })
 * ```
 */

/** The logs a chart needs (Lectern's EpochLog has these and more). */
export interface ScalarLog {
  epoch: number;
  loss: number;
  accuracy: number;
  val_loss: number;
  val_accuracy: number;
}

export interface ScalarMarker {
  epoch: number;
  label: string;
}

export interface ScalarRun {
  name: string;
  logs: readonly ScalarLog[];
  /** Epochs to mark, e.g. `{epoch: 7, label: 'restored'}`. */
  markers?: readonly ScalarMarker[];
  /** False while the run trains. */
  done?: boolean;
  /** Drawn faint, behind the others (a previous run kept for comparison). */
  faint?: boolean;
}

// ---- Smoothing ----------------------------------------------------------------------------

/**
 * TensorBoard's smoothing: an exponential moving average, debiased so the first points are not
 * pulled towards 0 (tensorboard/webapp/widgets/line_chart_v2/data_transformer.ts). weight 0 keeps
 * the values; 0.99 nearly flattens them. Non-finite values pass through and do not enter the average.
 */
export function smooth(values: readonly number[], weight: number): number[] {
  if (!(weight >= 0 && weight < 1)) throw new RangeError(`smoothing must be in [0, 1), got ${weight}`);
  let last = 0;
  let count = 0;
  return values.map((value) => {
    if (!Number.isFinite(value)) return value;
    last = last * weight + (1 - weight) * value;
    count++;
    return weight === 0 ? value : last / (1 - weight ** count);
  });
}

// ---- Board --------------------------------------------------------------------------------

/** What `record` takes: a run in progress or done (a lesson's Training, or anything with logs). */
export interface RecordedRun {
  logs: readonly ScalarLog[];
  done?: boolean;
  markers?: readonly ScalarMarker[];
  history?: { restoredEpoch?: number | null; stoppedEpoch?: number | null } | null;
}

export interface ScalarsBoard {
  /**
   * Adds or updates a run and returns all runs (a new array each time, oldest first). A new run
   * starts when no run of that name is in progress and the logs are not a continuation of one.
   */
  record(name: string, run: RecordedRun): ScalarRun[];
  readonly runs: ScalarRun[];
  /** Forgets every run. */
  clear(): void;
}

/** The marks a finished run gets from its history: where EarlyStopping stopped and what it restored. */
export function historyMarkers(history: RecordedRun['history']): ScalarMarker[] {
  const markers: ScalarMarker[] = [];
  if (history?.restoredEpoch != null) markers.push({ epoch: history.restoredEpoch, label: `restored epoch ${history.restoredEpoch}` });
  if (history?.stoppedEpoch != null) markers.push({ epoch: history.stoppedEpoch, label: `stopped at ${history.stoppedEpoch}` });
  return markers;
}

export function createScalarsBoard({ maxRuns = 8 }: { maxRuns?: number } = {}): ScalarsBoard {
  // Each run remembers the name it was recorded under; a second run of a name is shown as "name (2)".
  let entries: { base: string; run: ScalarRun }[] = [];
  const sameStart = (a: readonly ScalarLog[], b: readonly ScalarLog[]) =>
    a.length === 0 || b.length === 0 || (a[0]!.loss === b[0]!.loss && a[0]!.val_loss === b[0]!.val_loss);
  const snapshot = () => entries.map((e) => e.run);
  return {
    record(name, recorded) {
      const run: ScalarRun = { name, logs: [...recorded.logs], done: recorded.done ?? false, markers: recorded.markers ?? historyMarkers(recorded.history) };
      const same = entries.filter((e) => e.base === name);
      const previous = same.at(-1);
      const continues = previous !== undefined && !previous.run.done && run.logs.length >= previous.run.logs.length && sameStart(previous.run.logs, run.logs);
      if (previous && continues) {
        previous.run = { ...run, name: previous.run.name };
      } else {
        entries.push({ base: name, run: { ...run, name: same.length === 0 ? name : `${name} (${same.length + 1})` } });
        entries = entries.slice(-maxRuns);
      }
      return snapshot();
    },
    get runs() {
      return snapshot();
    },
    clear() {
      entries = [];
    },
  };
}

// ---- Drawing ------------------------------------------------------------------------------

/** Colours of runs, in order (Observable Plot's "tableau10", readable on white). */
export const RUN_COLORS = ['#4e79a7', '#f28e2c', '#e15759', '#76b7b2', '#59a14f', '#edc949', '#af7aa1', '#ff9da7', '#9c755f', '#bab0ab'];

export interface ScalarsChartArgs {
  /** TensorBoard's smoothing weight, 0 ≤ w < 1. Default 0.6 (TensorBoard's default). */
  smoothing?: number;
  /** Width of the whole figure in CSS pixels. Default 720. */
  width?: number;
}

type Metric = 'loss' | 'accuracy';
const METRICS: readonly Metric[] = ['loss', 'accuracy'];

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2));

/** About `count` round tick values over [min, max]. */
function ticks(min: number, max: number, count: number): number[] {
  if (!(max > min)) return [min];
  const step0 = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= step0) ?? step0;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** One panel (loss or accuracy): axes, raw lines faint, smoothed lines, markers. */
function panel(runs: readonly ScalarRun[], metric: Metric, x0: number, width: number, height: number, smoothing: number): string {
  const margin = { top: 24, right: 12, bottom: 30, left: 44 };
  const innerW = width - margin.left - margin.right;
  const innerH = height - margin.top - margin.bottom;
  const series = runs.flatMap((run, r) => (['train', 'validation'] as const).map((split) => {
    const key = split === 'train' ? metric : (`val_${metric}` as const);
    const raw = run.logs.map((l) => l[key]);
    return { run, r, split, epochs: run.logs.map((l) => l.epoch), raw, smoothed: smooth(raw, smoothing) };
  }));
  const values = series.flatMap((s) => s.raw).filter(Number.isFinite);
  const maxEpoch = Math.max(1, ...runs.flatMap((run) => run.logs.map((l) => l.epoch)));
  let [lo, hi] = metric === 'accuracy' ? [Math.min(...values, 1), Math.max(...values, 0)] : [Math.min(...values), Math.max(...values)];
  if (metric === 'accuracy') [lo, hi] = [Math.max(0, Math.floor(lo * 10) / 10), Math.min(1, Math.ceil(hi * 10) / 10)];
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) [lo, hi] = [0, 1];
  if (hi - lo < 1e-6) [lo, hi] = [lo - 0.5, hi + 0.5];
  const x = (epoch: number) => margin.left + (maxEpoch === 1 ? innerW / 2 : ((epoch - 1) / (maxEpoch - 1)) * innerW);
  const y = (v: number) => margin.top + (1 - (v - lo) / (hi - lo)) * innerH;
  const path = (epochs: number[], vs: number[]) => {
    let d = '';
    vs.forEach((v, i) => {
      if (!Number.isFinite(v)) return;
      d += `${d ? 'L' : 'M'}${x(epochs[i]!).toFixed(1)},${y(Math.min(hi, Math.max(lo, v))).toFixed(1)}`;
    });
    return d;
  };
  const parts: string[] = [`<g transform="translate(${x0},0)">`];
  parts.push(`<text x="${margin.left}" y="14" font-weight="bold">epoch_${metric}</text>`);
  for (const t of ticks(lo, hi, 4)) {
    parts.push(`<line x1="${margin.left}" x2="${margin.left + innerW}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#ddd"/>`);
    parts.push(`<text x="${margin.left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${fmt(t)}</text>`);
  }
  for (const t of ticks(1, maxEpoch, Math.min(8, maxEpoch - 1 || 1)).filter((t) => Number.isInteger(t))) {
    parts.push(`<text x="${x(t).toFixed(1)}" y="${margin.top + innerH + 16}" text-anchor="middle">${t}</text>`);
  }
  parts.push(`<text x="${margin.left + innerW / 2}" y="${height - 2}" text-anchor="middle">epoch</text>`);
  parts.push(`<rect x="${margin.left}" y="${margin.top}" width="${innerW}" height="${innerH}" fill="none" stroke="#999"/>`);
  for (const s of series) {
    const color = RUN_COLORS[s.r % RUN_COLORS.length]!;
    const dash = s.split === 'validation' ? ' stroke-dasharray="5 3"' : '';
    const faint = s.run.faint ? ' stroke-opacity="0.35"' : '';
    if (smoothing > 0 && !s.run.faint) parts.push(`<path d="${path(s.epochs, s.raw)}" fill="none" stroke="${color}" stroke-opacity="0.3" stroke-width="1"${dash}/>`);
    parts.push(`<path d="${path(s.epochs, s.smoothed)}" fill="none" stroke="${color}" stroke-width="${s.run.faint ? 1.5 : 2}"${faint}${dash} data-run="${escape(s.run.name)}" data-split="${s.split}"><title>${escape(`${s.run.name}, ${s.split} ${metric}`)}</title></path>`);
  }
  runs.forEach((run, r) => {
    if (run.faint) return;
    for (const marker of run.markers ?? []) {
      // The restored epoch is a dot on a dashed rule; the best epoch (lowest val_loss) a ring.
      const best = /^best/.test(marker.label);
      if (!best && !/^restored/.test(marker.label)) continue;
      const log = run.logs.find((l) => l.epoch === marker.epoch);
      if (!log) continue;
      const color = RUN_COLORS[r % RUN_COLORS.length]!;
      const v = log[`val_${metric}`];
      const title = `<title>${escape(`${run.name}: ${marker.label}, val_${metric} ${v.toFixed(4)}`)}</title>`;
      if (best) {
        parts.push(`<circle cx="${x(marker.epoch).toFixed(1)}" cy="${y(v).toFixed(1)}" r="7" fill="none" stroke="${color}" stroke-width="2" data-marker="${escape(marker.label)}" data-run="${escape(run.name)}">${title}</circle>`);
        continue;
      }
      parts.push(`<line x1="${x(marker.epoch).toFixed(1)}" x2="${x(marker.epoch).toFixed(1)}" y1="${margin.top}" y2="${margin.top + innerH}" stroke="${color}" stroke-dasharray="2 2"/>`);
      parts.push(`<circle cx="${x(marker.epoch).toFixed(1)}" cy="${y(v).toFixed(1)}" r="4.5" fill="${color}" stroke="#fff" data-marker="${escape(marker.label)}" data-run="${escape(run.name)}">${title}</circle>`);
    }
  });
  parts.push('</g>');
  return parts.join('');
}

/** The chart as an SVG document: two panels (loss, accuracy) and a legend of runs. */
export function scalarsSvg(runs: readonly ScalarRun[], { smoothing = 0.6, width = 720 }: ScalarsChartArgs = {}): string {
  smooth([], smoothing); // validates
  const panelW = Math.floor(width / 2);
  const panelH = 240;
  const legendH = 22 + 18 * runs.length;
  const height = panelH + legendH;
  const label = `Training curves of ${runs.length} run${runs.length === 1 ? '' : 's'}: ${runs.map((r) => r.name).join('; ')}`;
  const legend = runs.map((run, r) => {
    const color = RUN_COLORS[r % RUN_COLORS.length]!;
    const y = panelH + 22 + r * 18;
    const last = run.logs.at(-1);
    const restored = run.markers?.find((m) => /^restored/.test(m.label));
    const state = `${run.logs.length} epoch${run.logs.length === 1 ? '' : 's'}${run.done ? '' : ', training'}${restored ? `, ${restored.label}` : ''}${last ? ` · val_loss ${last.val_loss.toFixed(3)}` : ''}`;
    return `<g data-legend="${escape(run.name)}"><line x1="50" x2="74" y1="${y - 4}" y2="${y - 4}" stroke="${color}" stroke-width="3"${run.faint ? ' stroke-opacity="0.35"' : ''}/><text x="82" y="${y}">${escape(run.name)} — ${escape(state)}</text></g>`;
  }).join('');
  const hasBest = runs.some((run) => !run.faint && run.markers?.some((m) => /^best/.test(m.label)));
  const keyParts = ['solid: training', 'dashed: validation', 'dot: the epoch EarlyStopping restored', ...(hasBest ? ['ring: the best epoch (lowest val_loss)'] : []), ...(smoothing > 0 ? [`smoothing ${smoothing}`] : [])];
  const key = `<text x="50" y="${panelH + 8}" fill="#555">${keyParts.join(' · ')}</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escape(label)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="11" class="lectern-scalars"><title>${escape(label)}</title>${METRICS.map((m, i) => panel(runs, m, i * panelW, panelW, panelH, smoothing)).join('')}${key}${legend}</svg>`;
}

/** The chart as text: one row per run and epoch (smoothed values), for terminals. */
export function scalarsText(runs: readonly ScalarRun[], { smoothing = 0.6 }: ScalarsChartArgs = {}): string {
  if (runs.length === 0) return 'No runs yet.';
  const lines = [`Scalars (smoothing ${smoothing}): epoch_loss, epoch_accuracy for train / validation`];
  for (const run of runs) {
    const restored = run.markers?.find((m) => /^restored/.test(m.label));
    lines.push(`${run.name}${run.done ? '' : ' (training)'}${restored ? `, ${restored.label}` : ''}:`);
    const s = (key: keyof ScalarLog) => smooth(run.logs.map((l) => l[key]), smoothing);
    const [loss, valLoss, acc, valAcc] = [s('loss'), s('val_loss'), s('accuracy'), s('val_accuracy')];
    run.logs.forEach((log, i) => {
      const mark = restored?.epoch === log.epoch ? '  ← restored' : '';
      lines.push(`  epoch ${String(log.epoch).padStart(3)}  loss ${loss[i]!.toFixed(4)} / ${valLoss[i]!.toFixed(4)}  accuracy ${acc[i]!.toFixed(4)} / ${valAcc[i]!.toFixed(4)}${mark}`);
    });
  }
  return lines.join('\n');
}
