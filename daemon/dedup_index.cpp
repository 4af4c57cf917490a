#include "daemon/dedup_index.h"

#include <algorithm>
#include <limits>
#include <numeric>

#include <boost/json.hpp>
#include <boost/unordered/unordered_flat_set.hpp>
#include <fmt/format.h>

#include "daemon/store.h"
#include "feeds/dedup/terms.h"
#include "feeds/json_dump.h"

namespace tributary::daemon {
namespace {

namespace dedup = feeds::dedup;
namespace json = boost::json;

constexpr std::int64_t kDeleted = -1;
constexpr std::int64_t kUnset = 0;

// What a copy keeps of its summary for rebuilding the index: the words the
// deduplicator reads (its first ~120) and some slack.
constexpr std::size_t kSummaryBytes = 1200;

// FNV-1a, 64 bits: stable across builds and platforms, for output ids.
std::uint64_t fnv1a(std::string_view s, std::uint64_t h = 0xcbf29ce484222325ull) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

// The output id of an item first stored from `key` of the feed at
// `feed_url` (the scheme the store has always used).
std::string output_id(std::string_view feed_url, std::string_view key) {
  std::uint64_t h = fnv1a(key, fnv1a(feed_url) ^ 0x9e3779b97f4a7c15ull);
  return fmt::format("urn:tributary:item:{:016x}", h);
}

std::optional<std::int64_t> seconds(const std::optional<feeds::Time>& t) {
  if (!t) return std::nullopt;
  return t->time_since_epoch().count();
}

// `s` cut to at most `n` bytes, not inside a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view s, std::size_t n) {
  if (s.size() <= n) return s;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

std::string plain(const std::optional<feeds::Text>& t) {
  if (!t) return {};
  return t->is_html() ? dedup::summary_text(t->value) : t->value;
}

// A copy as the deduplicator reads it. Undated copies count as published
// when they arrived.
dedup::Item dedup_item(const feeds::Entry& e, std::string_view feed_name, std::int64_t now) {
  dedup::Item item;
  item.title = plain(e.title);
  item.link = e.link;
  item.guid = e.id;
  const auto& body = e.summary ? e.summary : e.content;
  if (body) item.summary = std::string(utf8_prefix(dedup::summary_text(body->value), kSummaryBytes));
  item.feed = std::string(feed_name);
  std::int64_t t = e.published ? seconds(e.published).value() : e.updated ? seconds(e.updated).value() : now;
  // A date more than a day ahead is wrong (a misread or misconfigured
  // clock): the copy counts as published when it arrived.
  constexpr std::int64_t kFutureSlack = 24 * 3600;
  if (t > now + kFutureSlack) t = now;
  item.published = dedup::Millis(std::chrono::seconds(t));
  return item;
}

// How well a copy represents its group, lower is better: copies whose title
// is cut or wrapped by a re-publisher (prefix, credit, section tag) rank
// below the original, and among equals the shorter title (fewer
// decorations) wins.
std::int64_t copy_rank(const dedup::ItemKeys& k, std::size_t title_bytes) {
  constexpr std::uint32_t kWrapped = dedup::kTitleBracketPrefix | dedup::kTitleWirePrefix |
                                     dedup::kTitlePublisherPrefix | dedup::kTitlePublisherSuffix |
                                     dedup::kTitleLearnedPrefix;
  std::int64_t rank = 0;
  if (k.clean.has(dedup::kTitleTruncated) || k.clean.has(dedup::kTitlePartialEntity)) rank += 2;
  if ((k.clean.flags & kWrapped) != 0 || !k.label_title.empty()) rank += 1;
  return rank * 100000 + static_cast<std::int64_t>(std::min<std::size_t>(title_bytes, 99999));
}

// The title key without a leading label ("World: ") or a prefix learned
// for the feed; "" when the title has neither.
const std::string& bare_title(const dedup::ItemKeys& k) {
  return !k.label_title.empty() ? k.label_title : k.learned_title;
}

// True when a copy of rank `rank` published at `published` should replace
// the representative (`rep_rank`, `rep_published`).
bool better_representative(Representative policy, std::int64_t rank, std::int64_t published,
                           std::int64_t rep_rank, std::int64_t rep_published) {
  switch (policy) {
    case Representative::first:
      return false;
    case Representative::latest:
      return published > rep_published;
    case Representative::original:
      return rank != rep_rank ? rank < rep_rank : published < rep_published;
  }
  return false;
}

}  // namespace

DedupSettings dedup_settings(const config::DedupConfig& config) {
  DedupSettings s;
  s.enabled = config.enabled;
  s.options.stories = config.stories != "off";
  s.options.story = dedup::story_params(config.stories == "event" ? dedup::Granularity::event
                                                                  : dedup::Granularity::story);
  s.options.duplicate_window = std::chrono::duration_cast<std::chrono::hours>(config.window);
  s.memory_window = config.memory;
  s.memory_copies = static_cast<std::size_t>(config.memory_copies);
  s.representative = config.representative == "first"    ? Representative::first
                     : config.representative == "latest" ? Representative::latest
                                                         : Representative::original;
  return s;
}

DedupIndex::DedupIndex(DedupSettings settings)
    : settings_([&] {
        settings.options.keep_keys = true;  // ranks and stored keys need them
        return std::move(settings);
      }()),
      dedup_(settings_.options) {}

void DedupIndex::reset() {
  dedup_ = dedup::Deduplicator(settings_.options);
  item_of_.clear();
  item_of_base_ = 0;
  arrivals_.clear();
  merged_into_.clear();
}

std::int64_t& DedupIndex::item_of(std::size_t handle) {
  while (item_of_base_ + item_of_.size() <= handle) item_of_.push_back(kUnset);
  return item_of_[handle - item_of_base_];
}

std::int64_t DedupIndex::resolve(std::int64_t item_id) const {
  for (int hops = 0; hops < 64 && item_id > 0; ++hops) {
    auto it = merged_into_.find(item_id);
    if (it == merged_into_.end()) break;
    item_id = it->second;
  }
  return item_id;
}

std::size_t DedupIndex::remembered() const { return dedup_.size() - dedup_.first_remembered(); }

Result<DedupIndex> DedupIndex::open(sqlite::Database& db, DedupSettings settings, std::int64_t now) {
  DedupIndex index(std::move(settings));
  if (auto r = index.prepare(db); !r) return tl::unexpected(r.error());
  if (auto r = index.rebuild(db, now); !r) return tl::unexpected(r.error());
  return index;
}

Result<void> DedupIndex::prepare(sqlite::Database& db) {
  struct Prepared {
    sqlite::Statement* target;
    std::string_view sql;
  };
  const Prepared list[] = {
      {&find_source_, "SELECT item_id FROM item_sources WHERE feed_id = ?1 AND item_key = ?2"},
      {&retired_, "SELECT 1 FROM retired WHERE feed_id = ?1 AND item_key = ?2"},
      {&item_row_, "SELECT output_id, rep_rank, rep_published, story_id FROM items WHERE id = ?1"},
      {&find_by_url_,
       "SELECT item_id FROM item_sources WHERE url_key = ?1 AND url_key != '' AND seen < ?2 LIMIT 1"},
      // Copies under the title (?1) or its bare form (?5); exact = 1 when
      // the titles are equal.
      {&find_by_title_,
       "SELECT * FROM ("
       " SELECT item_id, summary, published, title_key = ?1 AS exact FROM item_sources"
       " WHERE title_key IN (?1, ?5) AND title_key != '' AND seen < ?2 AND published BETWEEN ?3 - ?4 AND ?3 + ?4"
       " UNION ALL"
       " SELECT item_id, summary, published, 0 FROM item_sources"
       " WHERE bare_title_key IN (?1, ?5) AND bare_title_key != '' AND seen < ?2"
       " AND published BETWEEN ?3 - ?4 AND ?3 + ?4) "
       "ORDER BY exact DESC, abs(published - ?3) LIMIT 8"},
      {&insert_item_,
       "INSERT INTO items (output_id, canonical_url, published, updated, first_seen, entry_json, "
       "rep_feed_id, rep_rank, rep_published, story_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, NULL)"},
      {&update_rep_,
       "UPDATE items SET canonical_url = ?2, published = ?3, updated = ?4, entry_json = ?5, "
       "rep_feed_id = ?6, rep_rank = ?7, rep_published = ?8 WHERE id = ?1"},
      {&insert_source_,
       "INSERT OR IGNORE INTO item_sources (feed_id, item_key, item_id, seen, title, link, guid, summary, "
       "published, url_key, title_key, rank, bare_title_key) "
       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"},
      {&set_story_, "UPDATE items SET story_id = ?2 WHERE id = ?1"},
      {&move_story_, "UPDATE items SET story_id = ?1 WHERE story_id = ?2"},
      {&move_sources_, "UPDATE item_sources SET item_id = ?1 WHERE item_id = ?2"},
      {&delete_item_, "DELETE FROM items WHERE id = ?1"},
      // The newest items of the story by its index (items_story_recency),
      // then their representative copies: a story of thousands costs what
      // one of `limit` does.
      {&related_,
       "SELECT i.output_id, s.title, s.link, f.title, f.link, f.url FROM "
       "(SELECT id, output_id, rep_feed_id, coalesce(published, first_seen) AS t FROM items "
       " WHERE story_id = ?1 AND id != ?2 AND EXISTS (SELECT 1 FROM item_sources "
       "  WHERE item_id = items.id AND feed_id = items.rep_feed_id) "
       " ORDER BY t DESC, id DESC LIMIT ?3) i "
       "JOIN item_sources s ON s.item_id = i.id AND s.feed_id = i.rep_feed_id "
       "JOIN feeds f ON f.id = i.rep_feed_id "
       "GROUP BY i.id ORDER BY i.t DESC, i.id DESC"},
  };
  for (const auto& p : list) {
    auto s = db.prepare(p.sql);
    if (!s) return tl::unexpected(s.error());
    *p.target = std::move(*s);
  }
  return {};
}

Result<void> DedupIndex::rebuild(sqlite::Database& db, std::int64_t now) {
  reset();
  if (!settings_.enabled) return {};
  // Copies in arrival order, one add() per refresh (feed and time), as
  // they were filed.
  auto s = db.prepare(
      "SELECT s.feed_id, coalesce(nullif(f.title, ''), f.url), s.item_id, s.title, s.link, s.guid, "
      "s.summary, s.published, s.seen FROM item_sources s JOIN feeds f ON f.id = s.feed_id "
      "WHERE s.seen >= ?1 AND (s.title != '' OR s.link != '') ORDER BY s.seen, s.feed_id");
  if (!s) return tl::unexpected(s.error());
  // Within the window, the newest whole seconds of arrivals that fit in
  // memory (what forget_old() would have kept).
  std::int64_t since = now - settings_.memory_window.count();
  auto newest = db.prepare("SELECT seen FROM item_sources WHERE seen >= ?1 ORDER BY seen DESC LIMIT 1 OFFSET ?2");
  if (!newest) return tl::unexpected(newest.error());
  newest->bind(1, since).bind(2, static_cast<std::int64_t>(settings_.memory_copies));
  auto full = newest->step();
  if (!full) return tl::unexpected(full.error());
  if (*full) since = newest->column_int(0) + 1;
  s->bind(1, since);
  std::vector<dedup::Item> batch;
  std::vector<std::int64_t> batch_items;
  std::int64_t batch_feed = -1, batch_seen = -1;
  auto flush = [&] {
    if (batch.empty()) return;
    auto handles = dedup_.add(batch);
    arrivals_.emplace_back(batch_seen, *std::min_element(handles.begin(), handles.end()));
    for (std::size_t i = 0; i < handles.size(); ++i) item_of(handles[i]) = batch_items[i];
    batch.clear();
    batch_items.clear();
  };
  for (;;) {
    auto row = s->step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) break;
    std::int64_t feed = s->column_int(0), seen = s->column_int(8);
    if (feed != batch_feed || seen != batch_seen) {
      flush();
      batch_feed = feed;
      batch_seen = seen;
    }
    dedup::Item item;
    item.feed = s->column_text(1);
    item.title = s->column_text(3);
    item.link = s->column_text(4);
    item.guid = s->column_text(5);
    item.summary = s->column_text(6);
    item.published = dedup::Millis(std::chrono::seconds(s->column_opt_int(7).value_or(seen)));
    batch.push_back(std::move(item));
    batch_items.push_back(s->column_int(2));
  }
  flush();
  forget_old(now);
  return {};
}

void DedupIndex::forget_old(std::int64_t now) {
  // The batches that arrived before the cutoff go, and beyond memory_copies
  // the oldest whole seconds of arrivals, down to three quarters of it -
  // never the current second, so that `seen < remembered_since()` finds
  // exactly the forgotten copies in the store. They go together, when at
  // least an eighth of what is remembered can go: compaction costs a pass
  // over it.
  std::int64_t cutoff = now - settings_.memory_window.count();
  auto keep = std::partition_point(arrivals_.begin(), arrivals_.end(),
                                   [&](const auto& a) { return a.first < cutoff; });
  std::size_t size = dedup_.size();
  auto copies_from = [&](auto it) { return it == arrivals_.end() ? 0 : size - it->second; };
  if (copies_from(keep) > settings_.memory_copies) {
    std::size_t target = settings_.memory_copies - settings_.memory_copies / 4;
    auto fits = std::partition_point(keep, arrivals_.end(), [&](const auto& a) { return size - a.second > target; });
    std::int64_t last = std::min(std::prev(fits)->first, now - 1);
    keep = std::partition_point(keep, arrivals_.end(), [&](const auto& a) { return a.first <= last; });
  }
  std::size_t end = keep == arrivals_.end() ? size : keep->second;
  std::size_t first = dedup_.first_remembered();
  if (end <= first || 8 * (end - first) < size - first) return;
  dedup_.forget_handles_before(end);
  arrivals_.erase(arrivals_.begin(), keep);
  std::size_t drop = std::min(item_of_.size(), dedup_.first_remembered() - item_of_base_);
  item_of_.erase(item_of_.begin(), item_of_.begin() + static_cast<std::ptrdiff_t>(drop));
  item_of_base_ = dedup_.first_remembered();
}

std::int64_t DedupIndex::remembered_since() const {
  return arrivals_.empty() ? std::numeric_limits<std::int64_t>::max() : arrivals_.front().first;
}

Result<bool> DedupIndex::read_item(std::int64_t item_id, std::string& output, std::int64_t& rep_rank,
                                   std::int64_t& rep_published) {
  item_row_.bind(1, item_id);
  auto row = item_row_.step();
  if (row && *row) {
    output = item_row_.column_text(0);
    rep_rank = item_row_.column_int(1);
    rep_published = item_row_.column_int(2);
  }
  item_row_.reset();
  return row;
}

Result<std::int64_t> DedupIndex::find_by_title(const dedup::ItemKeys& keys, const dedup::Item& copy) {
  if (keys.title.empty()) return kUnset;
  // The deduplicator's title rules: equal titles of enough words join
  // copies published within the duplicate window, shorter ones the same
  // instant; a title and the same title under a label or learned prefix
  // join at the same instant. Summaries that agree stand in for the
  // instant (up to the identity window); summaries that conflict keep
  // copies apart.
  using std::chrono::duration_cast, std::chrono::seconds;
  const dedup::Options& o = settings_.options;
  std::size_t words = 1 + static_cast<std::size_t>(std::count(keys.title.begin(), keys.title.end(), ' '));
  std::int64_t window = words >= o.min_title_words ? duration_cast<seconds>(o.duplicate_window).count() : 0;
  std::int64_t published = duration_cast<seconds>(copy.published->time_since_epoch()).count();
  find_by_title_.bind(1, keys.title)
      .bind(2, remembered_since())
      .bind(3, published)
      .bind(4, duration_cast<seconds>(o.identity_window).count())
      .bind(5, bare_title(keys));
  std::int64_t found = kUnset;
  Result<bool> row;
  while (found == kUnset && (row = find_by_title_.step()) && *row) {
    dedup::SummaryMatch match = dedup::compare_summaries(copy.summary, find_by_title_.column_text(1));
    std::int64_t apart = std::abs(find_by_title_.column_int(2) - published);
    bool exact = find_by_title_.column_int(3) != 0;
    if (match == dedup::SummaryMatch::agree ||
        (match == dedup::SummaryMatch::unknown && apart <= (exact ? window : 0))) {
      found = find_by_title_.column_int(0);
    }
  }
  find_by_title_.reset();
  if (!row) return tl::unexpected(row.error());
  return found;
}

Result<void> DedupIndex::save(sqlite::Database& db, std::int64_t feed_id, std::string_view feed_url,
                              std::string_view feed_name, const std::vector<NewItem>& items, std::int64_t now,
                              SaveStats& stats) {
  // 1. Copies this feed gave before, and copies deleted for good. A key
  // listed twice in one document stands for its first entry.
  std::vector<const NewItem*> fresh;
  boost::unordered_flat_set<std::string_view> batch_keys;
  for (const NewItem& item : items) {
    if (!batch_keys.insert(item.key).second) {
      ++stats.unchanged;
      continue;
    }
    find_source_.bind(1, feed_id).bind(2, item.key);
    auto known = find_source_.step();
    find_source_.reset();
    if (!known) return tl::unexpected(known.error());
    if (*known) {
      ++stats.unchanged;
      continue;
    }
    retired_.bind(1, feed_id).bind(2, item.key);
    auto gone = retired_.step();
    retired_.reset();
    if (!gone) return tl::unexpected(gone.error());
    if (*gone) {
      ++stats.retired;
      continue;
    }
    fresh.push_back(&item);
  }
  if (fresh.empty()) return {};

  std::vector<dedup::Item> batch;
  batch.reserve(fresh.size());
  for (const NewItem* item : fresh) batch.push_back(dedup_item(item->entry, feed_name, now));
  // Without dedup every copy stands alone; the deduplicator still computes
  // the keys the rows keep.
  std::vector<std::size_t> handles = dedup_.add(batch);
  std::size_t first_new = dedup_.size() - handles.size();
  arrivals_.emplace_back(now, first_new);

  // 2. Items this batch bridged (a copy sharing a key with each) become one:
  // the earlier group's item absorbs the other.
  if (settings_.enabled) {
    for (const dedup::Merge& m : dedup_.merged_groups()) {
      if (m.kept >= first_new || m.absorbed >= first_new) continue;
      std::int64_t into = resolve(item_of(m.kept)), from = resolve(item_of(m.absorbed));
      if (into <= 0 || from <= 0 || into == from) continue;
      // Inside the caller's transaction: all or nothing with the batch.
      move_sources_.bind(1, into).bind(2, from);
      if (auto u = move_sources_.run(); !u) return u;
      move_story_.bind(1, into).bind(2, from);
      if (auto u = move_story_.run(); !u) return u;
      delete_item_.bind(1, from);
      if (auto u = delete_item_.run(); !u) return u;
      merged_into_[from] = into;
      ++stats.bridged;
    }
  }

  // 3. Each copy in filing order: the group's item, or a new one.
  std::vector<std::size_t> order(handles.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return handles[a] < handles[b]; });
  std::vector<std::size_t> created;  // handles of copies that made new items
  for (std::size_t i : order) {
    const NewItem& item = *fresh[i];
    std::size_t h = handles[i];
    const dedup::ItemKeys& keys = dedup_.keys(h);
    std::int64_t target = kUnset;
    if (settings_.enabled) {
      std::size_t g = dedup_.assignment(h).group;
      if (g != h) target = resolve(item_of(g));
    }
    // A canonical URL deleted for good, or an item that is gone.
    if (target == kUnset && !keys.url.empty()) {
      retired_.bind(1, std::int64_t{0}).bind(2, "url:" + keys.url);
      auto gone = retired_.step();
      retired_.reset();
      if (!gone) return tl::unexpected(gone.error());
      if (*gone) target = kDeleted;
    }
    std::string output;
    std::int64_t rep_rank = 0, rep_published = 0;
    if (target > 0) {
      auto found = read_item(target, output, rep_rank, rep_published);
      if (!found) return tl::unexpected(found.error());
      if (!*found) target = kDeleted;  // retired since it was filed
    }
    // A copy older than what the deduplicator remembers (which it judged
    // already): the canonical URL still finds it, else the title.
    const dedup::Item& d = batch[i];
    if (target == kUnset && settings_.enabled && !keys.url.empty()) {
      find_by_url_.bind(1, keys.url).bind(2, remembered_since());
      auto row = find_by_url_.step();
      if (row && *row) target = find_by_url_.column_int(0);
      find_by_url_.reset();
      if (!row) return tl::unexpected(row.error());
    }
    if (target == kUnset && settings_.enabled) {
      auto found = find_by_title(keys, d);
      if (!found) return tl::unexpected(found.error());
      target = *found;
    }
    if (target > 0 && output.empty()) {
      auto found = read_item(target, output, rep_rank, rep_published);
      if (!found) return tl::unexpected(found.error());
      if (!*found) target = kUnset;
    }
    if (target == kDeleted) {
      item_of(h) = kDeleted;
      ++stats.retired;
      continue;
    }

    std::int64_t published = d.published->time_since_epoch().count() / 1000;
    std::int64_t rank = copy_rank(keys, d.title.size());
    auto entry_json = [&](const std::string& id) {
      feeds::Entry entry = item.entry;
      entry.id = id;
      return json::serialize(feeds::to_json(entry));
    };
    if (target == kUnset) {
      output = output_id(feed_url, item.key);
      insert_item_.bind(1, output)
          .bind(2, keys.url)
          .bind(3, seconds(item.entry.published))
          .bind(4, seconds(item.entry.updated))
          .bind(5, now)
          .bind(6, entry_json(output))
          .bind(7, feed_id)
          .bind(8, rank)
          .bind(9, published);
      if (auto r = insert_item_.run(); !r) return r;
      target = db.last_insert_rowid();
      created.push_back(h);
      ++stats.added;
    } else {
      ++stats.merged;
      if (better_representative(settings_.representative, rank, published, rep_rank, rep_published)) {
        update_rep_.bind(1, target)
            .bind(2, keys.url)
            .bind(3, seconds(item.entry.published))
            .bind(4, seconds(item.entry.updated))
            .bind(5, entry_json(output))
            .bind(6, feed_id)
            .bind(7, rank)
            .bind(8, published);
        if (auto r = update_rep_.run(); !r) return r;
      }
    }
    item_of(h) = target;
    insert_source_.bind(1, feed_id)
        .bind(2, item.key)
        .bind(3, target)
        .bind(4, now)
        .bind(5, d.title)
        .bind(6, d.link)
        .bind(7, d.guid)
        .bind(8, d.summary)
        .bind(9, published)
        .bind(10, keys.url)
        .bind(11, keys.title)
        .bind(12, rank)
        .bind(13, bare_title(keys));
    if (auto r = insert_source_.run(); !r) return r;
  }

