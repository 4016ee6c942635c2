/** Test helper: a lesson runtime whose observers record every event per cell. */
import { compileCell } from '../../src/cells/compile.ts';
import type { CellError } from '../../src/runtime/errors.ts';
import { createLessonRuntime, type LessonRuntime, type LessonRuntimeArgs } from '../../src/runtime/lesson-runtime.ts';

export interface Recorded {
  runtime: LessonRuntime;
  /** Events per cell id: "pending", "display <v>", "value <v>", "settled", "error <kind>: <message>". */
  events: Map<string, string[]>;
  /** The last error each cell reported, if its latest event is an error. */
  errorOf(id: string): CellError | undefined;
  /** Forget events so far. */
  clear(): void;
}

export function recordRuntime(cells: Record<string, string>, args: Omit<LessonRuntimeArgs, 'observe'> = {}): Recorded {
  const events = new Map<string, string[]>();
  const errors = new Map<string, CellError | undefined>();
  const push = (id: string, event: string) => {
    if (!events.has(id)) events.set(id, []);
    events.get(id)!.push(event);
  };
  const runtime = createLessonRuntime({
    ...args,
    observe: (cell) => ({
      pending: () => push(cell.id, 'pending'),
      display: (v) => push(cell.id, `display ${String(v)}`),
      fulfilled: (v) => {
        errors.set(cell.id, undefined);
        push(cell.id, `value ${String(v)}`);
      },
      settled: () => {
        errors.set(cell.id, undefined);
        push(cell.id, 'settled');
      },
      rejected: (e) => {
        errors.set(cell.id, e);
        push(cell.id, `error ${e.kind}: ${e.message}`);
      },
    }),
  });
  for (const [id, source] of Object.entries(cells)) runtime.define(compileCell({ id, source }));
  return { runtime, events, errorOf: (id) => errors.get(id), clear: () => events.clear() };
}

/** Events of one cell without the "pending" markers. */
export function outcomes(recorded: Recorded, id: string): string[] {
  return (recorded.events.get(id) ?? []).filter((e) => e !== 'pending');
}
