// The feature extractor: what the learned scorer sees for a chat request. Shapes the request,
// embeds the shaped text (cached by its hash), and lays out one vector
// [embedding..., structural..., taskTypeSimilarities...] described by a JSON-serialisable
// FeatureLayout that a trained model stores in meta.json and checks when it is loaded.

import type { Embedder } from '../../embedding/embedder.ts';
import type { ChatRequest } from '../../protocol/chat.ts';
import { DEFAULT_SHAPING_LIMITS, promptRequest, shapeInput, shapedKey, type ShapedInput, type ShapingLimits } from '../shaping.ts';
import { LruCache } from './lru.ts';
import { STRUCTURAL_FEATURE_NAMES, structuralFeatures } from './structural.ts';
import {
  DEFAULT_TASK_TYPE_OPTIONS,
  GENERAL_TASK_TYPE,
  taskTypePrototypes,
  type TaskTypeOptions,
  type TaskTypePrototypes,
} from './task-types.ts';

/** Bumped whenever shaping, a feature's definition or the task-type descriptions change. */
export const FEATURE_LAYOUT_VERSION = 1;

export interface FeatureLayout {
  version: number;
  embedderId: string;
  /** 0 when the embedding group is off. */
  embeddingDim: number;
  structural: string[];
  taskTypes: string[];
  /** Length of every feature vector: embeddingDim + structural.length + taskTypes.length. */
  size: number;
  /** Shaping limits in force: a model trained on other limits saw other text. */
  shaping: ShapingLimits;
  /** Task-type prototype options in force (present when the taskTypes group is on). */
  taskTypeOptions?: TaskTypeOptions;
}

export interface FeatureExtractorOptions {
  /** Feature groups, all on by default; turn one off to ablate it. */
  embedding?: boolean;
  structural?: boolean;
  taskTypes?: boolean;
  /** Infer and report a task type even when the taskTypes group is off (default true; needs an embedding). */
  inferTaskType?: boolean;
  shaping?: Partial<ShapingLimits>;
  taskTypeOptions?: Partial<TaskTypeOptions>;
  /** Embeddings kept in the LRU cache keyed by shaped-input hash (default 2048; 0 disables). */
  cacheSize?: number;
}

export type FeatureDetails = Record<string, number | string | boolean>;

export interface ExtractedFeatures {
  vector: Float32Array;
  /** Inferred task type, or 'general'. */
  taskType: string;
  /** For the decision log: shaped_chars, context_included, cache_hit, embed_ms, task_margin, ... */
  details: FeatureDetails;
}

export interface FeatureExtractor {
  readonly layout: FeatureLayout;
  readonly embedder: Embedder;
  extract(request: ChatRequest): Promise<ExtractedFeatures>;
  /** Same results as extract() one by one, with one embedder call for all cache misses. */
  extractBatch(requests: readonly ChatRequest[]): Promise<ExtractedFeatures[]>;
  /** A bare prompt as one user turn (training data). */
  extractPrompt(text: string): Promise<ExtractedFeatures>;
  extractPrompts(texts: readonly string[]): Promise<ExtractedFeatures[]>;
}

/** Why a model's stored layout does not match the extractor's, or undefined when it does. */
export function layoutMismatch(expected: FeatureLayout, actual: FeatureLayout): string | undefined {
  const scalar = ['version', 'embedderId', 'embeddingDim', 'size'] as const;
  for (const key of scalar) {
    if (expected[key] !== actual[key]) return `${key}: model has ${String(expected[key])}, extractor has ${String(actual[key])}`;
  }
  const lists = ['structural', 'taskTypes'] as const;
  for (const key of lists) {
    if (expected[key].join(',') !== actual[key].join(',')) return `${key} features differ`;
  }
  if (JSON.stringify(sortedEntries(expected.shaping)) !== JSON.stringify(sortedEntries(actual.shaping))) {
    return 'shaping limits differ';
  }
  if (JSON.stringify(sortedEntries(expected.taskTypeOptions)) !== JSON.stringify(sortedEntries(actual.taskTypeOptions))) {
    return 'task-type options differ';
  }
  return undefined;
}

function sortedEntries(value: object | undefined): [string, unknown][] {
  return value === undefined ? [] : Object.entries(value).sort(([a], [b]) => a.localeCompare(b));
}

interface Groups {
  embedding: boolean;
  structural: boolean;
  taskTypes: boolean;
  needsEmbedding: boolean;
}

class Extractor implements FeatureExtractor {
  private readonly cache: LruCache<Float32Array>;

  constructor(
    readonly embedder: Embedder,
    readonly layout: FeatureLayout,
    private readonly groups: Groups,
    private readonly prototypes: TaskTypePrototypes | undefined,
    cacheSize: number,
  ) {
    this.cache = new LruCache(cacheSize);
  }

  async extract(request: ChatRequest): Promise<ExtractedFeatures> {
    const [result] = await this.extractBatch([request]);
    if (!result) throw new Error('feature extraction returned nothing');
    return result;
  }

