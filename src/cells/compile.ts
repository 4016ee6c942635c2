/**
 * compileCell: cell source → {@link CompiledCell}, in four pure steps:
 * erase TypeScript (sucrase) → parse (acorn, expression first) → analyse
 * (declarations, references, imports, assignments) → transpile (body).
 */
import { simple } from 'acorn-walk';
import type { Expression, ImportExpression, Node, Program } from 'acorn';
import { findIllegalAssignment, globalRedefinitionMessage } from './assignments.ts';
import { findDeclarations } from './declarations.ts';
import { eraseTypes } from './erase.ts';
import { defaultGlobals } from './globals.ts';
import { CellSyntaxError, parseCell } from './parse.ts';
import { mapErasedPosition, positionAt } from './position.ts';
import { findFreeIdentifiers } from './references.ts';
import { transpileCell } from './transpile.ts';
import type { CellDiagnostic, CellImport, CellLanguage, CompiledCell } from './types.ts';
import { findViewCalls } from './views.ts';

export interface CompileCellArgs {
  /** The cell's source as written. */
  source: string;
  /** Language of the cell (default 'ts'). */
  lang?: CellLanguage;
  /** Id of the cell (default 'cell'). */
  id?: string;
  /**
   * An inline expression of prose, `${...}` (default false): it must be one expression, which
   * displays its value (unless it calls display()) and declares nothing.
   */
  inline?: boolean;
}

/** Compiles one cell. Never throws for bad cell code: problems land in `error`. */
export function compileCell({ source, lang = 'ts', id = 'cell', inline = false }: CompileCellArgs): CompiledCell {
  const empty = { id, lang, source, declarations: [], references: [], imports: [], expression: false, async: false, views: [], body: '' };
  const erased = eraseTypes(source, lang);
  if (!erased.ok) return { ...empty, error: erased.error };
  let code = erased.code;
  const errorAt = (message: string, offset: number): CompiledCell => ({
    ...empty,
    error: { message, ...mapErasedPosition(source, code, positionAt(code, offset)) },
  });

  let parsed: ReturnType<typeof parseCell>;
  try {
    parsed = parseCell(code, { expressionOnly: erased.expressionOnly });
    if (inline && !parsed.expression) return errorAt(INLINE_MESSAGE, firstCodeOffset(code));
    // `view(input)` alone shows the input already; displaying its value too would replace it.
    if (parsed.expression && isViewCall(parsed.node)) {
      code = `${code}\n;`;
      parsed = parseCell(code);
    }
  } catch (error) {
    if (error instanceof CellSyntaxError) return errorAt(error.message, error.offset);
    throw error;
  }
  const node: Program | Expression = parsed.node;
  const forbidden = findForbidden(node);
  if (forbidden) return errorAt(forbidden.message, forbidden.node.start);

  const declarationIds = parsed.expression ? [] : findDeclarations(parsed.node);
  // Globals count as unbound here, to catch `Math = 1`; they are never inputs.
  const unbound = findFreeIdentifiers(node, { globals: NO_NAMES });
  const assigned = findIllegalAssignment(node, unbound);
  if (assigned) return errorAt(assigned.message, assigned.node.start);
  const redefined = declarationIds.find((d) => defaultGlobals.has(d.name));
  if (redefined) return errorAt(globalRedefinitionMessage(redefined.name), redefined.start);

  const reserved = declarationIds.find((d) => RESERVED_NAMES.has(d.name));
  if (reserved) return errorAt(`"${reserved.name}" is provided to every cell by Lectern; declare another name`, reserved.start);

  const declarations = unique(declarationIds.map((d) => d.name));
  const references = unique(unbound.filter((d) => !defaultGlobals.has(d.name)).map((d) => d.name));
  const imports = findImports(node);
  const viewCalls = parsed.expression || references.indexOf('view') < 0 ? [] : findViewCalls(parsed.node, code);
  // As in Framework, an expression that calls display() shows only what it displays, not its value too.
  const expression = parsed.expression && !references.includes('display');
  const { body, async } = transpileCell({ code, node, expression, declarations, references, viewCalls });
  return {
    id,
    lang,
    source,
    declarations,
    references,
    imports,
    expression,
    async,
    views: viewCalls.map((v) => v.name),
    body,
  };
}

const INLINE_MESSAGE = 'An inline expression ${…} must be a single expression (no statements or declarations): declare names in a code block';

/** Where the code starts after blank lines and comments: where an inline expression's problem is. */
function firstCodeOffset(code: string): number {
  return /^(?:\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/)*/.exec(code)?.[0].length ?? 0;
}

function isViewCall(node: Expression): boolean {
  return node.type === 'CallExpression' && node.callee.type === 'Identifier' && node.callee.name === 'view';
}

/** Names the runtime gives each run of a cell: a cell declaring one would hide it from the others. */
const RESERVED_NAMES: ReadonlySet<string> = new Set(['display', 'view', 'invalidation']);

const NO_NAMES: ReadonlySet<string> = new Set();

/** Static imports in order, then each module a literal `import("...")` loads, once (Framework lists both). */
function findImports(node: Program | Expression): CellImport[] {
  const found: CellImport[] =
    node.type === 'Program'
      ? node.body.flatMap((statement) =>
          statement.type === 'ImportDeclaration'
            ? [{ specifier: String(statement.source.value), names: statement.specifiers.map((s) => s.local.name), method: 'static' as const }]
            : [],
        )
      : [];
  const dynamic = new Set<string>();
  simple(node, {
    ImportExpression(expression) {
      const specifier = literalSpecifier(expression);
      if (specifier !== undefined) dynamic.add(specifier);
    },
  });
  for (const specifier of dynamic) found.push({ specifier, names: [], method: 'dynamic' });
  return found;
}

/** `import("x")` or import(`x`); a computed specifier (`import(name)`) is only known when it runs. */
function literalSpecifier({ source }: ImportExpression): string | undefined {
  if (source.type === 'Literal' && typeof source.value === 'string') return source.value;
  if (source.type === 'TemplateLiteral' && source.expressions.length === 0) return source.quasis[0]?.value.cooked ?? undefined;
  return undefined;
}

/** Module-only syntax that has no meaning in a cell. */
function findForbidden(root: Node): { message: string; node: Node } | undefined {
  let found: { message: string; node: Node } | undefined;
  const exportMessage = 'export is not allowed in a cell: top-level declarations are already visible to other cells';
  const report = (message: string) => (node: Node) => {
    if (!found || node.start < found.node.start) found = { message, node };
  };
  simple(root, {
    ExportNamedDeclaration: report(exportMessage),
    ExportDefaultDeclaration: report(exportMessage),
    ExportAllDeclaration: report(exportMessage),
    MetaProperty(node) {
      if (node.meta.name === 'import') report('import.meta is not available in a cell')(node);
    },
  });
  return found;
}

function unique(names: string[]): string[] {
  return [...new Set(names)];
}

export type { CellDiagnostic };
