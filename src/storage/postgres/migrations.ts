/**
 * PostgreSQL schema migrations, applied in order, each once (see migrate.ts).
 * Never edit a shipped one; add a new one. The tables and columns mirror the
 * SQLite schema (src/storage/sqlite/migrations.ts) name for name, so the adapters
 * share their row mappings (src/storage/rows.ts) and a SQLite deployment
 * copies across column by column. Types: BIGINT for epoch milliseconds and
 * ids, DOUBLE PRECISION for scores (SQLite's REAL), TEXT for JSON (the
 * adapters parse it; TEXT keeps key order and any escaped character, where
 * JSONB would refuse \u0000), INTEGER 0/1 for SQLite's flags.
 * Version 1 is the SQLite schema as of its migration 6.
 */
import { FLEET_MIGRATION, LEADERS_MIGRATION } from './fleet-migration.js';

export const PG_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    channel TEXT NOT NULL,
    user_id TEXT NOT NULL,
    state TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (channel, user_id)
  );
  CREATE TABLE messages (
    id BIGSERIAL PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    text TEXT NOT NULL,
    intent TEXT,
    score DOUBLE PRECISION,
    model_version TEXT,
    created_at BIGINT NOT NULL,
    author TEXT NOT NULL DEFAULT 'assistant',
    staff_id TEXT,
    delivery TEXT,
    delivery_error TEXT,
    outcome TEXT,
    trace TEXT,
    masked_text TEXT
  );
  CREATE INDEX messages_by_conversation ON messages (conversation_id, id);
  CREATE INDEX messages_pending ON messages (conversation_id, delivery) WHERE delivery = 'pending';
  CREATE INDEX messages_by_time ON messages (created_at);
  CREATE INDEX messages_undelivered ON messages (conversation_id, id) WHERE delivery IN ('held', 'failed');
  CREATE TABLE sequences (
    kind TEXT NOT NULL,
    day TEXT NOT NULL,
    value BIGINT NOT NULL,
    PRIMARY KEY (kind, day)
  );
  CREATE TABLE appointments (
    reference TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    user_id TEXT NOT NULL,
    service TEXT NOT NULL,
    district TEXT NOT NULL,
    date TEXT NOT NULL,
    period TEXT NOT NULL CHECK (period IN ('am', 'pm')),
    status TEXT NOT NULL CHECK (status IN ('booked', 'cancelled')),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
  );
  CREATE INDEX appointments_by_user ON appointments (channel, user_id);
  CREATE INDEX appointments_by_time ON appointments (created_at);
  CREATE TABLE tickets (
    reference TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('complaint', 'suggestion', 'callback', 'follow_up')),
    channel TEXT NOT NULL,
    user_id TEXT NOT NULL,
    description TEXT NOT NULL,
    location TEXT,
    phone TEXT,
    status TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'resolved', 'closed')),
    handoff_id TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
  );
  CREATE INDEX tickets_by_user ON tickets (channel, user_id);
  CREATE INDEX tickets_by_time ON tickets (created_at);
  CREATE TABLE handoffs (
    id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    user_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    priority TEXT NOT NULL CHECK (priority IN ('urgent', 'high', 'normal')),
    summary TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'claimed', 'closed', 'callback')),
    claimed_by TEXT,
    claimed_at BIGINT,
    first_response_at BIGINT,
    last_activity_at BIGINT NOT NULL,
    last_citizen_at BIGINT NOT NULL,
    closed_at BIGINT,
    closed_by TEXT,
    resolution TEXT,
    callback_reference TEXT,
    created_at BIGINT NOT NULL
  );
  CREATE INDEX handoffs_open ON handoffs (status, priority, created_at);
  CREATE INDEX handoffs_by_conversation ON handoffs (conversation_id, created_at);
  CREATE INDEX handoffs_by_claim ON handoffs (claimed_at) WHERE claimed_at IS NOT NULL;
  CREATE TABLE deliveries (
    key TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    reply TEXT,
    created_at BIGINT NOT NULL,
    answered_late INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX deliveries_by_time ON deliveries (created_at);
  CREATE TABLE channel_tokens (
    name TEXT PRIMARY KEY,
    token TEXT NOT NULL,
    expires_at BIGINT NOT NULL
  );
  CREATE TABLE staff_users (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('agent', 'maintainer', 'admin')),
    password_hash TEXT NOT NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until BIGINT,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
  );
  CREATE TABLE staff_sessions (
    token_hash TEXT PRIMARY KEY,
    staff_id TEXT NOT NULL REFERENCES staff_users(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
  );
  CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    at BIGINT NOT NULL,
    staff_id TEXT,
    action TEXT NOT NULL,
    target TEXT,
    details TEXT
  );
  CREATE INDEX audit_by_time ON audit_log (at);
  CREATE TABLE handoff_notes (
    id BIGSERIAL PRIMARY KEY,
    handoff_id TEXT NOT NULL,
    staff_id TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at BIGINT NOT NULL
  );
  CREATE INDEX handoff_notes_by_handoff ON handoff_notes (handoff_id, id);
  CREATE TABLE canned_replies (
    id BIGSERIAL PRIMARY KEY,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at BIGINT NOT NULL
  );
  CREATE TABLE ratings (
    id BIGSERIAL PRIMARY KEY,
    handoff_id TEXT NOT NULL UNIQUE,
    conversation_id TEXT NOT NULL,
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
    comment TEXT,
    follow_up_reference TEXT,
    created_at BIGINT NOT NULL
  );
  CREATE TABLE model_versions (
    version TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL,
    corpus_hash TEXT NOT NULL,
    metrics TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('candidate', 'active', 'retired', 'rejected')),
    promoted_at BIGINT,
    promoted_by TEXT,
    force_reason TEXT
  );
  CREATE TABLE review_labels (
    text_key TEXT PRIMARY KEY,
    group_key TEXT NOT NULL,
    label TEXT NOT NULL,
    staff_id TEXT,
    by_name TEXT NOT NULL,
    created_at BIGINT NOT NULL
  );
  CREATE INDEX review_labels_by_group ON review_labels (group_key);
  `,
  // 2: the fleet's coordination tables (job ticks, rate-limit counters).
  FLEET_MIGRATION,
  `
  -- As SQLite's migration 7: the intent model and the dispatch (派单) model
  -- are versioned the same way, each kind with its own active version.
  ALTER TABLE model_versions ADD COLUMN kind TEXT NOT NULL DEFAULT 'intent' CHECK (kind IN ('intent', 'department'));
  `,
  `
  -- As SQLite's migration 8 (issue 13): tickets reach a department and
  -- citizens hear back. PostgreSQL widens the status CHECK in place (SQLite
  -- rebuilds the table); the new columns mean what they mean there. Tickets
  -- filed before this are 'pending', so the dispatch sweep looks at them.
  ALTER TABLE tickets DROP CONSTRAINT tickets_status_check;
  ALTER TABLE tickets ADD CONSTRAINT tickets_status_check
    CHECK (status IN ('open', 'in_progress', 'resolved', 'returned', 'closed'));
  ALTER TABLE tickets
    ADD COLUMN department TEXT,
    ADD COLUMN department_by TEXT CHECK (department_by IN ('model', 'staff')),
    ADD COLUMN dispatch_state TEXT NOT NULL DEFAULT 'pending' CHECK (dispatch_state IN ('pending', 'done', 'failed')),
    ADD COLUMN predicted_department TEXT,
    ADD COLUMN predicted_score DOUBLE PRECISION,
    ADD COLUMN predicted_alternatives TEXT,
    ADD COLUMN dispatch_model TEXT,
    ADD COLUMN dispatched_at BIGINT,
    ADD COLUMN due_at BIGINT,
    ADD COLUMN result TEXT,
    ADD COLUMN resolved_at BIGINT;
  CREATE INDEX tickets_by_department ON tickets (department, status, created_at);
  CREATE INDEX tickets_undispatched ON tickets (created_at) WHERE dispatch_state = 'pending';
  CREATE TABLE ticket_events (
    id BIGSERIAL PRIMARY KEY,
    reference TEXT NOT NULL,
    at BIGINT NOT NULL,
    staff_id TEXT,
    type TEXT NOT NULL CHECK (type IN ('dispatch', 'department', 'status', 'note', 'message')),
    from_value TEXT,
    to_value TEXT,
    text TEXT,
    message_id BIGINT
  );
  CREATE INDEX ticket_events_by_ticket ON ticket_events (reference, id);
  CREATE TABLE staff_departments (
    staff_id TEXT NOT NULL REFERENCES staff_users(id) ON DELETE CASCADE,
    department TEXT NOT NULL,
    PRIMARY KEY (staff_id, department)
  );
  `,
  `
  -- As SQLite's migration 9: wrong answers to the phone-digit proof per
  -- ticket number, from all sessions together (src/dialogue/reference-proof.ts).
  -- No link to tickets: unknown numbers are counted the same.
  CREATE TABLE ticket_proofs (
    reference TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    window_start BIGINT NOT NULL
  );
  `,
  `
  -- PostgreSQL only (SQLite keeps such a secret in a DATA_DIR file): secrets
  -- every instance on the database must share, generated by the first that
  -- needs one (the citizen cookie's signing key, citizen-identity.ts).
  CREATE TABLE app_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created_at BIGINT NOT NULL
  );
  `,
  `
  -- As SQLite's migration 10: a ticket's priority (urgent: an emergency filed
  -- when nobody was on duty); tickets filed before this are 'normal'.
  ALTER TABLE tickets ADD COLUMN priority TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('urgent', 'high', 'normal'));
  `,
  `
  -- As SQLite's migration 11: failed staff logins per name and source, counted
  -- by every instance together (src/staff/login-throttle.ts).
  CREATE TABLE login_failures (
    name TEXT NOT NULL,
    source TEXT NOT NULL,
    failures INTEGER NOT NULL,
    paused_until BIGINT NOT NULL DEFAULT 0,
    last_at BIGINT NOT NULL,
    PRIMARY KEY (name, source)
  );
  -- The per-account lock these counted (anyone could lock a named account)
  -- was replaced by the per-name-and-source pause above; nothing reads them.
  ALTER TABLE staff_users DROP COLUMN failed_logins;
  ALTER TABLE staff_users DROP COLUMN locked_until;
  `,
  // PostgreSQL only: the fleet's leader per role (the Wechaty bot), see pg-leadership.ts.
  LEADERS_MIGRATION,
];
