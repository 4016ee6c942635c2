// Entry of the process a headless run executes in (forked by headless.ts): Node runs TypeScript
// through tsx's loader, registered here because a forked process does not inherit the parent's.
import { register } from 'tsx/esm/api';

register();
await import('./headless-child.ts');
