/*
 * SQLite's own floor for `touchstone expose` into a fresh store: the same table, pragmas and
 * 128-row upsert (or plain INSERT) statement, fed N pre-sorted keys "u0" … "u<N-1>" (the ids of
 * `simulate experiment --units N`) with nothing else to do: no file to read, no parse, no sort.
 * Transactions of 100,000 rows, WAL, synchronous=FULL, as ExposureStore. Prints wall and CPU s.
 *
 *   gcc -O2 Benchmarks/peers/sqlite_upsert_floor.c -lsqlite3 -o /tmp/sqlite_upsert_floor
 *   /tmp/sqlite_upsert_floor upsert 1000000 /tmp/floor.db     # or: insert
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { WIDE = 128, TRANSACTION_ROWS = 100000 };

static double seconds(clockid_t clock) {
    struct timespec t;
    clock_gettime(clock, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int by_text(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int check(sqlite3 *db, int rc, const char *what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE) {
        fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db));
        exit(1);
    }
    return rc;
}

static sqlite3_stmt *prepare(sqlite3 *db, int rows, int upsert) {
    size_t capacity = 64 * (size_t)rows + 2048, used = 0;
    char *sql = malloc(capacity);
    used += snprintf(sql + used, capacity - used,
                     "INSERT INTO exposures (experiment, unit_id, variant, first_at, last_at, multi_variant) VALUES ");
    for (int r = 0; r < rows; r++)
        used += snprintf(sql + used, capacity - used, "%s(?%d,?%d,?%d,?%d,?%d,?%d)", r ? "," : "",
                         r * 6 + 1, r * 6 + 2, r * 6 + 3, r * 6 + 4, r * 6 + 5, r * 6 + 6);
    if (upsert)
        snprintf(sql + used, capacity - used,
                 " ON CONFLICT (experiment, unit_id) DO UPDATE SET"
                 " variant = CASE WHEN excluded.first_at < first_at OR (excluded.first_at = first_at AND excluded.variant < variant)"
                 " THEN excluded.variant ELSE variant END,"
                 " first_at = min(first_at, excluded.first_at), last_at = max(last_at, excluded.last_at),"
                 " multi_variant = (multi_variant OR excluded.multi_variant OR excluded.variant <> variant)"
                 " WHERE excluded.first_at < first_at OR excluded.last_at > last_at"
                 " OR (excluded.first_at = first_at AND excluded.variant < variant)"
                 " OR ((excluded.variant <> variant OR excluded.multi_variant = 1) AND multi_variant = 0)");
    sqlite3_stmt *statement;
    check(db, sqlite3_prepare_v2(db, sql, -1, &statement, NULL), "prepare");
    free(sql);
    return statement;
}

int main(int argc, char **argv) {
    if (argc != 4 || (strcmp(argv[1], "upsert") && strcmp(argv[1], "insert"))) {
        fprintf(stderr, "usage: %s upsert|insert ROWS DATABASE\n", argv[0]);
        return 2;
    }
    int upsert = strcmp(argv[1], "upsert") == 0, n = atoi(argv[2]);
    char wal[4096];
    snprintf(wal, sizeof wal, "%s-wal", argv[3]);
    unlink(argv[3]);
    unlink(wal);
    sqlite3 *db;
    check(db, sqlite3_open(argv[3], &db), "open");
    check(db, sqlite3_exec(db,
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY;"
        "CREATE TABLE exposures (experiment TEXT NOT NULL, unit_id TEXT NOT NULL, variant TEXT NOT NULL,"
        " first_at INTEGER NOT NULL, last_at INTEGER NOT NULL, multi_variant INTEGER NOT NULL DEFAULT 0,"
        " PRIMARY KEY (experiment, unit_id)) WITHOUT ROWID;"
        "CREATE INDEX exposures_multi_variant ON exposures (experiment, unit_id) WHERE multi_variant = 1;",
        NULL, NULL, NULL), "schema");
    sqlite3_stmt *wide = prepare(db, WIDE, upsert), *single = prepare(db, 1, upsert);
    char **keys = malloc(sizeof(char *) * (size_t)n);
    for (int i = 0; i < n; i++) {
        keys[i] = malloc(16);
        snprintf(keys[i], 16, "u%d", i);
    }
    qsort(keys, (size_t)n, sizeof(char *), by_text);
    static const char *variants[] = {"control", "email", "push", "email+push", "in_app", "email+in_app", "push+in_app",
                                     "email+push+in_app"};
    double wall = seconds(CLOCK_MONOTONIC), cpu = seconds(CLOCK_PROCESS_CPUTIME_ID);
    for (int start = 0; start < n; start += TRANSACTION_ROWS) {
        int end = start + TRANSACTION_ROWS < n ? start + TRANSACTION_ROWS : n;
        check(db, sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), "begin");
        for (int i = start; i < end;) {
            int rows = end - i >= WIDE ? WIDE : 1;
            sqlite3_stmt *statement = rows == WIDE ? wide : single;
            for (int r = 0; r < rows; r++, i++) {
                long long at = 1773529643000000LL + i;
                sqlite3_bind_text(statement, r * 6 + 1, "onboarding_channels", -1, SQLITE_STATIC);
                sqlite3_bind_text(statement, r * 6 + 2, keys[i], -1, SQLITE_STATIC);
                sqlite3_bind_text(statement, r * 6 + 3, variants[i & 7], -1, SQLITE_STATIC);
                sqlite3_bind_int64(statement, r * 6 + 4, at);
                sqlite3_bind_int64(statement, r * 6 + 5, at);
                sqlite3_bind_int64(statement, r * 6 + 6, 0);
            }
            check(db, sqlite3_step(statement), "step");
            sqlite3_reset(statement);
        }
        check(db, sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), "commit");
    }
    sqlite3_finalize(wide);
    sqlite3_finalize(single);
    check(db, sqlite3_close(db), "close");
    printf("%s %d rows: wall %.3f s, cpu %.3f s\n", argv[1], n, seconds(CLOCK_MONOTONIC) - wall,
           seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu);
    return 0;
}
