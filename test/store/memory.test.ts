// Runs the DecisionStore and LearningStore conformance suites against the in-memory store.

import { MemoryDecisionStore } from '../../src/store/memory.ts';
import { describeKeyStoreConformance } from './key-store.conformance.ts';
import { describeDecisionStoreConformance } from './store.conformance.ts';
import { describeLearningStoreConformance } from './learning-store.conformance.ts';

describeDecisionStoreConformance('memory', { create: () => new MemoryDecisionStore() });

describeKeyStoreConformance('memory', { create: () => new MemoryDecisionStore() });
describeLearningStoreConformance('memory', { create: () => new MemoryDecisionStore() });
