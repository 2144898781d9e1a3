// The Postgres schema as an ordered list of migrations. Append only: never edit a shipped migration,
// add a new one with the next version. Applied by migrate.ts under an advisory lock.
//
// Version 1 mirrors the SQLite schema as it stands after SQLite migration 8 (decisions, outcomes,
// gateway_keys, calibrations, shadow_labels, model_versions, admin_audit), with the same column
// names and meanings, so the pure row codecs in store/sqlite/rows.ts and the other encoders serve
// both backends and `triage db copy` moves rows column for column:
// - epoch milliseconds and token counts are BIGINT (the pool parses int8 to a JS number);
// - REAL is DOUBLE PRECISION, BLOB is BYTEA, and 0/1 flags stay SMALLINT;
// - JSON columns (tags, budget, target, ...) stay TEXT holding JSON, exactly as SQLite stores them.
// Postgres has no rowid, so the tables whose SQLite queries break ties by rowid get a `seq` column
// (bumped on every re-log of a decision, as INSERT OR REPLACE gives SQLite a fresh rowid).

import type { Migration } from '../schema-version.ts';
import { SHARE_WINDOW_TABLES } from '../shared-state/postgres/share-window.ts';
import { SPEND_LEDGER_TABLES } from '../shared-state/postgres/spend-ledger.ts';

