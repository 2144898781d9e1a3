// Runs the DecisionStore conformance suite against the in-memory store.

import { MemoryDecisionStore } from '../../src/store/memory.ts';
import { describeKeyStoreConformance } from './key-store.conformance.ts';
import { decisionStoreConformance } from './store.conformance.ts';

decisionStoreConformance('memory', () => new MemoryDecisionStore());

describeKeyStoreConformance('memory', { create: () => new MemoryDecisionStore() });
