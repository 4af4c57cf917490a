#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <sqlite3.h>

#include "feeds/result.h"

// A thin RAII layer over the SQLite C API: a connection and prepared
// statements with bound parameters. Errors become Result values carrying
// SQLite's message.
namespace tributary::daemon::sqlite {

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(Statement&& o) noexcept : db_(o.db_), stmt_(o.stmt_) { o.stmt_ = nullptr; }
  Statement& operator=(Statement&& o) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Binding is 1-based, like SQLite. Empty optionals bind NULL.
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, std::optional<std::int64_t> value);
  Statement& bind_null(int index);

  // Steps once: true when a row is available, false when done.
  Result<bool> step();
  // Steps to completion (for statements that return no rows).
  Result<void> run();
  void reset();

  std::int64_t column_int(int index) const;
  std::optional<std::int64_t> column_opt_int(int index) const;
  std::string column_text(int index) const;
  bool column_is_null(int index) const;

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

class Database {
 public:
  Database() = default;
  Database(Database&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
  Database& operator=(Database&& o) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // Opens (creating if needed) the database at `path` (":memory:" works).
  static Result<Database> open(const std::string& path, bool read_only = false);

  Result<void> exec(std::string_view sql);
  Result<Statement> prepare(std::string_view sql);
  std::int64_t last_insert_rowid() const;
  int changes() const;
  sqlite3* handle() const { return db_; }

  // The error for the last failed call, as "store: <what>: <sqlite message>".
  Error error(std::string_view what) const;

 private:
  sqlite3* db_ = nullptr;
};

// WAL checkpoints off the writer's thread. After a commit leaves at least
// `pages` pages in the write-ahead log, a checkpoint runs through a
// connection of its own, on whatever thread `post` hands it to, one at a
// time: PASSIVE beside the writer, then RESTART (which holds the writer back
// for at most 200 ms) so that the next commit starts the log over. The writer
// checkpoints itself only if the log reaches 4 x `pages`. Replaces the
// writer's automatic checkpoint until destroyed (before the writer); a
// checkpoint still running keeps its own state.
class BackgroundCheckpoint {
 public:
  using Post = std::function<void(std::function<void()>)>;
  static Result<BackgroundCheckpoint> start(Database& writer, const std::string& path, int pages,
                                            Post post);
  BackgroundCheckpoint(BackgroundCheckpoint&&) noexcept = default;
  BackgroundCheckpoint& operator=(BackgroundCheckpoint&&) = delete;
  ~BackgroundCheckpoint();

 private:
  struct State;
  static int on_commit(void* state, sqlite3* db, const char* name, int pages);
  BackgroundCheckpoint(sqlite3* writer, std::shared_ptr<State> state);
  sqlite3* writer_ = nullptr;
  std::shared_ptr<State> state_;
};

// Runs `body` inside BEGIN IMMEDIATE / COMMIT, rolling back on failure.
// Inside an open transaction (a batch of several writes) it becomes a
// savepoint instead: a failing body undoes only its own writes.
template <class F>
Result<void> transaction(Database& db, F&& body) {
  bool nested = sqlite3_get_autocommit(db.handle()) == 0;
  if (auto r = db.exec(nested ? "SAVEPOINT nested" : "BEGIN IMMEDIATE"); !r) return r;
  Result<void> r = body();
  if (!r) {
    (void)db.exec(nested ? "ROLLBACK TO nested; RELEASE nested" : "ROLLBACK");
    return r;
  }
  if (auto c = db.exec(nested ? "RELEASE nested" : "COMMIT"); !c) {
    (void)db.exec(nested ? "ROLLBACK TO nested; RELEASE nested" : "ROLLBACK");
    return c;
  }
  return {};
}

}  // namespace tributary::daemon::sqlite
