// The retrain gate's stated rule at its edges, on paired intervals written by hand: the minimum of
// held-out own labels (exactly minTest passes, one fewer does not), the margin (a lower bound of
// exactly -margin is rejected, just above it promoted), undefined intervals, and the exact reasons
// and rule text the CLI prints.

import { describe, expect, it } from 'vitest';
import type { PairedApgr } from '../../src/eval/paired-bootstrap.ts';
import { DEFAULT_GATE_RULE, describeRule, gateVerdict } from '../../src/learning/retrain/gate.ts';

function paired(records: number, delta: { value: number; low: number; high: number }, used = 100): PairedApgr {
  const side = { value: 0.7, low: 0.6, high: 0.8 };
  return { records, a: side, b: side, delta, used };
}

describe('retrain gate rule', () => {
  it('has the documented defaults: margin 0.02, at least 50 held-out labels, 95% interval', () => {
    expect(DEFAULT_GATE_RULE).toEqual({ margin: 0.02, minTest: 50, level: 0.95 });
    expect(Object.isFrozen(DEFAULT_GATE_RULE)).toBe(true);
  });

  it('states the rule in words with its figures', () => {
    expect(describeRule(DEFAULT_GATE_RULE)).toBe(
      'promote when >= 50 held-out own labels and the 95% paired bootstrap interval of dAPGR (candidate - active) has its lower bound > -0.02',
    );
    expect(describeRule({ margin: 0.05, minTest: 7, level: 0.904 })).toBe(
      'promote when >= 7 held-out own labels and the 90% paired bootstrap interval of dAPGR (candidate - active) has its lower bound > -0.05',
    );
  });

  it('needs at least minTest held-out labels: exactly minTest is enough, one fewer is not', () => {
    const good = { value: 0.01, low: 0.001, high: 0.02 };
    expect(gateVerdict(paired(50, good), DEFAULT_GATE_RULE).promote).toBe(true);
    expect(gateVerdict(paired(49, good), DEFAULT_GATE_RULE)).toEqual({
      promote: false,
      reason: 'too few held-out own labels (49 < 50): not enough evidence to replace the active model',
    });
    expect(gateVerdict(null, DEFAULT_GATE_RULE)).toEqual({
      promote: false,
      reason: 'too few held-out own labels (0 < 50): not enough evidence to replace the active model',
    });
    expect(gateVerdict(paired(3, good), { ...DEFAULT_GATE_RULE, minTest: 3 }).promote).toBe(true);
  });

  it('promotes only when the lower bound is strictly above -margin', () => {
    const at = gateVerdict(paired(80, { value: 0, low: -0.02, high: 0.01 }), DEFAULT_GATE_RULE);
    expect(at).toEqual({
      promote: false,
      reason: 'dAPGR 0.000 [-0.020, 0.010] on 80 held-out own labels: lower bound <= -0.02, possibly worse than the active model beyond noise',
    });
    const above = gateVerdict(paired(80, { value: -0.0051, low: -0.0199, high: 0.0123 }), DEFAULT_GATE_RULE);
    expect(above).toEqual({ promote: true, reason: 'dAPGR -0.005 [-0.020, 0.012] on 80 held-out own labels: lower bound > -0.02' });
    // The interval decides, not the point: a good point with a low bound far below is rejected.
    expect(gateVerdict(paired(80, { value: 0.05, low: -0.03, high: 0.1 }), DEFAULT_GATE_RULE).promote).toBe(false);
    // A wider margin lets the same interval through.
    expect(gateVerdict(paired(80, { value: 0.05, low: -0.03, high: 0.1 }), { ...DEFAULT_GATE_RULE, margin: 0.04 }).promote).toBe(true);
  });

  it('prints an infinite upper bound as n/a', () => {
    expect(gateVerdict(paired(80, { value: 0.01, low: 0, high: Number.POSITIVE_INFINITY }), DEFAULT_GATE_RULE).reason).toBe(
      'dAPGR 0.010 [0.000, n/a] on 80 held-out own labels: lower bound > -0.02',
    );
  });

  it('rejects when dAPGR is undefined: no usable resample, or a bound or point that is not finite', () => {
    const reason = 'dAPGR undefined on the held-out own labels (strong and weak have the same mean quality on them): no evidence either way';
    expect(gateVerdict(paired(80, { value: 0.01, low: 0.001, high: 0.02 }, 0), DEFAULT_GATE_RULE)).toEqual({ promote: false, reason });
    expect(gateVerdict(paired(80, { value: 0.01, low: Number.NaN, high: 0.02 }), DEFAULT_GATE_RULE)).toEqual({ promote: false, reason });
    expect(gateVerdict(paired(80, { value: Number.NaN, low: 0.001, high: 0.02 }), DEFAULT_GATE_RULE)).toEqual({ promote: false, reason });
    expect(gateVerdict(paired(80, { value: 0.01, low: 0.001, high: 0.02 }, 1), DEFAULT_GATE_RULE).promote).toBe(true);
  });
});
