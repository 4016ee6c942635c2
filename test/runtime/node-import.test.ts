import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createNodeImport, projectRoot } from '../../src/runtime/node-import.ts';
import { PROJECT_ROOT } from '../browser/harness.ts';

// A project of its own with a lesson helper, so the test writes nothing into notebooks/.
const root = mkdtempSync(join(tmpdir(), 'lectern-import-'));
mkdirSync(join(root, 'notebooks', 'part-2'), { recursive: true });
writeFileSync(join(root, 'notebooks', 'helper.js'), 'export const answer = 42;\n');
writeFileSync(join(root, 'outside.js'), 'export const secret = 1;\n');
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('createNodeImport (lectern run)', () => {
  const importModule = createNodeImport({ root });

  it('finds the project root', () => {
    expect(join(projectRoot, '/')).toBe(join(PROJECT_ROOT, '/'));
  });

  it('resolves "lectern" to the public API and "lectern/engine" to the engine', async () => {
    const lectern = await importModule('lectern');
    expect(typeof lectern.train).toBe('function');
    expect(lectern.compileCell).toBeUndefined();
    const engine = await importModule('lectern/engine');
    expect(typeof engine.parseLesson).toBe('function');
    expect(typeof engine.createLessonRuntime).toBe('function');
  });

  it('resolves lesson files next to the lesson and from the root, with or without the extension', async () => {
    expect((await importModule('./helper.js')).answer).toBe(42);
    expect((await importModule('./helper')).answer).toBe(42);
    expect((await importModule('/notebooks/helper')).answer).toBe(42);
    const nested = createNodeImport({ root, baseDir: join(root, 'notebooks', 'part-2') });
    expect((await nested('../helper')).answer).toBe(42);
  });

  it('resolves the table\'s installed packages, with or without npm:', async () => {
    expect(typeof (await importModule('@tensorflow/tfjs')).tensor).toBe('function');
    expect(typeof (await importModule('npm:@observablehq/plot')).plot).toBe('function');
  });

  it('refuses what the page cannot serve, with the page\'s messages', async () => {
    await expect(importModule('marked')).rejects.toThrow(/Cannot import "marked": it is not a package lessons can import/);
    await expect(importModule('/outside.js')).rejects.toThrow(/lessons can import files in notebooks\/ only/);
    await expect(importModule('/src/lesson/slug.ts')).rejects.toThrow(/lessons can import files in notebooks\/ only/);
    await expect(importModule('./missing.js')).rejects.toThrow('Cannot import "./missing.js": there is no file /notebooks/missing.js');
    const elsewhere = createNodeImport({ root, baseDir: tmpdir() });
    await expect(elsewhere('./helper.js')).rejects.toThrow(/lessons can import files in notebooks\/ only/);
  });
});
