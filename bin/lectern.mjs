#!/usr/bin/env node
// The `lectern` command line. The CLI is written in TypeScript under src/cli/;
// tsx registers a loader so Node 20 runs it without a separate build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
