/**
 * Resolves a cell's `import` specifiers to modules that Vite serves (no CDN): installed packages
 * by name, the project's own files by path. Pure logic over loader tables, so it is testable in
 * Node; `vite-imports.ts` fills the tables with Vite's dynamic imports and `import.meta.glob`.
 */

/** Loads a module lazily (a Vite `() => import(...)`), so a lesson pays only for what it imports. */
export type ModuleLoader = () => Promise<unknown>;

/** A module namespace, as cells destructure it. */
export type ModuleNamespace = Record<string, unknown>;

export interface ImportBridgeArgs {
  /** Bare specifiers a lesson may import ("@tensorflow/tfjs", "lectern", ...). */
  packages: Readonly<Record<string, ModuleLoader>>;
  /** Project files by absolute path from the project root ("/src/ml/summary.ts"). */
  files: Readonly<Record<string, ModuleLoader>>;
  /** Directory that relative specifiers are resolved against. Default: "/notebooks/". */
  baseDir?: string;
}

/** Imports a specifier, or rejects with an error that names it and says what is importable. */
export type ImportModule = (specifier: string) => Promise<ModuleNamespace>;

export function createImportBridge({ packages, files, baseDir = '/notebooks/' }: ImportBridgeArgs): ImportModule {
  return async (specifier) => {
    const loader = resolveLoader(specifier, packages, files, baseDir);
    if (!loader) throw new Error(unknownSpecifierMessage(specifier, packages));
    // A dynamic import always yields a module namespace object.
    return (await loader()) as ModuleNamespace;
  };
}

function resolveLoader(
  specifier: string,
  packages: Readonly<Record<string, ModuleLoader>>,
  files: Readonly<Record<string, ModuleLoader>>,
  baseDir: string,
): ModuleLoader | undefined {
  // Observable Framework writes npm imports as "npm:name"; accept them for lessons written there.
  const name = specifier.startsWith('npm:') ? specifier.slice(4) : specifier;
  if (Object.hasOwn(packages, name)) return packages[name];
  if (!isPath(name)) return undefined;
  const path = resolvePath(name, baseDir);
  for (const candidate of [path, `${path}.ts`, `${path}.js`, `${path}/index.ts`]) {
    if (Object.hasOwn(files, candidate)) return files[candidate];
  }
  return undefined;
}

function isPath(specifier: string): boolean {
  return specifier.startsWith('/') || specifier.startsWith('./') || specifier.startsWith('../');
}

/** Resolves "./a" or "../src/b.ts" against baseDir into a normalised absolute path. */
export function resolvePath(specifier: string, baseDir: string): string {
  const joined = specifier.startsWith('/') ? specifier : baseDir.replace(/\/?$/, '/') + specifier;
  const parts: string[] = [];
  for (const part of joined.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return '/' + parts.join('/');
}

function unknownSpecifierMessage(specifier: string, packages: Readonly<Record<string, ModuleLoader>>): string {
  const known = Object.keys(packages).map((name) => `"${name}"`).join(', ');
  return isPath(specifier)
    ? `Cannot import "${specifier}": no such project file for cells (they can import src/lectern.ts as "lectern", src/ml/**, and files in notebooks/; paths are relative to notebooks/ or absolute from the project root).`
    : `Cannot import "${specifier}": it is not a package lessons can import. Available: ${known}, or a project file such as "/src/ml/….ts".`;
}
