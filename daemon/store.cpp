#include "daemon/store.h"

#include <array>
#include <map>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "feeds/json_dump.h"

namespace tributary::daemon {
namespace {

namespace json = boost::json;

// Ordered migrations: never edit one that has shipped; append a new one.
constexpr std::array<std::string_view, 1> kMigrations = {
    R"sql(
CREATE TABLE feeds (
  id INTEGER PRIMARY KEY,
  url TEXT NOT NULL UNIQUE,
  effective_url TEXT NOT NULL DEFAULT '',
  title TEXT NOT NULL DEFAULT '',
  link TEXT NOT NULL DEFAULT '',
  etag TEXT NOT NULL DEFAULT '',
  last_modified TEXT NOT NULL DEFAULT '',
  last_status INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  error_count INTEGER NOT NULL DEFAULT 0,
  last_poll INTEGER,
  next_poll INTEGER
);
CREATE TABLE items (
  id INTEGER PRIMARY KEY,
  output_id TEXT NOT NULL UNIQUE,
  canonical_url TEXT NOT NULL DEFAULT '',
  published INTEGER,
  updated INTEGER,
  first_seen INTEGER NOT NULL,
  entry_json TEXT NOT NULL
);
CREATE INDEX items_canonical_url ON items(canonical_url) WHERE canonical_url != '';
CREATE INDEX items_recency ON items(coalesce(published, first_seen));
CREATE TABLE item_sources (
  feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
  item_key TEXT NOT NULL,
  item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
  seen INTEGER NOT NULL,
  PRIMARY KEY (feed_id, item_key)
) WITHOUT ROWID;
CREATE INDEX item_sources_item ON item_sources(item_id);
)sql",
};

// FNV-1a, 64 bits: stable across builds and platforms, for output ids.
std::uint64_t fnv1a(std::string_view s, std::uint64_t h = 0xcbf29ce484222325ull) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

std::string output_id(std::string_view feed_url, std::string_view key) {
  std::uint64_t h = fnv1a(key, fnv1a(feed_url) ^ 0x9e3779b97f4a7c15ull);
  return fmt::format("urn:tributary:item:{:016x}", h);
}

std::optional<std::int64_t> seconds(const std::optional<feeds::Time>& t) {
  if (!t) return std::nullopt;
  return t->time_since_epoch().count();
}

FeedState read_feed(const sqlite::Statement& s) {
  FeedState f;
  f.id = s.column_int(0);
  f.url = s.column_text(1);
  f.effective_url = s.column_text(2);
  f.title = s.column_text(3);
  f.link = s.column_text(4);
  f.etag = s.column_text(5);
  f.last_modified = s.column_text(6);
  f.last_status = static_cast<int>(s.column_int(7));
  f.last_error = s.column_text(8);
  f.error_count = static_cast<int>(s.column_int(9));
  f.last_poll = s.column_opt_int(10);
  f.next_poll = s.column_opt_int(11);
  return f;
}

constexpr std::string_view kFeedColumns =
    "id, url, effective_url, title, link, etag, last_modified, last_status, last_error, "
    "error_count, last_poll, next_poll";

}  // namespace

int Store::schema_version() { return static_cast<int>(kMigrations.size()); }

Result<Store> Store::open(const std::string& path) {
  auto db = sqlite::Database::open(path);
  if (!db) return tl::unexpected(db.error());
  Store store(std::move(*db));
  // WAL: readers never block the writer; synchronous=NORMAL is durable
  // against process crashes (kill -9) and loses at most the last commits on
  // power loss.
  for (std::string_view pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL",
                                  "PRAGMA foreign_keys=ON", "PRAGMA temp_store=MEMORY"}) {
    if (auto r = store.db_.exec(pragma); !r) return tl::unexpected(r.error());
  }
  if (auto r = store.migrate(); !r) return tl::unexpected(r.error());
  if (auto r = store.prepare(); !r) return tl::unexpected(r.error());
  return store;
}

