#include "daemon/sqlite.h"

#include <atomic>
#include <utility>

namespace tributary::daemon::sqlite {

Statement& Statement::operator=(Statement&& o) noexcept {
  if (this != &o) {
    sqlite3_finalize(stmt_);
    db_ = o.db_;
    stmt_ = std::exchange(o.stmt_, nullptr);
  }
  return *this;
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}

Statement& Statement::bind(int index, std::optional<std::int64_t> value) {
  if (value) return bind(index, *value);
  return bind_null(index);
}

Statement& Statement::bind_null(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Result<bool> Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return fail(Errc::database, std::string("store: ") + sqlite3_errmsg(db_));
}

Result<void> Statement::run() {
  Result<bool> r;
  do {
    r = step();
  } while (r && *r);
  reset();
  if (!r) return tl::unexpected(r.error());
  return {};
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t Statement::column_int(int index) const { return sqlite3_column_int64(stmt_, index); }

std::optional<std::int64_t> Statement::column_opt_int(int index) const {
  if (column_is_null(index)) return std::nullopt;
  return column_int(index);
}

std::string Statement::column_text(int index) const {
  const auto* p = sqlite3_column_text(stmt_, index);
  if (!p) return {};
  return std::string(reinterpret_cast<const char*>(p),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index)));
}

bool Statement::column_is_null(int index) const {
  return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

Database& Database::operator=(Database&& o) noexcept {
  if (this != &o) {
    sqlite3_close_v2(db_);
    db_ = std::exchange(o.db_, nullptr);
  }
  return *this;
}

Database::~Database() { sqlite3_close_v2(db_); }

Result<Database> Database::open(const std::string& path, bool read_only) {
  Database d;
  int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  flags |= SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &d.db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = d.db_ ? sqlite3_errmsg(d.db_) : sqlite3_errstr(rc);
    return fail(Errc::database, "store: cannot open " + path + ": " + msg);
  }
  sqlite3_busy_timeout(d.db_, 5000);
  sqlite3_extended_result_codes(d.db_, 1);
  return d;
}

Result<void> Database::exec(std::string_view sql) {
  std::string s(sql);
  char* err = nullptr;
  if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return fail(Errc::database, "store: " + msg);
  }
  return {};
}

Result<Statement> Database::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &stmt, nullptr) != SQLITE_OK) {
    return fail(Errc::database, std::string("store: prepare: ") + sqlite3_errmsg(db_));
  }
  return Statement(db_, stmt);
}

std::int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
int Database::changes() const { return sqlite3_changes(db_); }

Error Database::error(std::string_view what) const {
  return Error{Errc::database, "store: " + std::string(what) + ": " + sqlite3_errmsg(db_)};
}

struct BackgroundCheckpoint::State : std::enable_shared_from_this<State> {
  Database db;
  int pages = 0;
  Post post;
  std::atomic<bool> running{false};
};

Result<BackgroundCheckpoint> BackgroundCheckpoint::start(Database& writer, const std::string& path,
                                                         int pages, Post post) {
  auto db = Database::open(path);
  if (!db) return tl::unexpected(db.error());
  // A connection learns that the file is in WAL mode when it first reads it.
  if (auto r = db->exec("PRAGMA journal_mode=WAL"); !r) return tl::unexpected(r.error());
  // RESTART holds the writer back while it waits for the writer's current
  // transaction and for readers of older snapshots: briefly, else it gives
  // up until the next one.
  sqlite3_busy_timeout(db->handle(), 200);
  auto state = std::make_shared<State>();
  state->db = std::move(*db);
  state->pages = pages;
  state->post = std::move(post);
  sqlite3_wal_hook(writer.handle(), &BackgroundCheckpoint::on_commit, state.get());
  return BackgroundCheckpoint(writer.handle(), std::move(state));
}

BackgroundCheckpoint::BackgroundCheckpoint(sqlite3* writer, std::shared_ptr<State> state)
    : writer_(writer), state_(std::move(state)) {}

BackgroundCheckpoint::~BackgroundCheckpoint() {
  if (writer_ && state_) sqlite3_wal_hook(writer_, nullptr, nullptr);
}

int BackgroundCheckpoint::on_commit(void* p, sqlite3* db, const char* name, int pages) {
  auto* state = static_cast<State*>(p);
  if (pages >= 4 * state->pages) {
    // Far behind (or nothing runs the posted ones): as SQLite's own.
    sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  } else if (pages >= state->pages && !state->running.exchange(true)) {
    // The job owns its state: the writer may be gone when it runs.
    // PASSIVE copies the bulk beside the writer; RESTART then copies what
    // was committed meanwhile, holding the writer back for that much only,
    // and has the next commit start the log over, so that it stays small.
    state->post([self = state->shared_from_this()] {
      for (int mode : {SQLITE_CHECKPOINT_PASSIVE, SQLITE_CHECKPOINT_RESTART}) {
        sqlite3_wal_checkpoint_v2(self->db.handle(), nullptr, mode, nullptr, nullptr);
      }
      self->running = false;
    });
  }
  return SQLITE_OK;
}

}  // namespace tributary::daemon::sqlite
