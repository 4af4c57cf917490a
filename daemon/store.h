#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "daemon/dedup_index.h"
#include "daemon/sqlite.h"
#include "feeds/model.h"
#include "feeds/result.h"
#include "feeds/writer.h"

namespace tributary::daemon {

// What the store remembers about a feed between polls.
struct FeedState {
  std::int64_t id = 0;
  std::string url;            // as configured
  std::string effective_url;  // after a permanent redirect ("" = url)
  std::string title;
  std::string link;
  std::string etag;
  std::string last_modified;
  int last_status = 0;        // HTTP status of the last poll (0 = none / not HTTP)
  std::string last_error;     // "" when the last poll succeeded
  int error_count = 0;        // consecutive failures
  std::optional<std::int64_t> last_poll;  // Unix seconds
  std::optional<std::int64_t> next_poll;
  std::string hold;           // why polling is held back: "" (not), "gone" (410), "rate-limited"
  std::optional<std::int64_t> hint_interval;  // seconds the feed itself asks for (ttl, sy:*, posting rate)
  std::optional<std::int64_t> last_success;   // Unix seconds of the last 200 or 304
};

// The result of one poll, for bookkeeping.
struct PollRecord {
  int status = 0;
  std::string etag;
  std::string last_modified;
  std::string error;            // "" on success
  std::string effective_url;    // set after a validated permanent redirect
  std::int64_t polled_at = 0;
  std::optional<std::int64_t> next_poll;
  std::string hold;             // "" / "gone" / "rate-limited" (replaces the stored value)
  std::optional<std::int64_t> hint_interval;  // kept when unset
};

// An item of a refresh, identified within its feed by `key` (GUID, else link,
// else a hash of title and content); across feeds the dedup stage identifies
// it (daemon/dedup_index.h; `canonical_url` is not used by the store).
struct NewItem {
  std::string key;
  std::string canonical_url;  // "" when the item has no link
  feeds::Entry entry;
};

struct SaveStats {
  int added = 0;       // new items stored
  int merged = 0;      // copies of items already stored (another feed's, or a re-post): source added
  int unchanged = 0;   // items this feed had already given us
  int retired = 0;     // copies of deleted items, dropped for good
  int bridged = 0;     // stored items found to be one (a new copy shared a key with each) and merged
};

// The SQLite store. One instance owns the write connection; it is not
// thread-safe and is used from one thread (the store strand).
//
// Schema (migrations are applied in order; PRAGMA user_version counts them):
//   feeds(id, url UNIQUE, effective_url, title, link, etag, last_modified,
//         last_status, last_error, error_count, last_poll, next_poll,
//         hold, hint_interval, last_success): the poll state of each feed.
//         effective_url is where a validated 301/308 moved it; hold says why
//         polling is held back ("gone" after a 410, "rate-limited" after a
//         429/503 with Retry-After) until next_poll.
//   items(id, output_id UNIQUE, canonical_url, published, updated,
//         first_seen (indexed), entry_json, story_id (indexed), rep_feed_id,
//         rep_rank, rep_published): one row per distinct article (a dedup
//         group); entry_json holds the representative copy's feeds::Entry in
//         the parse-json shape under the item's stable output_id; story_id
//         is the id of the first item of its story cluster.
//   item_sources(feed_id, item_key, item_id (indexed), seen (indexed),
//         title, link, guid, summary, published, url_key (indexed),
//         title_key (indexed), rank, bare_title_key (indexed)): every copy,
//         in arrival order: which feed gave which item under which key
//         (UNIQUE (feed_id, item_key)), with what the dedup index is rebuilt
//         from and its rank as a representative (lower is better).
//   retired(feed_id, item_key, retired_at): tombstones of deleted items,
//         by source key, and (feed_id 0) by "url:" + canonical URL.
class Store {
 public:
  // Opens or creates the store at `path` (":memory:" for tests), in WAL mode,
  // and applies pending migrations.
  // Dedup (see daemon/dedup_index.h) follows `dedup`; its in-memory index
  // is rebuilt from the copies stored within its window before `now` (Unix
  // seconds; default: the clock) when it is first needed (the first save),
  // so that a run that stores nothing never pays for it.
  static Result<Store> open(const std::string& path, const DedupSettings& dedup = {},
                            std::optional<std::int64_t> now = std::nullopt);

  // Opens an existing store for reading only (`tributary status`), beside a
  // running daemon (WAL lets readers in while it writes). Fails when the
  // file is missing or its schema is not this build's.
  static Result<Store> open_read_only(const std::string& path);

  // The number of migrations known to this build (the newest user_version).
  static int schema_version();

  // The state of the feed configured as `url`, created on first use.
  Result<FeedState> feed(const std::string& url);
  Result<std::vector<FeedState>> feeds();

  // Records the outcome of a poll. An empty error resets the error count and
  // sets last_success; otherwise the count grows by one. ETag, Last-Modified,
  // effective URL and hint interval are only replaced when `poll` has them.
  Result<void> record_poll(std::int64_t feed_id, const PollRecord& poll);

  // Items stored per feed (any source), by feed id.
  Result<std::map<std::int64_t, std::int64_t>> item_counts();

  // Deletes items for good: they never come back from any feed (their
  // feed keys and canonical URLs are remembered). Returns the number deleted.
  Result<int> retire(std::span<const std::int64_t> item_ids, std::int64_t now);

  // Stores a refresh in one transaction (a batch of one): feed metadata and
  // new items. Inside an open transaction it is a savepoint: a failure undoes
  // this save only.
  Result<SaveStats> save(std::int64_t feed_id, const feeds::FeedMeta& meta,
                         const std::vector<NewItem>& items, std::int64_t now);

  // Several refreshes in one transaction without a savepoint each (a
  // savepoint journals every page it touches): `body` calls save_in_batch()
  // and record_poll(). When `body` or the commit fails, everything is rolled
  // back, the dedup index forgets what the batch taught it, and the error is
  // returned.
  Result<void> batch(std::int64_t now, const std::function<Result<void>()>& body);
  // save() for batch()'s body. After a failure the batch must be abandoned.
  Result<SaveStats> save_in_batch(std::int64_t feed_id, const feeds::FeedMeta& meta,
                                  const std::vector<NewItem>& items, std::int64_t now);

  // The newest `limit` items across `feed_ids` (all feeds when empty),
  // newest first by publication time (first-seen time when undated). A
  // source (or related story) whose feed URL is in `titles` is shown under
  // that title (the config's) instead of the feed's own.
  Result<std::vector<feeds::OutputEntry>> newest(int limit, const std::vector<std::int64_t>& feed_ids,
                                                 const FeedTitles& titles = {});

  Result<std::int64_t> item_count();

  sqlite::Database& db() { return db_; }

  // The dedup index, opened (and rebuilt) on first use; an error when the
  // store was opened read-only.
  Result<DedupIndex*> dedup();

 private:
  explicit Store(sqlite::Database db) : db_(std::move(db)) {}
  Result<void> migrate();
  Result<void> prepare();

  sqlite::Database db_;
  sqlite::Statement find_feed_, insert_feed_, update_poll_, update_meta_;
  std::optional<DedupSettings> dedup_settings_;  // unset when opened read-only
  std::int64_t dedup_now_ = 0;
  std::unique_ptr<DedupIndex> dedup_;  // once opened
};

}  // namespace tributary::daemon
