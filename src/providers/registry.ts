// Provider registry: maps an adapter kind from config (e.g. "openai-compatible") to its adapter.
// Add a new upstream API by writing providers/<kind>/ and one line here.

import type { ProviderAdapter } from './spec.ts';
import { ANTHROPIC_KIND, createAnthropicAdapter } from './anthropic/index.ts';
import { OPENAI_COMPATIBLE_KIND, createOpenAiCompatibleAdapter } from './openai-compatible/index.ts';

const ADAPTER_FACTORIES: Readonly<Record<string, () => ProviderAdapter>> = {
  [OPENAI_COMPATIBLE_KIND]: createOpenAiCompatibleAdapter,
  [ANTHROPIC_KIND]: createAnthropicAdapter,
};

export const PROVIDER_KINDS: readonly string[] = Object.keys(ADAPTER_FACTORIES);

export function createProvider(kind: string): ProviderAdapter {
  const factory = Object.hasOwn(ADAPTER_FACTORIES, kind) ? ADAPTER_FACTORIES[kind] : undefined;
  if (!factory) {
    throw new Error(`Unknown provider kind "${kind}"; known kinds: ${PROVIDER_KINDS.join(', ')}`);
  }
  return factory();
}
