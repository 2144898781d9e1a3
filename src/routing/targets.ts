// Resolves the request's `model` field: "triage" (the default router), "triage/<router>",
// either with a target suffix ("@s30": 30% strong share, "@q95": the 95% quality calibration,
// "@b500m": $500 a month paced), RouteLLM's "router-<scorer>-<threshold>", or a model alias /
// upstream model id passed through. "triage/<tier>" (frontier, balanced, economy, free, internal)
// is a named tier (tiers.ts) unless a router has that name. A suffixed router keeps a canonical
// name ("default@s30"): at most 101 + 100 share and quality names per router; budget names are many
// more, so their metric label is "<router>@budget" and the gateway keeps live state for only a few (learning/).

import { own } from '../config/lookup.ts';
import type { BudgetPeriod, ModelConfig, RouterConfig, RouterTarget, TriageConfig } from '../config/schema.ts';
import { ScorerKindSchema } from '../config/schema.ts';
import { isTierName, TIER_NAMES, tierRouter } from './tiers.ts';

export type RouteTarget =
  /** `name` is what the client asked for; `label` is a bounded name for metrics (a config router name, or router-<scorer>). */
  | { kind: 'router'; name: string; label: string; router: RouterConfig }
  | { kind: 'model'; alias: string; model: ModelConfig };

export class UnknownModelError extends Error {
  override readonly name = 'UnknownModelError';
  constructor(
    readonly requested: string,
    readonly validNames: string[],
  ) {
    super(`model "${requested}" is not known to this gateway; valid names: ${validNames.join(', ')}`);
  }
}

/** A model name asked for a target suffix this gateway cannot read. */
export class TargetSuffixError extends Error {
  override readonly name = 'TargetSuffixError';
  constructor(readonly requested: string) {
    super(
      `model "${requested}" has a malformed target suffix; valid forms: ${TARGET_SUFFIX_FORMS.join(', ')} ` +
        '(s = percent of requests sent to the strong model, 0-100; q = percent of the strong model\'s quality kept, 1-100; ' +
        'b = a budget in whole USD, 1-999999, per day (d), week (w) or month (m), e.g. b500m)',
    );
  }
}

const ROUTELLM_FORM = /^router-([a-z_]+)-(\d*\.?\d+)$/;
const TARGET_SUFFIX = /^(s|q)(\d{1,3})$/;
const BUDGET_SUFFIX = /^b([1-9]\d{0,5})([dwm])$/;
const BUDGET_PERIODS: Record<string, BudgetPeriod> = { d: 'day', w: 'week', m: 'month' };
export const TARGET_SUFFIX_FORMS = [
  'triage@s<percent>', 'triage/<router>@s<percent>', 'triage@q<percent>', 'triage/<router>@q<percent>',
  'triage@b<usd><d|w|m>', 'triage/<router>@b<usd><d|w|m>',
];

export type SuffixTarget = { strongShare: number } | { quality: number } | { budgetUsd: number; period: BudgetPeriod };

/** "s30" -> { strongShare: 0.3 }, "q95" -> { quality: 0.95 }, "b500m" -> $500 a month; undefined when malformed. */
export function parseTargetSuffix(suffix: string): SuffixTarget | undefined {
  const budget = BUDGET_SUFFIX.exec(suffix);
  const period = budget ? BUDGET_PERIODS[budget[2]!] : undefined;
  if (budget && period) return { budgetUsd: Number(budget[1]), period };
  const match = TARGET_SUFFIX.exec(suffix);
  if (!match) return undefined;
  const percent = Number(match[2]);
  if (match[2]!.length > 1 && match[2]!.startsWith('0')) return undefined; // one spelling per target: s5, not s05
  if (match[1] === 's') return percent <= 100 ? { strongShare: percent / 100 } : undefined;
  return percent >= 1 && percent <= 100 ? { quality: percent / 100 } : undefined;
}

