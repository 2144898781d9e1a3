// Label-free task-type features: the descriptions of each task type are embedded once per
// embedder (cached by embedder id), their centred centroid is the type's prototype, and a prompt's
// features are its cosine similarities to the prototypes. inferTaskType() is the argmax, or
// 'general' when no type wins by a margin. Centring (subtracting the mean of all description
// embeddings) removes the direction every text shares, which mean-pooled word vectors are dominated by.

import type { Embedder } from '../../embedding/embedder.ts';
import { GENERAL_TASK_TYPE, TASK_TYPE_DEFINITIONS, type TaskTypeDefinition } from './task-type-descriptions.ts';

export { GENERAL_TASK_TYPE } from './task-type-descriptions.ts';

export interface TaskTypeOptions {
  /** 'centroid': similarity to the mean of a type's descriptions; 'max': best single description. */
  aggregate: 'centroid' | 'max';
  /** Subtract the mean of all description embeddings before comparing. */
  center: boolean;
  /** Inference answers 'general' unless the best type beats the second by this much. */
  margin: number;
}

export const DEFAULT_TASK_TYPE_OPTIONS: Readonly<TaskTypeOptions> = Object.freeze({
  aggregate: 'centroid',
  center: true,
  margin: 0.03,
});

export interface TaskTypeInference {
  taskType: string;
  /** Best similarity minus the second best. */
  margin: number;
}

export interface TaskTypePrototypes {
  readonly names: readonly string[];
  readonly options: Readonly<TaskTypeOptions>;
  /** Similarity of an embedding to each task type, in `names` order. */
  similarities(embedding: Float32Array): Float32Array;
  infer(similarities: Float32Array): TaskTypeInference;
}

/** Names of the task types, in feature order. */
export const TASK_TYPE_NAMES: readonly string[] = Object.freeze(TASK_TYPE_DEFINITIONS.map((t) => t.name));

function normalise(v: Float32Array): Float32Array {
  let norm = 0;
  for (let i = 0; i < v.length; i++) norm += (v[i] ?? 0) ** 2;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i] = (v[i] ?? 0) / norm;
  return v;
}

function mean(vectors: readonly Float32Array[], dim: number): Float32Array {
  const out = new Float32Array(dim);
  for (const v of vectors) for (let i = 0; i < dim; i++) out[i] = (out[i] ?? 0) + (v[i] ?? 0);
  if (vectors.length > 0) for (let i = 0; i < dim; i++) out[i] = (out[i] ?? 0) / vectors.length;
  return out;
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] ?? 0) * (b[i] ?? 0);
  return s;
}

/** A copy of `v` minus `offset` (when given), L2-normalised. */
function centred(v: Float32Array, offset: Float32Array | undefined): Float32Array {
  const out = Float32Array.from(v);
  if (offset) for (let i = 0; i < out.length; i++) out[i] = (out[i] ?? 0) - (offset[i] ?? 0);
  return normalise(out);
}

class PrototypeSet implements TaskTypePrototypes {
  readonly names: readonly string[];

  constructor(
    readonly options: Readonly<TaskTypeOptions>,
    names: readonly string[],
    /** Per type: one prototype (centroid) or one per description (max). */
    private readonly prototypes: readonly (readonly Float32Array[])[],
    private readonly offset: Float32Array | undefined,
  ) {
    this.names = names;
  }

  /** Similarities of an already centred, normalised vector. */
  private rawSimilarities(query: Float32Array): Float32Array {
    const out = new Float32Array(this.names.length);
    this.prototypes.forEach((vectors, t) => {
      let best = -Infinity;
      for (const proto of vectors) best = Math.max(best, dot(query, proto));
      out[t] = best;
    });
    return out;
  }

  similarities(embedding: Float32Array): Float32Array {
    let zero = true;
    for (let i = 0; i < embedding.length; i++) if (embedding[i] !== 0) zero = false;
    if (zero) return new Float32Array(this.names.length);
    return this.rawSimilarities(centred(embedding, this.offset));
  }

  infer(similarities: Float32Array): TaskTypeInference {
    let best = -1;
    let first = -Infinity;
    let second = -Infinity;
    similarities.forEach((sim, t) => {
      if (sim > first) {
        second = first;
        first = sim;
        best = t;
      } else if (sim > second) second = sim;
    });
    const margin = first - second;
    const name = this.names[best];
    if (name === undefined || !(margin > 0) || !(margin >= this.options.margin)) {
      return { taskType: GENERAL_TASK_TYPE, margin: Number.isFinite(margin) ? margin : 0 };
    }
    return { taskType: name, margin };
  }
}

async function buildPrototypes(
  embedder: Embedder,
  definitions: readonly TaskTypeDefinition[],
  options: TaskTypeOptions,
): Promise<TaskTypePrototypes> {
  const texts = definitions.flatMap((d) => d.descriptions);
  const embedded = await embedder.embed(texts);
  const offset = options.center ? mean(embedded, embedder.dim) : undefined;
  const projected = embedded.map((v) => centred(v, offset));
  let cursor = 0;
  const prototypes = definitions.map((d) => {
    const own = projected.slice(cursor, cursor + d.descriptions.length);
    cursor += d.descriptions.length;
    return options.aggregate === 'centroid' ? [normalise(mean(own, embedder.dim))] : own;
  });
  return new PrototypeSet(options, definitions.map((d) => d.name), prototypes, offset);
}

const cache = new Map<string, Promise<TaskTypePrototypes>>();

/** Task-type prototypes for an embedder, built once per embedder id and options. */
export function taskTypePrototypes(
  embedder: Embedder,
  options: Partial<TaskTypeOptions> = {},
): Promise<TaskTypePrototypes> {
  const resolved: TaskTypeOptions = { ...DEFAULT_TASK_TYPE_OPTIONS, ...options };
  const key = `${embedder.id}|${JSON.stringify(Object.entries(resolved).sort())}`;
  let built = cache.get(key);
  if (!built) {
    built = buildPrototypes(embedder, TASK_TYPE_DEFINITIONS, resolved);
    built.catch(() => cache.delete(key));
    cache.set(key, built);
  }
  return built;
}

/** Task type of a text: embeds it and takes the best-matching prototype (or 'general'). */
export async function inferTaskType(
  embedder: Embedder,
  text: string,
  options: Partial<TaskTypeOptions> = {},
): Promise<TaskTypeInference> {
  const prototypes = await taskTypePrototypes(embedder, options);
  const [embedding] = await embedder.embed([text]);
  if (!embedding) return { taskType: GENERAL_TASK_TYPE, margin: 0 };
  return prototypes.infer(prototypes.similarities(embedding));
}