  // 4. Stories: merged stories share the earlier one's id; a new item takes
  // its story's id (its own when it starts one).
  auto story_of = [&](std::int64_t item_id) -> Result<std::int64_t> {
    item_row_.bind(1, item_id);
    auto row = item_row_.step();
    std::int64_t story = kUnset;
    if (row && *row) story = item_row_.column_opt_int(3).value_or(item_id);
    item_row_.reset();
    if (!row) return tl::unexpected(row.error());
    return story;
  };
  if (settings_.enabled && settings_.options.stories) {
    for (const dedup::Merge& m : dedup_.merged_stories()) {
      if (m.kept >= first_new || m.absorbed >= first_new) continue;
      std::int64_t a = resolve(item_of(m.kept)), b = resolve(item_of(m.absorbed));
      if (a <= 0 || b <= 0 || a == b) continue;
      auto sa = story_of(a), sb = story_of(b);
      if (!sa) return tl::unexpected(sa.error());
      if (!sb) return tl::unexpected(sb.error());
      if (*sa == kUnset || *sb == kUnset || *sa == *sb) continue;
      move_story_.bind(1, std::min(*sa, *sb)).bind(2, std::max(*sa, *sb));
      if (auto r = move_story_.run(); !r) return r;
    }
  }
  for (std::size_t h : created) {
    std::int64_t item_id = item_of(h);
    std::int64_t story = item_id;
    if (settings_.enabled && settings_.options.stories) {
      std::size_t root = dedup_.assignment(h).story;
      std::int64_t root_item = resolve(item_of(root));
      if (root_item > 0 && root_item != item_id) {
        auto s = story_of(root_item);
        if (!s) return tl::unexpected(s.error());
        if (*s != kUnset) story = *s;
      }
    }
    set_story_.bind(1, item_id).bind(2, story);
    if (auto r = set_story_.run(); !r) return r;
  }
  forget_old(now);
  return {};
}