  extractPrompt(text: string): Promise<ExtractedFeatures> {
    return this.extract(promptRequest(text));
  }

  extractPrompts(texts: readonly string[]): Promise<ExtractedFeatures[]> {
    return this.extractBatch(texts.map(promptRequest));
  }

  async extractBatch(requests: readonly ChatRequest[]): Promise<ExtractedFeatures[]> {
    const started = performance.now();
    const shaped = requests.map((request) => shapeInput(request, this.layout.shaping));
    const shapedAt = performance.now();
    const keys = shaped.map(shapedKey);
    const { embeddings, hits, embedMs } = await this.embedAll(shaped, keys);
    const shapeMs = (shapedAt - started) / Math.max(1, requests.length);
    return shaped.map((input, i) => this.assemble(input, embeddings[i], {
      shaped_chars: input.text.length,
      context_included: input.contextIncluded,
      cache_hit: hits[i] ?? false,
      shape_ms: round3(shapeMs),
      embed_ms: round3(embedMs),
    }));
  }

  private async embedAll(shaped: readonly ShapedInput[], keys: readonly string[]) {
    const embeddings: (Float32Array | undefined)[] = new Array(shaped.length);
    const hits: boolean[] = new Array(shaped.length).fill(false);
    if (!this.groups.needsEmbedding) return { embeddings, hits, embedMs: 0 };
    const missingTexts: string[] = [];
    const missingSlots = new Map<string, number[]>();
    keys.forEach((key, i) => {
      const cached = this.cache.get(key);
      if (cached) {
        embeddings[i] = cached;
        hits[i] = true;
        return;
      }
      const slots = missingSlots.get(key);
      if (slots) slots.push(i);
      else {
        missingSlots.set(key, [i]);
        missingTexts.push(shaped[i]?.text ?? '');
      }
    });
    const started = performance.now();
    const fresh = missingTexts.length > 0 ? await this.embedder.embed(missingTexts) : [];
    const embedMs = performance.now() - started;
    [...missingSlots.entries()].forEach(([key, slots], j) => {
      const vector = fresh[j];
      if (!vector || vector.length !== this.embedder.dim) {
        throw new Error(`embedder ${this.embedder.id} returned no ${this.embedder.dim}-d vector for input ${j}`);
      }
      this.cache.set(key, vector);
      for (const slot of slots) embeddings[slot] = vector;
    });
    return { embeddings, hits, embedMs };
  }

  private assemble(shaped: ShapedInput, embedding: Float32Array | undefined, details: FeatureDetails): ExtractedFeatures {
    const started = performance.now();
    const { layout, groups, prototypes } = this;
    const vector = new Float32Array(layout.size);
    let offset = 0;
    if (groups.embedding && embedding) vector.set(embedding, 0);
    offset += layout.embeddingDim;
    if (groups.structural) vector.set(structuralFeatures(shaped), offset);
    offset += layout.structural.length;
    let taskType = GENERAL_TASK_TYPE;
    if (prototypes && embedding) {
      const sims = prototypes.similarities(embedding);
      if (groups.taskTypes) vector.set(sims, offset);
      const inferred = prototypes.infer(sims);
      taskType = inferred.taskType;
      details['task_margin'] = round3(inferred.margin);
    }
    details['task_type'] = taskType;
    details['features_ms'] = round3(performance.now() - started);
    return { vector, taskType, details };
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Builds a feature extractor over an embedder; computes the task-type prototypes once (cached per embedder id). */
export async function createFeatureExtractor(
  embedder: Embedder,
  options: FeatureExtractorOptions = {},
): Promise<FeatureExtractor> {
  const embedding = options.embedding ?? true;
  const structural = options.structural ?? true;
  const taskTypes = options.taskTypes ?? true;
  const inferTask = taskTypes || (options.inferTaskType ?? true);
  const taskTypeOptions: TaskTypeOptions = { ...DEFAULT_TASK_TYPE_OPTIONS, ...options.taskTypeOptions };
  const prototypes = inferTask ? await taskTypePrototypes(embedder, taskTypeOptions) : undefined;
  const structuralNames = structural ? [...STRUCTURAL_FEATURE_NAMES] : [];
  const taskTypeNames = taskTypes && prototypes ? [...prototypes.names] : [];
  const embeddingDim = embedding ? embedder.dim : 0;
  const layout: FeatureLayout = {
    version: FEATURE_LAYOUT_VERSION,
    embedderId: embedder.id,
    embeddingDim,
    structural: structuralNames,
    taskTypes: taskTypeNames,
    size: embeddingDim + structuralNames.length + taskTypeNames.length,
    shaping: { ...DEFAULT_SHAPING_LIMITS, ...options.shaping },
    ...(taskTypes ? { taskTypeOptions } : {}),
  };
  const groups: Groups = { embedding, structural, taskTypes, needsEmbedding: embedding || inferTask };
  return new Extractor(embedder, layout, groups, prototypes, options.cacheSize ?? 2048);
}
