/**
 * Vite plugin: copies every lesson (`notebooks/*.md`) and deck (`slides/*.md`) into the build as
 * plain files, so a course site can point `<lectern-lesson src="…/notebooks/08-fine-tuning.md">`
 * at the built site, and authors can download the sources. Runs at build time in Node.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Plugin } from 'vite';

export function lessonFiles(root: string, dirs: string[] = ['notebooks', 'slides']): Plugin {
  return {
    name: 'lectern-lesson-files',
    apply: 'build',
    generateBundle() {
      for (const dir of dirs) {
        let names: string[];
        try {
          names = readdirSync(join(root, dir)).filter((name) => name.endsWith('.md'));
        } catch {
          continue;
        }
        for (const name of names) {
          this.emitFile({ type: 'asset', fileName: `${dir}/${name}`, source: readFileSync(join(root, dir, name), 'utf8') });
        }
      }
    },
  };
}
