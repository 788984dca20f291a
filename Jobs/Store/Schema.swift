/// The database schema and its migrations, tracked with `PRAGMA user_version`.
///
/// Migrations only ever append: version N of the schema is `migrations[0..<N]` applied in order, each in its
/// own transaction together with the `user_version` bump.
enum Schema {
    /// The final job states, for SQL.
    static let finalJobStates = "'succeeded','failed','cancelled','expired'"

    static let migrations: [String] = [
        // 1: tenants, API keys, batches, jobs.
        """
        CREATE TABLE tenants (
            id TEXT PRIMARY KEY NOT NULL,
            created_at INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE api_keys (
            id INTEGER PRIMARY KEY,
            tenant TEXT NOT NULL REFERENCES tenants(id),
            key_hash BLOB NOT NULL UNIQUE CHECK (length(key_hash) = 32),
            prefix TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            revoked_at INTEGER
        ) STRICT;
        CREATE INDEX api_keys_tenant ON api_keys(tenant);

        CREATE TABLE batches (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            tenant TEXT NOT NULL REFERENCES tenants(id),
            endpoint TEXT NOT NULL,
            completion_window TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN
                ('validating','failed','in_progress','finalizing','completed','expired','cancelling','cancelled')),
            metadata BLOB,
            idempotency_key TEXT,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            in_progress_at INTEGER,
            finalizing_at INTEGER,
            completed_at INTEGER,
            failed_at INTEGER,
            expired_at INTEGER,
            cancelling_at INTEGER,
            cancelled_at INTEGER,
            total INTEGER NOT NULL CHECK (total >= 0),
            succeeded INTEGER NOT NULL DEFAULT 0 CHECK (succeeded >= 0),
            failed INTEGER NOT NULL DEFAULT 0 CHECK (failed >= 0),
            cancelled INTEGER NOT NULL DEFAULT 0 CHECK (cancelled >= 0),
            expired INTEGER NOT NULL DEFAULT 0 CHECK (expired >= 0),
            prompt_tokens INTEGER NOT NULL DEFAULT 0,
            completion_tokens INTEGER NOT NULL DEFAULT 0,
            cached_tokens INTEGER NOT NULL DEFAULT 0,
            CHECK (succeeded + failed + cancelled + expired <= total)
        ) STRICT;
        CREATE INDEX batches_tenant ON batches(tenant, id);
        CREATE UNIQUE INDEX batches_idempotency ON batches(tenant, idempotency_key)
            WHERE idempotency_key IS NOT NULL;

        CREATE TABLE jobs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            tenant TEXT NOT NULL REFERENCES tenants(id),
            batch_id INTEGER REFERENCES batches(id),
            custom_id TEXT,
            provider TEXT NOT NULL,
            model TEXT NOT NULL,
            endpoint TEXT NOT NULL,
            body BLOB NOT NULL,
            priority INTEGER NOT NULL,
            metadata BLOB,
            state TEXT NOT NULL CHECK (state IN ('queued','running','succeeded','failed','cancelled','expired')),
            attempt INTEGER NOT NULL DEFAULT 0 CHECK (attempt >= 0),
            max_attempts INTEGER NOT NULL CHECK (max_attempts >= 1),
            run_at INTEGER NOT NULL,
            deadline INTEGER,
            lease_token INTEGER,
            lease_expires_at INTEGER,
            -- 0: none; 1: cancelled by the tenant; 2: deadline passed while running.
            cancel_requested INTEGER NOT NULL DEFAULT 0 CHECK (cancel_requested IN (0, 1, 2)),
            idempotency_key TEXT,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            started_at INTEGER,
            finished_at INTEGER,
            response_status INTEGER,
            response_request_id TEXT,
            response_body BLOB,
            prompt_tokens INTEGER,
            completion_tokens INTEGER,
            cached_tokens INTEGER,
            error_code TEXT,
            error_message TEXT,
            CHECK ((state = 'running') = (lease_token IS NOT NULL AND lease_expires_at IS NOT NULL)),
            CHECK ((state IN ('succeeded','failed','cancelled','expired')) = (finished_at IS NOT NULL))
        ) STRICT;
        CREATE INDEX jobs_claim ON jobs(provider, priority DESC, id) WHERE state = 'queued';
        CREATE INDEX jobs_lease ON jobs(lease_expires_at) WHERE state = 'running';
        CREATE INDEX jobs_deadline ON jobs(deadline)
            WHERE state IN ('queued','running') AND deadline IS NOT NULL;
        CREATE INDEX jobs_tenant ON jobs(tenant, id);
        CREATE INDEX jobs_batch ON jobs(batch_id, id) WHERE batch_id IS NOT NULL;
        CREATE UNIQUE INDEX jobs_custom_id ON jobs(batch_id, custom_id)
            WHERE batch_id IS NOT NULL AND custom_id IS NOT NULL;
        CREATE UNIQUE INDEX jobs_idempotency ON jobs(tenant, idempotency_key)
            WHERE idempotency_key IS NOT NULL;
        """,
        // 2: the cost ledger (one row per billed upstream answer or cache hit) and cost sums on jobs and batches.
        // Money is integer micro-dollars. `cost_micros` NULL means the price was unknown (never 0 for unknown).
        // No foreign keys to jobs or batches: the ledger is the money record and outlives pruned jobs.
        """
        CREATE TABLE ledger (
            id INTEGER PRIMARY KEY,
            tenant TEXT NOT NULL,
            batch_id INTEGER,
            job_id INTEGER NOT NULL,
            provider TEXT NOT NULL,
            model TEXT NOT NULL,
            attempt INTEGER NOT NULL CHECK (attempt >= 0),
            status_code INTEGER,
            prompt_tokens INTEGER NOT NULL CHECK (prompt_tokens >= 0),
            cached_tokens INTEGER NOT NULL CHECK (cached_tokens >= 0),
            completion_tokens INTEGER NOT NULL CHECK (completion_tokens >= 0),
            usage_reported INTEGER NOT NULL CHECK (usage_reported IN (0, 1)),
            tier TEXT NOT NULL CHECK (tier IN ('standard','batch')),
            cost_micros INTEGER CHECK (cost_micros >= 0),
            price_version TEXT NOT NULL,
            cache_hit INTEGER NOT NULL CHECK (cache_hit IN (0, 1)),
            saved_micros INTEGER CHECK (saved_micros >= 0),
            created_at INTEGER NOT NULL,
            CHECK (cache_hit = 1 OR saved_micros = 0),
            CHECK (cache_hit = 0 OR cost_micros = 0),
            CHECK (usage_reported = 1 OR cost_micros IS NULL OR cache_hit = 1)
        ) STRICT;
        CREATE INDEX ledger_tenant_time ON ledger(tenant, created_at);
        CREATE INDEX ledger_time ON ledger(created_at);
        CREATE INDEX ledger_job ON ledger(job_id);

        ALTER TABLE jobs ADD COLUMN cost_micros INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE jobs ADD COLUMN unknown_cost_requests INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE jobs ADD COLUMN saved_micros INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE batches ADD COLUMN cost_micros INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE batches ADD COLUMN unknown_cost_requests INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE batches ADD COLUMN saved_micros INTEGER NOT NULL DEFAULT 0;
        """,
        // 3: fair claiming across tenants. The claim walks the tenants with queued work of a provider and takes each
        // one's best jobs (priority, then FIFO), so the claim index leads with (provider, tenant); it replaces the
        // provider-wide one, which nothing else reads.
        """
        CREATE INDEX jobs_claim_fair ON jobs(provider, tenant, priority DESC, id) WHERE state = 'queued';
        DROP INDEX jobs_claim;
        """,
        // 4 (quotas): each tenant's quota limits, one row per tenant, one nullable column per quota (NULL: no limit).
        // Dollars are micro-dollars. `revision` grows with every update so in-memory copies never go back in time.
        """
        CREATE TABLE tenant_quotas (
            tenant TEXT PRIMARY KEY NOT NULL REFERENCES tenants(id),
            requests_per_minute INTEGER CHECK (requests_per_minute >= 0),
            requests_per_day INTEGER CHECK (requests_per_day >= 0),
            requests_per_month INTEGER CHECK (requests_per_month >= 0),
            tokens_per_minute INTEGER CHECK (tokens_per_minute >= 0),
            tokens_per_day INTEGER CHECK (tokens_per_day >= 0),
            tokens_per_month INTEGER CHECK (tokens_per_month >= 0),
            usd_micros_per_minute INTEGER CHECK (usd_micros_per_minute >= 0),
            usd_micros_per_day INTEGER CHECK (usd_micros_per_day >= 0),
            usd_micros_per_month INTEGER CHECK (usd_micros_per_month >= 0),
            revision INTEGER NOT NULL CHECK (revision >= 1),
            updated_at INTEGER NOT NULL
        ) STRICT;
        """,
        // 5 (cache): the response cache, keyed by the request's fingerprint (SHA-256 over the canonical request,
        // including the tenant when the cache is tenant-scoped), with its TTL; and each job's cache control.
        """
        CREATE TABLE cache (
            key BLOB PRIMARY KEY NOT NULL CHECK (length(key) = 32),
            tenant TEXT NOT NULL,
            provider TEXT NOT NULL,
            model TEXT NOT NULL,
            response_status INTEGER NOT NULL,
            response_request_id TEXT,
            response_body BLOB NOT NULL,
            prompt_tokens INTEGER,
            completion_tokens INTEGER,
            cached_tokens INTEGER,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            hits INTEGER NOT NULL DEFAULT 0 CHECK (hits >= 0)
        ) STRICT;
        CREATE INDEX cache_expiry ON cache(expires_at);

        ALTER TABLE jobs ADD COLUMN cache_mode TEXT NOT NULL DEFAULT 'auto'
            CHECK (cache_mode IN ('auto','use','bypass','refresh'));
        """,
        // 6 (files): OpenAI's Files API and the file side of its batches. A file's bytes live on disk beside the
        // database (`files/file-<id>.jsonl`), written and fsynced before the row commits; the row is the truth
        // (a file without a row is debris). `deleted_at` hides a file from the API; its bytes are removed after.
        // `request_hash` (SHA-256 of a create's canonical request) lets an `Idempotency-Key` repeat with a
        // different body be told apart (422). Batches made from a file keep their input, output and error files,
        // the line errors of a failed validation (OpenAI's `errors` object as JSON), and the batch they retry.
        """
        CREATE TABLE files (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            tenant TEXT NOT NULL REFERENCES tenants(id),
            purpose TEXT NOT NULL CHECK (purpose IN ('batch','batch_output','user_data')),
            filename TEXT NOT NULL,
            bytes INTEGER NOT NULL CHECK (bytes >= 0),
            lines INTEGER CHECK (lines >= 0),
            sha256 BLOB CHECK (sha256 IS NULL OR length(sha256) = 32),
            idempotency_key TEXT,
            request_hash BLOB CHECK (request_hash IS NULL OR length(request_hash) = 32),
            created_at INTEGER NOT NULL,
            expires_at INTEGER,
            deleted_at INTEGER
        ) STRICT;
        CREATE INDEX files_tenant ON files(tenant, id) WHERE deleted_at IS NULL;
        CREATE UNIQUE INDEX files_idempotency ON files(tenant, idempotency_key)
            WHERE idempotency_key IS NOT NULL;

        ALTER TABLE batches ADD COLUMN input_file_id INTEGER REFERENCES files(id);
        ALTER TABLE batches ADD COLUMN output_file_id INTEGER REFERENCES files(id);
        ALTER TABLE batches ADD COLUMN error_file_id INTEGER REFERENCES files(id);
        ALTER TABLE batches ADD COLUMN errors BLOB;
        ALTER TABLE batches ADD COLUMN retry_of INTEGER REFERENCES batches(id);
        ALTER TABLE batches ADD COLUMN request_hash BLOB CHECK (request_hash IS NULL OR length(request_hash) = 32);
        ALTER TABLE jobs ADD COLUMN request_hash BLOB CHECK (request_hash IS NULL OR length(request_hash) = 32);
        """,
        // 7 (webhooks): endpoints per tenant with their `whsec_` secrets (a rotated-out secret keeps signing until
        // `previous_secret_expires_at`); `events` NULL means every type, else the types as ',a.b,c.d,'. One tenant-wide
        // secret (`webhook_secrets`) signs the deliveries to jobs' one-off `webhook_url`s. `webhook_events` is the
        // outbox, written in the transaction of the final transition, with the exact payload bytes; one delivery per
        // event × endpoint (or × one-off URL). A delivery's `next_attempt_at` is when it is due while `pending`, and
        // when its lease ends while `delivering` (then it is claimable again). `webhook_attempts` is the delivery log.
        """
        CREATE TABLE webhook_endpoints (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            tenant TEXT NOT NULL REFERENCES tenants(id),
            url TEXT NOT NULL,
            secret TEXT NOT NULL,
            previous_secret TEXT,
            previous_secret_expires_at INTEGER,
            events TEXT,
            description TEXT,
            idempotency_key TEXT,
            request_hash BLOB CHECK (request_hash IS NULL OR length(request_hash) = 32),
            created_at INTEGER NOT NULL,
            disabled_at INTEGER,
            disabled_reason TEXT,
            deleted_at INTEGER
        ) STRICT;
        CREATE INDEX webhook_endpoints_tenant ON webhook_endpoints(tenant, id) WHERE deleted_at IS NULL;
        CREATE UNIQUE INDEX webhook_endpoints_idempotency ON webhook_endpoints(tenant, idempotency_key)
            WHERE idempotency_key IS NOT NULL;

        CREATE TABLE webhook_secrets (
            tenant TEXT PRIMARY KEY NOT NULL REFERENCES tenants(id),
            secret TEXT NOT NULL,
            previous_secret TEXT,
            previous_secret_expires_at INTEGER,
            created_at INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE webhook_events (
            id INTEGER PRIMARY KEY,
            event_id TEXT NOT NULL UNIQUE,
            tenant TEXT NOT NULL,
            type TEXT NOT NULL CHECK (type IN ('job.completed','job.failed','batch.completed','batch.failed',
                'batch.expired','batch.cancelled')),
            subject TEXT NOT NULL,
            payload BLOB NOT NULL,
            created_at INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE webhook_deliveries (
            id INTEGER PRIMARY KEY,
            event INTEGER NOT NULL REFERENCES webhook_events(id),
            endpoint_id INTEGER REFERENCES webhook_endpoints(id),
            url TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('pending','delivering','delivered','failed')),
            attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
            next_attempt_at INTEGER,
            last_status INTEGER,
            last_error TEXT,
            delivered_at INTEGER,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            CHECK ((state IN ('pending','delivering')) = (next_attempt_at IS NOT NULL)),
            CHECK ((state = 'delivered') = (delivered_at IS NOT NULL))
        ) STRICT;
        CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at)
            WHERE state IN ('pending','delivering');
        CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries(endpoint_id, id) WHERE endpoint_id IS NOT NULL;

        CREATE TABLE webhook_attempts (
            id INTEGER PRIMARY KEY,
            delivery_id INTEGER NOT NULL REFERENCES webhook_deliveries(id),
            attempt INTEGER NOT NULL CHECK (attempt >= 1),
            at INTEGER NOT NULL,
            status INTEGER,
            duration_ms INTEGER NOT NULL CHECK (duration_ms >= 0),
            error TEXT
        ) STRICT;
        CREATE INDEX webhook_attempts_delivery ON webhook_attempts(delivery_id, attempt);

        ALTER TABLE jobs ADD COLUMN webhook_url TEXT;
        """,
        // 8 (webhooks): the deliveries of an event, for pruning old webhook history (events, their deliveries and
        // their attempts once every delivery is final).
        """
        CREATE INDEX webhook_deliveries_event ON webhook_deliveries(event);
        """,
    ]

