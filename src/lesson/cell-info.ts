/**
 * A fence's info string: the language, then options. `ts echo`, `js hidden`,
 * `ts id=setup`, and Framework's `run=false` / `echo=true|false`. Only `ts`
 * and `js` fences are live cells; `static` or `run=false` shows one without running it.
 */
import type { CellLanguage } from '../cells/types.ts';
import type { CellOptions } from './types.ts';

export type FenceInfo =
  | { live: true; lang: CellLanguage; options: CellOptions; id?: string; problems: string[] }
  | { live: false; lang: string };

const LIVE_LANGUAGES: ReadonlySet<string> = new Set(['ts', 'js']);

const KNOWN = 'known: echo, hidden, static, run=false, id=name, check, check=exercise, panel';

export function parseFenceInfo(info: string): FenceInfo {
  const [lang = '', ...words] = info.trim().split(/\s+/).filter(Boolean);
  if (!LIVE_LANGUAGES.has(lang)) return { live: false, lang };
  // `ts static` (Lectern) and `ts run=false` (Framework) show TypeScript without running it.
  if (words.some((word) => word === 'static' || /^run=false$/i.test(word))) return { live: false, lang };
  const options: CellOptions = { echo: false, hidden: false };
  const problems: string[] = [];
  let id: string | undefined;
  for (const word of words) {
    const [key, value] = splitOption(word);
    if (key === 'panel' && value === undefined) {
      options.panel = true;
    } else if (key === 'echo' || key === 'hidden') {
      const flag = parseFlag(value);
      if (flag === undefined) problems.push(`Cell option "${word}": ${key} is true or false`);
      else options[key] = flag;
    } else if (key === 'run' && parseFlag(value) === true) {
      // run=true is the default.
    } else if (key === 'check' && (value === undefined || /^[A-Za-z][\w-]*$/.test(value))) {
      // Bare `check`: the exercise just above it (parseLesson resolves the name).
      options.check = value ?? '';
    } else if (key === 'check') problems.push(`Cell option "${word}": check=name names an exercise (a letter, then letters, digits, _ or -)`);
    else if (key === 'id' && value !== undefined && /^[A-Za-z][\w-]*$/.test(value)) id = value;
    else if (key === 'id') problems.push(`Cell option "${word}": an id starts with a letter, then letters, digits, _ or -`);
    else problems.push(`Unknown cell option "${word}" (${KNOWN})`);
  }
  if (options.echo && options.hidden) problems.push('A cell cannot be both "echo" and "hidden"');
  if (options.panel && options.hidden) problems.push('A cell cannot be both "panel" and "hidden"');
  return { live: true, lang: lang as CellLanguage, options, id, problems };
}

function splitOption(word: string): [string, string | undefined] {
  const at = word.indexOf('=');
  return at < 0 ? [word, undefined] : [word.slice(0, at), word.slice(at + 1)];
}

/** A bare flag (`echo`) is true; `=true`/`=false` in any case say so; anything else is undefined. */
function parseFlag(value: string | undefined): boolean | undefined {
  if (value === undefined) return true;
  if (/^true$/i.test(value)) return true;
  if (/^false$/i.test(value)) return false;
  return undefined;
}
