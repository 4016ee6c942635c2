import { describe, expect, it } from 'vitest';
import { createImportBridge, type ModuleLoader } from '../../src/host/import-bridge.ts';
import { runLessonHeadless } from '../../src/runtime/headless.ts';
import { LESSON_PACKAGES, resolveLessonImport, resolvePath, type LessonPackage } from '../../src/runtime/lesson-imports.ts';

describe('the lessons\' import table', () => {
  it('names packages, lesson files with their candidates, and refuses the rest', () => {
    expect(resolveLessonImport('npm:@observablehq/plot')).toEqual({ kind: 'package', name: '@observablehq/plot' });
    expect(resolveLessonImport('./helpers', '/notebooks/')).toEqual({
      kind: 'file',
      path: '/notebooks/helpers',
      candidates: ['/notebooks/helpers', '/notebooks/helpers.ts', '/notebooks/helpers.js', '/notebooks/helpers/index.ts'],
    });
    expect(() => resolveLessonImport('marked')).toThrow(/not a package lessons can import/);
    expect(() => resolveLessonImport('/src/lectern.ts')).toThrow(/files in notebooks\/ only/);
    expect(() => resolveLessonImport('../../etc/passwd', '/notebooks/')).toThrow(/files in notebooks\/ only/);
  });

  it('normalises . and .. segments', () => {
    expect(resolvePath('../src/./ml/../ml/x.ts', '/notebooks/')).toBe('/src/ml/x.ts');
    expect(resolvePath('/a/b', '/notebooks')).toBe('/a/b');
    expect(resolvePath('./x', '/notebooks')).toBe('/notebooks/x');
  });

  it('a lesson importing a package the page cannot serve fails in `lectern run` with the page\'s message', async () => {
    // "marked" is installed (the lesson parser uses it), so Node alone could load it; the page has no loader for it.
    const lesson = '---\ntitle: Imports\n---\n\n```ts\nimport { marked } from "marked";\n```\n\n```ts\n1 + 1\n```\n';
    const headless = await runLessonHeadless({ source: lesson });
    const failed = headless.cells[0]!.error;
    expect(headless.ok).toBe(false);
    expect(headless.cells[1]!.outputs).toEqual(['2']); // the rest of the lesson runs

    const packages = Object.fromEntries(LESSON_PACKAGES.map((name) => [name, async () => ({})])) as Record<LessonPackage, ModuleLoader>;
    const page = createImportBridge({ packages, files: {} });
    const pageMessage = await page('marked').then(() => 'loaded', (error: Error) => error.message);
    expect(pageMessage).toMatch(/^Cannot import "marked": it is not a package lessons can import/);
    expect(failed?.message).toBe(pageMessage);
  });
});
