// Shared by `triage labels export` and `triage retrain`: reads the decision log's label evidence
// and turns it into own-traffic records, naming each router's pair by its configured model ids.

import type { TriageConfig } from '../config/types.ts';
import { exportOwnLabels, type ExportStats, type ModelPair } from '../learning/labels-export.ts';
import type { LabelEvidenceStore } from '../store/label-evidence.ts';
import type { LabelledRecord } from '../training/data/format.ts';
import { UsageError } from './usage-error.ts';

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** --since: a duration back from now (30m, 24h, 7d, 2w), an ISO date, or epoch milliseconds. */
export function parseSince(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const duration = /^(\d+)([mhdw])$/.exec(value);
  if (duration) return now - Number(duration[1]) * (UNIT_MS[duration[2] ?? 'd'] ?? 0);
  if (/^\d{10,}$/.test(value)) return Number(value);
  const date = Date.parse(value);
  if (Number.isFinite(date)) return date;
  throw new UsageError(`--since must be a duration (24h, 7d), an ISO date or epoch ms, got "${value}"`);
}

export function parseConfidence(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new UsageError('--min-confidence must be a number in [0, 1]');
  return n;
}

/** A router's pair as model ids (the alias itself when the config has no such model). */
export function configPair(config: TriageConfig, router: string | null): ModelPair | null {
  const r = router === null ? undefined : config.routers[router];
  if (!r) return null;
  return { strong: config.models[r.strong]?.id ?? r.strong, weak: config.models[r.weak]?.id ?? r.weak };
}

export async function readOwnLabels(
  store: LabelEvidenceStore,
  config: TriageConfig,
  options: { since?: number; minConfidence?: number },
): Promise<{ records: LabelledRecord[]; stats: ExportStats }> {
  const evidence = await store.labelEvidence(options.since !== undefined ? { since: options.since } : {});
  return exportOwnLabels(evidence, {
    pairFor: (router) => configPair(config, router),
    modelName: (name) => config.models[name]?.id ?? name,
    ...(options.minConfidence !== undefined ? { minConfidence: options.minConfidence } : {}),
  });
}

export function describeExport(stats: ExportStats): string {
  const s = stats.skipped;
  return `${stats.records} own-traffic label(s): ${stats.byOrigin.feedback} feedback, ${stats.byOrigin.shadow} shadow, ${stats.byOrigin.explore} exploration` +
    ` (skipped: ${s.unusable} unusable verdict(s), ${s.strongRating} rating(s) of strong answers, ${s.lowConfidence} below --min-confidence, ` +
    `${s.unknownRouter} of routers not in the config, ${s.noInput} with neither prompt nor feature vector)` +
    (stats.shadowTable ? '' : '; this log has no shadow_labels table');
}
