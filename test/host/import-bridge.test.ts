import { describe, expect, it } from 'vitest';
import { createImportBridge, type ModuleLoader } from '../../src/host/import-bridge.ts';
import { LESSON_PACKAGES, type LessonPackage } from '../../src/runtime/lesson-imports.ts';

const loaderFor = (label: string) => async () => ({ label });
const packages = Object.fromEntries(LESSON_PACKAGES.map((name) => [name, loaderFor(name)])) as Record<LessonPackage, ModuleLoader>;

const bridge = createImportBridge({
  packages,
  files: {
    '/notebooks/helpers.ts': loaderFor('helpers'),
    '/notebooks/shared/index.ts': loaderFor('shared'),
    '/src/ml/summary.ts': loaderFor('not for lessons'),
  },
});

describe('import bridge (the page)', () => {
  it('resolves the packages of the table by name, with or without the npm: prefix', async () => {
    await expect(bridge('@tensorflow/tfjs')).resolves.toEqual({ label: '@tensorflow/tfjs' });
    await expect(bridge('npm:@tensorflow/tfjs')).resolves.toEqual({ label: '@tensorflow/tfjs' });
    await expect(bridge('lectern')).resolves.toEqual({ label: 'lectern' });
    await expect(bridge('lectern/engine')).resolves.toEqual({ label: 'lectern/engine' });
  });

  it('resolves lesson files relative to notebooks/ and from the root, without extension or as a folder', async () => {
    await expect(bridge('./helpers')).resolves.toEqual({ label: 'helpers' });
    await expect(bridge('/notebooks/helpers.ts')).resolves.toEqual({ label: 'helpers' });
    await expect(bridge('./shared')).resolves.toEqual({ label: 'shared' });
  });

  it('resolves relative files against the lesson folder it is given', async () => {
    const nested = createImportBridge({ packages, files: { '/notebooks/helpers.ts': loaderFor('helpers') }, baseDir: '/notebooks/part-2/' });
    await expect(nested('../helpers.ts')).resolves.toEqual({ label: 'helpers' });
  });

  it('rejects a package outside the table with a message naming it and listing what is importable', async () => {
    await expect(bridge('left-pad')).rejects.toThrow(
      'Cannot import "left-pad": it is not a package lessons can import. Lessons can import "lectern", "lectern/engine", "@tensorflow/tfjs"',
    );
  });

  it('rejects project files outside notebooks/, even when they exist, pointing at "lectern"', async () => {
    await expect(bridge('/src/ml/summary.ts')).rejects.toThrow('Cannot import "/src/ml/summary.ts" (/src/ml/summary.ts): lessons can import files in notebooks/ only; the project\'s modules come through "lectern"');
    await expect(bridge('../src/ml/summary.ts')).rejects.toThrow(/lessons can import files in notebooks\/ only/);
  });

  it('rejects a missing lesson file with a message naming it', async () => {
    await expect(bridge('./nope.ts')).rejects.toThrow('Cannot import "./nope.ts": there is no file /notebooks/nope.ts');
  });

  it('does not treat inherited object keys as packages', async () => {
    await expect(bridge('constructor')).rejects.toThrow('Cannot import "constructor"');
  });
});
