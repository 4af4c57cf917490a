#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/config.h"
#include "daemon/sqlite.h"
#include "feeds/result.h"

// Store hygiene: integrity checks, online backups and retention. These work
// on the store's SQLite file and schema (daemon/store.h) but own no state.
namespace tributary::daemon {

// Runs `PRAGMA quick_check` (`quick`) or `PRAGMA integrity_check` on `db`.
// Fails with Errc::database and a message naming `what` and the first
// problems SQLite reports when the database is damaged.
Result<void> check_integrity(sqlite::Database& db, const std::string& what, bool quick);

// Opens the store at `path` read-only and checks it as above. A missing file
// is fine (a first start creates it).
Result<void> check_store_file(const std::string& path, bool quick);

struct BackupStats {
  std::int64_t bytes = 0;   // size of the backup file
  std::int64_t pages = 0;
  std::int64_t feeds = 0;
  std::int64_t items = 0;
};

// Copies the store at `source` to `destination` with SQLite's online backup
// API: a consistent snapshot even while the daemon writes (WAL readers see
// the last committed transaction). The copy is written to a temporary file
// beside `destination`, checked with PRAGMA integrity_check, switched out of
// WAL mode (one self-contained file) and renamed into place, so
// `destination` is either the old file or a complete backup.
Result<BackupStats> backup_store(const std::string& source, const std::string& destination);

// The items an output lists: the newest `limit` of `feed_ids` (every feed
// when empty), ordered as Store::newest orders them.
struct OutputWindow {
  int limit = 0;
  std::vector<std::int64_t> feed_ids;
};

// What the retention rules retire now.
struct RetentionPlan {
  std::vector<std::int64_t> item_ids;  // to delete (Store::retire), at most `batch`
  int kept_for_outputs = 0;            // due for removal but listed in an output
  bool more = false;                   // more are due than `batch`: plan again
};

// The items `policy` retires (see config::RetentionConfig) at `now`: older
// than max_age by publication time (first-seen time when undated), or
// beyond the newest max_items_per_feed of every feed they came from; minus,
// with keep_in_outputs, those an output in `outputs` lists. Reads only; the
// caller deletes them with Store::retire, which also remembers their keys
// so that a feed still listing an old item does not bring it back as new.
Result<RetentionPlan> retention_plan(sqlite::Database& db, const config::RetentionConfig& policy,
                                     const std::vector<OutputWindow>& outputs, std::int64_t now,
                                     int batch = 5000);

}  // namespace tributary::daemon
