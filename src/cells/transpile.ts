/**
 * Step 4 of compiling a cell: turn the erased, analysed JavaScript into the
 * body of a function the runtime calls with `(__lectern, ...references)`:
 * imports become awaited `__lectern.import(...)` calls, every loop gets a
 * guard, `const x = view(...)` passes its name to view, and the function
 * returns the cell's declarations (program) or value (expression).
 */
import { ancestor, simple } from 'acorn-walk';
import type { AnyNode, Expression, ImportDeclaration, Program, Statement } from 'acorn';
import { applyEdits, type TextEdit } from './edits.ts';

export const CONTEXT_PARAMETER = '__lectern';

export interface TranspileInput {
  code: string;
  node: Program | Expression;
  /** Whether the body returns the expression's value to display (false for programs). */
  expression: boolean;
  declarations: readonly string[];
  references: readonly string[];
  /** Names declared as `const name = view(...)`, see findViewCalls (views.ts). */
  viewCalls: readonly ViewCall[];
}

export interface ViewCall {
  name: string;
  /** Offset of the call's closing parenthesis. */
  closeParen: number;
  /** Whether the argument list ends with a comma. */
  trailingComma: boolean;
}

export function transpileCell(input: TranspileInput): { body: string; async: boolean } {
  const { code, node, expression } = input;
  const edits: TextEdit[] = [...loopGuardEdits(node), ...dynamicImportEdits(node), ...dynamicCodeEdits(node)];
  if (node.type === 'Program') {
    for (const statement of node.body) if (statement.type === 'ImportDeclaration') edits.push(importEdit(statement, code));
  }
  for (const call of input.viewCalls) {
    edits.push({ start: call.closeParen, end: call.closeParen, text: `${call.trailingComma ? ' ' : ', '}${JSON.stringify(call.name)}` });
  }
  const isAsync = hasTopLevelAwait(node);
  const params = [CONTEXT_PARAMETER, ...input.references].join(', ');
  const text = applyEdits(code, edits);
  // An expression that is not displayed (it calls display()) still runs, as a statement.
  const statements = node.type === 'Program' ? text : `(${text}\n);`;
  const inner = expression ? `return (${text}\n);` : `${statements}\nreturn {${input.declarations.join(', ')}};`;
  // Strict like the ES module code TypeScript compiles to; on the header line so cell line N is body line N + 1.
  return { body: `${isAsync ? 'async ' : ''}function (${params}) {'use strict';\n${inner}\n}`, async: isAsync };
}

/** `while (c) body` → `while (c) { __lectern.guard(); body }`, for every kind of loop. */
export function loopGuardEdits(root: AnyNode): TextEdit[] {
  const edits: TextEdit[] = [];
  const guard = `${CONTEXT_PARAMETER}.guard();`;
  const guardBody = (body: Statement): void => {
    if (body.type === 'BlockStatement') {
      edits.push({ start: body.start + 1, end: body.start + 1, text: guard });
    } else {
      edits.push({ start: body.start, end: body.start, text: `{${guard}` });
      edits.push({ start: body.end, end: body.end, text: '}' });
    }
  };
  // simple() visits children first, so an inner loop's closing brace is queued
  // before an outer loop's at the same offset.
  simple(root, {
    WhileStatement: (n) => guardBody(n.body),
    DoWhileStatement: (n) => guardBody(n.body),
    ForStatement: (n) => guardBody(n.body),
    ForInStatement: (n) => guardBody(n.body),
    ForOfStatement: (n) => guardBody(n.body),
  });
  return edits;
}

/**
 * `new Function(...)` / `Function(...)` → `__lectern.Function(...)`, `eval(x)` → `eval(__lectern.code(x))`:
 * code made at run time gets the loop guard too (src/cells/dynamic-code.ts).
 */
function dynamicCodeEdits(root: AnyNode): TextEdit[] {
  const edits: TextEdit[] = [];
  const visit = (n: { callee: AnyNode; arguments: AnyNode[] }) => {
    if (n.callee.type !== 'Identifier') return;
    if (n.callee.name === 'Function') edits.push({ start: n.callee.start, end: n.callee.end, text: `${CONTEXT_PARAMETER}.Function` });
    const first = n.arguments[0];
    if (n.callee.name === 'eval' && first && first.type !== 'SpreadElement') {
      edits.push({ start: first.start, end: first.start, text: `${CONTEXT_PARAMETER}.code(` });
      edits.push({ start: first.end, end: first.end, text: ')' });
    }
  };
  simple(root, { CallExpression: visit, NewExpression: visit });
  return edits;
}

/** `import("x")` → `__lectern.import("x")`, so Node and the browser resolve it the same way. */
function dynamicImportEdits(root: AnyNode): TextEdit[] {
  const edits: TextEdit[] = [];
  simple(root, {
    ImportExpression(n) {
      edits.push({ start: n.start, end: n.start + 'import'.length, text: `${CONTEXT_PARAMETER}.import` });
    },
  });
  return edits;
}

/** A static import becomes a destructuring of the awaited module, on the same lines. */
function importEdit(statement: ImportDeclaration, code: string): TextEdit {
  const load = `await ${CONTEXT_PARAMETER}.import(${JSON.stringify(String(statement.source.value))})`;
  const named: string[] = [];
  let namespace: string | undefined;
  for (const specifier of statement.specifiers) {
    if (specifier.type === 'ImportNamespaceSpecifier') namespace = specifier.local.name;
    else if (specifier.type === 'ImportDefaultSpecifier') named.push(`default: ${specifier.local.name}`);
    else {
      const imported = specifier.imported.type === 'Identifier' ? specifier.imported.name : JSON.stringify(specifier.imported.value);
      named.push(imported === specifier.local.name ? imported : `${imported}: ${specifier.local.name}`);
    }
  }
  let text: string;
  if (namespace) text = `const ${namespace} = ${load}${named.length ? `, {${named.join(', ')}} = ${namespace}` : ''};`;
  else if (named.length) text = `const {${named.join(', ')}} = ${load};`;
  else text = `${load};`;
  const newlines = code.slice(statement.start, statement.end).split('\n').length - 1;
  return { start: statement.start, end: statement.end, text: text + '\n'.repeat(newlines) };
}

/** Top-level `await`, `for await` or a static import make the body async. */
function hasTopLevelAwait(root: Program | Expression): boolean {
  if (root.type === 'Program' && root.body.some((s) => s.type === 'ImportDeclaration')) return true;
  let found = false;
  const check = (_node: AnyNode, _state: unknown, ancestors: AnyNode[]): void => {
    if (!ancestors.slice(0, -1).some(isFunction)) found = true;
  };
  ancestor(root, {
    AwaitExpression: check,
    ForOfStatement(node, state, ancestors) {
      if (node.await) check(node, state, ancestors);
    },
  });
  return found;
}

function isFunction(node: AnyNode): boolean {
  return node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression';
}
