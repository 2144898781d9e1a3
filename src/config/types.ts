// Small shared config-level types re-exported for the layers above.

export type { Deployment, Mode, ModeRoute, ModelConfig, PricePerMTok, ProviderConfig, RouterConfig, ScorerKind, TriageConfig } from './schema.ts';

export type Tier = 'strong' | 'weak';
