// Wires shadow judging into a starting gateway (called from start.ts only): a runner on the
// learning store, calling models through the gateway's own attempt loop, reporting to /metrics.
// No router with `shadow`, or no learning store to write labels to: no runner. With a fleet's
// shared spend ledger, each router's daily cap holds for the whole fleet.

import type { LearningStore } from '../store/learning-store.ts';
import type { SpendLedger } from '../store/shared-state/spend-ledger.ts';
import { ShadowRunner } from '../learning/shadow/runner.ts';
import type { GatewayContext } from './context.ts';
import { gatewayModelCall } from './model-call.ts';

export async function startShadow(
  ctx: GatewayContext,
  learning: LearningStore | undefined,
  random?: () => number,
  fleetSpend?: SpendLedger,
): Promise<ShadowRunner | undefined> {
  const routers = Object.entries(ctx.config.routers).filter(([, router]) => router.shadow !== undefined).map(([name]) => name);
  if (routers.length === 0) return undefined;
  if (!learning) {
    ctx.log.warn('shadow_without_store', { routers, detail: 'shadow judging needs the SQLite decision log to store labels; it is off' });
    return undefined;
  }
  const { metrics } = ctx;
  const runner = new ShadowRunner({
    config: ctx.config,
    store: learning,
    call: gatewayModelCall(ctx),
    ...(random ? { random } : {}),
    ...(fleetSpend ? { fleetSpend } : {}),
    events: {
      sampled: (router) => metrics.shadowSampled.inc({ router }),
      dropped: (router, reason) => metrics.shadowDropped.inc({ router, reason }),
      labelled: (router, label, costUsd) => {
        metrics.shadowLabels.inc({ router, label });
        metrics.shadowCost.inc({ router }, costUsd);
      },
    },
    onError: (message) => ctx.log.warn('shadow_failed', { message }),
  });
  await runner.start();
  metrics.gauge('triage_shadow_pending_jobs', 'Shadow jobs queued or running.', () => runner.pending);
  ctx.shadow = runner;
  return runner;
}
