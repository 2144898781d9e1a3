// The model family of a served model: set in config (`models.x.family`), else from its provider's
// kind (an Anthropic provider serves the anthropic family, an OpenAI-compatible one the openai family).

import type { ModelFamily } from '../protocol/reasoning.ts';
import type { ModelConfig, ProviderConfig } from './types.ts';

const FAMILY_OF_KIND: Readonly<Record<ProviderConfig['kind'], ModelFamily>> = {
  'openai-compatible': 'openai',
  anthropic: 'anthropic',
};

export function modelFamily(model: ModelConfig, provider: ProviderConfig | undefined): ModelFamily {
  return model.family ?? FAMILY_OF_KIND[provider?.kind ?? 'openai-compatible'];
}
