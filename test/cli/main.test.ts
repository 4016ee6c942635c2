/** The `lectern` entry: argument handling shared by every command. */
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { joinNegativeValues } from '../../src/cli/main.ts';
import { parseRunArgs } from '../../src/cli/run.ts';
import { PROJECT_ROOT } from '../browser/harness.ts';

function lectern(...args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile('node', ['bin/lectern.mjs', ...args], { cwd: PROJECT_ROOT }, (error, _stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stderr });
    });
  });
}

describe('negative numbers on the command line', () => {
  it('are joined to the option before them, so parseArgs reads them as its value', () => {
    expect(joinNegativeValues(['--trainable-last', '-1', '--json'])).toEqual(['--trainable-last=-1', '--json']);
    expect(joinNegativeValues(['--lr', '-.5', '--x', '-Infinity'])).toEqual(['--lr=-.5', '--x=-Infinity']);
    // Not numbers, already joined, or short options: left alone.
    expect(joinNegativeValues(['--json', '-h', '--a=1', '-1', '-x', '-2'])).toEqual(['--json', '-h', '--a=1', '-1', '-x', '-2']);
  });

  it('reach the command, which says what range it accepts instead of "argument is ambiguous"', async () => {
    const { code, stderr } = await lectern('bench', '--rows', '-1');
    expect(code).toBe(2);
    expect(stderr).toContain('--rows must be a positive integer; got "-1"');
    expect(stderr).not.toContain('ambiguous');
  });

  it('work in lectern run: --set lr=-1 is a value, --timeout -1 is refused clearly', () => {
    expect(parseRunArgs(joinNegativeValues(['x.md', '--set', 'lr=-1']))).toMatchObject({ set: { lr: '-1' } });
    expect(parseRunArgs(joinNegativeValues(['x.md', '--timeout', '-1']))).toBe('--timeout expects a positive number of seconds, got "-1"');
    expect(parseRunArgs(['x.md', '--timeout=2.5'])).toMatchObject({ timeoutMs: 2500 });
  });
});