const decisions = `
CREATE SEQUENCE decisions_seq;
CREATE TABLE decisions (
  id                TEXT PRIMARY KEY,
  seq               BIGINT NOT NULL DEFAULT nextval('decisions_seq'),
  created_at        BIGINT NOT NULL,
  kind              TEXT NOT NULL,
  router            TEXT,
  scorer            TEXT,
  tags              TEXT NOT NULL DEFAULT '{}',
  mode              TEXT,
  task_type         TEXT,
  prompt_hash       TEXT NOT NULL,
  prompt_text       TEXT,
  score             DOUBLE PRECISION,
  threshold         DOUBLE PRECISION,
  tier              TEXT,
  reason            TEXT NOT NULL,
  model_alias       TEXT,
  model_id          TEXT,
  provider          TEXT,
  fallback_used     SMALLINT NOT NULL,
  stream            SMALLINT NOT NULL,
  status            INTEGER NOT NULL,
  error             TEXT,
  prompt_tokens     BIGINT,
  completion_tokens BIGINT,
  cached_tokens     BIGINT,
  cost_usd          DOUBLE PRECISION,
  decision_ms       DOUBLE PRECISION,
  latency_ms        DOUBLE PRECISION,
  ttfb_ms           DOUBLE PRECISION,
  key_id            TEXT,
  calibration_id    TEXT,
  features          BYTEA,
  features_layout   TEXT,
  propensity        DOUBLE PRECISION,
  explored          SMALLINT
);
CREATE INDEX decisions_created_at ON decisions (created_at, seq);
CREATE INDEX decisions_router ON decisions (router, created_at);
CREATE INDEX decisions_model_alias ON decisions (model_alias, created_at);
CREATE INDEX decisions_key_id ON decisions (key_id, created_at);

-- No foreign key: outcomes may arrive before their decision is flushed, or for pruned decisions.
CREATE TABLE outcomes (
  id          BIGSERIAL PRIMARY KEY,
  decision_id TEXT NOT NULL,
  created_at  BIGINT NOT NULL,
  source      TEXT NOT NULL,
  rating      DOUBLE PRECISION,
  label       TEXT
);
CREATE INDEX outcomes_decision_id ON outcomes (decision_id, created_at);
CREATE UNIQUE INDEX outcomes_decision_source ON outcomes (decision_id, source);
CREATE INDEX outcomes_created_at ON outcomes (created_at);

-- Gateway keys, stored hashed (the plaintext is shown once, at creation).
CREATE TABLE gateway_keys (
  id          TEXT PRIMARY KEY,
  seq         BIGSERIAL NOT NULL,
  hash        TEXT NOT NULL UNIQUE,
  name        TEXT NOT NULL,
  created_at  BIGINT NOT NULL,
  revoked_at  BIGINT,
  tags        TEXT NOT NULL DEFAULT '{}',
  budget      TEXT,
  models      TEXT,
  admin       SMALLINT NOT NULL DEFAULT 0
);

CREATE TABLE calibrations (
  id                  TEXT PRIMARY KEY,
  seq                 BIGSERIAL NOT NULL,
  router              TEXT NOT NULL,
  created_at          BIGINT NOT NULL,
  target_kind         TEXT NOT NULL,
  target_key          TEXT NOT NULL,
  target              TEXT NOT NULL,
  threshold           DOUBLE PRECISION NOT NULL,
  scorer              TEXT,
  "window"            TEXT NOT NULL,
  expected_share      DOUBLE PRECISION NOT NULL,
  period              TEXT,
  projected_cost_usd  DOUBLE PRECISION,
  all_strong_cost_usd DOUBLE PRECISION,
  quality_retained    DOUBLE PRECISION,
  quality_low         DOUBLE PRECISION,
  quality_high        DOUBLE PRECISION,
  pgr                 DOUBLE PRECISION,
  rolled_back_at      BIGINT,
  score_snapshot      TEXT
);
CREATE INDEX calibrations_router ON calibrations (router, created_at);

-- No foreign key to decisions: a shadow label may be written before its decision row is flushed.
CREATE TABLE shadow_labels (
  id                   BIGSERIAL PRIMARY KEY,
  decision_id          TEXT NOT NULL,
  ts                   BIGINT NOT NULL,
  router               TEXT,
  prompt_hash          TEXT,
  served_tier          TEXT,
  strong_model         TEXT NOT NULL,
  weak_model           TEXT NOT NULL,
  judge_model          TEXT NOT NULL,
  verdict_strong_first TEXT NOT NULL CHECK (verdict_strong_first IN ('A', 'B', 'C', 'unparsable')),
  verdict_weak_first   TEXT NOT NULL CHECK (verdict_weak_first IN ('A', 'B', 'C', 'unparsable')),
  label                TEXT NOT NULL CHECK (label IN ('strong_needed', 'weak_ok', 'tie', 'inconsistent', 'unusable')),
  cost_usd             DOUBLE PRECISION NOT NULL,
  shadow_tokens_in     BIGINT,
  shadow_tokens_out    BIGINT,
  judge_tokens_in      BIGINT,
  judge_tokens_out     BIGINT,
  error                TEXT
);
CREATE INDEX shadow_labels_ts ON shadow_labels (ts);
CREATE INDEX shadow_labels_decision_id ON shadow_labels (decision_id);
CREATE INDEX shadow_labels_router ON shadow_labels (router, ts);

-- Scorer model versions per model line (retrain candidates, the active pointer the gateway polls).
CREATE TABLE model_versions (
  id             TEXT PRIMARY KEY,
  seq            BIGSERIAL NOT NULL,
  line           TEXT NOT NULL,
  version        INTEGER NOT NULL,
  dir            TEXT NOT NULL,
  created_at     BIGINT NOT NULL,
  status         TEXT NOT NULL,
  reason         TEXT NOT NULL,
  report         TEXT,
  activated_at   BIGINT,
  rolled_back_at BIGINT,
  UNIQUE (line, version)
);
CREATE INDEX model_versions_active ON model_versions (line, activated_at);

-- The admin audit trail: one row per apply or rollback done from the dashboard.
CREATE TABLE admin_audit (
  id             BIGSERIAL PRIMARY KEY,
  created_at     BIGINT NOT NULL,
  action         TEXT NOT NULL,
  router         TEXT NOT NULL,
  calibration_id TEXT,
  key_id         TEXT,
  detail         TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX admin_audit_created_at ON admin_audit (created_at);
`;

export const postgresMigrations: readonly Migration[] = [
  { version: 1, name: 'the SQLite schema as of its migration 8, with seq columns for tie-breaks', sql: decisions },
  { version: 2, name: 'state shared by gateway instances: spend ledger and leases, share windows', sql: SPEND_LEDGER_TABLES + SHARE_WINDOW_TABLES },
];
