/**
 * A cell's inputs: the names it reads but does not declare. A scope walk:
 * every function, block, loop head, switch, catch clause and class has its own
 * scope; `var` and parameters belong to the enclosing function; hoisted
 * declarations count even above their line; labels, property keys, `this`
 * and `import.meta` are never references.
 */
import { ancestor, base } from 'acorn-walk';
import type { AnyNode, Function as FunctionNode, Identifier, Node, Pattern } from 'acorn';
import { patternIdentifiers } from './declarations.ts';
import { defaultGlobals } from './globals.ts';

export interface ReferenceOptions {
  /** Names never reported (default: JavaScript and browser globals). */
  globals?: ReadonlySet<string>;
}

/**
 * Identifier nodes that read or assign a name no enclosing scope of the cell
 * declares (globals excluded). The same name may appear several times.
 */
export function findFreeIdentifiers(root: Node, { globals = defaultGlobals }: ReferenceOptions = {}): Identifier[] {
  const locals = collectLocals(root);
  const free: Identifier[] = [];
  const visit = (node: Identifier, _state: unknown, ancestors: AnyNode[]): void => {
    const name = node.name;
    for (let i = ancestors.length - 2; i >= 0; i--) {
      const scope = ancestors[i];
      if (name === 'arguments' && isNonArrowFunction(scope)) return;
      if (locals.get(scope)?.has(name)) return;
    }
    if (locals.get(root)?.has(name) || globals.has(name)) return;
    free.push(node);
  };
  // acorn-walk visits binding and assignment targets as "VariablePattern", a
  // walker type that its visitor types do not list.
  ancestor(root, { Identifier: visit, VariablePattern: visit } as Parameters<typeof ancestor>[1], base);
  return free;
}

/** The free names of a cell in first-use order, each once. */
export function findReferences(root: Node, options?: ReferenceOptions): string[] {
  return [...new Set(findFreeIdentifiers(root, options).map((id) => id.name))];
}

/** Maps each scope node to the names declared directly in it. */
function collectLocals(root: Node): Map<AnyNode | Node, Set<string>> {
  const locals = new Map<AnyNode | Node, Set<string>>();
  const declare = (scope: AnyNode | Node, id: Identifier): void => {
    let names = locals.get(scope);
    if (!names) locals.set(scope, (names = new Set()));
    names.add(id.name);
  };
  const declarePattern = (scope: AnyNode | Node, pattern: Pattern): void => {
    for (const id of patternIdentifiers(pattern)) declare(scope, id);
  };
  const nearest = (ancestors: AnyNode[], test: (node: AnyNode) => boolean, skip = 1): AnyNode | Node => {
    for (let i = ancestors.length - 1 - skip; i >= 0; i--) if (test(ancestors[i])) return ancestors[i];
    return root;
  };
  const declareFunction = (node: FunctionNode): void => {
    for (const param of node.params) declarePattern(node, param);
    // A named function expression sees its own name.
    if (node.type === 'FunctionExpression' && node.id) declare(node, node.id);
  };
  ancestor(root, {
    VariableDeclaration(node, _state, ancestors) {
      const scope = nearest(ancestors, node.kind === 'var' ? isFunctionScope : isBlockScope);
      for (const declarator of node.declarations) declarePattern(scope, declarator.id);
    },
    FunctionDeclaration(node, _state, ancestors) {
      if (node.id) declare(nearest(ancestors, isBlockScope), node.id);
      declareFunction(node);
    },
    FunctionExpression: declareFunction,
    ArrowFunctionExpression: declareFunction,
    ClassDeclaration(node, _state, ancestors) {
      if (node.id) declare(nearest(ancestors, isBlockScope), node.id);
    },
    ClassExpression(node) {
      if (node.id) declare(node, node.id);
    },
    CatchClause(node) {
      if (node.param) declarePattern(node, node.param);
    },
    ImportDeclaration(node) {
      for (const specifier of node.specifiers) declare(root, specifier.local);
    },
  });
  return locals;
}

function isFunctionScope(node: AnyNode): boolean {
  return (
    node.type === 'FunctionDeclaration' ||
    node.type === 'FunctionExpression' ||
    node.type === 'ArrowFunctionExpression' ||
    node.type === 'Program' ||
    node.type === 'StaticBlock'
  );
}

function isBlockScope(node: AnyNode): boolean {
  return (
    isFunctionScope(node) ||
    node.type === 'BlockStatement' ||
    node.type === 'ForStatement' ||
    node.type === 'ForInStatement' ||
    node.type === 'ForOfStatement' ||
    node.type === 'SwitchStatement'
  );
}

function isNonArrowFunction(node: AnyNode): boolean {
  return node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression';
}
