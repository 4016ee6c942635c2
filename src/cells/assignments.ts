/**
 * Cells communicate only through their outputs: assigning to a name the cell
 * does not declare (another cell's variable, a library name) is an error,
 * caught at compile time so the author sees where.
 */
import { simple } from 'acorn-walk';
import type { Identifier, Node, Pattern } from 'acorn';
import { patternIdentifiers } from './declarations.ts';

/** The first assignment target among `free` (a cell's free identifiers), if any. */
export function findExternalAssignment(root: Node, free: readonly Identifier[]): Identifier | undefined {
  const freeNodes = new Set<Node>(free);
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
  return targets.filter((id) => freeNodes.has(id)).sort((a, b) => a.start - b.start)[0];
}

export function externalAssignmentMessage(name: string): string {
  return `Assignment to "${name}", which this cell does not declare: a cell may only assign its own variables`;
}
