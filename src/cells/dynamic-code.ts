/**
 * The loop guard for code a cell makes at run time (issue 12, item 8): `new Function("while(true){}")()`
 * and `eval("for(;;){}")` ran outside the guard, and in the page nothing can stop a loop that never
 * yields (the tab froze for good). transpile rewrites a cell's `Function(...)` / `new Function(...)`
 * to `__lectern.Function(...)` and `eval(x)` to `eval(__lectern.code(x))` (still a direct eval, so
 * it sees the cell's scope); both put the guard into the code's loops before it is compiled.
 * Code built another way (an indirect `(0, eval)(...)`, `[].constructor.constructor(...)`) is not
 * seen: `lectern run` still stops it at --timeout, the page starts safe on the next load.
 */
import { parse } from 'acorn';
import { applyEdits } from './edits.ts';
import { CONTEXT_PARAMETER, loopGuardEdits } from './transpile.ts';
import type { CellContext } from './types.ts';

/** `source` with the guard at the top of every loop body; unchanged when it does not parse (eval then throws its own SyntaxError). */
export function guardSource(source: unknown): unknown {
  if (typeof source !== 'string') return source; // eval of a non-string returns it as is
  try {
    const node = parse(source, { ecmaVersion: 'latest', sourceType: 'script', allowReturnOutsideFunction: true, allowAwaitOutsideFunction: true });
    return applyEdits(source, loopGuardEdits(node));
  } catch {
    return source;
  }
}

// The real constructor, taken before any cell runs.
const RealFunction = Function;

/** The Function constructor, with the guard of `context` in the loops of the code it compiles. */
export function guardedFunction(context: Pick<CellContext, 'guard'>): (...args: unknown[]) => unknown {
  return function LecternFunction(...args: unknown[]): unknown {
    const body = args.length === 0 ? '' : String(args[args.length - 1]);
    const params = args.slice(0, -1).map(String).join(',');
    // Parsed as a function's body and parameters, as Function does; the guard comes in by closure.
    RealFunction(params, body); // throws the SyntaxError Function would
    const guarded = guardSource(body) as string;
    const make = RealFunction(CONTEXT_PARAMETER, `return function anonymous(${params}\n) {\n${guarded}\n}`) as (context: unknown) => unknown;
    return make(context);
  };
}
