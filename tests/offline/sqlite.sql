-- migrate: head for SQLite

CREATE TABLE IF NOT EXISTS "migrate_version" (version_num VARCHAR(255) NOT NULL PRIMARY KEY);
CREATE TABLE IF NOT EXISTS "migrate_version_log" (id INTEGER PRIMARY KEY AUTOINCREMENT, revision VARCHAR(255) NOT NULL, direction VARCHAR(16) NOT NULL, checksum VARCHAR(64) NOT NULL, applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')), duration_ms BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS "migrate_version_progress" (revision VARCHAR(255) NOT NULL, direction VARCHAR(16) NOT NULL, checksum VARCHAR(64) NOT NULL, position INTEGER NOT NULL, operation INTEGER NOT NULL, outcome VARCHAR(16) NOT NULL, statement_checksum VARCHAR(32) NOT NULL, statement TEXT NOT NULL, message TEXT);
CREATE TABLE IF NOT EXISTS "migrate_version_state" (layout VARCHAR(16) NOT NULL, applied_digest VARCHAR(32));
INSERT INTO "migrate_version_state" (layout) VALUES ('2');

-- Running upgrade  -> off1: offline::off1 (tests/offline.rs:23)
BEGIN;
CREATE TABLE off_users (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL);
INSERT INTO off_users (id, name) VALUES (1, 'O''Brien');
INSERT INTO "migrate_version" (version_num) VALUES ('off1');
INSERT INTO "migrate_version_log" (revision, direction, checksum, duration_ms) VALUES ('off1', 'upgrade', '28e2e53341c8254f30f0ae43a488bb5e3a8f8fca85a80090175db9ece2cbce94', 0);
COMMIT;

-- Running upgrade off1 -> off2b: offline::off2b (tests/offline.rs:38)
CREATE TABLE off_tags (id INTEGER PRIMARY KEY);
BEGIN;
UPDATE "migrate_version" SET version_num = 'off2b' WHERE version_num = 'off1';
INSERT INTO "migrate_version_log" (revision, direction, checksum, duration_ms) VALUES ('off2b', 'upgrade', '0e10f024c69de2b77eafe1d58ba7c3c494520e3afa53fb885ca66d69a788b136', 0);
COMMIT;

-- Running upgrade off2b -> off2a, off2b: offline::off2a (tests/offline.rs:31)
BEGIN;
CREATE TABLE off_posts (id INTEGER PRIMARY KEY);
INSERT INTO "migrate_version" (version_num) VALUES ('off2a');
INSERT INTO "migrate_version_log" (revision, direction, checksum, duration_ms) VALUES ('off2a', 'upgrade', '22a4f158fb91a1a8981ebfcf7fe5c448df8ede8f5e955dc3d19755ba56ac35f5', 0);
COMMIT;

-- Running upgrade off2a, off2b -> off3: offline::off3 (tests/offline.rs:45)
BEGIN;
DELETE FROM "migrate_version" WHERE version_num = 'off2a';
DELETE FROM "migrate_version" WHERE version_num = 'off2b';
INSERT INTO "migrate_version" (version_num) VALUES ('off3');
INSERT INTO "migrate_version_log" (revision, direction, checksum, duration_ms) VALUES ('off3', 'upgrade', 'b423d8c0cc66d37cef687003cc3bfcee7256e4d54ccf76e2bb60896de5b061cd', 0);
COMMIT;

-- Running upgrade off3 -> off4: offline::off4 (tests/offline.rs:49)
BEGIN;
CREATE TABLE "off_orders" ("id" INTEGER NOT NULL, "user_id" INTEGER NOT NULL, "total" NUMERIC(10, 2) NOT NULL DEFAULT 0, "placed_at" TIMESTAMP WITH TIME ZONE, PRIMARY KEY ("id"), CONSTRAINT "off_orders_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "off_users" ("id"));
CREATE INDEX "off_orders_placed" ON "off_orders" ("placed_at");
UPDATE "migrate_version" SET version_num = 'off4' WHERE version_num = 'off3';
INSERT INTO "migrate_version_log" (revision, direction, checksum, duration_ms) VALUES ('off4', 'upgrade', '80ca45c84660ffae60d995a981ad288ce678a7ce3bc1be6afc0ba6b2765c3efe', 0);
COMMIT;

-- Running upgrade off4 -> off5: offline::off5 (tests/offline.rs:61)
BEGIN;
CREATE INDEX IF NOT EXISTS "off_orders_total" ON "off_orders" ("total");
UPDATE "migrate_version" SET version_num = 'off5' WHERE version_num = 'off4';
INSERT INTO "migrate_version_log" (revision, direction, checksum, duration_ms) VALUES ('off5', 'upgrade', 'd49a4521456108b433538a1c953024998db51e2509fec714a4effcef3fe6b884', 0);
COMMIT;

-- migrate: head:base for SQLite

UPDATE "migrate_version_state" SET applied_digest = NULL;

-- Running downgrade off5 -> off4: offline::off5 (tests/offline.rs:61)
BEGIN;
DROP INDEX IF EXISTS "off_orders_total";
UPDATE "migrate_version" SET version_num = 'off4' WHERE version_num = 'off5';
INSERT INTO "migrate_version_log" (revision, direction, checksum, duration_ms) VALUES ('off5', 'downgrade', 'd49a4521456108b433538a1c953024998db51e2509fec714a4effcef3fe6b884', 0);
COMMIT;

-- Running downgrade off4 -> off3: offline::off4 (tests/offline.rs:49)
BEGIN;
DROP TABLE "off_orders";
UPDATE "migrate_version" SET version_num = 'off3' WHERE version_num = 'off4';
INSERT INTO "migrate_version_log" (revision, direction, checksum, duration_ms) VALUES ('off4', 'downgrade', '80ca45c84660ffae60d995a981ad288ce678a7ce3bc1be6afc0ba6b2765c3efe', 0);
COMMIT;

-- Running downgrade off3 -> off2a, off2b: offline::off3 (tests/offline.rs:45)
BEGIN;
DELETE FROM "migrate_version" WHERE version_num = 'off3';
INSERT INTO "migrate_version" (version_num) VALUES ('off2a');
INSERT INTO "migrate_version" (version_num) VALUES ('off2b');
INSERT INTO "migrate_version_log" (revision, direction, checksum, duration_ms) VALUES ('off3', 'downgrade', 'b423d8c0cc66d37cef687003cc3bfcee7256e4d54ccf76e2bb60896de5b061cd', 0);
COMMIT;

-- Running downgrade off2a, off2b -> off2b: offline::off2a (tests/offline.rs:31)
BEGIN;
DROP TABLE off_posts;
DELETE FROM "migrate_version" WHERE version_num = 'off2a';
INSERT INTO "migrate_version_log" (revision, direction, checksum, duration_ms) VALUES ('off2a', 'downgrade', '22a4f158fb91a1a8981ebfcf7fe5c448df8ede8f5e955dc3d19755ba56ac35f5', 0);
COMMIT;

-- Running downgrade off2b -> off1: offline::off2b (tests/offline.rs:38)
DROP TABLE off_tags;
BEGIN;
UPDATE "migrate_version" SET version_num = 'off1' WHERE version_num = 'off2b';
INSERT INTO "migrate_version_log" (revision, direction, checksum, duration_ms) VALUES ('off2b', 'downgrade', '0e10f024c69de2b77eafe1d58ba7c3c494520e3afa53fb885ca66d69a788b136', 0);
COMMIT;

-- Running downgrade off1 -> : offline::off1 (tests/offline.rs:23)
BEGIN;
DROP TABLE off_users;
DELETE FROM "migrate_version" WHERE version_num = 'off1';
INSERT INTO "migrate_version_log" (revision, direction, checksum, duration_ms) VALUES ('off1', 'downgrade', '28e2e53341c8254f30f0ae43a488bb5e3a8f8fca85a80090175db9ece2cbce94', 0);
COMMIT;

