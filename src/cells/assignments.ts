/**
 * Cells communicate only through their outputs: assigning to a name the cell
 * does not declare (another cell's variable, a library name) or to a global
 * (`Math = 1`, which would leak into every other cell and the page) is an
 * error, caught at compile time so the author sees where. Observable
 * Framework rejects both the same way.
 */
import { simple } from 'acorn-walk';
import type { Expression, Identifier, MemberExpression, Node, Pattern, Super } from 'acorn';
import { patternIdentifiers } from './declarations.ts';
import { defaultGlobals } from './globals.ts';

export interface IllegalAssignment {
  node: Identifier;
  message: string;
}

/**
 * The first assignment (`=`, `+=`, `++`, a for-in/of target, in any pattern)
 * to one of `unbound`, the identifiers no scope of the cell declares
 * (globals included).
 */
export function findIllegalAssignment(root: Node, unbound: readonly Identifier[], globals: ReadonlySet<string> = defaultGlobals): IllegalAssignment | undefined {
  const unboundNodes = new Set<Node>(unbound);
  const targets: Identifier[] = [];
  const addPattern = (pattern: Pattern): void => {
    targets.push(...patternIdentifiers(pattern));
  };
  simple(root, {
    AssignmentExpression(node) {
      addPattern(node.left);
    },
    UpdateExpression(node) {
      if (node.argument.type === 'Identifier') targets.push(node.argument);
    },
    ForInStatement(node) {
      if (node.left.type !== 'VariableDeclaration') addPattern(node.left);
    },
    ForOfStatement(node) {
      if (node.left.type !== 'VariableDeclaration') addPattern(node.left);
    },
  });
  const first = targets.filter((id) => unboundNodes.has(id)).sort((a, b) => a.start - b.start)[0];
  const member = findBuiltinMemberChange(root, unboundNodes, globals);
  if (member && (!first || member.node.start < first.start)) return member;
  if (!first) return undefined;
  return { node: first, message: globals.has(first.name) ? globalAssignmentMessage(first.name) : externalAssignmentMessage(first.name) };
}

/** The global object's names in a cell: `globalThis.JSON = null` is `JSON = null`. */
const GLOBAL_OBJECTS = new Set(['globalThis', 'window', 'self']);
/** Built-in objects whose members every cell and Lectern itself call (`Math.random = …`). */
const BUILTIN_NAMESPACES = new Set(['Math', 'JSON', 'Reflect', 'Object', 'Array', 'Promise', 'Number', 'String', 'Symbol', 'Intl', 'Atomics', 'WebAssembly']);

/** The property name of `a.b` or `a["b"]`, when it is written out. */
function propertyName(member: MemberExpression): string | undefined {
  if (!member.computed && member.property.type === 'Identifier') return member.property.name;
  if (member.property.type === 'Literal' && typeof member.property.value === 'string') return member.property.value;
  return undefined;
}

const freeIdentifier = (node: Expression | Super, unbound: ReadonlySet<Node>): Identifier | undefined =>
  node.type === 'Identifier' && unbound.has(node) ? node : undefined;

/**
 * The first change, through a member, of what every cell shares: a global through the global
 * object (`globalThis.JSON = null`, `delete window.Math`), a built-in's member (`Math.random = …`),
 * or a built-in prototype (`Object.prototype.x = 1`, prototype pollution). The run-time guard
 * (src/runtime/builtins-guard.ts) catches the ways the compiler cannot see (aliases, defineProperty).
 */
function findBuiltinMemberChange(root: Node, unbound: ReadonlySet<Node>, globals: ReadonlySet<string>): IllegalAssignment | undefined {
  const found: IllegalAssignment[] = [];
  const consider = (target: Node) => {
    if (target.type !== 'MemberExpression') return;
    const member = target as MemberExpression;
    const name = propertyName(member);
    const owner = freeIdentifier(member.object, unbound);
    if (owner && GLOBAL_OBJECTS.has(owner.name) && name !== undefined && globals.has(name)) {
      found.push({ node: owner, message: `${globalAssignmentMessage(name)} (${owner.name}.${name})` });
      return;
    }
    if (owner && BUILTIN_NAMESPACES.has(owner.name)) {
      found.push({ node: owner, message: `Changing ${owner.name}${name === undefined ? "'s members" : `.${name}`} changes it for every cell and for Lectern itself; write a function of your own instead` });
      return;
    }
    // X.prototype.y = …, X.prototype[k] = …, and globalThis.X.prototype.y = …
    if (member.object.type !== 'MemberExpression') return;
    const inner = member.object as MemberExpression;
    if (propertyName(inner) !== 'prototype') return;
    const builtin = freeIdentifier(inner.object, unbound)
      ?? (inner.object.type === 'MemberExpression' && freeIdentifier((inner.object as MemberExpression).object, unbound));
    const builtinName = !builtin ? undefined : inner.object.type === 'Identifier' ? builtin.name : propertyName(inner.object as MemberExpression);
    if (!builtin || builtinName === undefined || !globals.has(builtinName) || !/^[A-Z]/.test(builtinName)) return;
    found.push({ node: builtin, message: `Changing ${builtinName}.prototype${name === undefined ? '' : `.${name}`} changes every ${builtinName === 'Object' ? 'object' : builtinName} of every cell and of Lectern itself (prototype pollution); write a function of your own instead` });
  };
  simple(root, {
    AssignmentExpression(node) {
      consider(node.left);
    },
    UpdateExpression(node) {
      consider(node.argument);
    },
    UnaryExpression(node) {
      if (node.operator === 'delete') consider(node.argument);
    },
  });
  return found.sort((a, b) => a.node.start - b.node.start)[0];
}

export function externalAssignmentMessage(name: string): string {
  return `Assignment to "${name}", which this cell does not declare: a cell may only assign its own variables`;
}

/** Framework's wording, then why. */
export function globalAssignmentMessage(name: string): string {
  return `Assignment to global '${name}': every cell and the page share it; declare a name of your own instead`;
}

/** A top-level declaration named like a global (`function Array() {}`) would hide it from every other cell. */
export function globalRedefinitionMessage(name: string): string {
  return `Global '${name}' cannot be redefined: every cell reads it; declare another name`;
}
