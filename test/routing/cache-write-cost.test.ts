// Prompt-cache writes (Anthropic's cache_creation_input_tokens): read from usage into
// cacheWriteTokens, priced at `cacheWrite` (input when unset), and never billed twice with the
// cached reads. Each expected figure is worked out by hand.

import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { parseUsage } from '../../src/protocol/chat.ts';
import { costUsd } from '../../src/routing/cost.ts';

describe('cache writes', () => {
  it('are read from prompt_tokens_details.cache_write_tokens, capped by the uncached prompt', () => {
    expect(parseUsage({ prompt_tokens: 100, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 30, cache_write_tokens: 50 } })).toEqual({ promptTokens: 100, completionTokens: 5, cachedTokens: 30, cacheWriteTokens: 50 });
    expect(parseUsage({ prompt_tokens: 100, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 80, cache_write_tokens: 50 } })).toEqual({ promptTokens: 100, completionTokens: 5, cachedTokens: 80, cacheWriteTokens: 20 });
    expect(parseUsage({ prompt_tokens: 100, completion_tokens: 5, prompt_tokens_details: { cache_write_tokens: -1 } })).toEqual({ promptTokens: 100, completionTokens: 5, cachedTokens: 0 });
  });

  it('are priced at cacheWrite, or at input without one', () => {
    const usage = { promptTokens: 1000, completionTokens: 100, cachedTokens: 600, cacheWriteTokens: 300 };
    expect(costUsd(usage, { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 })).toBeCloseTo((100 * 3 + 600 * 0.3 + 300 * 3.75 + 100 * 15) / 1e6, 15);
    expect(costUsd(usage, { input: 3, output: 15, cachedInput: 0.3 })).toBeCloseTo((400 * 3 + 600 * 0.3 + 100 * 15) / 1e6, 15);
  });

  it('are capped in costUsd too, at the prompt tokens the cached reads leave (a usage built without parseUsage)', () => {
    // 100 prompt tokens, 60 read from the cache: at most 40 can be writes, so none is billed as uncached input.
    const usage = { promptTokens: 100, completionTokens: 0, cachedTokens: 60, cacheWriteTokens: 80 };
    expect(costUsd(usage, { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 })).toBeCloseTo((60 * 0.3 + 40 * 3.75) / 1e6, 15);
  });

  it('config accepts cacheWrite, an anthropic provider and a model family, and rejects an unknown family', () => {
    const raw = (family: string) => ({
      providers: { claude: { kind: 'anthropic', baseUrl: 'https://api.anthropic.com/v1', apiKeyEnv: 'ANTHROPIC_API_KEY' } },
      models: { sonnet: { provider: 'claude', id: 'claude-sonnet-4-5', family, pricePerMTok: { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 } } },
      routers: { default: { strong: 'sonnet', weak: 'sonnet', scorer: 'random' } },
    });
    expect(parseConfig(raw('anthropic'), 'test').models['sonnet']).toMatchObject({ family: 'anthropic', pricePerMTok: { cacheWrite: 3.75 } });
    expect(() => parseConfig(raw('gemini'), 'test')).toThrow(/family/);
  });
});
