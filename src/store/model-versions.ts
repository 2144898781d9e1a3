// Scorer model versions: each retrain's candidate (promoted or rejected, with the gate's figures
// and reason), and which version of each model line is active. A line is the model name routers
// use (`routers.<name>.model`, "default" when omitted); with no active version the line's shipped
// folder (models/<line>/) serves. The gateway polls activeModelVersions() and hot-swaps.
//
// Semantics: a line's active version is its most recently activated one that has not been rolled
// back; activate() re-activates any version (clearing an earlier rollback); rollback() marks the
// active one rolled back, so the one activated before it (or the shipped folder) serves again.

import { z } from 'zod';

export const MODEL_VERSION_STATUSES = ['promoted', 'rejected', 'registered'] as const;

export const ModelVersionSchema = z.object({
  /** "<line>@<version>", e.g. "default@6": the name rows record as learned:<id>. */
  id: z.string().min(1),
  line: z.string().min(1),
  version: z.number().int().positive(),
  /** Absolute folder holding meta.json + scorer.onnx. */
  dir: z.string().min(1),
  createdAt: z.number(),
  /** How the version entered: promoted or rejected by the retrain gate, or registered by hand. */
  status: z.enum(MODEL_VERSION_STATUSES),
  reason: z.string(),
  /** The gate's figures (both models, intervals, the rule), as printed by `triage retrain --json`. */
  report: z.record(z.string(), z.unknown()).nullable(),
  activatedAt: z.number().nullable(),
  rolledBackAt: z.number().nullable(),
});
export type ModelVersion = z.infer<typeof ModelVersionSchema>;

export interface ModelVersionQuery {
  line?: string;
  /** Most rows, newest first. */
  limit?: number;
}

export interface ModelVersionStore {
  saveModelVersion(version: ModelVersion): Promise<void>;
  /** Newest first (by version). */
  modelVersions(query?: ModelVersionQuery): Promise<ModelVersion[]>;
  /** The active version per line. Synchronous and cheap: the gateway polls it. */
  activeModelVersions(): ModelVersion[];
  /** Makes a stored version its line's active one; throws UnknownModelVersionError when there is none. */
  activateModelVersion(id: string, at?: number): Promise<ModelVersion>;
  /** Rolls back the line's active version; returns the one now active (null: the shipped folder). */
  rollbackModelVersion(line: string, at?: number): Promise<ModelVersion | null>;
}

/** Raised by rollback when the line has no active version. */
export class NothingToRollBackError extends Error {
  override readonly name = 'NothingToRollBackError';
}

export class UnknownModelVersionError extends Error {
  override readonly name = 'UnknownModelVersionError';
}

export function isModelVersionStore(value: object): value is ModelVersionStore {
  return 'activeModelVersions' in value && 'saveModelVersion' in value;
}

export function modelVersionId(line: string, version: number): string {
  return `${line}@${version}`;
}