    /// The schema version this build writes.
    static var currentVersion: Int64 { Int64(migrations.count) }

    /// Puts the database in WAL mode and applies the migrations it lacks. Runs on the writer's connection.
    ///
    /// "The WAL journaling mode uses a write-ahead log instead of a rollback journal … WAL mode is persistent;
    /// after being set it stays in effect across multiple database connections and after closing and
    /// reopening the database." — https://www.sqlite.org/wal.html
    static func migrate(_ connection: SQLiteConnection) throws {
        let mode = try connection.textPragma("journal_mode = WAL")
        guard mode.lowercased() == "wal" else {
            throw JobsError(.migration, message: "the database refused WAL mode (journal_mode is \(mode))")
        }
        let version = try connection.integerPragma("user_version")
        guard version <= currentVersion else {
            throw JobsError(
                .migration,
                message: "the database has schema version \(version), newer than this build's \(currentVersion)"
            )
        }
        for index in Int(version)..<migrations.count {
            do {
                try connection.execute("BEGIN IMMEDIATE")
                try connection.execute(migrations[index])
                try connection.execute("PRAGMA user_version = \(index + 1)")
                try connection.execute("COMMIT")
            } catch {
                if !connection.isAutocommit { try? connection.execute("ROLLBACK") }
                let detail = (error as? JobsError)?.message ?? "\(error)"
                throw JobsError(
                    .migration,
                    message: "migration \(index + 1) failed: \(detail)",
                    sqliteCode: (error as? JobsError)?.sqliteCode
                )
            }
        }
    }
}
