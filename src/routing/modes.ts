// The built-in mode table: what a task mode sent by the client means for routing, before any
// guessing from text. A Record over the Mode union, so the compiler rejects a missing mode.

import type { Mode, ModeRoute, RouterConfig } from '../config/schema.ts';
import { ModeSchema } from '../config/schema.ts';

export const DEFAULT_MODE_ROUTES: Record<Mode, ModeRoute> = {
  plan: 'strong',
  architect: 'strong',
  debug: 'strong',
  review: 'strong',
  code: 'score',
  ask: 'score',
  chat: 'score',
  summarize: 'weak',
  extract: 'weak',
  classify: 'weak',
};

/** Every mode a client may send, in the schema's order. */
export const MODES: readonly Mode[] = ModeSchema.options;

export function isMode(value: string): value is Mode {
  return ModeSchema.safeParse(value).success;
}

/** The route for a mode under a router: its own table first, then the built-in one. */
export function modeRoute(router: RouterConfig, mode: Mode): ModeRoute {
  return router.modes?.[mode] ?? DEFAULT_MODE_ROUTES[mode];
}
