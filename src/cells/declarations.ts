/**
 * A cell's outputs: the names its top-level statements declare
 * (`const`/`let`/`var` with any pattern, `function`, `class`, `import`).
 */
import type { Identifier, Pattern, Program } from 'acorn';

/** Identifiers of the program's top-level declarations, in source order. */
export function findDeclarations(program: Program): Identifier[] {
  const found: Identifier[] = [];
  for (const statement of program.body) {
    switch (statement.type) {
      case 'VariableDeclaration':
        for (const declarator of statement.declarations) found.push(...patternIdentifiers(declarator.id));
        break;
      case 'FunctionDeclaration':
      case 'ClassDeclaration':
        if (statement.id) found.push(statement.id);
        break;
      case 'ImportDeclaration':
        for (const specifier of statement.specifiers) found.push(specifier.local);
        break;
    }
  }
  return found;
}

/** Every identifier a binding pattern binds: `{a, b: [c, ...d], e = 1}` binds a, c, d, e. */
export function patternIdentifiers(pattern: Pattern): Identifier[] {
  switch (pattern.type) {
    case 'Identifier':
      return [pattern];
    case 'ObjectPattern':
      return pattern.properties.flatMap((p) => patternIdentifiers(p.type === 'Property' ? p.value : p.argument));
    case 'ArrayPattern':
      return pattern.elements.flatMap((e) => (e ? patternIdentifiers(e) : []));
    case 'RestElement':
      return patternIdentifiers(pattern.argument);
    case 'AssignmentPattern':
      return patternIdentifiers(pattern.left);
    case 'MemberExpression':
      return [];
  }
}
