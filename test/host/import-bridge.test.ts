import { describe, expect, it } from 'vitest';
import { createImportBridge, resolvePath } from '../../src/host/import-bridge.ts';

const loaderFor = (label: string) => async () => ({ label });

const bridge = createImportBridge({
  packages: { '@tensorflow/tfjs': loaderFor('tfjs'), lectern: loaderFor('lectern') },
  files: {
    '/src/ml/summary.ts': loaderFor('summary'),
    '/notebooks/helpers.ts': loaderFor('helpers'),
    '/src/ml/data/index.ts': loaderFor('data'),
  },
});

describe('import bridge', () => {
  it('resolves installed packages by name, with or without the npm: prefix', async () => {
    await expect(bridge('@tensorflow/tfjs')).resolves.toEqual({ label: 'tfjs' });
    await expect(bridge('npm:@tensorflow/tfjs')).resolves.toEqual({ label: 'tfjs' });
    await expect(bridge('lectern')).resolves.toEqual({ label: 'lectern' });
  });

  it('resolves project files absolutely, relative to notebooks/, and without extension', async () => {
    await expect(bridge('/src/ml/summary.ts')).resolves.toEqual({ label: 'summary' });
    await expect(bridge('../src/ml/summary.ts')).resolves.toEqual({ label: 'summary' });
    await expect(bridge('./helpers')).resolves.toEqual({ label: 'helpers' });
    await expect(bridge('/src/ml/data')).resolves.toEqual({ label: 'data' });
  });

  it('rejects an unknown package with a message naming it and listing what is importable', async () => {
    await expect(bridge('left-pad')).rejects.toThrow(
      'Cannot import "left-pad": it is not a package lessons can import. Available: "@tensorflow/tfjs", "lectern"',
    );
  });

  it('rejects a missing project file with a message naming it', async () => {
    await expect(bridge('./nope.ts')).rejects.toThrow('Cannot import "./nope.ts": no such project file');
  });

  it('does not treat inherited object keys as packages', async () => {
    await expect(bridge('constructor')).rejects.toThrow('Cannot import "constructor"');
  });
});

describe('resolvePath', () => {
  it('normalises . and .. segments', () => {
    expect(resolvePath('../src/./ml/../ml/x.ts', '/notebooks/')).toBe('/src/ml/x.ts');
    expect(resolvePath('/a/b', '/notebooks')).toBe('/a/b');
    expect(resolvePath('./x', '/notebooks')).toBe('/notebooks/x');
  });
});
