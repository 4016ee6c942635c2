/** Which blocks of a lesson an embed shows: all of them, or one `##` section. No DOM. */
import type { Lesson, LessonBlock } from '../lesson/types.ts';

export function sectionBlocks(lesson: Lesson, section: string | null): LessonBlock[] {
  if (!section) return lesson.blocks;
  const found = lesson.sections.find((s) => s.slug === section);
  if (!found) {
    const known = lesson.sections.map((s) => s.slug).join(', ') || 'none';
    throw new Error(`The lesson "${lesson.frontMatter.title}" has no section "${section}" (sections: ${known})`);
  }
  return lesson.blocks.slice(found.start, found.end);
}
