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
];
