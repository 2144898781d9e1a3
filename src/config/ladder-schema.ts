// Config shapes for model ladders, named tiers, agent signals and session-aware routing (zod).
// A ladder is an ordered list of models, strongest first, each but the last with a cut point on
// the score; `strong`/`weak` + `threshold` is the two-rung ladder. Kept apart from schema.ts so the
// router schema only imports these blocks.

import { z } from 'zod';

const alias = z.string().min(1);

/** One rung: a model alias and the lowest score it takes (absent on the last rung, which takes the rest). */
export const RungSchema = z.object({ model: alias, minScore: z.number().min(0).max(1).optional() }).strict();
export type Rung = z.infer<typeof RungSchema>;

/** Strongest first; every rung but the last has a minScore, strictly decreasing down the ladder. */
export const LadderSchema = z
  .array(RungSchema)
  .min(2)
  .max(8)
  .superRefine((rungs, ctx) => {
    rungs.forEach((rung, index) => {
      const last = index === rungs.length - 1;
      if (last && rung.minScore !== undefined) ctx.addIssue({ code: 'custom', path: [index, 'minScore'], message: 'the last rung takes every score below the cuts: give it no minScore' });
      if (!last && rung.minScore === undefined) ctx.addIssue({ code: 'custom', path: [index, 'minScore'], message: 'every rung but the last needs a minScore' });
      const above = index > 0 ? rungs[index - 1]?.minScore : undefined;
      if (!last && above !== undefined && rung.minScore !== undefined && rung.minScore >= above) {
        ctx.addIssue({ code: 'custom', path: [index, 'minScore'], message: `cuts must fall strictly down the ladder (${rung.minScore} is not below ${above})` });
      }
    });
    const seen = new Set<string>();
    rungs.forEach((rung, index) => {
      if (seen.has(rung.model)) ctx.addIssue({ code: 'custom', path: [index, 'model'], message: `model "${rung.model}" is on the ladder twice` });
      seen.add(rung.model);
    });
  });

/** Agent signals a router acts on before scoring (each off unless configured). */
export const SignalsSchema = z
  .object({
    /** Background chores (titles, summaries, commit messages, tiny max_tokens) go to `model` (default: the bottom rung). */
    background: z
      .object({
        model: alias.optional(),
        /** A request with no tools and max_tokens at or below this is background. */
        maxTokens: z.number().int().min(0).default(64),
        /** A chore system prompt (title/topic/summary/commit message) counts when it is at most this long... */
        maxInstructionChars: z.number().int().positive().default(2000),
        /** ...and max_tokens is unset or at most this. */
        choreMaxTokens: z.number().int().positive().default(1024),
      })
      .strict()
      .optional(),
    /** More than minPromptTokens (estimated: characters / 4) goes to `model`. */
    longContext: z.object({ minPromptTokens: z.number().int().positive(), model: alias }).strict().optional(),
    /** `reasoning_effort` (other than "none") or a `thinking` field goes to `model` (default: the top rung). */
    thinking: z.object({ model: alias.optional() }).strict().optional(),
  })
  .strict();
export type SignalsConfig = z.infer<typeof SignalsSchema>;

/** Per-router session policy (needs a session id on the request). */
export const SessionPolicySchema = z
  .object({
    /** Once a session's turn went to a rung, weaker scores stay on it for the next holdTurns turns. */
    escalateOnly: z.object({ holdTurns: z.number().int().min(1).max(1000) }).strict().optional(),
    /** Do not step down when the prompt-cache miss on the new model costs more than staying saves. */
    cacheAware: z
      .object({
        /** Completion tokens assumed when comparing the two models' cost of this turn. */
        assumeCompletionTokens: z.number().int().min(0).default(256),
        /** A cached prefix counts as warm only this long after the session's last turn. */
        cacheTtlMs: z.number().int().positive().default(300_000),
      })
      .strict()
      .optional(),
  })
  .strict();
export type SessionPolicy = z.infer<typeof SessionPolicySchema>;

/** Bounds on the gateway's session memory (an LRU): most sessions kept and how long an idle one lives. */
export const SessionStoreSchema = z
  .object({
    maxEntries: z.number().int().positive().max(1_000_000).default(10_000),
    ttlMs: z.number().int().positive().default(30 * 60_000),
  })
  .strict();

/** The named tiers a client may ask for as `triage/<tier>`. */
export const TierNameSchema = z.enum(['frontier', 'balanced', 'economy', 'free', 'internal']);
export type TierName = z.infer<typeof TierNameSchema>;

/** Which models a tier uses: one model, a strong/weak pair, or a ladder (default: the default router's). */
export const TierModelsSchema = z
  .object({
    model: alias.optional(),
    strong: alias.optional(),
    weak: alias.optional(),
    ladder: LadderSchema.optional(),
    /** Overrides the preset's threshold (the top cut). */
    threshold: z.number().min(0).max(1).optional(),
  })
  .strict()
  .superRefine((tier, ctx) => {
    const forms = [tier.model !== undefined, tier.strong !== undefined || tier.weak !== undefined, tier.ladder !== undefined].filter(Boolean).length;
    if (forms > 1) ctx.addIssue({ code: 'custom', message: 'give one of: model, strong + weak, ladder' });
    if ((tier.strong === undefined) !== (tier.weak === undefined)) ctx.addIssue({ code: 'custom', message: 'give both strong and weak' });
    if (tier.ladder !== undefined && tier.threshold !== undefined) ctx.addIssue({ code: 'custom', path: ['threshold'], message: "a ladder's first minScore is its threshold: give one of them" });
  });
export type TierModels = z.infer<typeof TierModelsSchema>;

export const TiersSchema = z.partialRecord(TierNameSchema, TierModelsSchema);

/** Every model alias a ladder, signal block or tier names (for the config's unknown-alias check). */
export function namedAliases(part: { ladder?: Rung[] | undefined; signals?: SignalsConfig | undefined } & Partial<Pick<TierModels, 'model' | 'strong' | 'weak'>>): Array<{ path: string[]; alias: string }> {
  const out: Array<{ path: string[]; alias: string }> = [];
  part.ladder?.forEach((rung, i) => out.push({ path: ['ladder', String(i), 'model'], alias: rung.model }));
  for (const key of ['model', 'strong', 'weak'] as const) {
    const value = part[key];
    if (value !== undefined) out.push({ path: [key], alias: value });
  }
  const signals = part.signals;
  if (signals?.background?.model) out.push({ path: ['signals', 'background', 'model'], alias: signals.background.model });
  if (signals?.longContext) out.push({ path: ['signals', 'longContext', 'model'], alias: signals.longContext.model });
  if (signals?.thinking?.model) out.push({ path: ['signals', 'thinking', 'model'], alias: signals.thinking.model });
  return out;
}