Result<std::vector<feeds::RelatedStory>> DedupIndex::related(sqlite::Database&, std::int64_t story_id,
                                                             std::int64_t item_id, int limit,
                                                             const FeedTitles& titles) {
  std::vector<feeds::RelatedStory> out;
  related_.bind(1, story_id).bind(2, item_id).bind(3, std::int64_t{limit});
  for (;;) {
    auto row = related_.step();
    if (!row) {
      related_.reset();
      return tl::unexpected(row.error());
    }
    if (!*row) break;
    feeds::RelatedStory r;
    r.id = related_.column_text(0);
    r.title = related_.column_text(1);
    r.link = related_.column_text(2);
    r.source_title = related_.column_text(3);
    r.source_link = related_.column_text(4);
    r.source_id = related_.column_text(5);
    if (auto it = titles.find(r.source_id); it != titles.end()) r.source_title = it->second;
    if (r.source_title.empty()) r.source_title = r.source_id;
    out.push_back(std::move(r));
  }
  related_.reset();
  return out;
}

Result<int> retire_items(sqlite::Database& db, std::span<const std::int64_t> item_ids, std::int64_t now) {
  int deleted = 0;
  auto body = [&]() -> Result<void> {
    auto by_source = db.prepare(
        "INSERT OR IGNORE INTO retired (feed_id, item_key, retired_at) "
        "SELECT feed_id, item_key, ?2 FROM item_sources WHERE item_id = ?1");
    auto by_url = db.prepare(
        "INSERT OR IGNORE INTO retired (feed_id, item_key, retired_at) "
        "SELECT 0, 'url:' || url_key, ?2 FROM item_sources WHERE item_id = ?1 AND url_key != ''");
    auto sources = db.prepare("DELETE FROM item_sources WHERE item_id = ?1");
    auto item = db.prepare("DELETE FROM items WHERE id = ?1");
    for (auto* s : {&by_source, &by_url, &sources, &item}) {
      if (!*s) return tl::unexpected(s->error());
    }
    for (std::int64_t id : item_ids) {
      for (auto* s : {&by_source, &by_url}) {
        (*s)->bind(1, id).bind(2, now);
        if (auto e = (*s)->run(); !e) return e;
      }
      sources->bind(1, id);
      if (auto e = sources->run(); !e) return e;
      item->bind(1, id);
      if (auto e = item->run(); !e) return e;
      deleted += db.changes();
    }
    return {};
  };
  // In the caller's transaction when there is one, else in its own.
  bool in_transaction = sqlite3_get_autocommit(db.handle()) == 0;
  auto r = in_transaction ? body() : sqlite::transaction(db, body);
  if (!r) return tl::unexpected(r.error());
  return deleted;
}

}  // namespace tributary::daemon
