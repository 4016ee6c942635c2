/**
 * Resolves a cell's `import` specifiers in the page, by the lessons' import table
 * (src/runtime/lesson-imports.ts, which Node's resolver follows too): packages by name from a
 * loader table, lesson files by path. Pure logic over loader tables, so it is testable in Node;
 * `vite-imports.ts` fills the tables with Vite's dynamic imports and `import.meta.glob`.
 */
import type { ImportModule } from '../runtime/lesson-runtime.ts';
import { DEFAULT_BASE_DIR, LessonImportError, noSuchFileMessage, resolveLessonImport, type LessonPackage } from '../runtime/lesson-imports.ts';

/** Loads a module lazily (a Vite `() => import(...)`), so a lesson pays only for what it imports. */
export type ModuleLoader = () => Promise<unknown>;

export interface ImportBridgeArgs {
  /** A loader for every package of the table. */
  packages: Readonly<Record<LessonPackage, ModuleLoader>>;
  /** Lesson files by absolute path from the project root ("/notebooks/helpers.ts"). */
  files: Readonly<Record<string, ModuleLoader>>;
  /** The lesson's folder from the project root, which relative specifiers resolve against. Default "/notebooks/". */
  baseDir?: string;
}

export function createImportBridge({ packages, files, baseDir = DEFAULT_BASE_DIR }: ImportBridgeArgs): ImportModule {
  return async (specifier) => {
    const target = resolveLessonImport(specifier, baseDir);
    if (target.kind === 'package') return (await packages[target.name]()) as Record<string, unknown>;
    const found = target.candidates.find((candidate) => Object.hasOwn(files, candidate));
    if (found === undefined) throw new LessonImportError(noSuchFileMessage(specifier, target.path));
    // A dynamic import always yields a module namespace object.
    return (await files[found]!()) as Record<string, unknown>;
  };
}
