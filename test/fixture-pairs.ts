/**
 * Fixture pairs: each test/input/<name>.<ext> has an expected test/output/<name>.json.
 * A changed result fails with Vitest's diff of the two JSON values;
 * `UPDATE_FIXTURES=1 npx vitest run <test file>` rewrites the expected files
 * (review the git diff before committing them).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { PROJECT_ROOT } from './browser/harness.ts';

export const INPUT_DIR = join(PROJECT_ROOT, 'test', 'input');
export const OUTPUT_DIR = join(PROJECT_ROOT, 'test', 'output');
const updating = process.env.UPDATE_FIXTURES === '1';

/** Input file names with the given extension, sorted. */
export function fixtureInputs(extension: string): string[] {
  return readdirSync(INPUT_DIR)
    .filter((name) => name.endsWith(extension))
    .sort();
}

export function readInput(name: string): string {
  return readFileSync(join(INPUT_DIR, name), 'utf8');
}

/** Compares `actual` with test/output/<input name without extension>.json, or rewrites it when updating. */
export function expectFixture(inputName: string, actual: unknown): void {
  const outputPath = join(OUTPUT_DIR, inputName.replace(/\.[^.]+$/, '.json'));
  // Round-trip so undefined fields and key order compare as they are stored.
  const normalized: unknown = JSON.parse(JSON.stringify(actual));
  if (updating) {
    mkdirSync(OUTPUT_DIR, { recursive: true });
    writeFileSync(outputPath, JSON.stringify(normalized, null, 2) + '\n');
    return;
  }
  if (!existsSync(outputPath)) {
    throw new Error(`No expected output ${outputPath}: run UPDATE_FIXTURES=1 npx vitest run <this test> and review it`);
  }
  const expected: unknown = JSON.parse(readFileSync(outputPath, 'utf8'));
  expect(normalized, `${inputName} → ${outputPath} changed (UPDATE_FIXTURES=1 rewrites it)`).toEqual(expected);
}
