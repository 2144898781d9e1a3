// Fetches an embedding model folder (config.json, tokenizer files, onnx/model.onnx) from a
// Hugging Face-style hub (<base>/<id>/resolve/<revision>/<file>) into models/embedders/<name>,
// writing into a temporary folder first so a failed pull never leaves a half folder behind.
// Records what it fetched (with sha256) in source.json. Needs network unless baseUrl is local.

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

export const DEFAULT_HUB_URL = 'https://huggingface.co';
export const PULL_MANIFEST_FILE = 'source.json';

const REQUIRED_FILES = ['config.json', 'tokenizer.json', 'onnx/model.onnx'] as const;
const OPTIONAL_FILES = ['tokenizer_config.json', 'special_tokens_map.json'] as const;
const QUANTIZED_FILE = 'onnx/model_quantized.onnx';
const HUB_ID_PATTERN = /^[A-Za-z0-9][\w.-]*(\/[A-Za-z0-9][\w.-]*)?$/;

export interface PullOptions {
  /** Repository id on the hub, e.g. "Xenova/all-MiniLM-L6-v2". */
  hubId: string;
  revision?: string;
  /** Parent folder of the new model folder (default: models/embedders of this package). */
  modelsDir: string;
  /** Folder name (default: the last part of hubId). */
  name?: string;
  /** Also fetch onnx/model_quantized.onnx (required when asked for). */
  quantized?: boolean;
  /** Replace an existing folder of the same name. */
  force?: boolean;
  /** Hub root (default https://huggingface.co); tests point it at a local server. */
  baseUrl?: string;
  onFile?: (file: string, bytes: number) => void;
}

export interface PulledFile {
  path: string;
  bytes: number;
  sha256: string;
}

export interface PullResult {
  dir: string;
  files: PulledFile[];
  skipped: string[];
}

function fileUrl(baseUrl: string, hubId: string, revision: string, file: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${hubId}/resolve/${encodeURIComponent(revision)}/${file}`;
}

/** Streams one file to disk while hashing it; returns undefined on 404 (caller decides). */
async function download(url: string, target: string): Promise<Omit<PulledFile, 'path'> | undefined> {
  const response = await fetch(url, { redirect: 'follow' });
  if (response.status === 404) return undefined;
  if (!response.ok || !response.body) throw new Error(`GET ${url}: HTTP ${response.status}`);
  await mkdir(dirname(target), { recursive: true });
  const hash = createHash('sha256');
  const file = await open(target, 'w');
  let bytes = 0;
  try {
    for await (const chunk of response.body) {
      hash.update(chunk);
      bytes += chunk.byteLength;
      await file.write(chunk);
    }
  } finally {
    await file.close();
  }
  return { bytes, sha256: hash.digest('hex') };
}

export async function pullModel(options: PullOptions): Promise<PullResult> {
  const { hubId } = options;
  if (!HUB_ID_PATTERN.test(hubId) || hubId.includes('..')) throw new Error(`not a hub model id: ${JSON.stringify(hubId)}`);
  const revision = options.revision ?? 'main';
  const baseUrl = options.baseUrl ?? DEFAULT_HUB_URL;
  const name = options.name ?? hubId.split('/').at(-1) ?? hubId;
  if (!/^[\w.-]+$/.test(name) || name.startsWith('.')) throw new Error(`not a folder name: ${JSON.stringify(name)}`);
  const target = resolve(options.modelsDir, name);
  if (existsSync(target) && !options.force) throw new Error(`${target} already exists (use --force to replace it)`);

  const staging = `${target}.partial-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  const wanted: Array<{ path: string; required: boolean }> = [
    ...REQUIRED_FILES.map((path) => ({ path, required: true })),
    ...OPTIONAL_FILES.map((path) => ({ path, required: false })),
    ...(options.quantized ? [{ path: QUANTIZED_FILE, required: true }] : []),
  ];
  const files: PulledFile[] = [];
  const skipped: string[] = [];
  try {
    for (const { path, required } of wanted) {
      const url = fileUrl(baseUrl, hubId, revision, path);
      const fetched = await download(url, join(staging, path));
      if (!fetched) {
        if (required) throw new Error(`GET ${url}: HTTP 404 (required file)`);
        skipped.push(path);
        continue;
      }
      files.push({ path, ...fetched });
      options.onFile?.(path, fetched.bytes);
    }
    const manifest = { hub_id: hubId, revision, base_url: baseUrl, files };
    await writeFile(join(staging, PULL_MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    if (existsSync(target)) await rm(target, { recursive: true, force: true });
    await rename(staging, target);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  return { dir: target, files, skipped };
}
