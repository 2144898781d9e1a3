import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { run as modelsCommand } from '../../src/cli/models.ts';
import { pullModel } from '../../src/embedding/pull.ts';
import { createTransformersEmbedder } from '../../src/embedding/transformers.ts';
import { createWordVectorEmbedder } from '../../src/embedding/word-vectors.ts';
import { GLOVE_DIR } from './support.ts';

/** A fake hub on 127.0.0.1: /<org>/glove-100d/resolve/<rev>/<file> serves the shipped folder. */
function startFakeHub(): Promise<{ url: string; requests: string[]; server: Server }> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    const url = request.url ?? '';
    requests.push(url);
    const match = /^\/([\w.-]+)\/glove-100d\/resolve\/([^/]+)\/(.+)$/.exec(url);
    if (match?.[1] === 'failing') {
      response.writeHead(500).end('boom');
      return;
    }
    const file = match?.[3] ?? '';
    const missingModel = match?.[1] === 'no-model' && file === 'onnx/model.onnx';
    const path = join(GLOVE_DIR, file);
    if (!match || missingModel || file.includes('..') || !existsSync(path)) {
      response.writeHead(404).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(readFileSync(path));
  });
  return new Promise((resolveStart) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolveStart({ url: `http://127.0.0.1:${port}`, requests, server });
    });
  });
}

describe('pulling a model folder from a hub', () => {
  let hub: Awaited<ReturnType<typeof startFakeHub>>;
  const modelsDir = mkdtempSync(join(tmpdir(), 'triage-pull-'));
  beforeAll(async () => {
    hub = await startFakeHub();
  });
  afterEach(() => {
    hub.requests.length = 0;
    vi.restoreAllMocks();
  });
  afterAll(async () => {
    await new Promise((done) => hub.server.close(done));
    rmSync(modelsDir, { recursive: true, force: true });
  });

  it('fetches the folder at the asked revision, records sha256s and loads like the original', async () => {
    const result = await pullModel({ hubId: 'acme/glove-100d', revision: 'v1.0', modelsDir, baseUrl: hub.url });
    expect(result.dir).toBe(join(modelsDir, 'glove-100d'));
    expect(hub.requests).toEqual(
      ['config.json', 'tokenizer.json', 'onnx/model.onnx', 'tokenizer_config.json', 'special_tokens_map.json'].map((file) => `/acme/glove-100d/resolve/v1.0/${file}`),
    );
    expect(result.skipped).toEqual(['special_tokens_map.json']);
    const manifest = JSON.parse(readFileSync(join(result.dir, 'source.json'), 'utf8')) as { hub_id: string; revision: string; files: Array<{ path: string; bytes: number; sha256: string }> };
    expect(manifest).toMatchObject({ hub_id: 'acme/glove-100d', revision: 'v1.0' });
    const config = JSON.parse(readFileSync(join(GLOVE_DIR, 'config.json'), 'utf8')) as { triage: { model_sha256: string } };
    expect(manifest.files.find((file) => file.path === 'onnx/model.onnx')?.sha256).toBe(config.triage.model_sha256);

    const pulled = await createTransformersEmbedder({ modelDir: result.dir });
    const original = await createWordVectorEmbedder({ modelDir: GLOVE_DIR });
    const texts = ['Pulled folders embed like the originals.'];
    const [a] = await pulled.embed(texts);
    const [b] = await original.embed(texts);
    (a as Float32Array).forEach((value, d) => expect(Math.abs(value - ((b as Float32Array)[d] as number))).toBeLessThan(1e-4));
    await Promise.all([pulled.close(), original.close()]);
  });

  it('refuses to overwrite an existing folder unless forced', async () => {
    await expect(pullModel({ hubId: 'acme/glove-100d', modelsDir, baseUrl: hub.url })).rejects.toThrow(/already exists/);
    await expect(pullModel({ hubId: 'acme/glove-100d', modelsDir, baseUrl: hub.url, force: true })).resolves.toMatchObject({ dir: join(modelsDir, 'glove-100d') });
  });

  it('fails without leaving a partial folder when a required file is missing or the hub errors', async () => {
    await expect(pullModel({ hubId: 'no-model/glove-100d', modelsDir, baseUrl: hub.url, name: 'broken' })).rejects.toThrow(/onnx\/model\.onnx: HTTP 404 \(required file\)/);
    await expect(pullModel({ hubId: 'failing/glove-100d', modelsDir, baseUrl: hub.url, name: 'failing' })).rejects.toThrow(/HTTP 500/);
    await expect(pullModel({ hubId: 'acme/glove-100d', modelsDir, baseUrl: hub.url, name: 'q8', quantized: true })).rejects.toThrow(/model_quantized\.onnx: HTTP 404/);
    expect(readdirSync(modelsDir).sort()).toEqual(['glove-100d']);
  });

  it('rejects ids and names that are not plain hub ids', async () => {
    await expect(pullModel({ hubId: '../etc', modelsDir, baseUrl: hub.url })).rejects.toThrow(/not a hub model id/);
    await expect(pullModel({ hubId: 'acme/glove-100d', modelsDir, baseUrl: hub.url, name: '../x' })).rejects.toThrow(/not a folder name/);
  });

  it('works through `triage models pull` and shows up in `triage models list`', async () => {
    const output: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      output.push(String(chunk));
      return true;
    });
    expect(await modelsCommand(['pull', 'acme/glove-100d', '--dir', modelsDir, '--name', 'via-cli', '--base-url', hub.url])).toBe(0);
    expect(output.join('')).toContain(`pulled acme/glove-100d@main into ${join(modelsDir, 'via-cli')}`);
    output.length = 0;
    expect(await modelsCommand(['list', '--dir', modelsDir])).toBe(0);
    const listing = output.join('');
    expect(listing).toMatch(/glove-100d\s+embedder:word-vectors/);
    expect(listing).toMatch(/via-cli\s+embedder:word-vectors/);
  });

  it('answers usage errors with exit code 2', async () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await modelsCommand([])).toBe(2);
    expect(await modelsCommand(['pull'])).toBe(2);
  });
});
