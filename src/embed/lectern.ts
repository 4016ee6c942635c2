/**
 * The embed script (dist/lectern.js): load it as a module on any page to get
 * `<lectern-lesson src="…" section="…">`, and iframes of embed.html that fit their content.
 *
 *   <link rel="stylesheet" href="https://example.org/course/lectern.css">
 *   <script type="module" src="https://example.org/course/lectern.js"></script>
 *   <lectern-lesson src="https://example.org/course/notebooks/08-fine-tuning.md" section="overfitting"></lectern-lesson>
 */
import './lectern.css';
import { defineLecternLesson } from './element.ts';
import { fitFramesToContent } from './height.ts';

defineLecternLesson();
fitFramesToContent();

export { LecternLessonElement, defineLecternLesson } from './element.ts';
export { isHeightMessage, HEIGHT_MESSAGE } from './height.ts';
