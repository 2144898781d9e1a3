// The built-in configuration used when no config file is given: OpenAI's flagship as the strong
// model and its small model as the weak one, keyed by OPENAI_API_KEY, routed by the shipped learned
// scorer. Base URL, model ids, prices and threshold can be overridden by environment variables.

import type { Env } from './env.ts';

/** OpenAI list prices in USD per million tokens (input, output, cached input), as published for these models. */
const DEFAULT_STRONG = { id: 'gpt-5', price: { input: 1.25, output: 10, cachedInput: 0.125 } };
const DEFAULT_WEAK = { id: 'gpt-5-mini', price: { input: 0.25, output: 2, cachedInput: 0.025 } };

function parsePrice(value: string | undefined, fallback: { input: number; output: number; cachedInput: number }) {
  if (!value) return fallback;
  const parts = value.split(',').map((p) => Number(p.trim()));
  const [input, output, cachedInput] = parts;
  if (parts.length < 2 || parts.some((n) => !Number.isFinite(n) || n < 0) || input === undefined || output === undefined) {
    throw new Error(`price "${value}" must be "input,output[,cachedInput]" in USD per million tokens`);
  }
  return { input, output, cachedInput: cachedInput ?? input };
}

/** A raw (unvalidated) config object; the loader validates it like a file. */
export function builtInConfig(env: Env): Record<string, unknown> {
  const threshold = env['TRIAGE_THRESHOLD'] ? Number(env['TRIAGE_THRESHOLD']) : 0.5;
  return {
    server: {
      port: env['PORT'] ? Number(env['PORT']) : 8787,
    },
    store: { path: env['TRIAGE_DB'] ?? 'triage.db' },
    providers: {
      openai: {
        baseUrl: env['OPENAI_BASE_URL'] ?? 'https://api.openai.com/v1',
        apiKeyEnv: 'OPENAI_API_KEY',
        // Apps pointed at the gateway already send their OpenAI key; use it when the gateway holds none.
        forwardClientKey: true,
      },
    },
    models: {
      strong: {
        provider: 'openai',
        id: env['TRIAGE_STRONG_MODEL'] ?? DEFAULT_STRONG.id,
        pricePerMTok: parsePrice(env['TRIAGE_STRONG_PRICE'], DEFAULT_STRONG.price),
      },
      weak: {
        provider: 'openai',
        id: env['TRIAGE_WEAK_MODEL'] ?? DEFAULT_WEAK.id,
        pricePerMTok: parsePrice(env['TRIAGE_WEAK_PRICE'], DEFAULT_WEAK.price),
      },
    },
    routers: {
      default: { strong: 'strong', weak: 'weak', scorer: 'learned', threshold },
      random: { strong: 'strong', weak: 'weak', scorer: 'random', threshold: 0.5 },
    },
    defaultRouter: 'default',
  };
}
