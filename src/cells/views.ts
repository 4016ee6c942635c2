/**
 * `const dropout = view(Inputs.range(...))`: a view declared by name. The
 * compiler passes the name to `view` so the headless runner's
 * `--set dropout=0.3` can give that input a value.
 */
import type { Program } from 'acorn';
import type { ViewCall } from './transpile.ts';

export function findViewCalls(program: Program, code: string): ViewCall[] {
  const calls: ViewCall[] = [];
  for (const statement of program.body) {
    if (statement.type !== 'VariableDeclaration') continue;
    for (const { id, init } of statement.declarations) {
      if (id.type !== 'Identifier' || init?.type !== 'CallExpression') continue;
      if (init.callee.type !== 'Identifier' || init.callee.name !== 'view' || init.optional) continue;
      const closeParen = init.end - 1;
      const lastArgument = init.arguments[init.arguments.length - 1];
      const between = code.slice(lastArgument ? lastArgument.end : init.callee.end, closeParen);
      calls.push({ name: id.name, closeParen, trailingComma: lastArgument !== undefined && between.includes(',') });
    }
  }
  return calls;
}
