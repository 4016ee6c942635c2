/**
 * Where shard bytes come from: a folder (Node, fs) or a base URL (browser or Node, fetch).
 * Either way, a failed read becomes a DataError that names the file.
 */
import { DataError } from './manifest.ts';

/** Builds the error for a file that cannot be read; the default names `npm run data`. */
export type ReadErrorFactory = (location: string, problem: string) => Error;
const dataReadError: ReadErrorFactory = (location, problem) => new DataError(location, problem);

/** Reads one file of the data folder by name; `location` names it in messages. */
export interface ByteReader {
  read(file: string): Promise<Uint8Array>;
  location(file: string): string;
}

/** Reads over fetch, relative to `baseUrl` (e.g. `/data/` under Vite, which serves public/ at the root). */
export function fetchReader(baseUrl: string, fetchImpl: typeof fetch = globalThis.fetch, readError: ReadErrorFactory = dataReadError): ByteReader {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const location = (file: string) => `${base}${file}`;
  return {
    location,
    async read(file) {
      let response: Response;
      try {
        response = await fetchImpl(location(file));
      } catch (error) {
        throw readError(location(file), `could not be fetched (${(error as Error).message})`);
      }
      if (!response.ok) throw readError(location(file), `could not be fetched (HTTP ${response.status})`);
      return new Uint8Array(await response.arrayBuffer());
    },
  };
}

/** Reads from a folder with node:fs, imported lazily so browser bundles never reach it. */
export function folderReader(dir: string, readError: ReadErrorFactory = dataReadError): ByteReader {
  const location = (file: string) => `${dir.replace(/\/+$/, '')}/${file}`;
  return {
    location,
    async read(file) {
      const { readFile } = await import('node:fs/promises');
      try {
        const buffer = await readFile(location(file));
        return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw readError(location(file), code === 'ENOENT' ? 'file is missing' : `could not be read (${code ?? (error as Error).message})`);
      }
    },
  };
}
