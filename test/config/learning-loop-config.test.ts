// Router config for shadow judging and exploration: defaults filled in, and clear errors for a
// judge that is not a configured model, a rate or band out of range, and unknown keys.

import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/load.ts';

const base = (router: Record<string, unknown>) => ({
  providers: { p: { baseUrl: 'http://127.0.0.1:9/v1' } },
  models: { big: { provider: 'p', id: 'big-1' }, small: { provider: 'p', id: 'small-1' } },
  routers: { default: { strong: 'big', weak: 'small', scorer: 'random', ...router } },
});

describe('shadow and explore router config', () => {
  it('fills the defaults', () => {
    const config = parseConfig(base({ shadow: { sampleRate: 0.05, judge: 'big', maxUsdPerDay: 5 }, explore: { rate: 0.02, band: 0.1 } }), 'test');
    expect(config.routers['default']?.shadow).toEqual({
      sampleRate: 0.05, judge: 'big', judgeKind: 'pairwise-llm', maxUsdPerDay: 5, concurrency: 2, queueSize: 100, maxTokens: 1024, judgeMaxTokens: 512, maxPromptChars: 100_000, maxAnswerChars: 32_000,
    });
    expect(config.routers['default']?.explore).toEqual({ rate: 0.02, band: 0.1 });
  });

  it('names the problem: an unknown judge, out-of-range values, unknown keys', () => {
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ shadow: { sampleRate: 0.05, judge: 'nobody', maxUsdPerDay: 5 } }, /routers\.default\.shadow\.judge.*unknown model alias "nobody"/s],
      [{ shadow: { sampleRate: 1.5, judge: 'big', maxUsdPerDay: 5 } }, /sampleRate/],
      [{ shadow: { sampleRate: 0.05, judge: 'big', maxUsdPerDay: -1 } }, /maxUsdPerDay/],
      [{ shadow: { sampleRate: 0.05, judge: 'big', maxUsdPerDay: 1, concurrency: 0 } }, /concurrency/],
      [{ shadow: { sampleRate: 0.05, judge: 'big', maxUsdPerDay: 1, sample: 1 } }, /sample/],
      [{ explore: { rate: 0.9, band: 0.1 } }, /explore\.rate/],
      [{ explore: { rate: 0.1, band: 2 } }, /explore\.band/],
    ];
    for (const [router, message] of bad) {
      expect(() => parseConfig(base(router), 'test')).toThrow(ConfigError);
      expect(() => parseConfig(base(router), 'test')).toThrow(message);
    }
  });
});
