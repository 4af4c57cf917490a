#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include "config/config.h"
#include "daemon/sqlite.h"
#include "feeds/dedup/deduplicator.h"
#include "feeds/result.h"
#include "feeds/writer.h"

namespace tributary::daemon {

struct NewItem;
struct SaveStats;

// Feed titles set in the config, by feed URL as configured: they name the
// feed in outputs instead of the title the feed gives itself.
using FeedTitles = std::map<std::string, std::string, std::less<>>;

// Which copy of a merged item the outputs show (its content, title, link).
enum class Representative {
  original,  // the un-prefixed, untruncated original; among equals the earliest published
  first,     // the copy stored first; never replaced
  latest,    // the most recently published copy
};

struct DedupSettings {
  bool enabled = true;  // false: every new copy is an item of its own
  feeds::dedup::Options options;
  // Copies that arrived within this window, at most memory_copies of them
  // (the newest whole seconds of arrivals), stay in the in-memory index;
  // older ones are found by their feed key, canonical URL and title key
  // (SQL, see DedupIndex::save).
  std::chrono::seconds memory_window{7 * 24 * 3600};
  std::size_t memory_copies = 20000;
  Representative representative = Representative::original;
};

// The settings a config's [dedup] section asks for.
DedupSettings dedup_settings(const config::DedupConfig& config);

// The store's dedup stage: a feeds::dedup::Deduplicator over the copies
// that arrived within the memory window, kept in step with the SQLite rows
// (the same code path as `tributary dedup`), plus indexed lookups for older
// copies and tombstones.
//
// Every copy a feed gives is an item_sources row; copies the deduplicator
// groups share one items row, whose output id never changes and whose
// content is the representative copy's. Story clusters are items.story_id:
// the id of the story's earliest item. Not thread-safe: the store strand
// owns it, with the store.
class DedupIndex {
 public:
  // Rebuilds the index from the copies stored within the memory window
  // before `now` (Unix seconds).
  static Result<DedupIndex> open(sqlite::Database& db, DedupSettings settings, std::int64_t now);

  // Files the items of one refresh of feed `feed_id` (its URL and display
  // name given) inside the caller's transaction: known copies are skipped,
  // tombstoned ones dropped, the rest join existing items or become new
  // ones; items the batch bridged are merged; story ids are set. Adds to
  // `stats`. If the caller's transaction then fails, call rebuild().
  Result<void> save(sqlite::Database& db, std::int64_t feed_id, std::string_view feed_url,
                    std::string_view feed_name, const std::vector<NewItem>& items, std::int64_t now,
                    SaveStats& stats);

  // Replaces the in-memory index by one rebuilt from the store.
  Result<void> rebuild(sqlite::Database& db, std::int64_t now);

  // The other items of story `story_id` than `item_id`, newest first; a
  // feed in `titles` (by URL) is named by it.
  Result<std::vector<feeds::RelatedStory>> related(sqlite::Database& db, std::int64_t story_id,
                                                   std::int64_t item_id, int limit,
                                                   const FeedTitles& titles = {});

  // Copies in the in-memory index.
  std::size_t remembered() const;

  const DedupSettings& settings() const { return settings_; }

 private:
  explicit DedupIndex(DedupSettings settings);
  Result<void> prepare(sqlite::Database& db);
  void reset();
  std::int64_t& item_of(std::size_t handle);
  std::int64_t resolve(std::int64_t item_id) const;
  void forget_old(std::int64_t now);
  // When the oldest copy the deduplicator remembers arrived (Unix seconds);
  // the SQL lookups are for copies before it.
  std::int64_t remembered_since() const;
  // Reads item `item_id`'s output id and representative into the out
  // parameters; false when the item is gone.
  Result<bool> read_item(std::int64_t item_id, std::string& output, std::int64_t& rep_rank,
                         std::int64_t& rep_published);
  // The item of a forgotten copy with the same title key, published within
  // the duplicate window (at the same instant for short titles), whose
  // summary does not tell it apart; kUnset when there is none.
  Result<std::int64_t> find_by_title(const feeds::dedup::ItemKeys& keys, const feeds::dedup::Item& copy);

  DedupSettings settings_;
  feeds::dedup::Deduplicator dedup_;
  // Per remembered handle (offset by dedup_.first_remembered()): the items
  // row it belongs to; kDeleted when that item was deleted.
  std::deque<std::int64_t> item_of_;
  std::size_t item_of_base_ = 0;
  // When each remembered batch arrived: (seen, its first handle), oldest
  // first.
  std::deque<std::pair<std::int64_t, std::size_t>> arrivals_;
  // Items merged into others while their copies were remembered.
  boost::unordered_flat_map<std::int64_t, std::int64_t> merged_into_;

  sqlite::Statement find_source_, retired_, item_row_, find_by_url_, find_by_title_, insert_item_, update_rep_,
      insert_source_, set_story_, move_story_, move_sources_, delete_item_, related_;
};

// Deletes the items `item_ids` and everything stored with them, and
// remembers their keys (each source's feed key, their canonical URLs) in
// the `retired` table, so that no feed brings them back. Runs inside the
// caller's transaction when one is open, else in its own. Returns the items
// deleted.
Result<int> retire_items(sqlite::Database& db, std::span<const std::int64_t> item_ids, std::int64_t now);

}  // namespace tributary::daemon
