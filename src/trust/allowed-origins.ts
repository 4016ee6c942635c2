/**
 * The origins whose lessons this page runs: its own, the one Lectern's script was loaded from (a
 * course site embedding <lectern-lesson> from a Lectern build on another host), and the build's
 * LECTERN_LESSON_ORIGINS (vite.config.ts defines __LECTERN_LESSON_ORIGINS__). Browser-only.
 */

/** Replaced by Vite at build and dev time; absent under Node tests. */
declare const __LECTERN_LESSON_ORIGINS__: readonly string[] | undefined;

export function configuredLessonOrigins(): readonly string[] {
  return typeof __LECTERN_LESSON_ORIGINS__ === 'undefined' ? [] : __LECTERN_LESSON_ORIGINS__;
}

export function allowedLessonOrigins(): string[] {
  return [...new Set([window.location.origin, new URL(import.meta.url).origin, ...configuredLessonOrigins()])];
}
