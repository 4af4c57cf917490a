#include "daemon/store.h"

#include <array>
#include <map>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "daemon/article_store.h"
#include "feeds/html/text.h"
#include "feeds/json_dump.h"
#include "feeds/writer.h"

namespace tributary::daemon {
namespace {

namespace json = boost::json;

// Ordered migrations: never edit one that has shipped; append a new one.
constexpr std::array<std::string_view, 7> kMigrations = {
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
    // 2: dedup (daemon/dedup_index.h). Per copy: what rebuilds the
    // in-memory index, its keys (indexed), its rank as a representative. Per
    // item: its story and representative copy. Tombstones of deleted items.
    R"sql(
ALTER TABLE item_sources ADD COLUMN title TEXT NOT NULL DEFAULT '';
ALTER TABLE item_sources ADD COLUMN link TEXT NOT NULL DEFAULT '';
ALTER TABLE item_sources ADD COLUMN guid TEXT NOT NULL DEFAULT '';
ALTER TABLE item_sources ADD COLUMN summary TEXT NOT NULL DEFAULT '';
ALTER TABLE item_sources ADD COLUMN published INTEGER;
ALTER TABLE item_sources ADD COLUMN url_key TEXT NOT NULL DEFAULT '';
ALTER TABLE item_sources ADD COLUMN title_key TEXT NOT NULL DEFAULT '';
ALTER TABLE item_sources ADD COLUMN rank INTEGER NOT NULL DEFAULT 0;
CREATE INDEX item_sources_url_key ON item_sources(url_key) WHERE url_key != '';
CREATE INDEX item_sources_title_key ON item_sources(title_key) WHERE title_key != '';
CREATE INDEX item_sources_seen ON item_sources(seen);
ALTER TABLE items ADD COLUMN story_id INTEGER;
ALTER TABLE items ADD COLUMN rep_feed_id INTEGER;
ALTER TABLE items ADD COLUMN rep_rank INTEGER NOT NULL DEFAULT 0;
ALTER TABLE items ADD COLUMN rep_published INTEGER NOT NULL DEFAULT 0;
UPDATE item_sources SET url_key = (SELECT canonical_url FROM items WHERE id = item_sources.item_id);
UPDATE items SET story_id = id;
UPDATE items SET rep_feed_id = (SELECT min(feed_id) FROM item_sources WHERE item_id = items.id);
CREATE INDEX items_story ON items(story_id);
CREATE TABLE retired (
  feed_id INTEGER NOT NULL,
  item_key TEXT NOT NULL,
  retired_at INTEGER NOT NULL,
  PRIMARY KEY (feed_id, item_key)
) WITHOUT ROWID;
)sql",
    // 3: scheduling state per feed.
    R"sql(
ALTER TABLE feeds ADD COLUMN hold TEXT NOT NULL DEFAULT '';
ALTER TABLE feeds ADD COLUMN hint_interval INTEGER;
ALTER TABLE feeds ADD COLUMN last_success INTEGER;
)sql",
    // 4: full text (daemon/article_store.h): one row per item whose page
    // was fetched, with the extracted article or why there is none.
    R"sql(
CREATE TABLE articles (
  item_id INTEGER PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
  url TEXT NOT NULL,
  status TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT '',
  attempts INTEGER NOT NULL DEFAULT 1,
  fetched_at INTEGER NOT NULL,
  retry_at INTEGER,
  title TEXT NOT NULL DEFAULT '',
  byline TEXT NOT NULL DEFAULT '',
  published INTEGER,
  lead_image TEXT NOT NULL DEFAULT '',
  html TEXT NOT NULL DEFAULT '',
  text TEXT NOT NULL DEFAULT ''
);
CREATE INDEX articles_retry ON articles(retry_at) WHERE retry_at IS NOT NULL;
)sql",
    // 5: a story's newest items found without reading the whole story (the
    // "also covered by" list of every rendered item).
    R"sql(
