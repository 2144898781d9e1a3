// The learned difficulty scorer: loads a trained model folder (models/<name>/: meta.json +
// scorer.onnx), rebuilds the embedder and feature extractor it was trained with, refuses a
// folder whose feature layout differs from what this code extracts, and scores requests with
// onnxruntime-node (one intra-op thread). Concurrent requests are micro-batched into one embed
// call and one ONNX run.

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createEmbedder, DEFAULT_MODELS_DIR } from '../embedding/registry.ts';
import type { Embedder } from '../embedding/embedder.ts';
import type { ChatRequest } from '../protocol/chat.ts';
import { featureLayoutId } from './features/layout-id.ts';
import { createFeatureExtractor, layoutMismatch, type ExtractedFeatures, type FeatureExtractor } from './features/extractor.ts';
import { MicroBatcher } from './learned/micro-batcher.ts';
import { ModelMetaError, readModelMeta, storedLayout, type ModelMeta } from './learned/meta.ts';
import { openScorerSession, type ScorerSession } from './learned/onnx-session.ts';
import { createQuantileMap } from './learned/quantile-map.ts';
import type { Scorer, ScoreResult } from './scorer.ts';

/** The model a fresh clone uses: models/default/. */
export const DEFAULT_SCORER_MODEL = 'default';
/** The repository's models/ folder (scorer folders next to models/embedders/). */
export { DEFAULT_MODELS_DIR };

export interface LearnedScorerOptions {
  /** A model folder; overrides modelsDir/name. */
  modelDir?: string;
  /** Folder holding model folders (default: the repository's models/). */
  modelsDir?: string;
  /** Model folder name under modelsDir (default: DEFAULT_SCORER_MODEL). */
  name?: string;
  /** Use this embedder instead of creating one from meta's spec (its id must still match). */
  embedder?: Embedder;
  /** Micro-batching: 0 = batch requests issued in the same event-loop turn; > 0 = wait up to this many ms. Default 0. */
  batchWindowMs?: number;
  /** Largest batch (default 64); 1 disables batching. */
  maxBatch?: number;
  /** Check scorer.onnx against the sha256 in meta.json (default true). */
  verifyChecksum?: boolean;
}

export interface LearnedScorer extends Scorer {
  readonly meta: ModelMeta;
  readonly modelDir: string;
  readonly extractor: FeatureExtractor;
  /** Short id of the feature layout: vectors with the same id can be scored by this model. */
  readonly layoutId: string;
  /** Scores stored feature vectors (same layout), calibrated like score(). */
  scoreVectors(vectors: readonly Float32Array[]): Promise<number[]>;
}

/** A stable short id of a feature layout (sha256 of its JSON). */
export { featureLayoutId };

export function resolveModelDir(options: Pick<LearnedScorerOptions, 'modelDir' | 'modelsDir' | 'name'>): string {
  if (options.modelDir) return resolve(options.modelDir);
  return resolve(options.modelsDir ?? DEFAULT_MODELS_DIR, options.name ?? DEFAULT_SCORER_MODEL);
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new DOMException('scoring aborted', 'AbortError');
}

interface Scored {
  features: ExtractedFeatures;
  score: number;
  onnxMs: number;
  batchSize: number;
}

export async function createLearnedScorer(options: LearnedScorerOptions = {}): Promise<LearnedScorer> {
  const modelDir = resolveModelDir(options);
  const meta = await readModelMeta(modelDir);
  const expectedLayout = storedLayout(meta, modelDir);
  const onnxPath = join(modelDir, meta.onnx.file);
  if (options.verifyChecksum ?? true) {
    const bytes = await readFile(onnxPath).catch((error: unknown) => {
      throw new ModelMetaError(modelDir, `cannot read ${meta.onnx.file}: ${error instanceof Error ? error.message : String(error)}`);
    });
    const digest = createHash('sha256').update(bytes).digest('hex');
    if (digest !== meta.onnx.sha256) throw new ModelMetaError(modelDir, `${meta.onnx.file} sha256 ${digest} does not match meta.json (${meta.onnx.sha256})`);
  }

  const embedder = options.embedder ?? (await createEmbedder(meta.embedder.spec));
  let session: ScorerSession | undefined;
  try {
    if (embedder.id !== meta.embedder.id) {
      throw new ModelMetaError(modelDir, `model was trained with embedder ${meta.embedder.id}, but spec "${meta.embedder.spec}" now gives ${embedder.id}; retrain the model (triage train)`);
    }
    const extractor = await createFeatureExtractor(embedder, {
      ...meta.features.groups,
      shaping: expectedLayout.shaping,
      ...(expectedLayout.taskTypeOptions ? { taskTypeOptions: expectedLayout.taskTypeOptions } : {}),
    });
    const mismatch = layoutMismatch(expectedLayout, extractor.layout);
    if (mismatch) {
      throw new ModelMetaError(modelDir, `feature layout mismatch (${mismatch}); the model was trained on other features than this code extracts — retrain it (triage train)`);
    }
    session = await openScorerSession(onnxPath, extractor.layout.size, { input: meta.onnx.input, output: meta.onnx.output });
    const activeSession = session;

    const scoreBatch = async (requests: ChatRequest[]): Promise<Scored[]> => {
      const features = await extractor.extractBatch(requests);
      const started = performance.now();
      const scores = await activeSession.run(features.map((f) => f.vector));
      const onnxMs = performance.now() - started;
      return features.map((f, i) => ({ features: f, score: scores[i] ?? Number.NaN, onnxMs, batchSize: requests.length }));
    };
    const batcher = new MicroBatcher(scoreBatch, { windowMs: options.batchWindowMs ?? 0, maxBatch: Math.max(1, options.maxBatch ?? 64) });
    const name = `learned:${meta.name}@${meta.version}`;
    // With stored reference quantiles the score is the prompt's rank among reference prompts.
    const calibrate = meta.calibration ? createQuantileMap(meta.calibration.quantiles) : (raw: number) => raw;
    let closed = false;
    const layoutId = featureLayoutId(extractor.layout);

    return {
      name,
      meta,
      modelDir,
      extractor,
      layoutId,
      async scoreVectors(vectors) {
        if (closed) throw new Error(`${name} is closed`);
        for (const v of vectors) if (v.length !== extractor.layout.size) throw new Error(`vector has ${v.length} features, ${name} needs ${extractor.layout.size}`);
        if (vectors.length === 0) return [];
        return Array.from(await activeSession.run(vectors), (raw) => calibrate(raw));
      },
      async score(request: ChatRequest, signal?: AbortSignal): Promise<ScoreResult> {
        if (closed) throw new Error(`${name} is closed`);
        if (signal?.aborted) throw abortError(signal);
        const started = performance.now();
        const scored = await batcher.submit(request);
        if (signal?.aborted) throw abortError(signal);
        if (!Number.isFinite(scored.score)) throw new Error(`${name} produced a non-finite score`);
        return {
          score: calibrate(scored.score),
          taskType: scored.features.taskType,
          details: {
            ...scored.features.details,
            raw_score: scored.score,
            onnx_ms: Math.round(scored.onnxMs * 1000) / 1000,
            batch_size: scored.batchSize,
            decide_ms: Math.round((performance.now() - started) * 1000) / 1000,
            model: `${meta.name}@${meta.version}`,
          },
          features: { layout: layoutId, vector: scored.features.vector },
        };
      },
      async close() {
        if (closed) return;
        closed = true;
        await activeSession.release();
        if (!options.embedder) await embedder.close();
      },
    };
  } catch (error) {
    await session?.release();
    if (!options.embedder) await embedder.close();
    throw error;
  }
}
