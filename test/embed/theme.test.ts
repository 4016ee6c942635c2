import { describe, expect, it } from 'vitest';
import { chooseScheme, schemeOfColorScheme } from '../../src/embed/theme.ts';

describe('the scheme of an embed', () => {
  it("reads the host page's computed color-scheme", () => {
    expect(schemeOfColorScheme('normal')).toBe('light'); // a page that declared nothing renders light
    expect(schemeOfColorScheme('light')).toBe('light');
    expect(schemeOfColorScheme('dark')).toBe('dark');
    expect(schemeOfColorScheme('only dark')).toBe('dark');
    expect(schemeOfColorScheme('light dark')).toBe('auto');
  });

  it('takes the theme attribute over the page, and names a value that is not a theme', () => {
    const page = () => 'dark';
    expect(chooseScheme('light', page)).toEqual({ scheme: 'light', problem: null });
    expect(chooseScheme(' Auto ', page)).toEqual({ scheme: 'auto', problem: null });
    expect(chooseScheme(null, page)).toEqual({ scheme: 'dark', problem: null });
    expect(chooseScheme('', () => 'normal')).toEqual({ scheme: 'light', problem: null });
    expect(chooseScheme('blue', page)).toEqual({ scheme: 'dark', problem: 'theme="blue" is not one of light, dark, auto: following the page\'s colour scheme' });
  });
});