CREATE INDEX items_story_recency ON items(story_id, coalesce(published, first_seen), id);
DROP INDEX items_story;
)sql",
    // 6: a copy's title key without its leading label or learned feed
    // prefix, for matching copies the in-memory index has forgotten.
    R"sql(
ALTER TABLE item_sources ADD COLUMN bare_title_key TEXT NOT NULL DEFAULT '';
CREATE INDEX item_sources_bare_title_key ON item_sources(bare_title_key) WHERE bare_title_key != '';
)sql",
    // 7: copies stored in arrival order (a rowid table) with their feed key
    // as a unique index. Clustered by feed key, every poll's copies went to
    // random pages of the largest table: a third of a cold poll's time. And
    // no index on items.canonical_url, which nothing looks up (copies are
    // found by item_sources.url_key).
    R"sql(
CREATE TABLE item_sources_7 (
  feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
  item_key TEXT NOT NULL,
  item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
  seen INTEGER NOT NULL,
  title TEXT NOT NULL DEFAULT '',
  link TEXT NOT NULL DEFAULT '',
  guid TEXT NOT NULL DEFAULT '',
  summary TEXT NOT NULL DEFAULT '',
  published INTEGER,
  url_key TEXT NOT NULL DEFAULT '',
  title_key TEXT NOT NULL DEFAULT '',
  rank INTEGER NOT NULL DEFAULT 0,
  bare_title_key TEXT NOT NULL DEFAULT '',
  UNIQUE (feed_id, item_key)
);
INSERT INTO item_sources_7 (feed_id, item_key, item_id, seen, title, link, guid, summary, published,
                            url_key, title_key, rank, bare_title_key)
  SELECT feed_id, item_key, item_id, seen, title, link, guid, summary, published,
         url_key, title_key, rank, bare_title_key FROM item_sources ORDER BY seen;
DROP TABLE item_sources;
ALTER TABLE item_sources_7 RENAME TO item_sources;
CREATE INDEX item_sources_item ON item_sources(item_id);
CREATE INDEX item_sources_url_key ON item_sources(url_key) WHERE url_key != '';
CREATE INDEX item_sources_title_key ON item_sources(title_key) WHERE title_key != '';
CREATE INDEX item_sources_seen ON item_sources(seen);
CREATE INDEX item_sources_bare_title_key ON item_sources(bare_title_key) WHERE bare_title_key != '';
DROP INDEX items_canonical_url;
)sql",
};

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
  f.hold = s.column_text(12);
  f.hint_interval = s.column_opt_int(13);
  f.last_success = s.column_opt_int(14);
  return f;
}

constexpr std::string_view kFeedColumns =
    "id, url, effective_url, title, link, etag, last_modified, last_status, last_error, "
    "error_count, last_poll, next_poll, hold, hint_interval, last_success";

}  // namespace

int Store::schema_version() { return static_cast<int>(kMigrations.size()); }

Result<Store> Store::open(const std::string& path, const DedupSettings& dedup, std::optional<std::int64_t> now) {
  auto db = sqlite::Database::open(path);
  if (!db) return tl::unexpected(db.error());
  Store store(std::move(*db));
  // WAL: readers never block the writer; synchronous=NORMAL is durable
  // against process crashes (kill -9) and loses at most the last commits on
  // power loss. Temporary storage stays in files (the default): a statement
  // or savepoint journal holds every page it changes - in memory, merging two
  // large story clusters cost tens of MB at once.
  for (std::string_view pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL",
                                  "PRAGMA foreign_keys=ON",
                                  // 6 MiB of page cache (SQLite's default is 2): the dedup
                                  // indexes' pages stay in memory. Cold 2000-feed poll: reads
                                  // from the file 961k -> 643k, writes 1.23M -> 1.03M.
                                  "PRAGMA cache_size=-6144",
                                  // A 64 MiB WAL between checkpoints: pages rewritten by many
                                  // commits of a busy poll are copied to the database once.
                                  // (The daemon checkpoints on another thread instead:
                                  // sqlite::BackgroundCheckpoint.)
                                  "PRAGMA wal_autocheckpoint=16384"}) {
    if (auto r = store.db_.exec(pragma); !r) return tl::unexpected(r.error());
  }
  if (auto r = store.migrate(); !r) return tl::unexpected(r.error());
  if (auto r = store.prepare(); !r) return tl::unexpected(r.error());
  store.dedup_now_ = now.value_or(std::chrono::duration_cast<std::chrono::seconds>(
                                      std::chrono::system_clock::now().time_since_epoch())
                                      .count());
  store.dedup_settings_ = dedup;
  return store;
}

