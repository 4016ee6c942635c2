/**
 * A fence's info string: the language, then options. `ts echo`, `js hidden`,
 * `ts id=setup`. Only `ts` and `js` fences are live cells.
 */
import type { CellLanguage } from '../cells/types.ts';
import type { CellOptions } from './types.ts';

export type FenceInfo =
  | { live: true; lang: CellLanguage; options: CellOptions; id?: string; problems: string[] }
  | { live: false; lang: string };

const LIVE_LANGUAGES: ReadonlySet<string> = new Set(['ts', 'js']);

export function parseFenceInfo(info: string): FenceInfo {
  const [lang = '', ...words] = info.trim().split(/\s+/).filter(Boolean);
  if (!LIVE_LANGUAGES.has(lang)) return { live: false, lang };
  // `ts static` shows TypeScript without running it.
  if (words.includes('static')) return { live: false, lang };
  const options: CellOptions = { echo: false, hidden: false };
  const problems: string[] = [];
  let id: string | undefined;
  for (const word of words) {
    if (word === 'echo') options.echo = true;
    else if (word === 'hidden') options.hidden = true;
    else if (word.startsWith('id=') && /^id=[A-Za-z][\w-]*$/.test(word)) id = word.slice(3);
    else problems.push(`Unknown cell option "${word}" (known: echo, hidden, static, id=name)`);
  }
  if (options.echo && options.hidden) problems.push('A cell cannot be both "echo" and "hidden"');
  return { live: true, lang: lang as CellLanguage, options, id, problems };
}
