import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { slugify } from '../../src/lesson/slug.ts';
import { createNodeImport, projectRoot } from '../../src/runtime/node-import.ts';
import { PROJECT_ROOT } from '../browser/harness.ts';

const lessonDir = mkdtempSync(join(tmpdir(), 'lectern-import-'));
writeFileSync(join(lessonDir, 'helper.js'), 'export const answer = 42;\n');
afterAll(() => rmSync(lessonDir, { recursive: true, force: true }));

describe('createNodeImport', () => {
  const importModule = createNodeImport({ baseDir: lessonDir });

  it('finds the project root', () => {
    expect(join(projectRoot, '/')).toBe(join(PROJECT_ROOT, '/'));
  });

  it('resolves "lectern" to the public API', async () => {
    const lectern = await importModule('lectern');
    expect(typeof lectern.parseLesson).toBe('function');
    expect(typeof lectern.createLessonRuntime).toBe('function');
  });

  it('resolves project paths from the root, with or without the extension', async () => {
    expect((await importModule('/src/lesson/slug.ts')).slugify).toBe(slugify);
    expect((await importModule('/src/lesson/slug')).slugify).toBe(slugify);
  });

  it('resolves relative paths next to the lesson', async () => {
    expect((await importModule('./helper.js')).answer).toBe(42);
    expect((await importModule('./helper')).answer).toBe(42);
  });

  it('resolves installed packages, with or without npm:', async () => {
    expect(typeof (await importModule('marked')).Lexer).toBe('function');
    expect(typeof (await importModule('npm:acorn')).parse).toBe('function');
  });

  it('names what it could not find', async () => {
    await expect(importModule('/src/nowhere.ts')).rejects.toThrow(/Cannot import "\/src\/nowhere.ts": no such project file/);
    await expect(importModule('./missing.js')).rejects.toThrow(/Cannot import "\.\/missing.js": no such project file/);
    await expect(importModule('not-a-package-anyone-installed')).rejects.toThrow(/Cannot import "not-a-package-anyone-installed"/);
  });
});
