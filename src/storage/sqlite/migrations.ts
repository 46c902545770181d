/** Schema migrations, applied in order, each once. Never edit a shipped one; add a new one. */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    channel TEXT NOT NULL,
    user_id TEXT NOT NULL,
    state TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (channel, user_id)
  );
  CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    text TEXT NOT NULL,
    intent TEXT,
    score REAL,
    model_version TEXT,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX messages_by_conversation ON messages (conversation_id, id);
  CREATE TABLE sequences (
    kind TEXT NOT NULL,
    day TEXT NOT NULL,
    value INTEGER NOT NULL,
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
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE tickets (
    reference TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('complaint', 'suggestion')),
    channel TEXT NOT NULL,
    user_id TEXT NOT NULL,
    description TEXT NOT NULL,
    location TEXT,
    phone TEXT,
    status TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'resolved', 'closed')),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE handoffs (
    id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    user_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    priority TEXT NOT NULL CHECK (priority IN ('urgent', 'high', 'normal')),
    summary TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'claimed', 'closed')),
    created_at INTEGER NOT NULL
  );
  CREATE INDEX handoffs_open ON handoffs (status, priority, created_at);
  `,
  `
  -- Deliveries of channel messages that the channel may retry (WeChat resends
  -- a message up to three times). The key is written in the same transaction
  -- as the dialogue turn, so a turn never runs twice for one delivery.
  CREATE TABLE deliveries (
    key TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    reply TEXT,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE channel_tokens (
    name TEXT PRIMARY KEY,
    token TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  );
  `,
  `
  -- Human handoff and the staff console; the message trace for review.
  -- tickets and handoffs are rebuilt because SQLite cannot widen a CHECK.
  CREATE TABLE tickets_v3 (
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
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  INSERT INTO tickets_v3 (reference, conversation_id, kind, channel, user_id, description, location, phone, status, created_at, updated_at)
    SELECT reference, conversation_id, kind, channel, user_id, description, location, phone, status, created_at, updated_at FROM tickets;
  DROP TABLE tickets;
  ALTER TABLE tickets_v3 RENAME TO tickets;
  CREATE INDEX tickets_by_user ON tickets (channel, user_id);

  CREATE TABLE handoffs_v3 (
    id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    user_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    priority TEXT NOT NULL CHECK (priority IN ('urgent', 'high', 'normal')),
    summary TEXT NOT NULL,
    -- callback: the citizen could not be answered in time (out of office
    -- hours, or WeChat's 48-hour window closed); a ticket holds the request.
    status TEXT NOT NULL CHECK (status IN ('queued', 'claimed', 'closed', 'callback')),
    claimed_by TEXT,
    claimed_at INTEGER,
    first_response_at INTEGER,
    last_activity_at INTEGER NOT NULL,
    last_citizen_at INTEGER NOT NULL,
    closed_at INTEGER,
    closed_by TEXT,
    resolution TEXT,
    callback_reference TEXT,
    created_at INTEGER NOT NULL
  );
  INSERT INTO handoffs_v3 (id, conversation_id, channel, user_id, reason, priority, summary, status, last_activity_at, last_citizen_at, created_at)
    SELECT id, conversation_id, channel, user_id, reason, priority, summary, status, created_at, created_at, created_at FROM handoffs;
  DROP TABLE handoffs;
  ALTER TABLE handoffs_v3 RENAME TO handoffs;
  CREATE INDEX handoffs_open ON handoffs (status, priority, created_at);
  CREATE INDEX handoffs_by_conversation ON handoffs (conversation_id, created_at);

  -- Who wrote a message, how it reached the citizen, and what the assistant
  -- understood (intent alternatives, entities, slots) and did with it.
  ALTER TABLE messages ADD COLUMN author TEXT NOT NULL DEFAULT 'assistant';
  ALTER TABLE messages ADD COLUMN staff_id TEXT;
  ALTER TABLE messages ADD COLUMN delivery TEXT;
  ALTER TABLE messages ADD COLUMN delivery_error TEXT;
  ALTER TABLE messages ADD COLUMN outcome TEXT;
  ALTER TABLE messages ADD COLUMN trace TEXT;
  ALTER TABLE messages ADD COLUMN masked_text TEXT;
  UPDATE messages SET author = 'citizen' WHERE direction = 'in';
  CREATE INDEX messages_pending ON messages (conversation_id, delivery) WHERE delivery = 'pending';
  CREATE INDEX messages_by_time ON messages (created_at);

  CREATE TABLE staff_users (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('agent', 'maintainer', 'admin')),
    password_hash TEXT NOT NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until INTEGER,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE staff_sessions (
    token_hash TEXT PRIMARY KEY,
    staff_id TEXT NOT NULL REFERENCES staff_users(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    staff_id TEXT,
    action TEXT NOT NULL,
    target TEXT,
    details TEXT
  );
  CREATE INDEX audit_by_time ON audit_log (at);
  CREATE TABLE handoff_notes (
    id INTEGER PRIMARY KEY,
    handoff_id TEXT NOT NULL,
    staff_id TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE canned_replies (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE ratings (
    id INTEGER PRIMARY KEY,
    handoff_id TEXT NOT NULL UNIQUE,
    conversation_id TEXT NOT NULL,
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
    comment TEXT,
    follow_up_reference TEXT,
    created_at INTEGER NOT NULL
  );

  -- Model versions: artifacts live in DATA_DIR/models/<version>; this row
  -- records how each came to be and who promoted it.
  CREATE TABLE model_versions (
    version TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    corpus_hash TEXT NOT NULL,
    metrics TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('candidate', 'active', 'retired', 'rejected')),
    promoted_at INTEGER,
    promoted_by TEXT,
    force_reason TEXT
  );
  `,
  `
  -- Review queue: which message texts a maintainer has labelled. The label
  -- itself lives in corpus/reviewed/ (versioned with the corpus); this row
  -- keeps the text out of the queue, makes two maintainers labelling the
  -- same item at once safe (the second is refused), and says who did it.
  -- text_key is the normalised masked text (src/review/review-key.ts).
  CREATE TABLE review_labels (
    text_key TEXT PRIMARY KEY,
    group_key TEXT NOT NULL,
    label TEXT NOT NULL,
    staff_id TEXT,
    by_name TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX review_labels_by_group ON review_labels (group_key);
  `,
  `
  -- Staff messages a channel did not take (held outside WeChat's 48-hour
  -- window, or a failed send) are sent again when the citizen next writes
  -- (StaffDesk.redeliver): every turn on a WeChat channel looks here, so the
  -- index holds only those few rows.
  CREATE INDEX messages_undelivered ON messages (conversation_id, id) WHERE delivery IN ('held', 'failed');
  `,
  `
  -- A delivery whose answer missed WeChat's passive-reply deadline and went
  -- out through the customer-service API: WeChat's retries of it are
  -- answered "success", also after a restart (src/channels/wechat-oa/webhook.ts).
  ALTER TABLE deliveries ADD COLUMN answered_late INTEGER NOT NULL DEFAULT 0;
  `,
  `
  -- Two kinds of model are versioned and promoted the same way: the intent
  -- model and the dispatch (派单) model. Each kind has its own active version.
  ALTER TABLE model_versions ADD COLUMN kind TEXT NOT NULL DEFAULT 'intent' CHECK (kind IN ('intent', 'department'));
  `,
  `
  -- Tickets reach a department and citizens hear back (issue 13). The table
  -- is rebuilt because SQLite cannot widen a CHECK: a ticket may now be
  -- returned (退回). department is who handles it now (NULL: the 待分派
  -- queue); predicted_* is what the dispatch model said when it was filed,
  -- kept as it was whatever staff do later; dispatch_state 'pending' marks
  -- a ticket the model has not looked at yet (dispatch runs just after the
  -- citizen's turn commits; the sweep in src/tickets/dispatcher.ts catches
  -- any a crash left behind, including every ticket filed before this).
  CREATE TABLE tickets_v8 (
    reference TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('complaint', 'suggestion', 'callback', 'follow_up')),
    channel TEXT NOT NULL,
    user_id TEXT NOT NULL,
    description TEXT NOT NULL,
    location TEXT,
    phone TEXT,
    status TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'resolved', 'returned', 'closed')),
    handoff_id TEXT,
    department TEXT,
    department_by TEXT CHECK (department_by IN ('model', 'staff')),
    dispatch_state TEXT NOT NULL DEFAULT 'pending' CHECK (dispatch_state IN ('pending', 'done', 'failed')),
    predicted_department TEXT,
    predicted_score REAL,
    predicted_alternatives TEXT,
    dispatch_model TEXT,
    dispatched_at INTEGER,
    due_at INTEGER,
    result TEXT,
    resolved_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  INSERT INTO tickets_v8 (reference, conversation_id, kind, channel, user_id, description, location, phone, status, handoff_id, created_at, updated_at)
    SELECT reference, conversation_id, kind, channel, user_id, description, location, phone, status, handoff_id, created_at, updated_at FROM tickets;
  DROP TABLE tickets;
  ALTER TABLE tickets_v8 RENAME TO tickets;
  CREATE INDEX tickets_by_user ON tickets (channel, user_id);
  CREATE INDEX tickets_by_department ON tickets (department, status, created_at);
  CREATE INDEX tickets_undispatched ON tickets (created_at) WHERE dispatch_state = 'pending';

  -- A ticket's history: filing, dispatch, department changes (with the
  -- reason and who), status changes, notes and messages to the citizen
  -- (message_id points at the messages row, whose delivery says whether
  -- it reached them). Staff actions are also in audit_log.
  CREATE TABLE ticket_events (
    id INTEGER PRIMARY KEY,
    reference TEXT NOT NULL,
    at INTEGER NOT NULL,
    staff_id TEXT,
    type TEXT NOT NULL CHECK (type IN ('dispatch', 'department', 'status', 'note', 'message')),
    from_value TEXT,
    to_value TEXT,
    text TEXT,
    message_id INTEGER
  );
  CREATE INDEX ticket_events_by_ticket ON ticket_events (reference, id);

  -- Which departments' tickets an agent works (staff_users.departments in
  -- the API). An agent without a row here is on the hotline's own desk.
  CREATE TABLE staff_departments (
    staff_id TEXT NOT NULL REFERENCES staff_users(id) ON DELETE CASCADE,
    department TEXT NOT NULL,
    PRIMARY KEY (staff_id, department)
  );
  `,
  `
  -- Wrong answers to "the last 4 digits of the phone on ticket …" per ticket
  -- number, from every conversation and channel together, in the window
  -- that began at window_start (src/dialogue/reference-proof.ts: enough of
  -- them lock the number for a while). Keyed by the number as asked, with no
  -- link to tickets: an unknown number is counted the same, so a locked
  -- number says nothing about which numbers exist. No personal data. Rows
  -- whose window has passed count for nothing; the retention purge drops them.
  CREATE TABLE ticket_proofs (
    reference TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    window_start INTEGER NOT NULL
  );
  `,
  `
  -- A ticket's priority, as a handoff has one: an emergency filed when
  -- nobody was on duty is 'urgent', so the first staff member on duty finds
  -- it at the top of the ticket list rather than among the callbacks.
  -- Tickets filed before this were all alike: 'normal'. A CHECK and a
  -- constant default are allowed in ADD COLUMN, so no rebuild is needed.
  ALTER TABLE tickets ADD COLUMN priority TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('urgent', 'high', 'normal'));
  `,
  `
  -- Failed staff logins per name and source address (src/staff/login-throttle.ts):
  -- enough in a row pause that pair until paused_until, doubling. In the
  -- database, not in memory, so a restart forgets no pause and, on
  -- PostgreSQL, every instance counts together. The name is as typed: an
  -- unknown name is counted the same, so no row says which names exist.
  -- The expiry purge drops rows a day after their last failure.
  CREATE TABLE login_failures (
    name TEXT NOT NULL,
    source TEXT NOT NULL,
    failures INTEGER NOT NULL,
    paused_until INTEGER NOT NULL DEFAULT 0,
    last_at INTEGER NOT NULL,
    PRIMARY KEY (name, source)
  );
  -- The per-account lock these counted (anyone could lock a named account)
  -- was replaced by the per-name-and-source pause above; nothing reads them.
  ALTER TABLE staff_users DROP COLUMN failed_logins;
  ALTER TABLE staff_users DROP COLUMN locked_until;
  `,
];
