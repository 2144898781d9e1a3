// The strong-vs-weak label from the judge's two verdicts (the answers shown in both orders, to
// cancel position bias). Each order's verdict is first read as a winner tier; then:
//   strong in both orders                 -> strong_needed
//   weak in both, or weak once + tie once -> weak_ok       (the weak answer never loses)
//   tie in both, or strong once + tie once -> tie          (no consistent strong advantage)
//   strong in one order, weak in the other -> inconsistent (position bias; carries no label)
//   either verdict unparsable             -> unusable      (never guessed)

import type { ShadowLabelKind, Verdict } from '../../store/shadow-labels.ts';

type Winner = 'strong' | 'weak' | 'tie';
type ParsedVerdict = Exclude<Verdict, 'unparsable'>;

/** In the strong-first order, A is the strong answer. */
const strongFirst: Record<ParsedVerdict, Winner> = { A: 'strong', B: 'weak', C: 'tie' };
/** In the weak-first order, A is the weak answer. */
const weakFirst: Record<ParsedVerdict, Winner> = { A: 'weak', B: 'strong', C: 'tie' };

const byWinners: Record<Winner, Record<Winner, ShadowLabelKind>> = {
  strong: { strong: 'strong_needed', tie: 'tie', weak: 'inconsistent' },
  tie: { strong: 'tie', tie: 'tie', weak: 'weak_ok' },
  weak: { strong: 'inconsistent', tie: 'weak_ok', weak: 'weak_ok' },
};

export function combineVerdicts(verdictStrongFirst: Verdict, verdictWeakFirst: Verdict): ShadowLabelKind {
  if (verdictStrongFirst === 'unparsable' || verdictWeakFirst === 'unparsable') return 'unusable';
  return byWinners[strongFirst[verdictStrongFirst]][weakFirst[verdictWeakFirst]];
}
