import { describe, expect, it } from 'vitest';
import { memoryBackend } from '../../src/storage/backend.ts';
import { startLoad, watchLoad } from '../../src/storage/safe-start.ts';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('safe start', () => {
  it('a load that finished leaves the next one normal; one that did not makes it safe', async () => {
    const backend = memoryBackend();
    const first = await startLoad({ backend, lessonId: 'a' });
    expect(first.safe).toBeNull();
    await first.finished();
    const second = await startLoad({ backend, lessonId: 'a' });
    expect(second.safe).toBeNull();
    // second never finishes (a cell froze the tab, or emptied the page)
    const third = await startLoad({ backend, lessonId: 'a' });
    expect(third.safe).toBe('unfinished');
    expect((await startLoad({ backend, lessonId: 'b' })).safe).toBeNull(); // per lesson
  });

  it('?safe asks for it whatever the last load did', async () => {
    const backend = memoryBackend();
    expect((await startLoad({ backend, lessonId: 'a', asked: true })).safe).toBe('asked');
  });

  it('the marker is set before start resolves (before any cell runs), and arm sets it again', async () => {
    const backend = memoryBackend();
    const guard = await startLoad({ backend, lessonId: 'a', now: () => 42 });
    expect(backend.markers.get('a')).toBe(42);
    await guard.finished();
    expect(backend.markers.has('a')).toBe(false);
    await guard.arm();
    expect(backend.markers.get('a')).toBe(42);
  });

  it('watchLoad finishes once cells settle with the page intact, never while the page is emptied', async () => {
    const backend = memoryBackend();
    const guard = await startLoad({ backend, lessonId: 'a' });
    let settled = false;
    const stop = watchLoad({ guard, intact: () => true, settled: () => settled, pollMs: 5 });
    await wait(30);
    expect(backend.markers.has('a')).toBe(true);
    settled = true;
    await wait(30);
    expect(backend.markers.has('a')).toBe(false);
    stop();

    await guard.arm();
    watchLoad({ guard, intact: () => false, settled: () => true, pollMs: 5 });
    await wait(30);
    expect(backend.markers.has('a')).toBe(true);
  });

  it('watchLoad counts a page responsive for responsiveMs as standing (a long training cell)', async () => {
    const backend = memoryBackend();
    const guard = await startLoad({ backend, lessonId: 'a' });
    watchLoad({ guard, intact: () => true, settled: () => false, pollMs: 5, responsiveMs: 40 });
    await wait(20);
    expect(backend.markers.has('a')).toBe(true);
    await wait(60);
    expect(backend.markers.has('a')).toBe(false);
  });
});
