-- PostgreSQL roles for Leersessie: an owner that migrates, and an app role that cannot rewrite history.
--
--   leersessie_owner  owns the schema and every table; used only by `python -m lib.cli migrate`
--                     (leersessie-migrate.service, with its own DATABASE_URL).
--   leersessie_app    the app processes (leersessie@.service): reads and writes the domain tables, but
--                     on audit_log only SELECT and INSERT — no UPDATE, DELETE or TRUNCATE.
--
-- Run as a superuser in the app's database, before the first migration and again after every update
-- (it is idempotent):   sudo -u postgres psql -d leersessie -f deploy/postgresql.sql
-- then set the passwords once:  ALTER ROLE leersessie_owner PASSWORD '…'; ALTER ROLE leersessie_app PASSWORD '…';
-- See SECURITY.md ("The audit log") and README ("Deploying on your own server").

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'leersessie_owner') THEN
        CREATE ROLE leersessie_owner LOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'leersessie_app') THEN
        CREATE ROLE leersessie_app LOGIN;
    END IF;
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO leersessie_owner, leersessie_app', current_database());
END $$;

GRANT USAGE, CREATE ON SCHEMA public TO leersessie_owner;
GRANT USAGE ON SCHEMA public TO leersessie_app;

-- Tables and sequences the owner creates later (migrations) are usable by the app …
ALTER DEFAULT PRIVILEGES FOR ROLE leersessie_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO leersessie_app;
ALTER DEFAULT PRIVILEGES FOR ROLE leersessie_owner IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO leersessie_app;

-- … and so are those that exist already.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO leersessie_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO leersessie_app;

-- The audit log is append-only for the app: it may read and add, nothing else. (The migration
-- 9a3ee92e5fb6 does the same when it creates the TRUNCATE trigger, and a BEFORE TRUNCATE trigger
-- refuses TRUNCATE even for the owner.)
DO $$
BEGIN
    IF to_regclass('public.audit_log') IS NOT NULL THEN
        REVOKE UPDATE, DELETE, TRUNCATE ON public.audit_log FROM leersessie_app;
    END IF;
END $$;
