/**
 * Step 2 of compiling a cell: parse the erased JavaScript with acorn, as one
 * expression first (the cell then displays its value), else as a program.
 */
import { Parser, tokTypes, type Expression, type Options, type Program } from 'acorn';

export const acornOptions: Options = {
  ecmaVersion: 'latest',
  sourceType: 'module',
  allowAwaitOutsideFunction: true,
  locations: false,
};

export type ParsedCell =
  | { expression: true; node: Expression }
  | { expression: false; node: Program };

/** A syntax error at a 0-based offset of the parsed text. */
export class CellSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/**
 * Parses a cell. A cell is an expression when the whole text is one expression
 * without a trailing semicolon (`1 + 2`, `{a: 1}`, `await f()`). Cells starting
 * with `function`, `async function` or `class` are declarations, except an
 * anonymous `class {}` or `function () {}` alone, which can only be an
 * expression (Framework shows its value too).
 */
export function parseCell(code: string, { expressionOnly = false } = {}): ParsedCell {
  const expression = maybeParseExpression(code);
  if (expression && (expressionOnly || !startsWithDeclarationKeyword(code) || isAnonymousFunctionOrClass(expression))) {
    return { expression: true, node: expression };
  }
  if (expressionOnly) return { expression: true, node: parseOrThrow(() => Parser.parseExpressionAt(code, 0, acornOptions)) };
  return { expression: false, node: parseOrThrow(() => Parser.parse(code, acornOptions)) };
}

function isAnonymousFunctionOrClass(node: Expression): boolean {
  return (node.type === 'FunctionExpression' || node.type === 'ClassExpression') && !node.id;
}

/** acorn's Parser internals used to parse one expression and check it ends the input. */
type ParserInternals = new (
  options: Options,
  input: string,
  startPos: number,
) => { nextToken(): void; parseExpression(): Expression; type: unknown };

function maybeParseExpression(code: string): Expression | undefined {
  // Parser internals (nextToken, parseExpression, type) are not in acorn's types.
  const parser = new (Parser as unknown as ParserInternals)(acornOptions, code, 0);
  try {
    parser.nextToken();
    const node = parser.parseExpression();
    return parser.type === tokTypes.eof ? node : undefined;
  } catch {
    return undefined;
  }
}

function startsWithDeclarationKeyword(code: string): boolean {
  const text = code.replace(/^(?:\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/)*/, '');
  return /^(?:function\b|class\b|async\s+function\b)/.test(text);
}

function parseOrThrow<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof SyntaxError && typeof (error as { pos?: unknown }).pos === 'number') {
      const message = error.message.replace(/\s*\(\d+:\d+\)$/, '');
      throw new CellSyntaxError(message, (error as unknown as { pos: number }).pos);
    }
    throw error;
  }
}
