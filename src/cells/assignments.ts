/**
 * Cells communicate only through their outputs: assigning to a name the cell
 * does not declare (another cell's variable, a library name) or to a global
 * (`Math = 1`, which would leak into every other cell and the page) is an
 * error, caught at compile time so the author sees where. Observable
 * Framework rejects both the same way.
 */
import { simple } from 'acorn-walk';
import type { Identifier, Node, Pattern } from 'acorn';
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
  if (!first) return undefined;
  return { node: first, message: globals.has(first.name) ? globalAssignmentMessage(first.name) : externalAssignmentMessage(first.name) };
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
