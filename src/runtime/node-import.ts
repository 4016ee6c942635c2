/**
 * importModule for Node (headless runs, tests): resolves a cell's imports the
 * way the page does through Vite. "lectern" is src/lectern.ts, "/src/..." a
 * project file, "./x" a file next to the lesson, anything else an installed
 * package. TypeScript files load through the caller's loader (tsx or Vitest).
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ImportModule } from './lesson-runtime.ts';

/** The repository root: two levels above this file (src/runtime/). */
export const projectRoot: string = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface NodeImportArgs {
  /** Root that "/..." paths and "lectern" resolve in (default: this repository). */
  root?: string;
  /** Directory "./" and "../" paths resolve against (default: <root>/notebooks). */
  baseDir?: string;
}

export function createNodeImport({ root = projectRoot, baseDir = join(root, 'notebooks') }: NodeImportArgs = {}): ImportModule {
  return async (specifier) => {
    const target = resolveSpecifier(specifier, root, baseDir);
    try {
      return (await import(target)) as Record<string, unknown>;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'ERR_MODULE_NOT_FOUND' || code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') {
        throw new Error(`Cannot import "${specifier}": ${isPath(specifier) ? 'no such project file' : 'the package is not installed'}`);
      }
      throw error;
    }
  };
}

function resolveSpecifier(specifier: string, root: string, baseDir: string): string {
  const name = specifier.startsWith('npm:') ? specifier.slice(4) : specifier;
  if (name === 'lectern') return pathToFileURL(join(root, 'src', 'lectern.ts')).href;
  if (!isPath(name)) return name;
  const path = name.startsWith('/') ? join(root, name) : resolve(baseDir, name);
  for (const candidate of [path, `${path}.ts`, `${path}.js`, join(path, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return pathToFileURL(candidate).href;
  }
  throw new Error(`Cannot import "${specifier}": no such project file (looked for ${path}[.ts|.js|/index.ts])`);
}

function isPath(specifier: string): boolean {
  return specifier.startsWith('/') || specifier.startsWith('./') || specifier.startsWith('../');
}
