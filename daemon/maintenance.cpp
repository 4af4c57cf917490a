#include "daemon/maintenance.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

#include <fmt/format.h>

namespace tributary::daemon {
namespace {

namespace fs = std::filesystem;

// Frees a sqlite3_backup on every path out.
struct BackupHandle {
  sqlite3_backup* handle = nullptr;
  ~BackupHandle() {
    if (handle) sqlite3_backup_finish(handle);
  }
};

Result<std::int64_t> count(sqlite::Database& db, std::string_view sql) {
  auto s = db.prepare(sql);
  if (!s) return tl::unexpected(s.error());
  auto row = s->step();
  if (!row) return tl::unexpected(row.error());
  return *row ? s->column_int(0) : 0;
}

// Selects the items of one output, as Store::newest orders them.
std::string output_query(const OutputWindow& o) {
  std::string filter;
  if (!o.feed_ids.empty()) {
    filter = "WHERE id IN (SELECT item_id FROM item_sources WHERE feed_id IN (";
    for (std::size_t i = 0; i < o.feed_ids.size(); ++i) {
      filter += fmt::format("{}{}", i ? "," : "", o.feed_ids[i]);
    }
    filter += "))";
  }
  return fmt::format(
      "SELECT id FROM items {} ORDER BY coalesce(published, first_seen) DESC, id DESC LIMIT {}",
      filter, o.limit);
}

}  // namespace

Result<void> check_integrity(sqlite::Database& db, const std::string& what, bool quick) {
  auto s = db.prepare(quick ? "PRAGMA quick_check(10)" : "PRAGMA integrity_check(10)");
  if (!s) return tl::unexpected(s.error());
  std::vector<std::string> problems;
  for (;;) {
    auto row = s->step();
    if (!row) {
      return fail(Errc::database, fmt::format("store: {} cannot be checked: {}", what,
                                              row.error().message));
    }
    if (!*row) break;
    std::string line = s->column_text(0);
    if (line != "ok") problems.push_back(std::move(line));
  }
  if (problems.empty()) return {};
  std::string message = fmt::format("store: {} is damaged ({} failed):", what,
                                    quick ? "PRAGMA quick_check" : "PRAGMA integrity_check");
  for (const auto& p : problems) message += " " + p + ";";
  message +=
      " stop tributary, restore a backup made with `tributary backup`, or move the file "
      "away to start with an empty store";
  return fail(Errc::database, std::move(message));
}

Result<void> check_store_file(const std::string& path, bool quick) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return {};
  auto db = sqlite::Database::open(path, /*read_only=*/true);
  if (!db) return tl::unexpected(db.error());
  return check_integrity(*db, path, quick);
}

