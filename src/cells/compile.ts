/**
 * compileCell: cell source → {@link CompiledCell}, in four pure steps:
 * erase TypeScript (sucrase) → parse (acorn, expression first) → analyse
 * (declarations, references, imports, assignments) → transpile (body).
 */
import { simple } from 'acorn-walk';
import type { Expression, Node, Program } from 'acorn';
import { externalAssignmentMessage, findExternalAssignment } from './assignments.ts';
import { findDeclarations } from './declarations.ts';
import { eraseTypes } from './erase.ts';
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
}

/** Compiles one cell. Never throws for bad cell code: problems land in `error`. */
export function compileCell({ source, lang = 'ts', id = 'cell' }: CompileCellArgs): CompiledCell {
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
  const free = findFreeIdentifiers(node);
  const assigned = findExternalAssignment(node, free);
  if (assigned) return errorAt(externalAssignmentMessage(assigned.name), assigned.start);

  const reserved = declarationIds.find((d) => RESERVED_NAMES.has(d.name));
  if (reserved) return errorAt(`"${reserved.name}" is provided to every cell by Lectern; declare another name`, reserved.start);

  const declarations = unique(declarationIds.map((d) => d.name));
  const references = unique(free.map((d) => d.name));
  const imports = parsed.expression ? [] : findImports(parsed.node);
  const viewCalls = parsed.expression || references.indexOf('view') < 0 ? [] : findViewCalls(parsed.node, code);
  const { body, async } = transpileCell({ code, node, expression: parsed.expression, declarations, references, viewCalls });
  return {
    id,
    lang,
    source,
    declarations,
    references,
    imports,
    expression: parsed.expression,
    async,
    views: viewCalls.map((v) => v.name),
    body,
  };
}

function isViewCall(node: Expression): boolean {
  return node.type === 'CallExpression' && node.callee.type === 'Identifier' && node.callee.name === 'view';
}

/** Names the runtime gives each run of a cell: a cell declaring one would hide it from the others. */
const RESERVED_NAMES: ReadonlySet<string> = new Set(['display', 'view', 'invalidation']);

function findImports(program: Program): CellImport[] {
  return program.body.flatMap((statement) =>
    statement.type === 'ImportDeclaration'
      ? [{ specifier: String(statement.source.value), names: statement.specifiers.map((s) => s.local.name) }]
      : [],
  );
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
