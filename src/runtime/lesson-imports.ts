/**
 * What a lesson may import: the one table both resolvers follow, the page's (src/host/import-bridge.ts,
 * filled by Vite) and Node's (src/runtime/node-import.ts, for `lectern run` and tests). So an import
 * that works headless works in the page, and one the page cannot serve fails in `lectern run` with the
 * page's message.
 *
 * A lesson imports
 * - the packages of LESSON_PACKAGES by name ("npm:name" is accepted, as in Observable Framework):
 *   the project's API "lectern" (src/lectern.ts), its engine "lectern/engine" (src/engine.ts), and the
 *   installed packages the page bundles;
 * - files in notebooks/ (the lessons' own helpers), relative to the lesson ("./helpers.ts") or from
 *   the project root ("/notebooks/helpers.ts"); `.ts`, `.js` or a folder's `index.ts` may be left out.
 * Nothing else: the rest of the project is reached through "lectern" and "lectern/engine".
 *
 * Pure: runs in Node and in the browser.
 */

/** Bare specifiers a lesson may import. Adding one: also give the page a loader (src/host/vite-imports.ts). */
export const LESSON_PACKAGES = [
  'lectern',
  'lectern/engine',
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-backend-wasm',
  '@observablehq/plot',
  '@observablehq/inputs',
] as const;

export type LessonPackage = (typeof LESSON_PACKAGES)[number];

/** The project's own modules behind the "lectern" specifiers, from the project root. */
export const PROJECT_MODULES: Readonly<Record<'lectern' | 'lectern/engine', string>> = {
  lectern: '/src/lectern.ts',
  'lectern/engine': '/src/engine.ts',
};

/** The folder (from the project root) whose files lessons may import. */
export const LESSON_FILES = '/notebooks/';

/** Where lessons live, and so what relative imports resolve against by default. */
export const DEFAULT_BASE_DIR = LESSON_FILES;

/** What a specifier names: a package of the table, or a lesson file (absolute from the project root, candidates in order). */
export type LessonImport =
  | { kind: 'package'; name: LessonPackage }
  | { kind: 'file'; path: string; candidates: string[] };

/** An import the table does not allow; its message is the same in the page and in Node. */
export class LessonImportError extends Error {}

/**
 * Resolves a lesson's import specifier against the table. `baseDir` is the lesson's folder from the
 * project root ("/notebooks/"). Throws LessonImportError for anything a lesson may not import.
 */
export function resolveLessonImport(specifier: string, baseDir: string = DEFAULT_BASE_DIR): LessonImport {
  const name = specifier.startsWith('npm:') ? specifier.slice(4) : specifier;
  if ((LESSON_PACKAGES as readonly string[]).includes(name)) return { kind: 'package', name: name as LessonPackage };
  if (!isPath(name)) throw new LessonImportError(notAPackageMessage(specifier));
  const path = resolvePath(name, baseDir);
  if (!path.startsWith(LESSON_FILES)) throw new LessonImportError(notALessonFileMessage(specifier, path));
  return { kind: 'file', path, candidates: fileCandidates(path) };
}

/** The files a path may name: as is, then with `.ts`, `.js`, or as a folder's `index.ts`. */
export function fileCandidates(path: string): string[] {
  return [path, `${path}.ts`, `${path}.js`, `${path}/index.ts`];
}

/** The message for a lesson file that does not exist. */
export function noSuchFileMessage(specifier: string, path: string): string {
  return `Cannot import "${specifier}": there is no file ${path} (nor with .ts, .js or /index.ts) for lessons`;
}

export function isPath(specifier: string): boolean {
  return specifier.startsWith('/') || specifier.startsWith('./') || specifier.startsWith('../');
}

/** Resolves "./a" or "../notebooks/b.ts" against baseDir into a normalised absolute path. */
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

function notAPackageMessage(specifier: string): string {
  const known = LESSON_PACKAGES.map((name) => `"${name}"`).join(', ');
  return `Cannot import "${specifier}": it is not a package lessons can import. Lessons can import ${known}, and files in notebooks/.`;
}

function notALessonFileMessage(specifier: string, path: string): string {
  return `Cannot import "${specifier}" (${path}): lessons can import files in notebooks/ only; the project's modules come through "lectern" and "lectern/engine".`;
}
