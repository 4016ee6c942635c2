/**
 * Which lesson URLs a page loads: only from trusted origins, over http(s), without a redirect to
 * another origin, and only a file (not a server's HTML fallback page). Two local HTTP servers stand
 * for two origins.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLessonUrl, fetchLesson, LessonUrlError, parseOrigins } from '../../src/trust/lesson-url.ts';

const SITE = 'http://127.0.0.1:5173';
const args = { base: `${SITE}/embed.html?src=x`, allowedOrigins: [SITE], given: 'embed.html?src=' };

describe('checkLessonUrl', () => {
  it('accepts relative paths and absolute URLs of an allowed origin', () => {
    expect(checkLessonUrl({ ...args, src: '/notebooks/08-fine-tuning.md' }).href).toBe(`${SITE}/notebooks/08-fine-tuning.md`);
    expect(checkLessonUrl({ ...args, src: 'notebooks/a.md' }).href).toBe(`${SITE}/notebooks/a.md`);
    expect(checkLessonUrl({ ...args, src: `${SITE}/x/y.md?v=2` }).pathname).toBe('/x/y.md');
  });

  it('refuses another origin, naming it, the allowed ones and how to allow it', () => {
    const attempt = () => checkLessonUrl({ ...args, src: 'http://127.0.0.1:9999/evil.md' });
    expect(attempt).toThrow(LessonUrlError);
    expect(attempt).toThrow(
      'embed.html?src=http://127.0.0.1:9999/evil.md is on another site (http://127.0.0.1:9999), so it is not shown: ' +
        "a lesson's cells run as this site, with its learners' saved work. Lessons load from http://127.0.0.1:5173; " +
        'to allow http://127.0.0.1:9999, build with LECTERN_LESSON_ORIGINS="http://127.0.0.1:9999" (see docs/embedding.md).',
    );
  });

  it('refuses look-alikes of the allowed origin: other port, scheme, host, user info', () => {
    for (const src of [
      'http://127.0.0.1:5174/a.md', 'https://127.0.0.1:5173/a.md', 'http://localhost:5173/a.md',
      '//evil.example/a.md', 'http://127.0.0.1:5173@evil.example/a.md', 'http://127.0.0.1.evil.example:5173/a.md',
    ]) {
      expect(() => checkLessonUrl({ ...args, src }), src).toThrow(/is on another site/);
    }
  });

  it('refuses URLs that are not http(s): data:, blob:, javascript:, file:', () => {
    for (const src of ['data:text/markdown,%60%60%60ts%0Aalert(1)%0A%60%60%60', `blob:${SITE}/1234`, 'javascript:alert(1)', 'file:///etc/passwd']) {
      expect(() => checkLessonUrl({ ...args, src }), src).toThrow(/is not an http\(s\) URL/);
    }
  });

  it('accepts an origin the build allows', () => {
    expect(checkLessonUrl({ ...args, src: 'https://course.example.org/a.md', allowedOrigins: [SITE, 'https://course.example.org'] }).origin)
      .toBe('https://course.example.org');
  });
});

describe('parseOrigins (LECTERN_LESSON_ORIGINS)', () => {
  it('reads origins separated by spaces or commas; nothing is none', () => {
    expect(parseOrigins('https://a.example, http://localhost:8080  https://b.example/')).toEqual(['https://a.example', 'http://localhost:8080', 'https://b.example']);
    expect(parseOrigins(undefined)).toEqual([]);
    expect(parseOrigins('  ')).toEqual([]);
  });

  it('rejects anything that is not exactly an origin', () => {
    for (const entry of ['a.example', 'https://a.example/path', 'ftp://a.example', '*', 'https://a.example?x']) {
      expect(() => parseOrigins(entry), entry).toThrow(`LECTERN_LESSON_ORIGINS: "${entry}" is not an origin`);
    }
  });
});

describe('fetchLesson', () => {
  const servers: Server[] = [];
  let site = '';
  let other = '';
  const listen = (handler: Parameters<typeof createServer>[1]) => new Promise<string>((resolve) => {
    const server = createServer(handler);
    servers.push(server);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : '');
    });
  });
  beforeAll(async () => {
    other = await listen((_, response) => response.writeHead(200, { 'Content-Type': 'text/markdown', 'Access-Control-Allow-Origin': '*' }).end('# Evil\n'));
    site = await listen((request, response) => {
      if (request.url === '/lesson.md') response.writeHead(200, { 'Content-Type': 'text/markdown; charset=utf-8' }).end('# A lesson\n');
      else if (request.url === '/moved.md') response.writeHead(302, { Location: '/lesson.md' }).end();
      else if (request.url === '/away.md') response.writeHead(302, { Location: `${other}/evil.md` }).end();
      else if (request.url === '/spa.md') response.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>index</title>');
      else response.writeHead(404).end();
    });
  });
  afterAll(() => Promise.all(servers.map((s) => new Promise((done) => s.close(done)))));

  const load = (src: string) => fetchLesson({ src, base: `${site}/lesson.html`, allowedOrigins: [site], given: 'lesson.html?file=' });

  it('reads a file of the allowed origin, also through a redirect within it', async () => {
    expect((await load('/lesson.md')).text).toBe('# A lesson\n');
    expect((await load('/moved.md')).text).toBe('# A lesson\n');
  });

  it('refuses another origin before fetching, and a redirect that leads to one', async () => {
    await expect(load(`${other}/evil.md`)).rejects.toThrow(/^lesson\.html\?file=http:\/\/127\.0\.0\.1:\d+\/evil\.md is on another site/);
    await expect(load('/away.md')).rejects.toThrow(`lesson.html?file=${site}/away.md redirects to ${other}/evil.md is on another site (${other})`);
  });

  it('a missing file and an HTML fallback page are errors naming the URL, never a lesson', async () => {
    await expect(load('/nope.md')).rejects.toThrow(`Cannot read the lesson ${site}/nope.md: HTTP 404`);
    await expect(load('/spa.md')).rejects.toThrow(`Cannot read the lesson ${site}/spa.md: the server answered with an HTML page, not a Markdown file (is the path right?)`);
  });
});