function withSuffix(config: TriageConfig, requested: string): RouteTarget | undefined {
  const at = requested.indexOf('@');
  if (at < 0) return undefined;
  const base = requested.slice(0, at);
  const name = base === 'triage' ? config.defaultRouter : base.startsWith('triage/') ? base.slice('triage/'.length) : undefined;
  if (name === undefined) return undefined;
  const router = own(config.routers, name);
  if (!router) return undefined;
  const suffix = requested.slice(at + 1);
  const target = targetFromSuffix(router, suffix);
  if (!target) throw new TargetSuffixError(requested);
  // Share and quality suffixes are bounded (s0-s100, q1-q100), so the name is a bounded metric label too; budgets are not.
  const label = 'budgetUsd' in target ? `${name}@budget` : `${name}@${suffix}`;
  return { kind: 'router', name: `${name}@${suffix}`, label, router: { ...router, target } };
}

/**
 * The router target a suffix states. A budget suffix keeps the router's own onExhausted and
 * defaultMaxTokens when its configured target is a budget, else goes weak at the cap.
 */
export function targetFromSuffix(router: RouterConfig, suffix: string): RouterTarget | undefined {
  const parsed = parseTargetSuffix(suffix);
  if (!parsed || !('budgetUsd' in parsed)) return parsed;
  const own = router.target && 'budgetUsd' in router.target ? router.target : undefined;
  return { ...parsed, onExhausted: own?.onExhausted ?? 'weak', defaultMaxTokens: own?.defaultMaxTokens ?? 4096 };
}

/** `triage/<tier>` when no router has that name (routers win); undefined otherwise. */
function tierTarget(config: TriageConfig, requested: string): RouteTarget | undefined {
  if (!requested.startsWith('triage/') || requested.includes('@')) return undefined;
  const name = requested.slice('triage/'.length);
  if (own(config.routers, name)) return undefined;
  if (!isTierName(name)) return undefined;
  const router = tierRouter(config, name);
  return router ? { kind: 'router', name: `tier:${name}`, label: `tier:${name}`, router } : undefined;
}

/** Every name a client may put in `model`, for errors and /v1/models. */
export function validModelNames(config: TriageConfig): string[] {
  const names = ['triage', ...Object.keys(config.routers).map((name) => `triage/${name}`)];
  // The named tiers (a bad tier name gets this list too).
  for (const tier of TIER_NAMES) if (!names.includes(`triage/${tier}`) && tierRouter(config, tier)) names.push(`triage/${tier}`);
  names.push(...TARGET_SUFFIX_FORMS);
  for (const kind of ScorerKindSchema.options) names.push(`router-${kind}-<threshold>`);
  names.push(...Object.keys(config.models));
  for (const model of Object.values(config.models)) if (!names.includes(model.id)) names.push(model.id);
  return names;
}

export function resolveTarget(config: TriageConfig, requested: string): RouteTarget {
  if (requested === 'triage') {
    const router = own(config.routers, config.defaultRouter);
    if (router) return { kind: 'router', name: config.defaultRouter, label: config.defaultRouter, router };
  }
  if (requested.startsWith('triage/')) {
    const name = requested.slice('triage/'.length);
    const router = own(config.routers, name);
    if (router) return { kind: 'router', name, label: name, router };
  }
  const tiered = tierTarget(config, requested);
  if (tiered) return tiered;
  const suffixed = withSuffix(config, requested);
  if (suffixed) return suffixed;
  const routeLlm = ROUTELLM_FORM.exec(requested);
  if (routeLlm) {
    const kind = ScorerKindSchema.safeParse(routeLlm[1]);
    const threshold = Number(routeLlm[2]);
    const base = own(config.routers, config.defaultRouter);
    if (kind.success && base && threshold >= 0 && threshold <= 1) {
      const router: RouterConfig = { ...base, scorer: kind.data, threshold };
      if (kind.data !== base.scorer) delete router.model;
      // The name states its threshold: no target, so no per-name state is ever kept for it.
      delete router.target;
      return { kind: 'router', name: requested, label: `router-${kind.data}`, router };
    }
  }
  const byAlias = own(config.models, requested);
  if (byAlias) return { kind: 'model', alias: requested, model: byAlias };
  for (const [alias, model] of Object.entries(config.models)) {
    if (model.id === requested) return { kind: 'model', alias, model };
  }
  throw new UnknownModelError(requested, validModelNames(config));
}
