// The decision-log schema as an ordered list of migrations. Append only: never edit a shipped
// migration, add a new one with the next version. Applied by migrate.ts inside one transaction.
//
// Version 3 adds the learning tables' first member, `calibrations` (versioned thresholds per
// router that the gateway picks up live; see store/learning-store.ts), and two decision columns:
// `calibration_id` and the optional feature vector (`features`, float32 little-endian, with its
// layout id) that replay re-scores.
//
// Version 6 adds `shadow_labels` (one row per shadow-judged decision: both tiers' models, the
// judge, its verdict in each order, the combined label and what it cost; see
// store/shadow-labels.ts for the label rule), the exploration columns on decisions (`propensity`:
// probability the served tier had of being chosen; `explored`: 1 when exploration flipped it) and
// the score snapshot a calibration was fitted on (`calibrations.score_snapshot`, JSON quantiles)
// that drift compares live traffic against.

import type { Migration } from '../schema-version.ts';

export type { Migration };

const decisionsTable = `
CREATE TABLE decisions (
  id                TEXT PRIMARY KEY,
  created_at        INTEGER NOT NULL,
  kind              TEXT NOT NULL,
  router            TEXT,
  scorer            TEXT,
  tags              TEXT NOT NULL DEFAULT '{}',
  mode              TEXT,
  task_type         TEXT,
  prompt_hash       TEXT NOT NULL,
  prompt_text       TEXT,
  score             REAL,
  threshold         REAL,
  tier              TEXT,
  reason            TEXT NOT NULL,
  model_alias       TEXT,
  model_id          TEXT,
  provider          TEXT,
  fallback_used     INTEGER NOT NULL,
  stream            INTEGER NOT NULL,
  status            INTEGER NOT NULL,
  error             TEXT,
  prompt_tokens     INTEGER,
  completion_tokens INTEGER,
  cached_tokens     INTEGER,
  cost_usd          REAL,
  decision_ms       REAL,
  latency_ms        REAL,
  ttfb_ms           REAL
);
CREATE INDEX decisions_created_at ON decisions (created_at);
CREATE INDEX decisions_router ON decisions (router, created_at);
CREATE INDEX decisions_model_alias ON decisions (model_alias, created_at);
`;

// No foreign key: outcomes may arrive before their decision is flushed, or for pruned decisions.
const outcomesTable = `
CREATE TABLE outcomes (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  decision_id TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  source      TEXT NOT NULL,
  rating      REAL,
  label       TEXT
);
CREATE INDEX outcomes_decision_id ON outcomes (decision_id, created_at);
`;

// Who made a decision (gateway key id), and one outcome per decision and source (the newest kept).
const keyIdsAndOutcomeDedup = `
ALTER TABLE decisions ADD COLUMN key_id TEXT;
DELETE FROM outcomes WHERE id NOT IN (SELECT max(id) FROM outcomes GROUP BY decision_id, source);
CREATE UNIQUE INDEX outcomes_decision_source ON outcomes (decision_id, source);
`;

// Gateway keys, stored hashed (the plaintext is shown once, at creation).
const gatewayKeysTable = `
CREATE TABLE gateway_keys (
  id          TEXT PRIMARY KEY,
  hash        TEXT NOT NULL UNIQUE,
  name        TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  revoked_at  INTEGER,
  tags        TEXT NOT NULL DEFAULT '{}',
  budget      TEXT,
  models      TEXT,
  admin       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX decisions_key_id ON decisions (key_id, created_at);
`;

// No foreign key from decisions.calibration_id: calibrations may be pruned independently.
const calibrations = `
CREATE TABLE calibrations (
  id                 TEXT PRIMARY KEY,
  router             TEXT NOT NULL,
  created_at         INTEGER NOT NULL,
  target_kind        TEXT NOT NULL,
  target_key         TEXT NOT NULL,
  target             TEXT NOT NULL,
  threshold          REAL NOT NULL,
  scorer             TEXT,
  window             TEXT NOT NULL,
  expected_share     REAL NOT NULL,
  period             TEXT,
  projected_cost_usd REAL,
  all_strong_cost_usd REAL,
  quality_retained   REAL,
  quality_low        REAL,
  quality_high       REAL,
  pgr                REAL,
  rolled_back_at     INTEGER
);
CREATE INDEX calibrations_router ON calibrations (router, created_at);
ALTER TABLE decisions ADD COLUMN calibration_id TEXT;
ALTER TABLE decisions ADD COLUMN features BLOB;
ALTER TABLE decisions ADD COLUMN features_layout TEXT;
`;

