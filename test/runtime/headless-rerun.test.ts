/**
 * Issue 12 (items 8, 11): a cell that freezes the event loop (code the loop guard cannot see: a
 * Function constructor reached through a prototype) or
 * kills the lesson's process takes the other cells' results with it; `lectern run` runs the
 * lesson again without that cell, so every other cell still has its value.
 */
import { describe, expect, it } from 'vitest';
import { runLessonHeadless } from '../../src/runtime/headless.ts';

const lesson = (attack: string) => `---\ntitle: t\n---\n\n\`\`\`js id=before\nconst before = "before"\n\`\`\`\n\n\`\`\`js id=attack\n${attack}\n\`\`\`\n\n\`\`\`js id=input\nconst x = 41\n\`\`\`\n\n\`\`\`js id=after\nx + 1\n\`\`\`\n\n\`\`\`js id=reads\nconst y = typeof attack\n\`\`\`\n`;

describe('a cell that stops the whole run', () => {
  it('freezing the event loop: fails with a timeout, and the other cells have their values', async () => {
    const result = await runLessonHeadless({ source: lesson('const attack = 1; [].constructor.constructor("while(true){}")()'), timeoutMs: 3000 });
    const cell = (id: string) => result.cells.find((c) => c.id === id)!;
    expect(cell('attack').error).toMatchObject({ kind: 'timeout', message: expect.stringContaining('the event loop never turned') });
    expect(cell('after').outputs).toEqual(['42']);
    expect(cell('before').error).toBeUndefined();
    expect(cell('reads').error?.message).toMatch(/attack/);
    expect(result.problems).toContain('the lesson ran again without attack, so that the other cells have their values');
  }, 60_000);

  it('ending the process: fails saying so, and the other cells have their values', async () => {
    const result = await runLessonHeadless({ source: lesson('process.exit(3)'), timeoutMs: 20_000 });
    const cell = (id: string) => result.cells.find((c) => c.id === id)!;
    expect(cell('attack').error?.message).toMatch(/exited with code 3/);
    expect(cell('after').outputs).toEqual(['42']);
  }, 60_000);
});
