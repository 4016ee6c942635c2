/**
 * importModule for Node (headless runs, tests): resolves a cell's imports by the lessons' import
 * table (lesson-imports.ts), exactly as the page does: "lectern" is src/lectern.ts, "lectern/engine"
 * src/engine.ts, the table's packages load from node_modules, and files in notebooks/ resolve
 * next to the lesson or from the root. Anything else fails with the page's message.
 * TypeScript files load through the caller's loader (tsx or Vitest).
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ImportModule } from './lesson-runtime.ts';
import { LessonImportError, noSuchFileMessage, PROJECT_MODULES, resolveLessonImport } from './lesson-imports.ts';

/** The repository root: two levels above this file (src/runtime/). */
export const projectRoot: string = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface NodeImportArgs {
  /** Root that lesson files ("/notebooks/...") resolve in (default: this repository). "lectern" is always this repository's. */
  root?: string;
  /** The lesson's folder, which "./" and "../" resolve against (default: <root>/notebooks). */
  baseDir?: string;
}

export function createNodeImport({ root = projectRoot, baseDir = join(root, 'notebooks') }: NodeImportArgs = {}): ImportModule {
  // The lesson's folder as the page sees it, from the root ("/notebooks/"); outside the root, nothing relative resolves.
  const fromRoot = relative(root, resolve(baseDir)).split(sep).join('/');
  const lessonDir = fromRoot.startsWith('..') ? `/${fromRoot}/` : `/${fromRoot}${fromRoot ? '/' : ''}`;
  return async (specifier) => {
    const target = resolveLessonImport(specifier, lessonDir);
    let url: string;
    if (target.kind === 'package') {
      url = target.name in PROJECT_MODULES
        ? pathToFileURL(join(projectRoot, PROJECT_MODULES[target.name as keyof typeof PROJECT_MODULES])).href
        : target.name;
    } else {
      const found = target.candidates.map((candidate) => join(root, candidate)).find((file) => existsSync(file) && statSync(file).isFile());
      if (found === undefined) throw new LessonImportError(noSuchFileMessage(specifier, target.path));
      url = pathToFileURL(found).href;
    }
    try {
      return (await import(url)) as Record<string, unknown>;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'ERR_MODULE_NOT_FOUND' || code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') {
        throw new Error(`Cannot import "${specifier}": the package is not installed (npm install)`);
      }
      throw error;
    }
  };
}
