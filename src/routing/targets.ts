// Resolves the request's `model` field: "triage" (the default router), "triage/<router>",
// RouteLLM's "router-<scorer>-<threshold>", or a model alias / upstream model id passed through.

import { own } from '../config/lookup.ts';
import type { ModelConfig, RouterConfig, TriageConfig } from '../config/schema.ts';
import { ScorerKindSchema } from '../config/schema.ts';

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

const ROUTELLM_FORM = /^router-([a-z_]+)-(\d*\.?\d+)$/;

/** Every name a client may put in `model`, for errors and /v1/models. */
export function validModelNames(config: TriageConfig): string[] {
  const names = ['triage', ...Object.keys(config.routers).map((name) => `triage/${name}`)];
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
  const routeLlm = ROUTELLM_FORM.exec(requested);
  if (routeLlm) {
    const kind = ScorerKindSchema.safeParse(routeLlm[1]);
    const threshold = Number(routeLlm[2]);
    const base = own(config.routers, config.defaultRouter);
    if (kind.success && base && threshold >= 0 && threshold <= 1) {
      const router: RouterConfig = { ...base, scorer: kind.data, threshold };
      if (kind.data !== base.scorer) delete router.model;
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