Result<DedupIndex*> Store::dedup() {
  if (dedup_) return dedup_.get();
  if (!dedup_settings_) return fail(Errc::database, "store: opened read-only");
  auto index = DedupIndex::open(db_, *dedup_settings_, dedup_now_);
  if (!index) return tl::unexpected(index.error());
  dedup_ = std::make_unique<DedupIndex>(std::move(*index));
  return dedup_.get();
}

Result<Store> Store::open_read_only(const std::string& path) {
  auto db = sqlite::Database::open(path, true);
  if (!db) return tl::unexpected(db.error());
  Store store(std::move(*db));
  auto version_stmt = store.db_.prepare("PRAGMA user_version");
  if (!version_stmt) return tl::unexpected(version_stmt.error());
  if (auto row = version_stmt->step(); !row) return tl::unexpected(row.error());
  auto version = version_stmt->column_int(0);
  if (version != static_cast<std::int64_t>(kMigrations.size())) {
    return fail(Errc::database,
                fmt::format("store: {} has schema version {}, this build reads {} (run the daemon "
                            "of this version once to migrate it)",
                            path, version, kMigrations.size()));
  }
  if (auto r = store.prepare(); !r) return tl::unexpected(r.error());
  return store;
}

Result<void> Store::migrate() {
  auto version_stmt = db_.prepare("PRAGMA user_version");
  if (!version_stmt) return tl::unexpected(version_stmt.error());
  auto row = version_stmt->step();
  if (!row) return tl::unexpected(row.error());
  auto version = static_cast<std::size_t>(version_stmt->column_int(0));
  version_stmt->reset();  // a pending read would lock the schema (DROP INDEX)
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
       "last_poll = ?7, next_poll = ?8, hold = ?9, "
       "hint_interval = coalesce(?10, hint_interval), "
       "last_success = CASE WHEN ?5 = '' THEN ?7 ELSE last_success END WHERE id = ?1"},
      {&update_meta_, "UPDATE feeds SET title = ?2, link = ?3 WHERE id = ?1"},
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
      .bind(8, poll.next_poll)
      .bind(9, poll.hold)
      .bind(10, poll.hint_interval);
  return update_poll_.run();
}

Result<std::map<std::int64_t, std::int64_t>> Store::item_counts() {
  auto s = db_.prepare("SELECT feed_id, count(*) FROM item_sources GROUP BY feed_id");
  if (!s) return tl::unexpected(s.error());
  std::map<std::int64_t, std::int64_t> out;
  for (;;) {
    auto row = s->step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) break;
    out[s->column_int(0)] = s->column_int(1);
  }
  return out;
}

Result<SaveStats> Store::save(std::int64_t feed_id, const feeds::FeedMeta& meta,
                              const std::vector<NewItem>& items, std::int64_t now) {
  SaveStats stats;
  auto r = batch(now, [&]() -> Result<void> {
    auto saved = save_in_batch(feed_id, meta, items, now);
    if (!saved) return tl::unexpected(saved.error());
    stats = *saved;
    return {};
  });
  if (!r) return tl::unexpected(r.error());
  return stats;
}

