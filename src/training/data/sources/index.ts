// The registry of data sources Triage knows.

import { arenaBattles } from './arena-battles.ts';
import { arenaBench } from './arena-bench.ts';
import { gpt4Judge } from './gpt4-judge.ts';
import { mtBench } from './mt-bench.ts';
import { routellmGsm8k } from './routellm-gsm8k.ts';
import { routellmMmlu } from './routellm-mmlu.ts';
import type { DataSource, HubSource, ManifestSource } from './source.ts';

export const MANIFEST_SOURCES: readonly ManifestSource[] = [mtBench, routellmMmlu, routellmGsm8k, arenaBench];
export const HUB_SOURCES: readonly HubSource[] = [arenaBattles, gpt4Judge];
export const ALL_SOURCES: readonly DataSource[] = [...MANIFEST_SOURCES, ...HUB_SOURCES];

export function findSource(name: string): DataSource | undefined {
  return ALL_SOURCES.find((s) => s.name === name);
}

export { STRONG_MODEL, WEAK_MODEL } from './source.ts';
export type { DataSource, HubSource, ManifestSource } from './source.ts';
