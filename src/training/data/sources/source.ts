// What a data source is: a named converter from raw files (manifest sources) or from a user's
// Hugging Face export (hub sources) to labelled records.

import type { LabelledRecord } from '../format.ts';
import type { ManifestEntry } from '../manifest.ts';
import type { RawFiles } from '../raw-files.ts';

export const ROUTELLM_REPO = 'lm-sys/RouteLLM';
export const ARENA_HARD_REPO = 'lmarena/arena-hard-auto';
/** RouteLLM's model pair, used throughout the public data. */
export const STRONG_MODEL = 'gpt-4-1106-preview';
export const WEAK_MODEL = 'mistralai/Mixtral-8x7B-Instruct-v0.1';

export interface ManifestSource {
  kind: 'manifest';
  name: string;
  description: string;
  /** How the train/test split is made (for `triage data list` and the docs). */
  splitRule: string;
  /** True when every record is a test record (never trained on). */
  testOnly: boolean;
  selects(entry: ManifestEntry): boolean;
  convert(files: RawFiles): Promise<LabelledRecord[]>;
}

export interface HubSource {
  kind: 'hub';
  name: string;
  description: string;
  splitRule: string;
  /** The Hugging Face dataset id the export comes from. */
  dataset: string;
  convert(rows: ReadonlyArray<Record<string, unknown>>): LabelledRecord[];
}

export type DataSource = ManifestSource | HubSource;
