// The Anthropic adapter: the shared provider conformance suite against a fake Anthropic upstream
// (real HTTP on loopback), plus the mapping both ways (request body, answer, stream parts).

import { describeProviderConformance } from './provider.conformance.ts';
import { createAnthropicAdapter } from '../../src/providers/anthropic/index.ts';
import { startFakeAnthropicUpstream } from '../support/fake-anthropic-upstream.ts';

describeProviderConformance('anthropic', { createAdapter: createAnthropicAdapter, startUpstream: startFakeAnthropicUpstream, goldenStreams: 'anthropic' });
