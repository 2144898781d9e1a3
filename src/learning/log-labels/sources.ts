// The label sources quality calibration reads from the log, kind -> factory. Adding a source
// (e.g. shadow-judge labels) is one line here.

import type { LabelSource, LabelSourceDeps } from './label-source.ts';
import { outcomesLabelSource } from './outcomes-source.ts';

export const LABEL_SOURCES = {
  outcomes: outcomesLabelSource,
} satisfies Record<string, (deps: LabelSourceDeps) => LabelSource>;

export type LabelSourceKind = keyof typeof LABEL_SOURCES;

export function logLabelSources(deps: LabelSourceDeps): LabelSource[] {
  return Object.values(LABEL_SOURCES).map((create) => create(deps));
}
