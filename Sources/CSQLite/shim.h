#ifndef SLUICE_CSQLITE_SHIM_H
#define SLUICE_CSQLITE_SHIM_H

#include <sqlite3.h>

/// SQLITE_TRANSIENT is a cast macro and does not import into Swift.
/// https://www.sqlite.org/c3ref/c_static.html
static inline sqlite3_destructor_type sluice_sqlite_transient(void) { return SQLITE_TRANSIENT; }

/// sqlite3_db_config is variadic; this is its typed form for integer options with an out-value.
/// https://www.sqlite.org/c3ref/db_config.html
static inline int sluice_sqlite3_db_config_int(sqlite3 *db, int op, int value, int *out) {
    return sqlite3_db_config(db, op, value, out);
}

/// sqlite3_config is variadic; this is its typed form for options taking one int (e.g. SQLITE_CONFIG_MEMSTATUS).
/// Must run before sqlite3_initialize(); afterwards it returns SQLITE_MISUSE.
/// https://www.sqlite.org/c3ref/config.html
static inline int sluice_sqlite3_config_int(int op, int value) {
    return sqlite3_config(op, value);
}

/// Binds a text value of known byte length, copied by SQLite (SQLITE_TRANSIENT).
/// An empty string is bound as '' (not NULL), whatever the pointer.
/// https://www.sqlite.org/c3ref/bind_blob.html
static inline int sluice_sqlite3_bind_text(sqlite3_stmt *stmt, int index, const char *text, int bytes) {
    if (bytes == 0) { return sqlite3_bind_text(stmt, index, "", 0, SQLITE_STATIC); }
    return sqlite3_bind_text(stmt, index, text, bytes, SQLITE_TRANSIENT);
}

/// Binds a blob of known length, copied by SQLite (SQLITE_TRANSIENT).
/// An empty blob is bound as a zero-length blob (not NULL), whatever the pointer.
/// https://www.sqlite.org/c3ref/bind_blob.html
static inline int sluice_sqlite3_bind_blob(sqlite3_stmt *stmt, int index, const void *bytes, int count) {
    if (count == 0) { return sqlite3_bind_zeroblob(stmt, index, 0); }
    return sqlite3_bind_blob(stmt, index, bytes, count, SQLITE_TRANSIENT);
}

#endif
