// Schema migrations of both SQL stores: an ordered list, applied once each and recorded in
// schema_migrations. Each runs in the transaction that records it, so a crash leaves it applied or not.
// Several processes starting at once: SQLite serializes them with BEGIN IMMEDIATE, PostgreSQL with a
// transaction-scoped advisory lock (postgres-store.ts). Never edit a released migration: add one.

export interface Migration {
  id: number
  name: string
  sqlite: string
  postgres: string
}

export const MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: 'users, tasks, sessions, session messages',
    sqlite: `
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        email TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        next_task_id INTEGER NOT NULL DEFAULT 1
      ) STRICT;
      CREATE TABLE tasks (
        user_id TEXT NOT NULL REFERENCES users(id),
        id INTEGER NOT NULL,
        title TEXT NOT NULL,
        description TEXT NOT NULL,
        completed INTEGER NOT NULL,
        priority TEXT NOT NULL,
        tags TEXT NOT NULL,
        due_date TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        completed_at TEXT,
        PRIMARY KEY (user_id, id)
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id),
        created_at TEXT NOT NULL,
        last_activity_ms INTEGER NOT NULL,
        message_count INTEGER NOT NULL DEFAULT 0,
        timezone TEXT
      ) STRICT;
      CREATE INDEX sessions_by_last_activity ON sessions (last_activity_ms);
      CREATE TABLE session_messages (
        session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        message TEXT NOT NULL,
        PRIMARY KEY (session_id, seq)
      ) STRICT, WITHOUT ROWID;`,
    postgres: `
      CREATE TABLE users (
        id text PRIMARY KEY,
        email text NOT NULL UNIQUE,
        password_hash text NOT NULL,
        created_at text NOT NULL,
        next_task_id bigint NOT NULL DEFAULT 1
      );
      CREATE TABLE tasks (
        user_id text NOT NULL REFERENCES users(id),
        id bigint NOT NULL,
        title text NOT NULL,
        description text NOT NULL,
        completed boolean NOT NULL,
        priority text NOT NULL,
        tags text[] NOT NULL,
        due_date text,
        created_at text NOT NULL,
        updated_at text NOT NULL,
        completed_at text,
        PRIMARY KEY (user_id, id)
      );
      CREATE TABLE sessions (
        id text PRIMARY KEY,
        user_id text NOT NULL REFERENCES users(id),
        created_at text NOT NULL,
        last_activity_ms bigint NOT NULL,
        message_count bigint NOT NULL DEFAULT 0,
        timezone text
      );
      CREATE INDEX sessions_by_last_activity ON sessions (last_activity_ms);
      CREATE INDEX sessions_by_user ON sessions (user_id);
      CREATE TABLE session_messages (
        session_id text NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        seq bigint NOT NULL,
        message jsonb NOT NULL,
        PRIMARY KEY (session_id, seq)
      );`,
  },
  {
    id: 2,
    name: 'users.tasks_version: changes with every write of the user tasks (list caching)',
    // SQLite caches lists by its own data_version instead; the column exists there too, so both schemas match.
    sqlite: 'ALTER TABLE users ADD COLUMN tasks_version INTEGER NOT NULL DEFAULT 0;',
    postgres: 'ALTER TABLE users ADD COLUMN tasks_version bigint NOT NULL DEFAULT 0;',
  },
]

export const MIGRATIONS_TABLE = 'schema_migrations'

/** The newest migration this code knows; a database with a newer one was written by a newer release. */
export const SCHEMA_VERSION = MIGRATIONS.at(-1)!.id
