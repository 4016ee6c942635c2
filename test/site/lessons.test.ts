import { describe, expect, it } from 'vitest';
import { lessonIdFromLocation, lessonIdFromPath, lessonIds, lessonUrl, loadLessonSource } from '../../src/site/lessons.ts';

describe('lesson catalog', () => {
  it('lists every notebooks/*.md by file name, sorted', () => {
    expect(lessonIds).toContain('00-how-lessons-work');
    expect([...lessonIds].sort()).toEqual(lessonIds);
  });

  it('loads a lesson\'s Markdown text', async () => {
    expect(await loadLessonSource('00-how-lessons-work')).toMatch(/^---\ntitle: How lessons work/);
  });

  it('names an unknown lesson and lists the ones that exist', async () => {
    await expect(loadLessonSource('99-nope')).rejects.toThrow(/There is no lesson "99-nope" in notebooks\/\. Lessons: .*00-how-lessons-work/);
  });

  it('builds relative query-string URLs and reads them back', () => {
    expect(lessonUrl('08-fine-tuning')).toBe('./lesson.html?lesson=08-fine-tuning');
    expect(lessonIdFromLocation(new URL(lessonUrl('a b'), 'http://x/sub/').search)).toBe('a b');
    expect(lessonIdFromLocation('?other=1')).toBeUndefined();
    expect(lessonIdFromPath('/notebooks/08-fine-tuning.md')).toBe('08-fine-tuning');
  });
});
