// Fetching the manifest's files: from a mirror folder (<mirror>/<owner>/<repo>/<path>) or from
// raw.githubusercontent.com, checking size and sha256 before anything is stored. Verified files
// land in <rawDir>/<owner>/<repo>/<path> (training-data/raw/, kept out of git).

import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { GITHUB_RAW_BASE, rawUrl, relativeLocation, type ManifestEntry } from './manifest.ts';

export type FileOrigin = 'cache' | 'mirror' | 'network';

export interface FetchOptions {
  /** Where verified files are stored (layout <owner>/<repo>/<path>). */
  rawDir: string;
  /** Read files from this folder (same layout) instead of the network. */
  mirror?: string;
  /** Never use the network: only the cache and the mirror. */
  offline?: boolean;
  /** Base of the public addresses; default https://raw.githubusercontent.com. */
  baseUrl?: string;
  fetchImpl?: typeof fetch;
}

export interface FetchedFile {
  entry: ManifestEntry;
  /** Path of the verified copy under rawDir. */
  file: string;
  origin: FileOrigin;
}

/** A file whose bytes do not match the manifest; it is not stored or used. */
export class IntegrityError extends Error {
  constructor(readonly entry: ManifestEntry, readonly from: string, detail: string) {
    super(`${relativeLocation(entry)} from ${from}: ${detail}; the file was not used`);
    this.name = 'IntegrityError';
  }
}

export class MissingFileError extends Error {
  constructor(readonly entry: ManifestEntry, detail: string) {
    super(`${relativeLocation(entry)}: ${detail}`);
    this.name = 'MissingFileError';
  }
}

/** The network could not be reached for a file: names the address and the ways to work without it. */
export class NetworkError extends Error {
  constructor(readonly entry: ManifestEntry, readonly url: string, cause: unknown) {
    const detail = cause instanceof Error ? `${cause.message}${cause.cause instanceof Error ? ` (${cause.cause.message})` : ''}` : String(cause);
    super(`${relativeLocation(entry)}: cannot download ${url}: ${detail}. With no network, read a local copy with --mirror DIR (or TRIAGE_DATA_MIRROR), or use --offline for cached files only`);
    this.name = 'NetworkError';
  }
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function mismatch(entry: ManifestEntry, bytes: Uint8Array): string | undefined {
  if (bytes.byteLength !== entry.bytes) return `size ${bytes.byteLength} != manifest ${entry.bytes}`;
  const actual = sha256Hex(bytes);
  if (actual !== entry.sha256) return `sha256 mismatch: expected ${entry.sha256}, got ${actual}`;
  return undefined;
}

async function readIfExists(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function download(entry: ManifestEntry, options: FetchOptions): Promise<{ bytes: Uint8Array; from: string }> {
  const url = rawUrl(entry, options.baseUrl ?? GITHUB_RAW_BASE);
  let response: Response;
  try {
    response = await (options.fetchImpl ?? fetch)(url);
  } catch (error) {
    throw new NetworkError(entry, url, error);
  }
  if (!response.ok) throw new MissingFileError(entry, `GET ${url} answered ${response.status}`);
  return { bytes: new Uint8Array(await response.arrayBuffer()), from: url };
}

async function obtain(entry: ManifestEntry, options: FetchOptions): Promise<{ bytes: Uint8Array; from: string; origin: FileOrigin }> {
  if (options.mirror) {
    const source = join(options.mirror, relativeLocation(entry));
    const bytes = await readIfExists(source);
    if (!bytes) throw new MissingFileError(entry, `not in mirror ${options.mirror}`);
    return { bytes, from: source, origin: 'mirror' };
  }
  if (options.offline) throw new MissingFileError(entry, 'not cached, no mirror given, and offline');
  return { ...(await download(entry, options)), origin: 'network' };
}

/** Make one manifest file available, verified, under rawDir. */
export async function fetchEntry(entry: ManifestEntry, options: FetchOptions): Promise<FetchedFile> {
  const target = join(options.rawDir, relativeLocation(entry));
  const cached = await readIfExists(target);
  if (cached && !mismatch(entry, cached)) return { entry, file: target, origin: 'cache' };
  if (cached) await rm(target); // a stale or damaged copy is never used
  const { bytes, from, origin } = await obtain(entry, options);
  const problem = mismatch(entry, bytes);
  if (problem) throw new IntegrityError(entry, from, problem);
  await mkdir(dirname(target), { recursive: true });
  const temp = `${target}.${process.pid}.tmp`;
  await writeFile(temp, bytes);
  await rename(temp, target);
  return { entry, file: target, origin };
}

/** Fetch several entries (a few at a time); the first failure rejects. */
export async function fetchEntries(entries: readonly ManifestEntry[], options: FetchOptions, concurrency = 4): Promise<FetchedFile[]> {
  await mkdir(options.rawDir, { recursive: true });
  await writeFile(join(options.rawDir, '.gitignore'), '# Downloaded third-party data: never committed.\n*\n');
  const results: FetchedFile[] = new Array(entries.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < entries.length) {
      const index = next++;
      const entry = entries[index];
      if (entry) results[index] = await fetchEntry(entry, options);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, entries.length) }, worker));
  return results;
}
