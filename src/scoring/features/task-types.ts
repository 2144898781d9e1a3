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
  /** Project out this many principal directions of the description embeddings (after centring). */
  removeComponents: number;
  /** Turn each type's similarity into a z-score over the similarities of all descriptions to it. */
  standardise: boolean;
  /** Inference answers 'general' unless the best type beats the second by this much. */
  margin: number;
}

export const DEFAULT_TASK_TYPE_OPTIONS: Readonly<TaskTypeOptions> = Object.freeze({
  aggregate: 'centroid',
  center: true,
  removeComponents: 0,
  standardise: false,
  margin: 0.01,
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

/** How a raw embedding is mapped before comparison: centring, then removal of shared directions. */
interface Projection {
  offset?: Float32Array;
  components: readonly Float32Array[];
}

function project(v: Float32Array, projection: Projection): Float32Array {
  const out = Float32Array.from(v);
  const { offset, components } = projection;
  if (offset) for (let i = 0; i < out.length; i++) out[i] = (out[i] ?? 0) - (offset[i] ?? 0);
  for (const c of components) {
    const along = dot(out, c);
    for (let i = 0; i < out.length; i++) out[i] = (out[i] ?? 0) - along * (c[i] ?? 0);
  }
  return normalise(out);
}

/** Leading principal directions of `rows` (already centred), by power iteration with deflation. */
function principalDirections(rows: readonly Float32Array[], dim: number, count: number): Float32Array[] {
  const found: Float32Array[] = [];
  for (let k = 0; k < count; k++) {
    let v = normalise(Float32Array.from({ length: dim }, (_, i) => Math.sin(i + 1 + k)));
    for (let iter = 0; iter < 100; iter++) {
      const next = new Float32Array(dim);
      for (const row of rows) {
        let along = dot(row, v);
        for (const c of found) along -= dot(row, c) * dot(c, v);
        for (let i = 0; i < dim; i++) next[i] = (next[i] ?? 0) + along * (row[i] ?? 0);
      }
      for (const c of found) {
        const overlap = dot(next, c);
        for (let i = 0; i < dim; i++) next[i] = (next[i] ?? 0) - overlap * (c[i] ?? 0);
      }
      v = normalise(next);
    }
    found.push(v);
  }
  return found;
}

interface TypeScale {
  mean: number;
  sd: number;
}

class PrototypeSet implements TaskTypePrototypes {
  readonly names: readonly string[];

  constructor(
    readonly options: Readonly<TaskTypeOptions>,
    names: readonly string[],
    /** Per type: one prototype (centroid) or one per description (max). */
    private readonly prototypes: readonly (readonly Float32Array[])[],
    private readonly projection: Projection,
    private scales: readonly TypeScale[] = [],
  ) {
    this.names = names;
  }

  /** Similarities of an already projected vector, before standardisation. */
  rawSimilarities(query: Float32Array): Float32Array {
    const out = new Float32Array(this.names.length);
    this.prototypes.forEach((vectors, t) => {
      let best = -Infinity;
      for (const proto of vectors) best = Math.max(best, dot(query, proto));
      out[t] = best;
    });
    return out;
  }

  setScales(scales: readonly TypeScale[]): void {
    this.scales = scales;
  }

  projectQuery(embedding: Float32Array): Float32Array {
    return project(embedding, this.projection);
  }

  similarities(embedding: Float32Array): Float32Array {
    let zero = true;
    for (let i = 0; i < embedding.length; i++) if (embedding[i] !== 0) zero = false;
    if (zero) return new Float32Array(this.names.length);
    const sims = this.rawSimilarities(this.projectQuery(embedding));
    this.scales.forEach((scale, t) => {
      sims[t] = ((sims[t] ?? 0) - scale.mean) / scale.sd;
    });
    return sims;
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
  const centredRows = embedded.map((v) => project(v, { offset, components: [] }));
  const components = principalDirections(centredRows, embedder.dim, options.removeComponents);
  const projection: Projection = { offset, components };
  const projected = embedded.map((v) => project(v, projection));
  let cursor = 0;
  const prototypes = definitions.map((d) => {
    const own = projected.slice(cursor, cursor + d.descriptions.length);
    cursor += d.descriptions.length;
    return options.aggregate === 'centroid' ? [normalise(mean(own, embedder.dim))] : own;
  });
  const set = new PrototypeSet(options, definitions.map((d) => d.name), prototypes, projection);
  if (options.standardise) set.setScales(typeScales(set, projected, definitions.length));
  return set;
}

/** Mean and spread of every description's similarity to each type: the yardstick for z-scores. */
function typeScales(set: PrototypeSet, projected: readonly Float32Array[], types: number): TypeScale[] {
  const sums = new Float64Array(types);
  const squares = new Float64Array(types);
  for (const row of projected) {
    set.rawSimilarities(row).forEach((sim, t) => {
      sums[t] = (sums[t] ?? 0) + sim;
      squares[t] = (squares[t] ?? 0) + sim * sim;
    });
  }
  return Array.from({ length: types }, (_, t) => {
    const m = (sums[t] ?? 0) / projected.length;
    const variance = (squares[t] ?? 0) / projected.length - m * m;
    return { mean: m, sd: Math.sqrt(Math.max(variance, 1e-6)) };
  });
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
