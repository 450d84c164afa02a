/**
 * The history store's schema, as an ordered list of migrations. `PRAGMA user_version` holds the
 * number of migrations applied; opening a store applies the missing ones, each in its own
 * transaction, so a crash mid-migration leaves the previous version intact.
 *
 * Times are epoch seconds (fail2ban's unit). The `ban_hours` and `ban_days` rollups (bans per
 * server, jail and hour or UTC day, kept by the store's insert, one update per batch) answer
 * long timelines without scanning every event. Bans (most rows) carry two indexes: one key led by time (appends in
 * time order, so cheap; covers the window queries and the merge of a ban seen twice) and
 * (ip, time) for the per-IP history.
 */
import type { DatabaseSync } from 'node:sqlite'

export const MIGRATIONS: readonly string[] = [
  // v1: events with the fields the first monitor-only version recorded.
  `CREATE TABLE events (
     id INTEGER PRIMARY KEY,
     server TEXT NOT NULL,
     jail TEXT NOT NULL,
     ip TEXT NOT NULL,
     time INTEGER NOT NULL,
     bantime INTEGER,
     kind TEXT NOT NULL CHECK (kind IN ('ban', 'unban')),
     source TEXT NOT NULL CHECK (source IN ('observed', 'manual', 'imported'))
   );
   CREATE INDEX events_time ON events(time);
   CREATE INDEX events_ip ON events(ip, time);`,
  // v2: ban count, failures and matched lines (from fail2ban's database), one row per ban
  // (the same ban seen by the monitor and the importer is merged), the hourly rollup and the
  // per-server import cursor.
  `ALTER TABLE events ADD COLUMN bancount INTEGER;
   ALTER TABLE events ADD COLUMN failures INTEGER;
   ALTER TABLE events ADD COLUMN matches TEXT;
   DELETE FROM events WHERE kind = 'ban' AND id NOT IN (
     SELECT min(id) FROM events WHERE kind = 'ban' GROUP BY server, jail, ip, time);
   CREATE UNIQUE INDEX events_ban_key ON events(time, jail, server, ip) WHERE kind = 'ban';
   DROP INDEX events_time;
   CREATE INDEX events_unban_time ON events(time) WHERE kind = 'unban';
   CREATE TABLE ban_hours (
     server TEXT NOT NULL,
     jail TEXT NOT NULL,
     hour INTEGER NOT NULL,
     n INTEGER NOT NULL,
     PRIMARY KEY (hour, jail, server)
   ) WITHOUT ROWID;
   INSERT INTO ban_hours (server, jail, hour, n)
     SELECT server, jail, time / 3600, count(*) FROM events WHERE kind = 'ban'
     GROUP BY server, jail, time / 3600;
   CREATE TABLE ban_days (
     server TEXT NOT NULL,
     jail TEXT NOT NULL,
     day INTEGER NOT NULL,
     n INTEGER NOT NULL,
     PRIMARY KEY (day, jail, server)
   ) WITHOUT ROWID;
   INSERT INTO ban_days (server, jail, day, n)
     SELECT server, jail, time / 86400, count(*) FROM events WHERE kind = 'ban'
     GROUP BY server, jail, time / 86400;
   CREATE TABLE import_cursors (
     server TEXT PRIMARY KEY,
     last_rowid INTEGER NOT NULL,
     last_time INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );`
]

export const SCHEMA_VERSION = MIGRATIONS.length

/**
 * Brings the database to `target` (default: the latest version). Refuses a database written by
 * a newer BanGUI rather than guessing at its schema.
 */
export function migrate(db: DatabaseSync, target = SCHEMA_VERSION): number {
  const current = userVersion(db)
  if (current > SCHEMA_VERSION) {
    throw new Error(
      `the history database has schema version ${current}, newer than this BanGUI knows ` +
        `(${SCHEMA_VERSION}): update BanGUI or move the file away`
    )
  }
  for (let v = current; v < target; v++) {
    db.exec('BEGIN IMMEDIATE')
    try {
      db.exec(MIGRATIONS[v]!)
      db.exec(`PRAGMA user_version = ${v + 1}`)
      db.exec('COMMIT')
    } catch (err) {
      db.exec('ROLLBACK')
      throw new Error(`history database migration to version ${v + 1} failed: ${String(err)}`, {
        cause: err
      })
    }
  }
  return userVersion(db)
}

export function userVersion(db: DatabaseSync): number {
  const row = db.prepare('PRAGMA user_version').get() as { user_version: number }
  return row.user_version
}
