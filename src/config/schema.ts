// The configuration schema (zod): providers, models with prices, routers, server, store, auth.
// Validated once at load; every other module receives typed, defaulted values from here.

import { z } from 'zod';
import { learningLoopRouterFields } from './learning-loop.ts';
import { StoreConfigSchema } from './store-schema.ts';
import { LadderSchema, namedAliases, SessionPolicySchema, SessionStoreSchema, SignalsSchema, TiersSchema } from './ladder-schema.ts';
import { ModelFamilySchema } from '../protocol/reasoning.ts';
import { DashboardConfigSchema } from './dashboard-schema.ts';

/** Task modes a client may send (x-triage-mode header or metadata.mode). */
export const ModeSchema = z.enum([
  'plan',
  'architect',
  'debug',
  'review',
  'code',
  'ask',
  'chat',
  'summarize',
  'extract',
  'classify',
]);
export type Mode = z.infer<typeof ModeSchema>;

/** What a mode (or an inferred task type) means for routing. */
export const ModeRouteSchema = z.enum(['strong', 'weak', 'score']);
export type ModeRoute = z.infer<typeof ModeRouteSchema>;

export const ScorerKindSchema = z.enum(['random', 'learned']);
export type ScorerKind = z.infer<typeof ScorerKindSchema>;

const PriceSchema = z
  .object({
    input: z.number().nonnegative(),
    output: z.number().nonnegative(),
    cachedInput: z.number().nonnegative().optional(),
    /** Price of prompt tokens written to the prompt cache (Anthropic's cache writes); input when unset. */
    cacheWrite: z.number().nonnegative().optional(),
  })
  .strict();
export type PricePerMTok = z.infer<typeof PriceSchema>;

const ProviderSchema = z
  .object({
    kind: z.enum(['openai-compatible', 'anthropic']).default('openai-compatible'),
    baseUrl: z.url(),
    apiKeyEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name').optional(),
    /** When apiKeyEnv is unset and the gateway has no keys of its own, send the client's bearer key here. */
    forwardClientKey: z.boolean().default(false),
    headers: z.record(z.string(), z.string()).optional(),
    timeoutMs: z.number().int().positive().optional(),
  })
  .strict();

const DeploymentSchema = z
  .object({
    provider: z.string().min(1),
    id: z.string().min(1),
    /** Share of the alias's traffic (relative to the other deployments). */
    weight: z.number().positive().default(1),
    /** This deployment's own prices, when they differ from the alias's. */
    pricePerMTok: PriceSchema.optional(),
  })
  .strict();
export type Deployment = z.infer<typeof DeploymentSchema>;

/**
 * A model alias: one upstream model (provider + id), or several deployments of it across providers
 * or regions. `deployments` is always filled after parsing (one entry for the plain form), and
 * provider/id name the first deployment.
 */