Result<BackupStats> backup_store(const std::string& source, const std::string& destination) {
  std::error_code ec;
  if (!fs::exists(source, ec)) {
    return fail(Errc::io, fmt::format("backup: no store at {}", source));
  }
  auto src = sqlite::Database::open(source, /*read_only=*/true);
  if (!src) return tl::unexpected(src.error());

  fs::path dest(destination);
  fs::path tmp = dest;
  tmp += fmt::format(".tmp{}", ::getpid());
  fs::remove(tmp, ec);
  auto cleanup = [&] {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    fs::remove(fs::path(tmp.string() + "-journal"), ignored);
  };
  {
    auto out = sqlite::Database::open(tmp.string());
    if (!out) return tl::unexpected(out.error());
    BackupHandle b;
    b.handle = sqlite3_backup_init(out->handle(), "main", src->handle(), "main");
    if (!b.handle) {
      Error e = out->error("backup");
      cleanup();
      return tl::unexpected(e);
    }
    // All pages in one step: the copy is one read transaction on the source,
    // so it is consistent even while the daemon commits (a stepwise copy
    // would restart on every foreign write).
    int rc = sqlite3_backup_step(b.handle, -1);
    if (rc != SQLITE_DONE) {
      std::string msg = sqlite3_errstr(rc);
      cleanup();
      return fail(Errc::database, fmt::format("backup: copying {} failed: {}", source, msg));
    }
    sqlite3_backup_finish(b.handle);
    b.handle = nullptr;
    // The copy inherits WAL mode in its header; a backup is one file.
    if (auto r = out->exec("PRAGMA journal_mode=DELETE"); !r) {
      cleanup();
      return tl::unexpected(r.error());
    }
    if (auto r = check_integrity(*out, tmp.string(), /*quick=*/false); !r) {
      cleanup();
      return tl::unexpected(r.error());
    }
  }
  BackupStats stats;
  {
    auto out = sqlite::Database::open(tmp.string(), /*read_only=*/true);
    if (!out) return tl::unexpected(out.error());
    auto pages = count(*out, "PRAGMA page_count");
    auto feeds = count(*out, "SELECT count(*) FROM feeds");
    auto items = count(*out, "SELECT count(*) FROM items");
    if (!pages || !feeds || !items) {
      cleanup();
      return fail(Errc::database, "backup: the copy is not a tributary store");
    }
    stats.pages = *pages;
    stats.feeds = *feeds;
    stats.items = *items;
  }
  // SQLite synced the copy when it committed; make the rename durable too.
  fs::rename(tmp, dest, ec);
  if (ec) {
    cleanup();
    return fail(Errc::io, fmt::format("backup: cannot write {}: {}", destination, ec.message()));
  }
  fs::path dir = dest.has_parent_path() ? dest.parent_path() : fs::path(".");
  if (int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  stats.bytes = static_cast<std::int64_t>(fs::file_size(dest, ec));
  return stats;
}

Result<RetentionPlan> retention_plan(sqlite::Database& db, const config::RetentionConfig& policy,
                                     const std::vector<OutputWindow>& outputs, std::int64_t now,
                                     int batch) {
  RetentionPlan plan;
  if (policy.max_age.count() <= 0 && policy.max_items_per_feed <= 0) return plan;
  // A scratch table of the connection's temp schema: the store itself is
  // only read.
  if (auto e = db.exec("CREATE TEMP TABLE IF NOT EXISTS retention_due (id INTEGER PRIMARY KEY);"
                       "DELETE FROM temp.retention_due;");
      !e) {
    return tl::unexpected(e.error());
  }
  if (policy.max_age.count() > 0) {
    auto s = db.prepare(
        "INSERT OR IGNORE INTO temp.retention_due SELECT id FROM items "
        "WHERE coalesce(published, first_seen) < ?1");
    if (!s) return tl::unexpected(s.error());
    s->bind(1, now - policy.max_age.count());
    if (auto e = s->run(); !e) return tl::unexpected(e.error());
  }
  if (policy.max_items_per_feed > 0) {
    // An item stays while it is among the newest N of any feed it came from.
    auto s = db.prepare(
        "INSERT OR IGNORE INTO temp.retention_due SELECT item_id FROM ("
        "  SELECT s.item_id, row_number() OVER (PARTITION BY s.feed_id "
        "    ORDER BY coalesce(i.published, i.first_seen) DESC, i.id DESC) AS rank "
        "  FROM item_sources s JOIN items i ON i.id = s.item_id) "
        "GROUP BY item_id HAVING min(rank) > ?1");
    if (!s) return tl::unexpected(s.error());
    s->bind(1, std::int64_t{policy.max_items_per_feed});
    if (auto e = s->run(); !e) return tl::unexpected(e.error());
  }
  if (policy.keep_in_outputs) {
    for (const auto& o : outputs) {
      if (o.limit <= 0) continue;
      if (auto e = db.exec("DELETE FROM temp.retention_due WHERE id IN (" + output_query(o) + ")"); !e) {
        return tl::unexpected(e.error());
      }
      plan.kept_for_outputs += db.changes();
    }
  }
  auto s = db.prepare("SELECT id FROM temp.retention_due ORDER BY id LIMIT ?1");
  if (!s) return tl::unexpected(s.error());
  s->bind(1, std::int64_t{batch} + 1);
  for (;;) {
    auto row = s->step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) break;
    plan.item_ids.push_back(s->column_int(0));
  }
  if (plan.item_ids.size() > static_cast<std::size_t>(batch)) {
    plan.more = true;
    plan.item_ids.resize(static_cast<std::size_t>(batch));
  }
  if (auto e = db.exec("DELETE FROM temp.retention_due"); !e) return tl::unexpected(e.error());
  return plan;
}

}  // namespace tributary::daemon
