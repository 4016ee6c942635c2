/**
 * A one-line progress bar on stderr for long command-line jobs. On a terminal it redraws in
 * place; in a log file (nohup) it prints a line every `logEvery` steps instead.
 */
export interface ProgressArgs {
  total: number;
  label: string;
  /** Non-terminal output: print every this many steps. Default: every 5% of total. */
  logEvery?: number;
  /** Default process.stderr. */
  stream?: NodeJS.WriteStream;
}

export interface Progress {
  update(done: number, info?: string): void;
  finish(info?: string): void;
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return m > 0 ? `${m}m${String(s).padStart(2, '0')}s` : `${s}s`;
}

export function progressBar({ total, label, logEvery, stream = process.stderr }: ProgressArgs): Progress {
  const started = performance.now();
  const width = 24;
  const every = logEvery ?? Math.max(1, Math.round(total / 20));
  const line = (done: number, info: string) => {
    const elapsed = (performance.now() - started) / 1000;
    const filled = Math.round((done / total) * width);
    const eta = done > 0 ? (elapsed / done) * (total - done) : Infinity;
    return `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${info} elapsed ${formatDuration(elapsed)} eta ${formatDuration(eta)}`;
  };
  // Callers may report every few steps only: a log line is due when `done` crosses a multiple of `every`.
  let lastLogged = 0;
  return {
    update(done, info = '') {
      if (stream.isTTY) stream.write(`\r${line(done, info)}\x1b[K`);
      else if (Math.floor(done / every) > Math.floor(lastLogged / every) || done === total) {
        lastLogged = done;
        stream.write(`${line(done, info)}\n`);
      }
    },
    finish(info = '') {
      stream.write(`${stream.isTTY ? '\r' : ''}${line(total, info)}${stream.isTTY ? '\x1b[K' : ''}\n`);
    },
  };
}
