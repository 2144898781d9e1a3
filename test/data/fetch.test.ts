import { createServer, type Server } from 'node:http';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchEntries, fetchEntry, IntegrityError, MissingFileError, sha256Hex } from '../../src/training/data/fetch.ts';
import { readManifest, type ManifestEntry } from '../../src/training/data/manifest.ts';
import { MIRROR, NO_PUBLIC_DATA, PROJECT_MANIFEST } from './paths.ts';

let work: string;
let small: ManifestEntry[];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'triage-fetch-'));
  const entries = await readManifest(PROJECT_MANIFEST);
  // Three small files from both repositories keep the test quick.
  small = [
    entries.find((e) => e.path === 'routellm/evals/mt_bench/contaminated_prompts.jsonl'),
    entries.find((e) => e.path === 'routellm/evals/mmlu/contaminated_prompts.jsonl'),
    entries.find((e) => e.repo === 'lmarena/arena-hard-auto' && e.path === 'LICENSE'),
  ].filter((e): e is ManifestEntry => e !== undefined);
  expect(small).toHaveLength(3);
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe.skipIf(NO_PUBLIC_DATA)('fetching manifest files', () => {
  it('copies from a mirror after verifying, then serves from the cache', async () => {
    const rawDir = join(work, 'mirror-raw');
    const first = await fetchEntries(small, { rawDir, mirror: MIRROR });
    expect(first.map((f) => f.origin)).toEqual(['mirror', 'mirror', 'mirror']);
    for (const f of first) expect(sha256Hex(await readFile(f.file))).toBe(f.entry.sha256);
    expect(await readFile(join(rawDir, '.gitignore'), 'utf8')).toMatch(/^\*$/m);
    const second = await fetchEntries(small, { rawDir, mirror: '/nonexistent-mirror' });
    expect(second.map((f) => f.origin)).toEqual(['cache', 'cache', 'cache']);
  });

  it('rejects a file whose sha256 does not match and stores nothing', async () => {
    const entry = small[0] as ManifestEntry;
    const badMirror = join(work, 'bad-mirror');
    const original = await readFile(join(MIRROR, entry.repo, entry.path));
    const tampered = Buffer.from(original);
    tampered[10] = (tampered[10] ?? 0) ^ 0x20; // same size, different bytes
    await mkdir(join(badMirror, entry.repo, entry.path, '..'), { recursive: true });
    await writeFile(join(badMirror, entry.repo, entry.path), tampered);
    const rawDir = join(work, 'bad-raw');
    const attempt = fetchEntry(entry, { rawDir, mirror: badMirror });
    await expect(attempt).rejects.toBeInstanceOf(IntegrityError);
    await expect(fetchEntry(entry, { rawDir, mirror: badMirror })).rejects.toThrow(/sha256 mismatch.*not used/);
    await expect(readFile(join(rawDir, entry.repo, entry.path))).rejects.toThrow(/ENOENT/);
  });

  it('replaces a damaged cached copy', async () => {
    const entry = small[1] as ManifestEntry;
    const rawDir = join(work, 'damaged-raw');
    await mkdir(join(rawDir, entry.repo, entry.path, '..'), { recursive: true });
    await writeFile(join(rawDir, entry.repo, entry.path), 'not the file');
    const result = await fetchEntry(entry, { rawDir, mirror: MIRROR });
    expect(result.origin).toBe('mirror');
    expect(sha256Hex(await readFile(result.file))).toBe(entry.sha256);
  });

  it('refuses to touch the network when offline', async () => {
    await expect(fetchEntry(small[0] as ManifestEntry, { rawDir: join(work, 'offline'), offline: true })).rejects.toBeInstanceOf(MissingFileError);
  });
});

describe.skipIf(NO_PUBLIC_DATA)('fetching over HTTP (a local server playing raw.githubusercontent.com)', () => {
  let server: Server;
  let baseUrl: string;
  const requests: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = req.url ?? '/';
      requests.push(url);
      // <owner>/<repo>/<commit>/<path> -> mirror/<owner>/<repo>/<path>; commit must be a sha.
      const [, owner, repo, commit, ...rest] = url.split('/');
      if (!owner || !repo || !/^[0-9a-f]{40}$/.test(commit ?? '')) {
        res.writeHead(404).end();
        return;
      }
      readFile(join(MIRROR, owner, repo, rest.join('/'))).then(
        (bytes) => res.writeHead(200).end(bytes),
        () => res.writeHead(404).end(),
      );
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((done) => server.close(() => done()));
  });

  it('downloads from <base>/<repo>/<commit>/<path> and verifies', async () => {
    const rawDir = join(work, 'net-raw');
    const results = await fetchEntries(small, { rawDir, baseUrl });
    expect(results.map((r) => r.origin)).toEqual(['network', 'network', 'network']);
    for (const r of results) {
      expect(requests).toContain(`/${r.entry.repo}/${r.entry.commit}/${r.entry.path}`);
      expect(sha256Hex(await readFile(r.file))).toBe(r.entry.sha256);
    }
  });

  it('reports a missing file and rejects truncated bytes', async () => {
    const entry = small[2] as ManifestEntry;
    await expect(fetchEntry({ ...entry, path: 'no/such/file' }, { rawDir: join(work, 'net-404'), baseUrl })).rejects.toThrow(/answered 404/);
    // A transfer that loses a byte must not be stored.
    const truncating: typeof fetch = async (input) => {
      const response = await fetch(input);
      return new Response((await response.arrayBuffer()).slice(1), { status: response.status });
    };
    await expect(fetchEntry(entry, { rawDir: join(work, 'net-trunc'), baseUrl, fetchImpl: truncating })).rejects.toThrow(/size .* != manifest/);
  });
});
