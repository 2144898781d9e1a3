// The retrain regression gate: a candidate scorer replaces the active one only when it is not
// worse on the team's own held-out traffic beyond noise.
//
// Rule: on the own-traffic test split (prompts held out by hash, never trained on), compute the
// paired bootstrap interval (95%, prompts resampled once per draw for both models) of
// dAPGR = APGR(candidate) - APGR(active). Promote when
//   - there are at least `minTest` held-out own labels (fewer: too little evidence, reject), and
//   - the interval's lower bound is above -margin (default margin 0.02: the candidate is, with 95%
//     confidence, at most 0.02 APGR worse than the active model).
// Otherwise reject, keeping the candidate and the reason. The public test splits are printed for
// the record but do not decide: the point of retraining is the team's own traffic.

import type { PairedApgr } from '../../eval/paired-bootstrap.ts';

export interface GateRule {
  margin: number;
  minTest: number;
  level: number;
}

export const DEFAULT_GATE_RULE: Readonly<GateRule> = Object.freeze({ margin: 0.02, minTest: 50, level: 0.95 });

export interface GateVerdict {
  promote: boolean;
  reason: string;
}

const f3 = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');

export function describeRule(rule: GateRule): string {
  return `promote when >= ${rule.minTest} held-out own labels and the ${Math.round(rule.level * 100)}% paired bootstrap interval of dAPGR (candidate - active) has its lower bound > -${rule.margin}`;
}

export function gateVerdict(own: PairedApgr | null, rule: GateRule): GateVerdict {
  if (!own || own.records < rule.minTest) {
    return { promote: false, reason: `too few held-out own labels (${own?.records ?? 0} < ${rule.minTest}): not enough evidence to replace the active model` };
  }
  if (own.used === 0 || !Number.isFinite(own.delta.low) || !Number.isFinite(own.delta.value)) {
    return { promote: false, reason: 'dAPGR undefined on the held-out own labels (strong and weak have the same mean quality on them): no evidence either way' };
  }
  const d = own.delta;
  const text = `dAPGR ${f3(d.value)} [${f3(d.low)}, ${f3(d.high)}] on ${own.records} held-out own labels`;
  if (d.low > -rule.margin) return { promote: true, reason: `${text}: lower bound > -${rule.margin}` };
  return { promote: false, reason: `${text}: lower bound <= -${rule.margin}, possibly worse than the active model beyond noise` };
}
