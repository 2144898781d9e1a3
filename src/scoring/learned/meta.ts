// meta.json of a trained scorer folder (models/<name>/): what the runtime needs to rebuild the exact
// inputs the model was trained on (embedder spec, feature-extractor options, feature layout) and
// the provenance a reader needs to trust it (label definition, training files with sha256, CV and
// held-out metrics). Written by src/training, read and checked by the learned scorer.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { FeatureLayout } from '../features/extractor.ts';
import type { TaskTypeOptions } from '../features/task-types.ts';
import { DEFAULT_SHAPING_LIMITS, type ShapingLimits } from '../shaping.ts';

export const META_FILE = 'meta.json';
export const MODEL_FORMAT = 'triage-scorer';
export const MODEL_FORMAT_VERSION = 1;

const featureLayoutSchema = z.object({
  version: z.number().int(),
  embedderId: z.string(),
  embeddingDim: z.number().int().nonnegative(),
  structural: z.array(z.string()),
  taskTypes: z.array(z.string()),
  size: z.number().int().positive(),
  shaping: z.record(z.string(), z.number()),
  // Compared entry by entry with the extractor's options by layoutMismatch().
  taskTypeOptions: z.record(z.string(), z.unknown()).optional(),
});

const metricSchema = z.record(z.string(), z.union([z.number(), z.string(), z.null(), z.array(z.number())]));

export const modelMetaSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  formatVersion: z.literal(MODEL_FORMAT_VERSION),
  name: z.string().min(1),
  version: z.number().int().positive(),
  created: z.string(),
  description: z.string().optional(),
  embedder: z.object({ spec: z.string(), id: z.string(), dim: z.number().int().positive() }),
  features: z.object({
    groups: z.object({ embedding: z.boolean(), structural: z.boolean(), taskTypes: z.boolean() }),
    layout: featureLayoutSchema,
  }),
  model: z.object({
    kind: z.enum(['linear', 'mlp']),
    trainer: z.string(),
    hyperParameters: z.record(z.string(), z.unknown()),
  }),
  label: z.object({ definition: z.string(), description: z.string(), strong: z.string(), weak: z.string() }),
  training: z.object({
    sources: z.array(z.object({
      name: z.string(),
      file: z.string(),
      sha256: z.string(),
      records: z.number().int().nonnegative(),
      weight: z.number(),
    })),
    sourceWeighting: z.string(),
    selection: z.string(),
    records: z.number().int().nonnegative(),
  }),
  metrics: z.object({
    cv: z.record(z.string(), metricSchema).optional(),
    transfer: z.record(z.string(), metricSchema).optional(),
    heldOut: z.record(z.string(), metricSchema).optional(),
    note: z.string().optional(),
  }),
  onnx: z.object({ file: z.string(), sha256: z.string(), input: z.string(), output: z.string(), opset: z.number().int() }),
  /** Raw-score quantiles over reference prompts; when present the scorer reports a prompt's rank among them. */
  calibration: z
    .object({
      method: z.literal('reference-quantiles'),
      quantiles: z.array(z.number().min(0).max(1)).min(2),
      reference: z.string(),
    })
    .optional(),
});

export type ModelMeta = z.infer<typeof modelMetaSchema>;

export class ModelMetaError extends Error {
  constructor(dir: string, detail: string) {
    super(`invalid scorer model in ${dir}: ${detail}`);
    this.name = 'ModelMetaError';
  }
}

export async function readModelMeta(modelDir: string): Promise<ModelMeta> {
  const file = join(modelDir, META_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ModelMetaError(modelDir, code === 'ENOENT' ? `${META_FILE} not found` : String(error));
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ModelMetaError(modelDir, `${META_FILE} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = modelMetaSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ModelMetaError(modelDir, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
  return parsed.data;
}

/** The stored layout as the extractor's type; throws when a shaping limit the runtime knows is missing. */
export function storedLayout(meta: ModelMeta, modelDir: string): FeatureLayout {
  const stored = meta.features.layout;
  const shaping: Record<string, number> = {};
  for (const key of Object.keys(DEFAULT_SHAPING_LIMITS)) {
    const value = stored.shaping[key];
    if (value === undefined) throw new ModelMetaError(modelDir, `features.layout.shaping lacks "${key}" (model built for another shaping version)`);
    shaping[key] = value;
  }
  for (const key of Object.keys(stored.shaping)) {
    if (!(key in DEFAULT_SHAPING_LIMITS)) throw new ModelMetaError(modelDir, `features.layout.shaping has unknown limit "${key}"`);
  }
  const { taskTypeOptions, ...rest } = stored;
  return {
    ...rest,
    shaping: shaping as unknown as ShapingLimits,
    ...(taskTypeOptions ? { taskTypeOptions: taskTypeOptions as unknown as TaskTypeOptions } : {}),
  };
}