Result<void> Store::migrate() {
  auto version_stmt = db_.prepare("PRAGMA user_version");
  if (!version_stmt) return tl::unexpected(version_stmt.error());
  auto row = version_stmt->step();
  if (!row) return tl::unexpected(row.error());
  auto version = static_cast<std::size_t>(version_stmt->column_int(0));
  if (version > kMigrations.size()) {
    return fail(Errc::database,
                fmt::format("store: database schema version {} is newer than this build ({})",
                            version, kMigrations.size()));
  }
  for (std::size_t i = version; i < kMigrations.size(); ++i) {
    auto r = sqlite::transaction(db_, [&]() -> Result<void> {
      if (auto m = db_.exec(kMigrations[i]); !m) return m;
      return db_.exec(fmt::format("PRAGMA user_version = {}", i + 1));
    });
    if (!r) {
      return fail(Errc::database, fmt::format("store: migration {} failed: {}", i + 1, r.error().message));
    }
  }
  return {};
}

Result<void> Store::prepare() {
  struct Prepared {
    sqlite::Statement* target;
    std::string sql;
  };
  const Prepared list[] = {
      {&find_feed_, fmt::format("SELECT {} FROM feeds WHERE url = ?1", kFeedColumns)},
      {&insert_feed_, "INSERT INTO feeds (url) VALUES (?1)"},
      {&update_poll_,
       "UPDATE feeds SET last_status = ?2, etag = CASE WHEN ?3 != '' THEN ?3 ELSE etag END, "
       "last_modified = CASE WHEN ?4 != '' THEN ?4 ELSE last_modified END, last_error = ?5, "
       "error_count = CASE WHEN ?5 = '' THEN 0 ELSE error_count + 1 END, "
       "effective_url = CASE WHEN ?6 != '' THEN ?6 ELSE effective_url END, "
       "last_poll = ?7, next_poll = ?8 WHERE id = ?1"},
      {&update_meta_, "UPDATE feeds SET title = ?2, link = ?3 WHERE id = ?1"},
      {&find_source_, "SELECT item_id FROM item_sources WHERE feed_id = ?1 AND item_key = ?2"},
      {&find_by_url_, "SELECT id FROM items WHERE canonical_url = ?1 AND canonical_url != '' LIMIT 1"},
      {&insert_item_,
       "INSERT INTO items (output_id, canonical_url, published, updated, first_seen, entry_json) "
       "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"},
      {&insert_source_,
       "INSERT OR IGNORE INTO item_sources (feed_id, item_key, item_id, seen) VALUES (?1, ?2, ?3, ?4)"},
  };
  for (const auto& p : list) {
    auto s = db_.prepare(p.sql);
    if (!s) return tl::unexpected(s.error());
    *p.target = std::move(*s);
  }
  return {};
}

Result<FeedState> Store::feed(const std::string& url) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    find_feed_.bind(1, url);
    auto row = find_feed_.step();
    if (!row) {
      find_feed_.reset();
      return tl::unexpected(row.error());
    }
    if (*row) {
      FeedState f = read_feed(find_feed_);
      find_feed_.reset();
      return f;
    }
    find_feed_.reset();
    insert_feed_.bind(1, url);
    if (auto r = insert_feed_.run(); !r) return tl::unexpected(r.error());
  }
  return fail(Errc::database, "store: cannot create feed " + url);
}

Result<std::vector<FeedState>> Store::feeds() {
  auto s = db_.prepare(fmt::format("SELECT {} FROM feeds ORDER BY id", kFeedColumns));
  if (!s) return tl::unexpected(s.error());
  std::vector<FeedState> out;
  for (;;) {
    auto row = s->step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) break;
    out.push_back(read_feed(*s));
  }
  return out;
}

Result<void> Store::record_poll(std::int64_t feed_id, const PollRecord& poll) {
  update_poll_.bind(1, feed_id)
      .bind(2, std::int64_t{poll.status})
      .bind(3, poll.etag)
      .bind(4, poll.last_modified)
      .bind(5, poll.error)
      .bind(6, poll.effective_url)
      .bind(7, poll.polled_at)
      .bind(8, poll.next_poll);
  return update_poll_.run();
}

