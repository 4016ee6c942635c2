/**
 * Light or dark inside a `<lectern-lesson>`: `theme="light" | "dark" | "auto"` (auto: the reader's
 * OS preference), or by default whatever the host page declares with CSS `color-scheme` on the
 * element's parent (inherited): "dark" → dark, "light dark" → the OS preference, nothing or "light" →
 * light. A course site that never declared a dark scheme renders light, so the embed must too,
 * whatever the OS prefers. Browser-only (CSSOM).
 */

export type Scheme = 'light' | 'dark' | 'auto';
export const THEMES: readonly Scheme[] = ['light', 'dark', 'auto'];

export interface ThemeChoice {
  scheme: Scheme;
  /** Set when the attribute had a value that is not a theme (the embed then follows the page). */
  problem: string | null;
}

/** The scheme for a `theme` attribute value (null: none given), reading the host page when needed. */
export function chooseScheme(attribute: string | null, hostScheme: () => string): ThemeChoice {
  const value = attribute?.trim().toLowerCase() ?? '';
  if ((THEMES as readonly string[]).includes(value)) return { scheme: value as Scheme, problem: null };
  const problem = value === '' ? null : `theme="${attribute}" is not one of ${THEMES.join(', ')}: following the page's colour scheme`;
  return { scheme: schemeOfColorScheme(hostScheme()), problem };
}

/** A computed CSS `color-scheme` value ("normal", "light", "dark", "light dark", "only dark"…) as a scheme. */
export function schemeOfColorScheme(value: string): Scheme {
  const words = value.split(/\s+/);
  const light = words.includes('light');
  const dark = words.includes('dark');
  if (dark && light) return 'auto';
  return dark ? 'dark' : 'light';
}

const cache = new Map<string, string>();

/**
 * `css` with its `prefers-color-scheme` media rules fixed to `scheme`: for light, dark-only rules never
 * apply; for dark, they always do (and light-only ones never); auto leaves them to the OS.
 */
export function cssForScheme(css: string, scheme: Scheme): string {
  if (scheme === 'auto') return css;
  const key = `${scheme}\n${css}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  fixMedia(sheet.cssRules, scheme);
  const text = [...sheet.cssRules].map((rule) => rule.cssText).join('\n');
  cache.set(key, text);
  return text;
}

function fixMedia(rules: CSSRuleList, scheme: 'light' | 'dark'): void {
  for (const rule of rules) {
    if (rule instanceof CSSMediaRule) {
      const text = rule.media.mediaText;
      const dark = /prefers-color-scheme:\s*dark/.test(text);
      const light = /prefers-color-scheme:\s*light/.test(text);
      // Only the scheme part is decided here; other conditions (width) keep working.
      if (dark || light) {
        const applies = dark ? scheme === 'dark' : scheme === 'light';
        const rest = text.replace(/\(\s*prefers-color-scheme:\s*(dark|light)\s*\)/g, '').replace(/^\s*and\s+|\s+and\s*$/g, '').replace(/\band\s+and\b/g, 'and').trim();
        rule.media.mediaText = applies ? (rest || 'all') : 'not all';
      }
    }
    if (rule instanceof CSSGroupingRule) fixMedia(rule.cssRules, scheme);
  }
}
