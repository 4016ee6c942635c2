/**
 * Entry of embed.html, the iframe embed: `embed.html?lesson=08-fine-tuning&section=overfitting`
 * shows one lesson (or one section) without the site's header and navigation, and posts its height
 * to the parent page so the frame can fit it. Browser-only.
 */
import { defineLecternLesson, ELEMENT_NAME, type LecternLessonElement } from './element.ts';
import { postHeightToParent } from './height.ts';

defineLecternLesson();
const params = new URLSearchParams(location.search);
const main = document.getElementById('lectern-embed');
if (!main) throw new Error('embed.html must contain <main id="lectern-embed">');
const element = document.createElement(ELEMENT_NAME) as LecternLessonElement;
for (const name of ['lesson', 'src', 'section', 'theme'] as const) {
  const value = params.get(name);
  if (value) element.setAttribute(name, value);
}
element.dataset.given = 'embed.html?src='; // names the parameter in a refusal
if (!params.get('lesson') && !params.get('src')) {
  main.textContent = 'Give a lesson: embed.html?lesson=08-fine-tuning (and &section=… for one section).';
} else {
  main.append(element);
  document.title = `${params.get('section') ?? params.get('lesson') ?? 'Lesson'} · Lectern`;
}
postHeightToParent();
