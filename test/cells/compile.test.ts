import { describe, expect, it } from 'vitest';
import { compileCell } from '../../src/cells/compile.ts';
import { mapErasedPosition } from '../../src/cells/position.ts';

const analysis = (source: string, lang: 'ts' | 'js' = 'ts') => {
  const { declarations, references, expression, error } = compileCell({ source, lang });
  return { declarations, references, expression, error };
};

describe('compileCell: TypeScript analyses like the JavaScript it erases to', () => {
  // Each TypeScript cell next to the JavaScript a person would write: same names in and out.
  const pairs: [string, string][] = [
    ['const n: number = count as number;', 'const n = count;'],
    ['const el = document.querySelector("x")!;', 'const el = document.querySelector("x");'],
    ['const cfg = { lr } satisfies Config;', 'const cfg = { lr };'],
    ['function id<T extends Base>(x: T): T { return x; }', 'function id(x) { return x; }'],
    ['interface Shape { w: Width }\nconst s: Shape = make();', 'const s = make();'],
    ['type Pair<A> = [A, Other];\nconst p = pair as Pair<number>;', 'const p = pair;'],
    ['import type { Tensor } from "@tensorflow/tfjs";\nconst t: Tensor = x;', 'const t = x;'],
    ['import { type Rank, tensor } from "@tensorflow/tfjs";', 'import { tensor } from "@tensorflow/tfjs";'],
    ['const xs = <number[]>values;', 'const xs = values;'],
    ['class A implements Iface { constructor(private readonly b: B) {} }', 'class A { constructor(b) { this.b = b; } }'],
    ['declare const ambient: Env;\nambient', 'ambient'],
    ['let maybe: string | undefined;', 'let maybe;'],
    ['(model as LayersModel).layers.length', 'model.layers.length'],
    ['const f = (a: number = base, ...rest: Rest[]): Result => a;', 'const f = (a = base, ...rest) => a;'],
  ];
  for (const [ts, js] of pairs) {
    it(ts.split('\n').pop()!, () => {
      const typed = analysis(ts, 'ts');
      expect(typed.error).toBeUndefined();
      expect(typed).toEqual(analysis(js, 'js'));
    });
  }
});

describe('compileCell: expressions', () => {
  it('treats a single expression without a semicolon as an expression cell', () => {
    expect(analysis('a + b').expression).toBe(true);
    expect(analysis('{ a: 1 }').expression).toBe(true);
    expect(analysis('await load()').expression).toBe(true);
    expect(analysis('(function* () { yield 1; })()').expression).toBe(true);
  });

  it('treats an anonymous class or function alone as an expression, as Framework does', () => {
    expect(analysis('class {}')).toMatchObject({ expression: true, declarations: [], error: undefined });
    expect(analysis('function () { return 42; }')).toMatchObject({ expression: true, error: undefined });
    expect(analysis('async function () {}', 'js')).toMatchObject({ expression: true, error: undefined });
  });

  it('does not display the value of an expression that calls display()', () => {
    expect(analysis('display(1), display(2)')).toMatchObject({ expression: false, references: ['display'] });
    expect(analysis('display(1)')).toMatchObject({ expression: false });
  });

  it('treats statements, declarations and a trailing semicolon as a program', () => {
    expect(analysis('a + b;').expression).toBe(false);
    expect(analysis('const a = 1').expression).toBe(false);
    expect(analysis('function f() {}').expression).toBe(false);
    expect(analysis('async function f() {}').expression).toBe(false);
    expect(analysis('class A {}').expression).toBe(false);
    expect(analysis('{ const local = 1; }').expression).toBe(false);
  });
});

describe('compileCell: errors point into the cell', () => {
  it('gives 1-based line and column of a syntax error', () => {
    expect(compileCell({ source: 'const a = 1;\n\nlet b = [1, 2;' }).error).toMatchObject({ line: 3, column: 14 });
  });

  it('maps an error found after type erasure back past the erased types', () => {
    // acorn, not sucrase, finds this one: the erased line is shorter than the source line.
    const error = compileCell({ source: 'const a: Map<string, number> = m; const a = 2;' }).error;
    expect(error?.message).toMatch(/already been declared/);
    expect(error).toMatchObject({ line: 1, column: 41 });
  });

  it('never throws for bad cell code', () => {
    for (const source of ['', ')', '<<<', 'return', 'export default 1', 'yield 1', 'import.meta']) {
      expect(() => compileCell({ source })).not.toThrow();
    }
  });

  it('compiles an empty cell to a program with no names', () => {
    expect(analysis('')).toEqual({ declarations: [], references: [], expression: false, error: undefined });
  });
});

describe('mapErasedPosition', () => {
  it('finds the source column of an erased column on the same line', () => {
    const source = 'let x: number = y + z;';
    const erased = 'let x = y + z;';
    // "z" is at erased column 13 and source column 21 (1-based).
    expect(mapErasedPosition(source, erased, { line: 1, column: 13 })).toEqual({ line: 1, column: 21 });
  });
});
