/** Fixture pairs for cell analysis and transpilation: test/input/*.ts|*.js → test/output/*.json. */
import { describe, it } from 'vitest';
import { compileCell } from '../../src/cells/compile.ts';
import { expectFixture, fixtureInputs, readInput } from '../fixture-pairs.ts';

const inputs = [...fixtureInputs('.ts'), ...fixtureInputs('.js')];

describe('cell fixtures', () => {
  for (const name of inputs) {
    it(name, () => {
      const cell = compileCell({ id: 'cell-1', lang: name.endsWith('.js') ? 'js' : 'ts', source: readInput(name) });
      const { id: _id, lang: _lang, source: _source, body, ...analysis } = cell;
      // The body as lines reads better in a JSON diff.
      expectFixture(name, { ...analysis, body: body ? body.split('\n') : [] });
    });
  }
});