Result<void> Store::batch(std::int64_t now, const std::function<Result<void>()>& body) {
  auto r = sqlite::transaction(db_, body);
  if (r) return r;
  // Rolled back: the in-memory index may hold copies the store lost.
  if (auto forgot = dedup_ ? dedup_->rebuild(db_, now) : Result<void>{}; !forgot) return forgot;
  return r;
}

Result<SaveStats> Store::save_in_batch(std::int64_t feed_id, const feeds::FeedMeta& meta,
                                       const std::vector<NewItem>& items, std::int64_t now) {
  auto index = dedup();
  if (!index) return tl::unexpected(index.error());
  std::string feed_url;
  {
    auto s = db_.prepare("SELECT url FROM feeds WHERE id = ?1");
    if (!s) return tl::unexpected(s.error());
    s->bind(1, feed_id);
    if (auto row = s->step(); !row || !*row) return fail(Errc::database, "store: unknown feed");
    feed_url = s->column_text(0);
  }
  // The title names the feed as a source in outputs, as plain text: an
  // Atom title of type="html" ("Tom &amp; Jerry") is kept as its text.
  std::string title = meta.title ? feeds::html::normalize_space(feeds::plain_text(*meta.title)) : "";
  update_meta_.bind(1, feed_id).bind(2, title).bind(3, meta.link);
  if (auto u = update_meta_.run(); !u) return tl::unexpected(u.error());

  // Known copies, tombstones, duplicates and stories: the dedup stage.
  SaveStats stats;
  std::string name = !title.empty() ? title : feed_url;
  if (auto r = (*index)->save(db_, feed_id, feed_url, name, items, now, stats); !r) {
    return tl::unexpected(r.error());
  }
  return stats;
}

Result<int> Store::retire(std::span<const std::int64_t> item_ids, std::int64_t now) {
  return retire_items(db_, item_ids, now);
}

Result<std::vector<feeds::OutputEntry>> Store::newest(int limit, const std::vector<std::int64_t>& feed_ids,
                                                      const FeedTitles& titles) {
  std::string filter;
  if (!feed_ids.empty()) {
    filter = "WHERE id IN (SELECT item_id FROM item_sources WHERE feed_id IN (";
    for (std::size_t i = 0; i < feed_ids.size(); ++i) {
      filter += fmt::format("{}{}", i ? "," : "", feed_ids[i]);
    }
    filter += "))";
  }
  auto s = db_.prepare(fmt::format(
      "SELECT id, entry_json, first_seen, story_id FROM items {} "
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
    std::int64_t item_id = s->column_int(0);
    if (auto story = s->column_opt_int(3); story && dedup_settings_) {
      constexpr int kRelated = 5;
      auto dedup_index = dedup();
      if (!dedup_index) return tl::unexpected(dedup_index.error());
      auto related = (*dedup_index)->related(db_, *story, item_id, kRelated, titles);
      if (!related) return tl::unexpected(related.error());
      oe.related = std::move(*related);
    }
    index[item_id] = out.size();
    out.push_back(std::move(oe));
  }
  // Full text: items whose article was extracted are published with it as
  // their content (the feed's summary stays the summary).
  if (auto articles = apply_articles(db_, index, out); !articles) return tl::unexpected(articles.error());
  // Sources of each item, in the order they were seen.
  auto src = db_.prepare(
      "SELECT f.url, f.effective_url, f.title, f.link FROM item_sources s JOIN feeds f ON "
      "f.id = s.feed_id JOIN items i ON i.id = s.item_id WHERE s.item_id = ?1 "
      "ORDER BY s.feed_id = i.rep_feed_id DESC, s.seen, f.id");
  if (!src) return tl::unexpected(src.error());
  for (const auto& [item_id, pos] : index) {
    src->bind(1, item_id);
    for (;;) {
      auto row = src->step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) break;
      feeds::FeedMeta m;
      m.id = src->column_text(0);
      auto configured = titles.find(m.id);
      std::string title = configured != titles.end() ? configured->second : src->column_text(2);
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