const ModelSchema = z
  .object({
    provider: z.string().min(1).optional(),
    id: z.string().min(1).optional(),
    pricePerMTok: PriceSchema.default({ input: 0, output: 0 }),
    deployments: z.array(DeploymentSchema).min(1).max(16).optional(),
    /** Whose reasoning the model can read back (see docs/anthropic.md); defaults from its provider's kind. */
    family: ModelFamilySchema.optional(),
  })
  .strict()
  .superRefine((model, ctx) => {
    if (model.deployments === undefined && (model.provider === undefined || model.id === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give provider and id, or a deployments list' });
    }
  })
  .transform((model) => {
    const deployments = model.deployments ?? [{ provider: model.provider ?? '', id: model.id ?? '', weight: 1 }];
    const first = deployments[0] ?? { provider: '', id: '', weight: 1 };
    return { provider: model.provider ?? first.provider, id: model.id ?? first.id, pricePerMTok: model.pricePerMTok, deployments, ...(model.family ? { family: model.family } : {}) };
  });

/** Budget periods a target can be stated over. */
export const BudgetPeriodSchema = z.enum(['day', 'week', 'month']);
export type BudgetPeriod = z.infer<typeof BudgetPeriodSchema>;

/**
 * A target a router holds live instead of a fixed threshold: a share of strong calls, a budget
 * paced over a period, or a quality floor (through the newest quality calibration).
 */
export const RouterTargetSchema = z.union([
  z.object({ strongShare: z.number().min(0).max(1) }).strict(),
  z
    .object({
      budgetUsd: z.number().positive(),
      period: BudgetPeriodSchema,
      onExhausted: z.enum(['weak', 'reject']).default('weak'),
      /** Completion tokens reserved for a request that sends no max_tokens. */
      defaultMaxTokens: z.number().int().positive().default(4096),
    })
    .strict(),
  z.object({ quality: z.number().gt(0).max(1) }).strict(),
]);
export type RouterTarget = z.infer<typeof RouterTargetSchema>;

const RouterSchema = z
  .object({
    /** The two-rung ladder: strong when score >= threshold, else weak. Give these or `ladder`. */
    strong: z.string().min(1).optional(),
    weak: z.string().min(1).optional(),
    /** An ordered ladder of models, strongest first, with cut points (see ladder-schema.ts). */
    ladder: LadderSchema.optional(),
    /** Agent signals acted on before scoring (background, long context, thinking). */
    signals: SignalsSchema.optional(),
    /** Session-aware routing: escalate-only hold and prompt-cache-aware stepping down. */
    sessions: SessionPolicySchema.optional(),
    scorer: ScorerKindSchema.default('learned'),
    /** Learned scorer model name under models/ (the shipped default when omitted). */
    model: z.string().min(1).optional(),
    /** Seed for the random scorer (same prompt, same score). */
    seed: z.number().int().optional(),
    /** Strong when score >= threshold (0.5 when omitted; a ladder's first minScore). */
    threshold: z.number().min(0).max(1).optional(),
    /** Time budget for scoring; past it the request goes to the strong model. */
    scoreTimeoutMs: z.number().int().positive().default(250),
    /** On upstream 5xx, timeout or refused connection, retry once on the other model (the two-model fallback list). */
    retryOnOtherModel: z.boolean().default(false),
    /** Model aliases tried in order after the chosen one fails before its first byte reaches the client. */
    fallbacks: z.array(z.string().min(1)).max(8).optional(),
    /** Bounds on the fallback chain: attempts in all, an overall deadline, and the longest Retry-After honoured. */
    retry: z
      .object({
        maxAttempts: z.number().int().min(1).max(10).default(3),
        deadlineMs: z.number().int().positive().optional(),
        maxRetryAfterMs: z.number().int().nonnegative().default(2000),
      })
      .strict()
      .default({ maxAttempts: 3, maxRetryAfterMs: 2000 }),
    /** Mode table: overrides the built-in one per mode. */
    modes: z.partialRecord(ModeSchema, ModeRouteSchema).optional(),
    /** Inferred task type (when the client sends no mode) -> route; unlisted types are scored. */
    taskTypes: z.record(z.string(), ModeRouteSchema).optional(),
    /** A target held live (overrides `threshold`; see learning/). */
    target: RouterTargetSchema.optional(),
    ...learningLoopRouterFields,
  })
  .strict()
  .superRefine((router, ctx) => {
    if (router.ladder === undefined && (router.strong === undefined || router.weak === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give strong and weak, or a ladder' });
    }
    if (router.ladder !== undefined && (router.strong !== undefined || router.weak !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['ladder'], message: 'give strong and weak, or a ladder, not both (strong/weak is the two-rung ladder)' });
    }
    if (router.ladder !== undefined && router.threshold !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['threshold'], message: "a ladder's first minScore is its threshold: give one of them" });
    }
  })
  // strong/weak always name the top and bottom rungs after parsing, and threshold is the top cut.
  .transform(({ strong, weak, threshold, ...router }) => ({
    ...router,
    strong: router.ladder?.[0]?.model ?? strong ?? '',
    weak: router.ladder?.[router.ladder.length - 1]?.model ?? weak ?? '',
    threshold: router.ladder?.[0]?.minScore ?? threshold ?? 0.5,
  }));
export type RouterConfig = z.infer<typeof RouterSchema>;

const ServerSchema = z
  .object({
    host: z.string().default('0.0.0.0'),
    port: z.number().int().min(0).max(65535).default(8787),
    bodyLimitBytes: z.number().int().positive().default(10 * 1024 * 1024),
    upstreamTimeoutMs: z.number().int().positive().default(120_000),
    /** Store prompt text in the decision log (off: only a hash). */
    logPrompts: z.boolean().default(false),
    /**
     * Store the scorer's feature vector (a compact float32 blob, no text) with each decision, so
     * `triage replay --model` can re-score logged traffic. The vector is derived from the prompt
     * (lengths, cue counts, and an embedding when the model uses one); turn it off to keep none.
     */
    logFeatures: z.boolean().default(true),
    /** On shutdown, how long in-flight requests may take to finish before their connections are cut. */
    shutdownGraceMs: z.number().int().nonnegative().default(10_000),
    /** Largest upstream response body, or single stream event, the gateway reads. */
    maxUpstreamBodyBytes: z.number().int().positive().default(32 * 1024 * 1024),
    /** Per-provider circuit breaker: open after this many consecutive failures, probe again after cooldownMs. */
    circuitBreaker: z
      .object({
        failureThreshold: z.number().int().min(1).default(5),
        cooldownMs: z.number().int().positive().default(30_000),
      })
      .strict()
      .default({ failureThreshold: 5, cooldownMs: 30_000 }),
    /** Start even when a router's scorer cannot load (its requests then go to the strong model). */
    allowDegradedStart: z.boolean().default(false),
  })
  .strict();

