// GET /v1/models: routers, named tiers and configured models in OpenAI's list format; GET /v1/models/{id}: one.

import type { GatewayContext } from '../context.ts';
import { GatewayError, errorResponse } from '../errors.ts';
import type { TriageConfig } from '../../config/types.ts';
import { ladderModels } from '../../routing/ladder.ts';
import { TIER_NAMES, TIER_PRESETS, tierRouter } from '../../routing/tiers.ts';

/** The named tiers no router shadows, with their purpose and models. */
function tierEntries(config: TriageConfig, created: number): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const tier of TIER_NAMES) {
    const router = Object.hasOwn(config.routers, tier) ? undefined : tierRouter(config, tier);
    if (!router) continue;
    out.push({ id: `triage/${tier}`, object: 'model', created, owned_by: 'triage', tier, purpose: TIER_PRESETS[tier].purpose, ladder: [...new Set(ladderModels(router))], threshold: router.threshold });
  }
  return out;
}

export function listModels(ctx: GatewayContext): { object: 'list'; data: Array<Record<string, unknown>> } {
  const created = Math.floor(ctx.startedAt / 1000);
  const data: Array<Record<string, unknown>> = [
    { id: 'triage', object: 'model', created, owned_by: 'triage', router: ctx.config.defaultRouter },
  ];
  for (const [name, router] of Object.entries(ctx.config.routers)) {
    data.push({ id: `triage/${name}`, object: 'model', created, owned_by: 'triage', strong: router.strong, weak: router.weak, scorer: router.scorer, threshold: router.threshold, ...(router.ladder ? { ladder: ladderModels(router) } : {}) });
  }
  data.push(...tierEntries(ctx.config, created));
  for (const [alias, model] of Object.entries(ctx.config.models)) {
    data.push({ id: alias, object: 'model', created, owned_by: model.provider, upstream_id: model.id });
  }
  return { object: 'list', data };
}

/** GET /v1/models/{id}: one entry of the list (ids may contain "/"), or a 404 in OpenAI's shape. */
export function getModel(ctx: GatewayContext, id: string): Response {
  const entry = listModels(ctx).data.find((model) => model['id'] === id);
  if (entry) return Response.json(entry);
  return errorResponse(new GatewayError(404, `The model '${id}' does not exist on this gateway; GET /v1/models lists them`, 'invalid_request_error', 'model_not_found', 'model'));
}
