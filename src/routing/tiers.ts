// Named tiers: presets a client selects by model name (`triage/balanced`). Each tier maps every
// mode to a route on its ladder (strong = top rung, weak = bottom rung, score = the cut points) in
// one Record<TierName, Record<Mode, ModeRoute>> table, so the compiler rejects a missing tier or
// mode. Which models a tier uses comes from the config's `tiers` block, else the default router's.
// A configured router of the same name wins over a tier.

import type { Mode, ModeRoute, RouterConfig, TriageConfig } from '../config/types.ts';
import { TierNameSchema, type TierModels, type TierName } from '../config/ladder-schema.ts';
import { own } from '../config/lookup.ts';
import { ladderModels } from './ladder.ts';

export interface TierPreset {
  /** What the tier is for (shown in /v1/models). */
  purpose: string;
  /** The top cut when the config gives none; the lower cuts of a ladder keep their spacing below it. */
  threshold: number;
  modes: Record<Mode, ModeRoute>;
}

const every = (route: ModeRoute): Record<Mode, ModeRoute> => ({
  plan: route, architect: route, debug: route, review: route, code: route, ask: route, chat: route, summarize: route, extract: route, classify: route,
});

export const TIER_PRESETS: Record<TierName, TierPreset> = {
  frontier: {
    purpose: 'quality first: planning, debugging, review and code on the top rung; the rest scored with a low cut',
    threshold: 0.2,
    modes: { ...every('score'), plan: 'strong', architect: 'strong', debug: 'strong', review: 'strong', code: 'strong' },
  },
  balanced: {
    purpose: 'the built-in mode table and a middle cut',
    threshold: 0.5,
    modes: { ...every('score'), plan: 'strong', architect: 'strong', debug: 'strong', review: 'strong', summarize: 'weak', extract: 'weak', classify: 'weak' },
  },
  economy: {
    purpose: 'cost first: everything scored with a high cut; summaries, extraction and classification on the bottom rung',
    threshold: 0.8,
    modes: { ...every('score'), summarize: 'weak', extract: 'weak', classify: 'weak' },
  },
  free: {
    purpose: 'only models priced at zero (the config must name them); routed like balanced',
    threshold: 0.5,
    modes: { ...every('score'), plan: 'strong', architect: 'strong', debug: 'strong', review: 'strong', summarize: 'weak', extract: 'weak', classify: 'weak' },
  },
  internal: {
    purpose: 'background chores (titles, commit messages, summaries): always the bottom rung',
    threshold: 1,
    modes: every('weak'),
  },
};

export const TIER_NAMES: readonly TierName[] = TierNameSchema.options;

export function isTierName(value: string): value is TierName {
  return TierNameSchema.safeParse(value).success;
}

/** The models part of a router built from a tier's config entry. */
function modelsOf(models: TierModels, preset: TierPreset): Pick<RouterConfig, 'strong' | 'weak' | 'ladder' | 'threshold'> {
  if (models.ladder) return { ladder: models.ladder, strong: models.ladder[0]?.model ?? '', weak: models.ladder[models.ladder.length - 1]?.model ?? '', threshold: models.ladder[0]?.minScore ?? preset.threshold };
  const threshold = models.threshold ?? preset.threshold;
  if (models.model) return { strong: models.model, weak: models.model, threshold };
  return { strong: models.strong ?? '', weak: models.weak ?? '', threshold };
}

/**
 * The router a tier stands for (undefined: the tier is not offered, e.g. `free` with priced models): the default router's scorer, retries, signals and session policy,
 * the tier's models (or the default router's), the preset's threshold and its full mode table.
 * Unscored modes route by the table; with no mode the tier scores (internal: always the bottom rung).
 */
export function tierRouter(config: TriageConfig, name: TierName): RouterConfig | undefined {
  const base = own(config.routers, config.defaultRouter);
  if (!base) return undefined;
  const preset = TIER_PRESETS[name];
  const configured = config.tiers?.[name];
  const { target: _target, ladder: baseLadder, fallbacks: _fallbacks, ...rest } = base;
  // Without a tiers entry the default router's models serve, its ladder's lower cuts kept at their spacing below the preset's cut.
  let models = configured ? modelsOf(configured, preset) : { ...(baseLadder ? { ladder: baseLadder } : {}), strong: base.strong, weak: base.weak, threshold: preset.threshold };
  // internal: one model, the bottom rung, whatever the score (the score is still logged).
  if (name === 'internal') models = { strong: models.weak, weak: models.weak, threshold: preset.threshold };
  const router: RouterConfig = { ...rest, ...models, modes: preset.modes };
  // free exists only where every model it would use costs nothing (a `tiers.free` entry is checked at load).
  if (name === 'free' && !ladderModels(router).every((alias) => isFree(config, alias))) return undefined;
  return router;
}

function isFree(config: TriageConfig, alias: string): boolean {
  const price = own(config.models, alias)?.pricePerMTok;
  return price !== undefined && price.input === 0 && price.output === 0;
}