Result<SaveStats> Store::save(std::int64_t feed_id, const feeds::FeedMeta& meta,
                              const std::vector<NewItem>& items, std::int64_t now) {
  SaveStats stats;
  auto r = sqlite::transaction(db_, [&]() -> Result<void> {
    std::string feed_url;
    {
      auto s = db_.prepare("SELECT url FROM feeds WHERE id = ?1");
      if (!s) return tl::unexpected(s.error());
      s->bind(1, feed_id);
      if (auto row = s->step(); !row || !*row) return fail(Errc::database, "store: unknown feed");
      feed_url = s->column_text(0);
    }
    update_meta_.bind(1, feed_id).bind(2, meta.title ? meta.title->value : "").bind(3, meta.link);
    if (auto u = update_meta_.run(); !u) return u;

    for (const NewItem& item : items) {
      find_source_.bind(1, feed_id).bind(2, item.key);
      auto known = find_source_.step();
      find_source_.reset();
      if (!known) return tl::unexpected(known.error());
      if (*known) {
        ++stats.unchanged;
        continue;
      }
      std::optional<std::int64_t> item_id;
      if (!item.canonical_url.empty()) {
        find_by_url_.bind(1, item.canonical_url);
        auto found = find_by_url_.step();
        if (!found) {
          find_by_url_.reset();
          return tl::unexpected(found.error());
        }
        if (*found) item_id = find_by_url_.column_int(0);
        find_by_url_.reset();
      }
      if (item_id) {
        ++stats.merged;
      } else {
        feeds::Entry entry = item.entry;
        entry.id = output_id(feed_url, item.key);
        insert_item_.bind(1, entry.id)
            .bind(2, item.canonical_url)
            .bind(3, seconds(item.entry.published))
            .bind(4, seconds(item.entry.updated))
            .bind(5, now)
            .bind(6, json::serialize(feeds::to_json(entry)));
        if (auto ins = insert_item_.run(); !ins) return ins;
        item_id = db_.last_insert_rowid();
        ++stats.added;
      }
      insert_source_.bind(1, feed_id).bind(2, item.key).bind(3, *item_id).bind(4, now);
      if (auto src = insert_source_.run(); !src) return src;
    }
    return {};
  });
  if (!r) return tl::unexpected(r.error());
  return stats;
}

Result<std::vector<feeds::OutputEntry>> Store::newest(int limit,
                                                      const std::vector<std::int64_t>& feed_ids) {
  std::string filter;
  if (!feed_ids.empty()) {
    filter = "WHERE id IN (SELECT item_id FROM item_sources WHERE feed_id IN (";
    for (std::size_t i = 0; i < feed_ids.size(); ++i) {
      filter += fmt::format("{}{}", i ? "," : "", feed_ids[i]);
    }
    filter += "))";
  }
  auto s = db_.prepare(fmt::format(
      "SELECT id, entry_json, first_seen FROM items {} "
      "ORDER BY coalesce(published, first_seen) DESC, id DESC LIMIT ?1",
      filter));
  if (!s) return tl::unexpected(s.error());
  s->bind(1, std::int64_t{limit});
  std::vector<feeds::OutputEntry> out;
  std::map<std::int64_t, std::size_t> index;
  for (;;) {
    auto row = s->step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) break;
    feeds::OutputEntry oe;
    boost::system::error_code ec;
    json::value v = json::parse(s->column_text(1), ec);
    if (ec || !v.is_object()) continue;  // a damaged row never breaks an output
    oe.entry = feeds::entry_from_json(v.get_object());
    if (!oe.entry.updated && !oe.entry.published) {
      oe.entry.updated = feeds::Time{std::chrono::seconds{s->column_int(2)}};
    }
    index[s->column_int(0)] = out.size();
    out.push_back(std::move(oe));
  }
  // Sources of each item, in the order they were seen.
  auto src = db_.prepare(
      "SELECT f.url, f.effective_url, f.title, f.link FROM item_sources s JOIN feeds f ON "
      "f.id = s.feed_id WHERE s.item_id = ?1 ORDER BY s.seen, f.id");
  if (!src) return tl::unexpected(src.error());
  for (const auto& [item_id, pos] : index) {
    src->bind(1, item_id);
    for (;;) {
      auto row = src->step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) break;
      feeds::FeedMeta m;
      m.id = src->column_text(0);
      std::string title = src->column_text(2);
      if (!title.empty()) m.title = feeds::Text{title, feeds::kTextPlain};
      m.link = src->column_text(3);
      if (!m.link.empty()) m.links.push_back(feeds::Link{"alternate", m.link, "text/html", "", "", {}});
      out[pos].sources.push_back(std::move(m));
    }
    src->reset();
  }
  return out;
}

Result<std::int64_t> Store::item_count() {
  auto s = db_.prepare("SELECT count(*) FROM items");
  if (!s) return tl::unexpected(s.error());
  if (auto row = s->step(); !row) return tl::unexpected(row.error());
  return s->column_int(0);
}

}  // namespace tributary::daemon
