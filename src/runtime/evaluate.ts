/**
 * Compiled cell bodies become functions here; the sourceURL names the cell in
 * stack traces, which is how a runtime error finds its line in the cell.
 */

/** Turns a compiled body into a function; the sourceURL names the cell in stack traces. */
export function evaluateBody(body: string, id: string): (...args: unknown[]) => unknown {
  return new Function(`return (${body})\n//# sourceURL=${sourceUrl(id)}`)() as (...args: unknown[]) => unknown;
}

function sourceUrl(id: string): string {
  return `lectern-${id.replace(/[^\w-]/g, '_')}.js`;
}

/** Line of `error`'s first stack entry in the cell's own code ("lectern-<id>.js:LINE:COL"). */
function stackLine(error: Error, id: string): number | undefined {
  const url = sourceUrl(id).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`${url}:(\\d+):\\d+`).exec(error.stack ?? '');
  return match ? Number(match[1]) : undefined;
}

/**
 * How many lines the engine's Function wrapper and the body's header add:
 * measured once with a probe whose throw is on cell line 1.
 */
let stackLineOffset: number | null | undefined;
export function throwLine(error: Error, id: string): number | undefined {
  if (stackLineOffset === undefined) {
    try {
      (evaluateBody('function () {\nthrow new Error("probe");\n}', 'probe') as () => void)();
    } catch (probe) {
      const line = probe instanceof Error ? stackLine(probe, 'probe') : undefined;
      stackLineOffset = line === undefined ? null : line - 1;
    }
  }
  const line = stackLine(error, id);
  if (line === undefined || stackLineOffset === null || stackLineOffset === undefined) return undefined;
  const cellLine = line - stackLineOffset;
  return cellLine >= 1 ? cellLine : undefined;
}