// No foreign key to decisions: a shadow label may be written before its decision row is flushed.
const shadowLabelsAndExploration = `
CREATE TABLE shadow_labels (
  id                   INTEGER PRIMARY KEY,
  decision_id          TEXT NOT NULL,
  ts                   INTEGER NOT NULL,
  router               TEXT,
  prompt_hash          TEXT,
  served_tier          TEXT,
  strong_model         TEXT NOT NULL,
  weak_model           TEXT NOT NULL,
  judge_model          TEXT NOT NULL,
  verdict_strong_first TEXT NOT NULL CHECK (verdict_strong_first IN ('A', 'B', 'C', 'unparsable')),
  verdict_weak_first   TEXT NOT NULL CHECK (verdict_weak_first IN ('A', 'B', 'C', 'unparsable')),
  label                TEXT NOT NULL CHECK (label IN ('strong_needed', 'weak_ok', 'tie', 'inconsistent', 'unusable')),
  cost_usd             REAL NOT NULL,
  shadow_tokens_in     INTEGER,
  shadow_tokens_out    INTEGER,
  judge_tokens_in      INTEGER,
  judge_tokens_out     INTEGER,
  error                TEXT
);
CREATE INDEX shadow_labels_ts ON shadow_labels (ts);
CREATE INDEX shadow_labels_decision_id ON shadow_labels (decision_id);
CREATE INDEX shadow_labels_router ON shadow_labels (router, ts);
ALTER TABLE decisions ADD COLUMN propensity REAL;
ALTER TABLE decisions ADD COLUMN explored INTEGER;
ALTER TABLE calibrations ADD COLUMN score_snapshot TEXT;
`;

// Scorer model versions per model line: retrain candidates (promoted or rejected, with the gate's
// report), the active pointer (activated_at, rolled_back_at) the gateway polls for a hot swap.
const modelVersions = `
CREATE TABLE model_versions (
  id             TEXT PRIMARY KEY,
  line           TEXT NOT NULL,
  version        INTEGER NOT NULL,
  dir            TEXT NOT NULL,
  created_at     INTEGER NOT NULL,
  status         TEXT NOT NULL,
  reason         TEXT NOT NULL,
  report         TEXT,
  activated_at   INTEGER,
  rolled_back_at INTEGER,
  UNIQUE (line, version)
);
CREATE INDEX model_versions_active ON model_versions (line, activated_at);
`;

// The admin audit trail: one row per apply or rollback done from the dashboard (who, what, when).
const adminAudit = `
CREATE TABLE admin_audit (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  created_at     INTEGER NOT NULL,
  action         TEXT NOT NULL,
  router         TEXT NOT NULL,
  calibration_id TEXT,
  key_id         TEXT,
  detail         TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX admin_audit_created_at ON admin_audit (created_at);
`;

export const migrations: readonly Migration[] = [
  { version: 1, name: 'decisions', sql: decisionsTable },
  { version: 2, name: 'outcomes', sql: outcomesTable },
  { version: 3, name: 'key ids and one outcome per source', sql: keyIdsAndOutcomeDedup },
  { version: 4, name: 'gateway keys', sql: gatewayKeysTable },
  { version: 5, name: 'calibrations and decision calibration_id, features', sql: calibrations },
  { version: 6, name: 'shadow labels, decision propensity and explored, calibration score snapshot', sql: shadowLabelsAndExploration },
  { version: 7, name: 'model versions', sql: modelVersions },
  { version: 8, name: 'admin audit', sql: adminAudit },
];