const AuthSchema = z
  .object({
    /** Environment variable holding comma-separated gateway keys; when set and non-empty, /v1 needs one. */
    keysEnv: z.string().default('TRIAGE_API_KEYS'),
    /** Environment variable holding the admin key (admin endpoints; also a valid gateway key). */
    adminKeyEnv: z.string().default('TRIAGE_ADMIN_KEY'),
  })
  .strict();

// The store block (sqlite or postgres) lives in its own file.
const StoreSchema = StoreConfigSchema;

export const ConfigSchema = z
  .object({
    server: ServerSchema.default(ServerSchema.parse({})),
    auth: AuthSchema.default(AuthSchema.parse({})),
    store: StoreSchema.default(StoreSchema.parse({})),
    dashboard: DashboardConfigSchema.default(DashboardConfigSchema.parse({})),
    providers: z.record(z.string(), ProviderSchema),
    models: z.record(z.string(), ModelSchema),
    routers: z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . -'), RouterSchema),
    defaultRouter: z.string().default('default'),
    /** Named tiers (triage/frontier, ...): which models each uses; unset tiers use the default router's. */
    tiers: TiersSchema.optional(),
    /** Bounds on the session memory behind session-aware routing. */
    sessions: SessionStoreSchema.default(SessionStoreSchema.parse({})),
  })
  .strict()
  .superRefine((config, ctx) => {
    for (const [alias, model] of Object.entries(config.models)) {
      const named = [{ path: ['models', alias, 'provider'], provider: model.provider }];
      model.deployments.forEach((d, i) => named.push({ path: ['models', alias, 'deployments', String(i), 'provider'], provider: d.provider }));
      for (const { path, provider } of named) {
        if (!Object.hasOwn(config.providers, provider)) {
          ctx.addIssue({ code: 'custom', path, message: `unknown provider "${provider}" (known: ${Object.keys(config.providers).join(', ') || 'none'})` });
        }
      }
    }
    for (const [name, router] of Object.entries(config.routers)) {
      for (const [index, alias] of (router.fallbacks ?? []).entries()) {
        if (!Object.hasOwn(config.models, alias)) {
          ctx.addIssue({
            code: 'custom',
            path: ['routers', name, 'fallbacks', index],
            message: `unknown model alias "${alias}" (known: ${Object.keys(config.models).join(', ') || 'none'})`,
          });
        }
      }
      if (router.shadow && !Object.hasOwn(config.models, router.shadow.judge)) {
        ctx.addIssue({
          code: 'custom',
          path: ['routers', name, 'shadow', 'judge'],
          message: `unknown model alias "${router.shadow.judge}" (known: ${Object.keys(config.models).join(', ') || 'none'})`,
        });
      }
      for (const tier of ['strong', 'weak'] as const) {
        if (!Object.hasOwn(config.models, router[tier])) {
          ctx.addIssue({
            code: 'custom',
            path: ['routers', name, tier],
            message: `unknown model alias "${router[tier]}" (known: ${Object.keys(config.models).join(', ') || 'none'})`,
          });
        }
      }
    }
    checkLadderAliases(config, ctx);
    if (!Object.hasOwn(config.routers, config.defaultRouter)) {
      ctx.addIssue({
        code: 'custom',
        path: ['defaultRouter'],
        message: `no router named "${config.defaultRouter}" (known: ${Object.keys(config.routers).join(', ') || 'none'})`,
      });
    }
  });

export type TriageConfig = z.infer<typeof ConfigSchema>;
export type ProviderConfig = TriageConfig['providers'][string];
export type ModelConfig = TriageConfig['models'][string];

type ConfigCheck = Pick<z.infer<typeof ConfigSchema>, 'models' | 'routers' | 'tiers'>;

/** Ladders, signals and tiers name known aliases; the `free` tier's models cost nothing. */
function checkLadderAliases(config: ConfigCheck, ctx: z.RefinementCtx): void {
  const known = () => Object.keys(config.models).join(', ') || 'none';
  const check = (base: string[], entries: ReturnType<typeof namedAliases>) => {
    for (const { path, alias } of entries) {
      if (!Object.hasOwn(config.models, alias)) ctx.addIssue({ code: 'custom', path: [...base, ...path], message: `unknown model alias "${alias}" (known: ${known()})` });
    }
  };
  for (const [name, router] of Object.entries(config.routers)) {
    check(['routers', name], namedAliases({ ladder: router.ladder, signals: router.signals }));
  }
  for (const [name, tier] of Object.entries(config.tiers ?? {})) {
    const entries = namedAliases(tier);
    check(['tiers', name], entries);
    if (name !== 'free') continue;
    for (const { path, alias } of entries) {
      const price = Object.hasOwn(config.models, alias) ? config.models[alias]?.pricePerMTok : undefined;
      if (price && (price.input > 0 || price.output > 0)) {
        ctx.addIssue({ code: 'custom', path: ['tiers', name, ...path], message: `the free tier's models must cost nothing; "${alias}" is priced` });
      }
    }
  }
}
