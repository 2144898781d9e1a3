// Label definitions: how a record's strong/weak scores become the training target
// P(weak model falls short of the strong one), in [0, 1]. Correctness sets (scores 0/1) and
// judge sets (scores 1-10) get their own rule; which rule applies is decided per source.

export interface LabelDefinition {
  name: string;
  description: string;
  /** Correctness sets: target for each outcome. "strongOnly" = strong right, weak wrong. */
  correctness: { strongOnly: number; weakOnly: number; bothRight: number; bothWrong: number };
  /**
   * Judge sets: 'binary' = 1 when strong - weak > margin; 'soft' = sigmoid((strong - weak - margin) / scale);
   * 'linear' = clamp(0.5 + (strong - weak) / (2 * range), 0, 1).
   */
  judge: { kind: 'binary'; margin: number } | { kind: 'soft'; margin: number; scale: number } | { kind: 'linear'; range: number };
}

export const LABEL_DEFINITIONS: Readonly<Record<string, LabelDefinition>> = {
  strict: {
    name: 'strict',
    description: 'RouteLLM: 1 when the strong model is right and the weak one wrong (judge: strong scores higher), else 0',
    correctness: { strongOnly: 1, weakOnly: 0, bothRight: 0, bothWrong: 0 },
    judge: { kind: 'binary', margin: 0 },
  },
  'soft-ties': {
    name: 'soft-ties',
    description: 'strong-only 1, weak-only 0, both wrong 0.5, both right 0; judge: sigmoid(score gap / 1.5)',
    correctness: { strongOnly: 1, weakOnly: 0, bothRight: 0, bothWrong: 0.5 },
    judge: { kind: 'soft', margin: 0, scale: 1.5 },
  },
  'hard-is-strong': {
    name: 'hard-is-strong',
    description: 'difficulty: 1 when the weak model is wrong (both wrong counts), weak-only 0; judge: strong beats weak by > 1 point',
    correctness: { strongOnly: 1, weakOnly: 0, bothRight: 0, bothWrong: 1 },
    judge: { kind: 'binary', margin: 1 },
  },
  gap: {
    name: 'gap',
    description: 'expected quality gain: 0.5 + (strong - weak) / 2 — strong-only 1, weak-only 0, ties 0.5; judge: 0.5 + gap / 18 (scores 1-10)',
    correctness: { strongOnly: 1, weakOnly: 0, bothRight: 0.5, bothWrong: 0.5 },
    judge: { kind: 'linear', range: 9 },
  },
  'gap-sharp': {
    name: 'gap-sharp',
    description: 'gap for correctness (ties 0.5); judge: sigmoid(score gap / 1.5), ties 0.5',
    correctness: { strongOnly: 1, weakOnly: 0, bothRight: 0.5, bothWrong: 0.5 },
    judge: { kind: 'soft', margin: 0, scale: 1.5 },
  },
  'judge-soft': {
    name: 'judge-soft',
    description: 'strict correctness labels; judge: sigmoid(score gap / 1.5)',
    correctness: { strongOnly: 1, weakOnly: 0, bothRight: 0, bothWrong: 0 },
    judge: { kind: 'soft', margin: 0, scale: 1.5 },
  },
};

export const DEFAULT_LABEL = 'strict';

export function getLabelDefinition(name: string): LabelDefinition {
  const definition = LABEL_DEFINITIONS[name];
  if (!definition) throw new Error(`unknown label definition "${name}" (known: ${Object.keys(LABEL_DEFINITIONS).join(', ')})`);
  return definition;
}

export type ScoreScale = 'correctness' | 'judge';

/** A source is a correctness set when every strong/weak score in it is 0 or 1. */
export function detectScale(pairs: ReadonlyArray<readonly [number, number]>): ScoreScale {
  return pairs.every(([s, w]) => (s === 0 || s === 1) && (w === 0 || w === 1)) ? 'correctness' : 'judge';
}

export function labelFor(definition: LabelDefinition, scale: ScoreScale, strong: number, weak: number): number {
  if (scale === 'correctness') {
    const c = definition.correctness;
    if (strong >= 0.5 && weak < 0.5) return c.strongOnly;
    if (strong < 0.5 && weak >= 0.5) return c.weakOnly;
    return strong >= 0.5 ? c.bothRight : c.bothWrong;
  }
  const j = definition.judge;
  const gap = strong - weak;
  if (j.kind === 'binary') return gap > j.margin ? 1 : 0;
  if (j.kind === 'linear') return Math.min(1, Math.max(0, 0.5 + gap / (2 * j.range)));
  return 1 / (1 + Math.exp(-(gap - j.margin) / j.scale));
}
