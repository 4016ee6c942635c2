/**
 * `lectern slides notebooks/<lesson>.md [--out slides/<lesson>.md] [--force] [--stdout]`:
 * writes a starter Marp deck from a lesson's sections (see src/slides/starter.ts).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parseLesson } from '../lesson/parse.ts';
import { starterDeck } from '../slides/starter.ts';

const HELP = `Usage: lectern slides notebooks/<lesson>.md [--out FILE] [--force] [--stdout]

Writes a starter Marp deck for a lesson: a title slide, then one slide per ## section
(linked to it by a "section" directive) with its first sentences and its sliders as live cells;
what does not fit on one slide goes on "(continued)" slides of the same section.

  --out FILE   where to write (default: slides/<lesson>.md)
  --force      overwrite an existing deck
  --stdout     print the deck instead of writing it`;

export async function run(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(HELP);
    return 0;
  }
  const positional: string[] = [];
  let out: string | undefined;
  let force = false;
  let stdout = false;
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    if (arg === '--out') {
      out = args[++i];
      if (!out) return fail('--out needs a file name');
    } else if (arg === '--force') force = true;
    else if (arg === '--stdout') stdout = true;
    else if (arg.startsWith('-')) return fail(`unknown option ${arg}`);
    else positional.push(arg);
  }
  if (positional.length !== 1) return fail('give exactly one lesson file, e.g. notebooks/08-fine-tuning.md');
  const lessonPath = positional[0]!;
  if (!existsSync(lessonPath)) return fail(`no lesson file at ${lessonPath}`);
  if ((await stat(lessonPath)).isDirectory()) return fail(`${lessonPath} is a directory; give a lesson's .md file, e.g. notebooks/08-fine-tuning.md`);
  let text: string;
  try {
    text = await readFile(lessonPath, 'utf8');
  } catch (error) {
    return fail(`cannot read ${lessonPath}: ${messageOf(error)}`);
  }
  const lessonId = basename(lessonPath).replace(/\.md$/, '');
  const lesson = parseLesson(text, { path: lessonPath });
  if (lesson.sections.length === 0) return fail(`${lessonPath} has no "##" sections to make slides from`);
  const deck = starterDeck(lesson, { lessonId });
  if (stdout) {
    process.stdout.write(deck);
    return 0;
  }
  const target = out ?? join('slides', `${lessonId}.md`);
  if (existsSync(target) && (await stat(target)).isDirectory()) return fail(`${target} is a directory; give --out a file name, e.g. ${join(target, `${lessonId}.md`)}`);
  if (existsSync(target) && !force) return fail(`${target} exists; pass --force to overwrite it or --out to write elsewhere`);
  try {
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, deck);
  } catch (error) {
    return fail(`cannot write ${target}: ${messageOf(error)}`);
  }
  // starterDeck separates slides with a blank-line-framed `---` (a longer section goes on "continued" slides).
  const slideCount = deck.split('\n\n---\n\n').length;
  console.log(`Wrote ${target}: ${slideCount} slides from ${lesson.sections.length} sections of ${lessonPath}`);
  return 0;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function fail(message: string): number {
  console.error(`lectern slides: ${message}\n\n${HELP}`);
  return 2;
}
