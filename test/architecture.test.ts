/**
 * The folder layout is the architecture (ARCHITECTURE.md): folders of src/ depend on each other in
 * layers, never in a circle, and the three views (lesson page, deck, embed) share the cell host
 * instead of importing each other. Read from the import statements of every module under src/.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(new URL(import.meta.url).pathname), '..', 'src');

function modules(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return modules(path);
    return /\.(ts|js)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The folder of src/ a module belongs to: "ml" for src/ml/data/load.ts; the file name for src/lectern.ts. */
function folderOf(path: string): string {
  const [first, ...rest] = relative(SRC, path).split(/[\\/]/);
  return rest.length === 0 ? first!.replace(/\.ts$/, '') : first!;
}

/** Relative specifiers a module imports, statically or dynamically, types included. */
function importsOf(source: string): string[] {
  const found = new Set<string>();
  const patterns = [/\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]/g, /\bimport\s*['"](\.{1,2}\/[^'"]+)['"]/g, /\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g];
  for (const pattern of patterns) for (const match of source.matchAll(pattern)) found.add(match[1]!.replace(/\?.*$/, ''));
  return [...found];
}

/** folder → folders it imports, with one example import per edge. */
function folderGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of modules(SRC)) {
    const from = folderOf(file);
    const edges = graph.get(from) ?? new Map<string, string>();
    graph.set(from, edges);
    for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
      const target = resolve(dirname(file), specifier);
      if (!target.startsWith(SRC)) continue;
      const to = folderOf(target);
      if (to !== from && !edges.has(to)) edges.set(to, `${relative(SRC, file)} → ${specifier}`);
    }
  }
  return graph;
}

/** Every circle of folders (as "a → b → a" with the imports that close it), by depth-first search. */
function cycles(graph: Map<string, Map<string, string>>): string[] {
  const found: string[] = [];
  const visit = (path: string[]) => {
    const here = path[path.length - 1]!;
    for (const [next, example] of graph.get(here) ?? []) {
      const at = path.indexOf(next);
      if (at === 0) {
        const circle = [...path, next];
        // Report each circle once, from its alphabetically first folder.
        if (path[0] === [...path].sort()[0]) found.push(`${circle.join(' → ')} (${example})`);
      } else if (at < 0 && next > path[0]!) {
        visit([...path, next]);
      }
    }
  };
  for (const start of [...graph.keys()].sort()) visit([start]);
  return found;
}

describe('src/ folders form layers', () => {
  const graph = folderGraph();

  it('reads the imports of every module', () => {
    expect(importsOf("import a from './a.ts';\nimport type { B } from '../b/b.ts';\nimport './c.css';\nconst d = await import('../d.ts');")).toEqual(['./a.ts', '../b/b.ts', './c.css', '../d.ts']);
    expect(graph.get('ui')?.size).toBeGreaterThan(0);
  });

  it('finds circles, long ones too', () => {
    const g = (edges: [string, string][]) => {
      const out = new Map<string, Map<string, string>>();
      for (const [a, b] of edges) out.set(a, (out.get(a) ?? new Map()).set(b, `${a}→${b}`)).set(b, out.get(b) ?? new Map());
      return out;
    };
    expect(cycles(g([['a', 'b'], ['b', 'a']]))).toEqual(['a → b → a (b→a)']);
    expect(cycles(g([['x', 'y'], ['y', 'z'], ['z', 'x'], ['z', 'w']]))).toEqual(['x → y → z → x (z→x)']);
    expect(cycles(g([['a', 'b'], ['b', 'c'], ['a', 'c']]))).toEqual([]);
  });

  it('no folder imports one that imports it back, directly or through others', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('the lesson page, the deck and the embed never import each other', () => {
    const views = ['ui', 'slides', 'embed'];
    const crossings = views.flatMap((from) => views.filter((to) => to !== from && graph.get(from)?.has(to)).map((to) => graph.get(from)!.get(to)!));
    expect(crossings).toEqual([]);
  });

  it('the engine and the runtime reach no browser code (they run in Node too)', () => {
    const browserOnly = new Set(['ui', 'slides', 'embed', 'host', 'site']);
    for (const folder of ['ml', 'runtime', 'lesson', 'cells', 'course']) {
      const reached = [...(graph.get(folder) ?? new Map()).entries()].filter(([to]) => browserOnly.has(to)).map(([, example]) => example);
      expect(reached, folder).toEqual([]);
    }
  });
});
