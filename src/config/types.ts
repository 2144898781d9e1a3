// Small shared config-level types re-exported for the layers above.

export type { BudgetPeriod, RouterTarget, Mode, ModeRoute, ModelConfig, PricePerMTok, ProviderConfig, RouterConfig, ScorerKind, TriageConfig } from './schema.ts';

export type Tier = 'strong' | 'weak';
