#include "feeds/dedup/deduplicator.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <deque>
#include <functional>
#include <numeric>
#include <utility>

#include <boost/unordered/unordered_flat_map.hpp>
#include <boost/unordered/unordered_flat_set.hpp>

#include "feeds/dedup/terms.h"
#include "feeds/dedup/url_canon.h"

namespace tributary::feeds::dedup {
namespace {

using Handle = std::uint32_t;
constexpr Handle kNone = static_cast<Handle>(-1);
constexpr std::uint32_t kNoTerm = static_cast<std::uint32_t>(-1);

// Key kinds, mixed into the key hash so that one map serves them all.
enum class KeyKind : std::uint64_t { guid = 1, url, title, truncated_title, prefix, learned_title, label_title };

std::uint64_t string_hash(std::string_view key) { return std::hash<std::string_view>{}(key); }

// The hash an entry keeps for a key; 0 means "no key".
std::uint64_t field_hash(std::string_view key) {
  if (key.empty()) return 0;
  std::uint64_t h = string_hash(key);
  return h == 0 ? 1 : h;
}

std::uint64_t chain_key(KeyKind kind, std::uint64_t field) {
  return field ^ (static_cast<std::uint64_t>(kind) * 0x9E3779B97F4A7C15ull);
}

// Heterogeneous lookup for string-keyed maps.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return string_hash(s); }
};
template <class V>
using StringMap = boost::unordered_flat_map<std::string, V, StringHash, std::equal_to<>>;

// Whether a canonical link names an article: a web address (http is
// folded into https) with a host and a path beyond the site's front page.
// Feeds that link every item to their home page would collapse into one
// group, and so would items linking "javascript:void(0)", "#", "data:...",
// "file:///..." or a relative path the feed left unresolved: none of these
// says which article an item is.
bool names_article(std::string_view canonical) {
  constexpr std::string_view kWeb = "https://";
  if (!canonical.starts_with(kWeb)) return false;
  auto slash = canonical.find('/', kWeb.size());
  if (slash == kWeb.size()) return false;  // no host
  return slash != std::string_view::npos && canonical.substr(slash) != "/";
}

// The first `n` words of a title key (words joined by single spaces).
std::string_view first_words(std::string_view key, std::size_t n) {
  std::size_t pos = 0;
  for (std::size_t i = 0; i < n; ++i) {
    pos = key.find(' ', pos);
    if (pos == std::string_view::npos) return key;
    if (i + 1 < n) ++pos;
  }
  return key.substr(0, pos);
}

// The words of a title key (words joined by single spaces), into `words`.
void split_words(std::string_view key, std::vector<std::string>& words) {
  words.clear();
  for (std::size_t pos = 0; pos < key.size();) {
    std::size_t end = std::min(key.find(' ', pos), key.size());
    words.emplace_back(key.substr(pos, end - pos));
    pos = end + 1;
  }
}

// Room for `n` elements in a vector of one element per remembered item,
// growing by a quarter (doubling left up to half of such vectors unused).
template <class V>
void reserve_for(V& v, std::size_t n) {
  if (v.capacity() < n) v.reserve(std::max(n, v.capacity() + v.capacity() / 4));
}

// Union-find over handles [base, end) whose root is always the smallest
// handle: the earliest remembered item. Handles below the base are gone.
class MinUnionFind {
 public:
  Handle add() {
    parent_.push_back(end());
    return parent_.back();
  }
  Handle find(Handle x) const {
    while (parent(x) != x) {
      parent(x) = parent(parent(x));
      x = parent(x);
    }
    return x;
  }
  // Returns {new root, absorbed root}, or {root, kNone} when already joined.
  std::pair<Handle, Handle> unite(Handle a, Handle b) {
    Handle ra = find(a), rb = find(b);
    if (ra == rb) return {ra, kNone};
    if (rb < ra) std::swap(ra, rb);
    parent(rb) = ra;
    return {ra, rb};
  }
  Handle base() const { return base_; }
  Handle end() const { return static_cast<Handle>(base_ + parent_.size()); }
  void reserve(std::size_t n) { reserve_for(parent_, n); }

  // Drops the handles below `new_base`. A set whose root is dropped is
  // re-rooted at its smallest remaining member; moved(old_root, new_root)
  // is called for each such set before anything is dropped.
  template <class F>
  void drop_before(Handle new_base, F&& moved) {
    if (new_base <= base_) return;
    boost::unordered_flat_map<Handle, Handle> remap;
    // In increasing order, so the first member met of a set whose root is
    // dropped becomes its root; later members find either the old root
    // (remapped) or the new one.
    for (Handle h = new_base; h < end(); ++h) {
      Handle r = find(h);
      if (r >= new_base) {
        parent(h) = r;
        continue;
      }
      auto [it, fresh] = remap.try_emplace(r, h);
      if (fresh) moved(r, h);
      parent(h) = it->second;
    }
    parent_.erase(parent_.begin(), parent_.begin() + static_cast<std::ptrdiff_t>(new_base - base_));
    base_ = new_base;
  }

 private:
  Handle& parent(Handle x) const { return parent_[x - base_]; }
  Handle base_ = 0;
  mutable std::vector<Handle> parent_;
};

// A bottom-k sketch of the distinct words of a summary: the k smallest
// 32-bit word hashes and the number of distinct words. Exact for summaries
// of at most k words; an estimate of the overlap for longer ones, in
// bounded memory.
struct Sketch {
  static constexpr std::size_t kSize = 32;
  std::span<const std::uint32_t> hashes;  // sorted ascending, unique
  std::uint32_t words = 0;
};

// Summaries with fewer words prove nothing (see summaries_conflict): their
// sketches keep only the count.
constexpr std::uint32_t kMinSummaryWords = 8;

// The sketch of `words`, its hashes in `all` (reused storage).
Sketch sketch_of(std::span<const std::string> words, std::vector<std::uint32_t>& all) {
  all.clear();
  for (const std::string& w : words) all.push_back(static_cast<std::uint32_t>(string_hash(w) >> 32));
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  Sketch s;
  s.words = static_cast<std::uint32_t>(all.size());
  if (s.words >= kMinSummaryWords) s.hashes = std::span(all).first(std::min(all.size(), Sketch::kSize));
  return s;
}

// The estimated number of words two summaries share.
double common_words(const Sketch& a, const Sketch& b) {
  bool exact = a.words <= Sketch::kSize && b.words <= Sketch::kSize;
  std::size_t both = 0, seen = 0;
  std::size_t limit = exact ? std::size_t(-1) : Sketch::kSize;
  for (std::size_t i = 0, j = 0; (i < a.hashes.size() || j < b.hashes.size()) && seen < limit; ++seen) {
    if (j == b.hashes.size() || (i < a.hashes.size() && a.hashes[i] < b.hashes[j])) {
      ++i;
    } else if (i == a.hashes.size() || b.hashes[j] < a.hashes[i]) {
      ++j;
    } else {
      ++both, ++i, ++j;
    }
  }
  if (exact) return static_cast<double>(both);
  // Jaccard estimate from the k smallest hashes of the union.
  double jaccard = seen == 0 ? 0.0 : static_cast<double>(both) / static_cast<double>(seen);
  return jaccard * (a.words + b.words) / (1.0 + jaccard);
}

// Summaries that share almost no words describe different articles even
// under one headline ("Morning Briefing"). Short summaries prove nothing.
bool summaries_conflict(const Sketch& a, const Sketch& b) {
  constexpr double kMinOverlap = 0.2;
  if (a.words < kMinSummaryWords || b.words < kMinSummaryWords) return false;
  return common_words(a, b) < kMinOverlap * std::min(a.words, b.words);
}

// Summaries that share most of their words: the same text.
bool summaries_agree(const Sketch& a, const Sketch& b) {
  constexpr double kMinOverlap = 0.8;
  if (a.words < kMinSummaryWords || b.words < kMinSummaryWords) return false;
  return common_words(a, b) >= kMinOverlap * std::min(a.words, b.words);
}

// Append-only storage for the small records of many items (title keys,
// sketches, term lists) in blocks of one size: no allocation per record
// and no slack of a doubling vector. A record is found by its position
// (block * kBlock + offset) and length; one longer than a block gets a
// block of its own.
template <class T>
class Pool {
 public:
  static constexpr std::uint32_t kBlock = 1u << 14;

  std::uint32_t append(std::span<const T> record) {
    if (record.empty()) return 0;
    if (blocks_.empty() || used_ + record.size() > kBlock) {
      blocks_.push_back(std::make_unique<T[]>(std::max<std::size_t>(record.size(), kBlock)));
      used_ = 0;
    }
    auto at = static_cast<std::uint32_t>((blocks_.size() - 1) * kBlock + used_);
    std::copy(record.begin(), record.end(), blocks_.back().get() + used_);
    used_ = record.size() > kBlock ? kBlock : used_ + record.size();
    return at;
  }
  std::span<const T> get(std::uint32_t at, std::size_t size) const {
    if (size == 0) return {};
    return {blocks_[at / kBlock].get() + at % kBlock, size};
  }

 private:
  std::vector<std::unique_ptr<T[]>> blocks_;
  std::size_t used_ = 0;  // of the last block
};

// Appends `v` in 7-bit groups, low first.
void put_varint(std::vector<std::uint8_t>& out, std::uint32_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<std::uint8_t>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<std::uint8_t>(v));
}

// Hashes of the ItemKeys fields few items have; 0 = no such key.
struct RareKeys {
  std::uint64_t learned_title = 0, label_title = 0, tag = 0;
};

// What the deduplicator remembers of an item; its records (title key,
// summary sketch, terms) live in the State's pools, its RareKeys in a map.
struct Entry {
  // Hashes of the ItemKeys fields; 0 = no such key.
  std::uint64_t guid = 0, url = 0, title = 0;
  std::int64_t ms = 0;
  std::uint32_t feed = 0;  // the feed key's number (State::feed_numbers); 0 = none
  std::uint32_t words = 0;
  std::uint32_t batch = 0;  // which add() filed it
  // The title key, kept where truncated copies match full titles by prefix
  // (truncated titles, and titles filed under their first words).
  std::uint32_t text = 0, text_size = 0;
  std::uint32_t sketch = 0;         // the summary's hashes (Sketch)
  std::uint32_t summary_words = 0;  // Sketch::words
  // The term ids counted in df, sorted, as varint deltas (once its add()
  // is over; until then in State::batch_terms).
  std::uint32_t terms = 0, terms_size = 0;
  bool has_time : 1 = false;
  bool truncated : 1 = false;
  bool forgotten : 1 = false;
  bool counted : 1 = false;  // in the term statistics
  bool rare : 1 = false;     // has RareKeys
};
static_assert(sizeof(Entry) <= 72);

// Two entries of one document (one feed's batch, when batches are
// documents) that the feed tells apart by their identities - each has a
// GUID or link, and they share neither - are two articles: a feed lists an
// article once. Their titles ("Weekly notes" twice, or after section tags),
// even with the same instant (a feed may stamp every entry alike), are no
// evidence against the feed's own word; only content (agreeing summaries)
// is.
bool told_apart(const Entry& a, const Entry& b) {
  if (a.batch != b.batch || a.feed == 0 || a.feed != b.feed) return false;
  if ((a.guid == 0 && a.url == 0) || (b.guid == 0 && b.url == 0)) return false;
  return (a.guid == 0 || a.guid != b.guid) && (a.url == 0 || a.url != b.url);
}

// Items whose titles carry different item tags are different items.
bool tags_differ(std::uint64_t a, std::uint64_t b) { return a != 0 && b != 0 && a != b; }

// A story cluster: the sum of its members' term vectors, and what the
// mean similarity of an item to its members needs (see cohesive()).
struct Cluster {
  boost::unordered_flat_map<std::uint32_t, float> centroid;
  double norm2 = 0;     // |centroid|^2
  double norm_sum = 0;  // the sum of the members' |vector|
  std::uint32_t members = 0;
  std::vector<std::uint32_t> title_terms;  // of its members' titles, sorted: its postings
  std::int64_t last_ms = 0;
};

// Adds `t` to the sorted `terms`; false when it was there.
bool insert_sorted(std::vector<std::uint32_t>& terms, std::uint32_t t) {
  auto it = std::lower_bound(terms.begin(), terms.end(), t);
  if (it != terms.end() && *it == t) return false;
  terms.insert(it, t);
  return true;
}

double dot(const boost::unordered_flat_map<std::uint32_t, float>& a,
           const boost::unordered_flat_map<std::uint32_t, float>& b) {
  const auto& small = a.size() <= b.size() ? a : b;
  const auto& large = a.size() <= b.size() ? b : a;
  double s = 0;
  for (auto [t, w] : small) {
    auto it = large.find(t);
    if (it != large.end()) s += static_cast<double>(w) * it->second;
  }
  return s;
}

// The keys of `item` from its folded title, into `k` (reusing its storage);
// k.words only when `with_words`. Returns the number of title words.
std::size_t compute_keys(const Item& item, std::string_view feed_key, std::string_view folded, std::uint32_t fold_flags,
                         const TitleRules& rules, bool with_words, ItemKeys& k) {
  k.feed = feed_key;
  k.guid.clear();
  if (!item.guid.empty()) {
    k.guid.reserve(k.feed.size() + 1 + item.guid.size());
    k.guid += k.feed;
    k.guid += '\n';
    k.guid += item.guid;
  }
  std::string_view link = item.link;
  if (link.empty() && (item.guid.starts_with("http://") || item.guid.starts_with("https://"))) link = item.guid;
  k.url.clear();
  if (!link.empty()) {
    canonical_url_into(link, k.url);
    if (!names_article(k.url)) k.url.clear();
  }
  TitleRules plain{rules.publishers, {}};
  k.clean.flags = fold_flags;
  k.clean.text.assign(clean_folded_view(folded, &k.clean.flags, plain));
  std::size_t words = title_key_into(k.clean.text, k.title);
  k.words.clear();
  if (with_words) split_words(k.title, k.words);
  k.prefix.clear();
  if (k.clean.has(kTitleTruncated) && words >= 2) k.prefix.assign(k.title, 0, k.title.rfind(' '));
  k.tag.clear();
  if (std::string_view tag = item_tag(k.clean.text); !tag.empty()) title_key_into(tag, k.tag);
  k.label_title.clear();
  if (std::size_t n = label_prefix_length(k.clean.text); n > 0) {
    title_key_into(std::string_view(k.clean.text).substr(n), k.label_title);
  }
  k.learned_title.clear();
  // A learned prefix can only be removed when it occurs in the title.
  bool maybe_learned = std::any_of(rules.feed_prefixes.begin(), rules.feed_prefixes.end(),
                                   [&](const std::string& p) { return folded.find(p) != std::string_view::npos; });
  if (maybe_learned) {
    CleanTitle learned = clean_folded_title(folded, fold_flags, rules);
    if (learned.has(kTitleLearnedPrefix)) {
      title_key_into(learned.text, k.learned_title);
      k.clean = std::move(learned);
    }
  }
  return words;
}

}  // namespace

StoryParams story_params(Granularity g) {
  StoryParams p;
  if (g == Granularity::event) {
    p.idf_exponent = 1.0;
    p.normalize_items = true;
    p.join = 0.4;
    p.merge = 2.0;  // never
    p.cohesion = 0.35;
  }
  return p;
}

ItemKeys item_keys(const Item& item, const TitleRules& rules) {
  std::uint32_t flags = 0;
  std::string folded = fold_title(item.title, &flags);
  ItemKeys k;
  compute_keys(item, publisher_key(item.feed), folded, flags, rules, true, k);
  return k;
}

struct Deduplicator::State {
  Options options;
  Publishers publishers;
  AffixLearner affixes;
  // Entries of handles [base, base + entries.size()); the same range as
  // the union-finds.
  std::deque<Entry> entries;
  // The entries' records (see Entry).
  Pool<char> texts;
  Pool<std::uint32_t> hashes;
  Pool<std::uint8_t> term_bytes;
  boost::unordered_flat_map<Handle, RareKeys> rare;
  // Feed keys by number, from 1.
  StringMap<std::uint32_t> feed_numbers;
  MinUnionFind groups;
  // Per handle, meaningful at group roots: non-truncated members; whether a
  // key (not a prefix) joined two members. Either means the group's
  // identity is settled.
  std::vector<std::uint32_t> full_count;
  std::vector<bool> keyed;
  // Per handle: the next member of its group, a circular list.
  std::vector<Handle> next_member;
  // Key slot -> the items filed under it, newest first: a chain of nodes.
  // A slot is 32 bits of the key's hash: keys whose slots collide share a
  // chain, and every probe checks the key itself (the entry's field hash,
  // the title text), so the other key's items are passed over.
  struct Node {
    Handle item;
    std::uint32_t older;
  };
  boost::unordered_flat_map<std::uint32_t, std::uint32_t> key_heads;
  std::deque<Node> key_nodes;
  std::vector<Handle> truncated;                            // items with a "..." title
  boost::unordered_flat_map<Handle, Handle> attached;       // truncated-only root -> full root

  // Story layer. Terms are interned: ids index df, postings, term_names.
  StringMap<std::uint32_t> vocabulary;
  std::vector<std::string> term_names;
  std::vector<std::uint32_t> df;
  std::vector<std::vector<Handle>> postings;  // term -> clusters (maybe stale roots)
  std::vector<std::uint32_t> free_terms;
  StringMap<std::uint32_t> word_terms;        // cache: word -> term id or kNoTerm
  std::size_t documents = 0;
  MinUnionFind stories;
  boost::unordered_flat_map<Handle, Cluster> clusters;  // story root -> centroid
  std::vector<std::uint32_t> stamp;                     // per handle: candidate dedup
  std::uint32_t stamp_now = 0;

  std::vector<Merge> merged_groups;
  std::vector<Merge> merged_stories;
  std::uint32_t batches = 0;
  Handle last_batch = 0;  // the first handle of the last add()
  std::vector<ItemKeys> last_keys;  // of the last add()'s items (keep_keys)
  // The terms of the last add()'s items, each item's title terms first:
  // [begin, title_end) and [title_end, end) of batch_terms.
  struct TermRange {
    std::uint32_t begin, title_end, end;
  };
  std::vector<std::uint32_t> batch_terms;
  std::vector<TermRange> batch_ranges;
  std::vector<Handle> batch_same;  // the last item under each one's title, or kNone

  // Scratch space reused across items.
  ItemKeys scratch_keys;
  std::vector<std::string> scratch_words;
  std::vector<std::uint32_t> scratch_hashes;
  std::vector<std::uint8_t> scratch_bytes;
  std::vector<Handle> scratch_members;
  std::vector<std::pair<std::uint32_t, float>> scratch_terms;  // title terms first
  std::size_t scratch_title_terms = 0;
  double scratch_norm = 0;  // |scratch_terms|
  std::vector<std::uint32_t> shared;  // per handle at candidate roots: title terms shared
  std::vector<Handle> scratch_candidates;

  explicit State(Options o) : options(std::move(o)) {}

  Handle base() const { return groups.base(); }
  Entry& entry(Handle h) { return entries[h - base()]; }
  const Entry& entry(Handle h) const { return entries[h - base()]; }

  std::string_view title_text(const Entry& e) const {
    auto text = texts.get(e.text, e.text_size);
    return {text.data(), text.size()};
  }
  Sketch sketch(const Entry& e) const {
    Sketch s;
    s.words = e.summary_words;
    if (s.words >= kMinSummaryWords) s.hashes = hashes.get(e.sketch, std::min<std::size_t>(s.words, Sketch::kSize));
    return s;
  }
  // Calls f(term) for the terms an item counted in df (after its add()).
  template <class F>
  void for_each_term(const Entry& e, F&& f) const {
    std::uint32_t t = 0;
    auto bytes = term_bytes.get(e.terms, e.terms_size);
    for (std::size_t i = 0; i < bytes.size();) {
      std::uint32_t delta = 0;
      for (int shift = 0;; shift += 7) {
        std::uint8_t b = bytes[i++];
        delta |= static_cast<std::uint32_t>(b & 0x7F) << shift;
        if (b < 0x80) break;
      }
      t += delta;
      f(t);
    }
  }

  RareKeys rare_keys(Handle h) const {
    const Entry& e = entry(h);
    return e.rare ? rare.find(h)->second : RareKeys{};
  }

  // The item last filed under a key (or one whose key shares its slot), or
  // kNone.
  Handle last_filed(KeyKind kind, std::uint64_t field) const {
    auto it = key_heads.find(slot(chain_key(kind, field)));
    if (it == key_heads.end()) return kNone;
    Handle o = key_nodes[it->second].item;
    return o < base() ? kNone : o;
  }

  static std::uint32_t slot(std::uint64_t key) { return static_cast<std::uint32_t>(key ^ (key >> 32)); }

  void file_under(std::uint64_t key, Handle h) {
    auto [it, fresh] = key_heads.try_emplace(slot(key), kNone);
    key_nodes.push_back(Node{h, it->second});
    it->second = static_cast<std::uint32_t>(key_nodes.size() - 1);
  }

  // Calls f(item) for the remembered items filed under `hash`, newest
  // first, until f returns true.
  template <class F>
  void for_each_filed(std::uint64_t key, F&& f) const {
    auto it = key_heads.find(slot(key));
    if (it == key_heads.end()) return;
    for (std::uint32_t n = it->second; n != kNone; n = key_nodes[n].older) {
      Handle o = key_nodes[n].item;
      if (o < base() || entry(o).forgotten) continue;
      if (f(o)) return;
    }
  }

  static std::int64_t window_ms(std::chrono::hours h) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(h).count();
  }

  static bool in_window(const Entry& a, const Entry& b, std::int64_t window) {
    return std::llabs(a.ms - b.ms) <= window;
  }

  void unite_groups(Handle a, Handle b) {
    auto [root, gone] = groups.unite(a, b);
    keyed[root - base()] = true;
    if (gone == kNone) return;
    full_count[root - base()] += full_count[gone - base()];
    std::swap(next_member[a - base()], next_member[b - base()]);  // splices the two lists
    merged_groups.push_back(Merge{root, gone});
  }

  // Whether joining the groups of `a` and `b` would join two members with
  // different item tags, or - when the evidence is a title alone - two
  // members their feed told apart (see told_apart); not even a third copy
  // may join such a pair.
  bool groups_conflict(Handle a, Handle b, bool title_only) {
    title_only = title_only && options.batches_are_documents;
    if (groups.find(a) == groups.find(b)) return false;
    auto& mine = scratch_members;
    mine.clear();
    Handle m = a;
    do {
      const Entry& x = entry(m);
      if (rare_keys(m).tag != 0 || (title_only && x.feed != 0)) mine.push_back(m);
      m = next_member[m - base()];
    } while (m != a);
    if (mine.empty()) return false;
    m = b;
    do {
      const Entry& y = entry(m);
      std::uint64_t tag = rare_keys(m).tag;
      for (Handle x : mine) {
        if (tags_differ(rare_keys(x).tag, tag) || (title_only && told_apart(entry(x), y))) return true;
      }
      m = next_member[m - base()];
    } while (m != b);
    return false;
  }

  Handle group_root(Handle h) const {
    Handle r = groups.find(h);
    auto it = attached.find(r);
    return it == attached.end() ? r : groups.find(it->second);
  }

  // Duplicate layer: join `h` to earlier items sharing a key.
  void file_keys(Handle h) {
    const Entry& e = entry(h);
    const RareKeys r = rare_keys(h);
    const std::int64_t identity = window_ms(options.identity_window);
    const std::int64_t duplicate = window_ms(options.duplicate_window);
    // Joins the newest remembered item under the key that `accept`s.
    auto probe = [&](KeyKind kind, std::uint64_t field, auto&& accept) {
      for_each_filed(chain_key(kind, field), [&](Handle o) {
        if (!accept(entry(o), o)) return false;
        unite_groups(h, o);
        return true;
      });
    };
    auto join_last = [&](KeyKind kind, std::uint64_t field, auto&& accept) {
      probe(kind, field, accept);
      file_under(chain_key(kind, field), h);
    };
    // One document listing two entries under one GUID lists two articles
    // (a broken feed), unless their link or title says otherwise.
    auto same_guid = [&](const Entry& o, Handle) {
      if (o.guid != e.guid || !in_window(e, o, identity)) return false;
      return !options.batches_are_documents || o.batch != e.batch || (e.url != 0 && o.url == e.url) ||
             o.title == e.title;
    };
    if (e.guid != 0) join_last(KeyKind::guid, e.guid, same_guid);
    if (e.url != 0) {
      join_last(KeyKind::url, e.url, [&](const Entry& o, Handle oh) {
        return o.url == e.url && in_window(e, o, identity) && !groups_conflict(h, oh, false);
      });
    }
    if (e.title == 0) return;
    bool long_title = e.words >= options.min_title_words;
    auto same_instant = [&](const Entry& o) { return e.has_time && o.has_time && o.ms == e.ms; };
    auto agree = [&](const Entry& o) { return summaries_agree(sketch(o), sketch(e)) && in_window(e, o, identity); };
    // Content joins unless item tags differ; a title alone, also unless the
    // feed told the two items apart.
    auto by_content = [&](const Entry& o, Handle oh) { return agree(o) && !groups_conflict(h, oh, false); };
    auto by_title = [&](Handle oh, bool evidence) {
      return evidence && !groups_conflict(h, oh, true);
    };
    auto same_title = [&](const Entry& o, Handle oh) {
      if (o.title != e.title || o.truncated != e.truncated) return false;
      if (summaries_conflict(sketch(o), sketch(e))) return false;
      // Short titles ("Titanfall Review") need corroboration; the same text
      // under the same headline is the same article however late.
      if (agree(o)) return !groups_conflict(h, oh, false);
      return by_title(oh, in_window(e, o, duplicate) && (long_title || same_instant(o)));
    };
    join_last(e.truncated ? KeyKind::truncated_title : KeyKind::title, e.title, same_title);
    if (e.truncated) {
      truncated.push_back(h);
      return;
    }
    // Learned feed prefixes are weak evidence: "MARKET SNAPSHOT: US stocks
    // ..." may or may not be the outlet's copy of "US stocks ...".
    auto weak = [&](const Entry& o, Handle oh) {
      return !summaries_conflict(sketch(o), sketch(e)) && (by_content(o, oh) || by_title(oh, same_instant(o)));
    };
    if (r.learned_title != 0) {
      probe(KeyKind::title, r.learned_title, [&](const Entry& o, Handle oh) { return !o.truncated && o.title == r.learned_title && weak(o, oh); });
      file_under(chain_key(KeyKind::learned_title, r.learned_title), h);
    }
    probe(KeyKind::learned_title, e.title, [&](const Entry& o, Handle oh) { return !o.truncated && rare_keys(oh).learned_title == e.title && weak(o, oh); });
    // A short label ("World: ", "Top story: ") may be a re-publisher's or
    // part of the headline: only agreeing summaries decide.
    if (r.label_title != 0) {
      probe(KeyKind::title, r.label_title, [&](const Entry& o, Handle oh) { return !o.truncated && o.title == r.label_title && by_content(o, oh); });
      probe(KeyKind::label_title, r.label_title, [&](const Entry& o, Handle oh) { return !o.truncated && rare_keys(oh).label_title == r.label_title && by_content(o, oh); });
      file_under(chain_key(KeyKind::label_title, r.label_title), h);
    }
    probe(KeyKind::label_title, e.title, [&](const Entry& o, Handle oh) { return !o.truncated && rare_keys(oh).label_title == e.title && by_content(o, oh); });
    // Index the title under its first words, where a truncated copy looks
    // for it (and then checks the rest).
    if (e.words > prefix_words()) {
      file_under(chain_key(KeyKind::prefix, field_hash(first_words(title_text(e), prefix_words()))), h);
    }
  }

  std::size_t prefix_words() const { return options.min_prefix_words > 1 ? options.min_prefix_words - 1 : 1; }

  // Attaches each truncated-only group to the one full title it prefixes.
  void resolve_truncated() {
    attached.clear();
    std::int64_t window = window_ms(options.duplicate_window);
    boost::unordered_flat_map<Handle, Handle> choice;  // truncated root -> full root, kNone = ambiguous
    for (Handle t : truncated) {
      const Entry& e = entry(t);
      if (e.forgotten) continue;
      Handle root = groups.find(t);
      if (full_count[root - base()] > 0 || keyed[root - base()]) continue;  // a stronger key placed it
      if (e.words < options.min_prefix_words) continue;
      if (e.words - 1 < prefix_words()) continue;
      Handle target = kNone;
      bool ambiguous = false;
      std::string_view text = title_text(e);
      for_each_filed(chain_key(KeyKind::prefix, field_hash(first_words(text, prefix_words()))), [&](Handle f) {
        const Entry& full = entry(f);
        if (full.truncated || !in_window(e, full, window)) return false;
        // The cut copy keeps at least half of the headline; its last word
        // may be cut, so it need only start the full title's word.
        if (!title_text(full).starts_with(text)) return false;
        if (2 * e.words < full.words) return false;
        if (groups_conflict(t, f, true)) return false;
        Handle r = groups.find(f);
        if (target == kNone) {
          target = r;
        } else if (target != r) {
          ambiguous = true;
          return true;
        }
        return false;
      });
      if (target == kNone) continue;
      auto [c, fresh] = choice.try_emplace(root, ambiguous ? kNone : target);
      if (!fresh && (ambiguous || c->second != target)) c->second = kNone;
    }
    for (auto [root, target] : choice) {
      if (target != kNone) attached.emplace(root, target);
    }
  }

  // ---- story layer ----------------------------------------------------

  std::uint32_t intern(std::string term) {
    auto it = vocabulary.find(term);
    if (it != vocabulary.end()) return it->second;
    std::uint32_t id;
    if (!free_terms.empty()) {
      id = free_terms.back();
      free_terms.pop_back();
      term_names[id] = term;
      df[id] = 0;
    } else {
      id = static_cast<std::uint32_t>(df.size());
      term_names.push_back(term);
      df.push_back(0);
      postings.emplace_back();
    }
    vocabulary.emplace(std::move(term), id);
    return id;
  }

  std::uint32_t term_of_word(const std::string& word) {
    auto it = word_terms.find(word);
    if (it != word_terms.end()) return it->second;
    std::string term = story_term(word);
    std::uint32_t id = term.empty() ? kNoTerm : intern(std::move(term));
    word_terms.emplace(word, id);
    return id;
  }

  // The item's terms: the title's, then the summary's (its first words)
  // that the title lacks; each once, into batch_terms. Counted in the term
  // statistics.
  void observe_terms(Entry& e, std::span<const std::string> title, std::span<const std::string> summary) {
    constexpr std::size_t kSummaryWords = 60;
    TermRange r{static_cast<std::uint32_t>(batch_terms.size()), 0, 0};
    auto push = [&](const std::string& w) {
      std::uint32_t t = term_of_word(w);
      if (t == kNoTerm || std::find(batch_terms.begin() + r.begin, batch_terms.end(), t) != batch_terms.end()) return;
      batch_terms.push_back(t);
    };
    for (const auto& w : title) push(w);
    r.title_end = static_cast<std::uint32_t>(batch_terms.size());
    for (const auto& w : summary.first(std::min(summary.size(), kSummaryWords))) push(w);
    r.end = static_cast<std::uint32_t>(batch_terms.size());
    batch_ranges.push_back(r);
    for (std::uint32_t i = r.begin; i < r.end; ++i) ++df[batch_terms[i]];
    e.counted = true;
    ++documents;
  }

  // Keeps the last add()'s terms with their items (sorted, varint deltas)
  // for forgetting them; their order mattered only to the story layer.
  void keep_batch_terms() {
    auto& bytes = scratch_bytes;
    for (std::size_t i = 0; i < batch_ranges.size(); ++i) {
      auto first = batch_terms.begin() + batch_ranges[i].begin, last = batch_terms.begin() + batch_ranges[i].end;
      std::sort(first, last);
      bytes.clear();
      std::uint32_t previous = 0;
      for (auto t = first; t != last; ++t) {
        put_varint(bytes, *t - previous);
        previous = *t;
      }
      Entry& e = entry(last_batch + static_cast<Handle>(i));
      e.terms_size = static_cast<std::uint32_t>(bytes.size());
      // The same terms as the last item under its title: shared.
      Handle o = batch_same[i];
      auto other = o < last_batch ? term_bytes.get(entry(o).terms, entry(o).terms_size) : std::span<const std::uint8_t>();
      bool same_terms = !bytes.empty() && std::equal(bytes.begin(), bytes.end(), other.begin(), other.end());
      e.terms = same_terms ? entry(o).terms : term_bytes.append(bytes);
    }
  }

  // Document frequency above which a term is a stop word of the corpus.
  // A handful of items gives no such statistics.
  static constexpr std::size_t kMinDocuments = 40;
  double max_document_frequency() const {
    if (documents < kMinDocuments) return static_cast<double>(documents) + 1.0;
    return std::max(2.0, options.story.max_df * static_cast<double>(documents));
  }

  // The weighted term vector of an item of the last add(), into
  // scratch_terms.
  void compute_terms(Handle h) {
    const TermRange& r = batch_ranges[h - last_batch];
    const StoryParams& p = options.story;
    // Terms in more than max_df of all items ("russia" in a Russia feed)
    // are this corpus's stop words: they weigh nothing.
    double max_df = max_document_frequency();
    auto weight = [&](std::uint32_t t) {
      if (static_cast<double>(df[t]) > max_df) return 0.0;
      if (p.idf_exponent == 0.0) return 1.0;
      double idf = std::log((static_cast<double>(documents) + 1.0) / (static_cast<double>(df[t]) + 0.5));
      return std::pow(std::max(idf, 0.0), p.idf_exponent);
    };
    auto& terms = scratch_terms;
    terms.clear();
    for (std::size_t i = r.begin; i < r.title_end; ++i) {
      std::uint32_t t = batch_terms[i];
      if (double w = weight(t); w > 0) terms.emplace_back(t, static_cast<float>(w));
    }
    scratch_title_terms = terms.size();
    constexpr std::size_t kSummaryTerms = 40;
    constexpr double kSummaryWeight = 0.5;
    std::size_t added = 0;
    // Summaries share many words by chance: a summary term counts only when
    // it is rare (a name, a place), and then less than a title term.
    double summary_max_df = std::max(2.0, p.summary_max_df * static_cast<double>(documents));
    for (std::size_t i = r.title_end; i < r.end && added < kSummaryTerms; ++i) {
      std::uint32_t t = batch_terms[i];
      if (documents >= kMinDocuments && static_cast<double>(df[t]) > summary_max_df) continue;
      double w = kSummaryWeight * weight(t);
      if (w <= 0) continue;
      terms.emplace_back(t, static_cast<float>(w));
      ++added;
    }
    if (p.normalize_items && !terms.empty()) {
      double n2 = 0;
      for (auto& [t, w] : terms) n2 += static_cast<double>(w) * w;
      auto inv = static_cast<float>(1.0 / std::sqrt(n2));
      for (auto& [t, w] : terms) w *= inv;
    }
    double n2 = 0;
    for (auto [t, w] : terms) n2 += static_cast<double>(w) * w;
    scratch_norm = std::sqrt(n2);
  }

  void add_to_cluster(Handle root, const Entry& e) {
    Cluster& c = clusters[root];
    for (std::size_t i = 0; i < scratch_terms.size(); ++i) {
      auto [t, w] = scratch_terms[i];
      float& v = c.centroid[t];
      c.norm2 += 2.0 * v * w + static_cast<double>(w) * w;
      v += w;
      // A cluster is a candidate for the title terms of its members.
      if (i < scratch_title_terms && insert_sorted(c.title_terms, t)) postings[t].push_back(root);
    }
    c.norm_sum += scratch_norm;
    ++c.members;
    c.last_ms = std::max(c.last_ms, e.ms);
  }

  void unite_stories(Handle a, Handle b) {
    auto [root, gone] = stories.unite(a, b);
    if (gone == kNone) return;
    merged_stories.push_back(Merge{root, gone});
    auto it = clusters.find(gone);
    if (it == clusters.end()) return;
    Cluster absorbed = std::move(it->second);
    clusters.erase(it);
    Cluster& c = clusters[root];
    if (c.centroid.size() < absorbed.centroid.size()) std::swap(c, absorbed);
    double cross = dot(c.centroid, absorbed.centroid);
    for (auto [t, w] : absorbed.centroid) c.centroid[t] += w;
    // Postings of the absorbed root lead here (find); new ones name the root.
    for (std::uint32_t t : absorbed.title_terms) {
      if (insert_sorted(c.title_terms, t)) postings[t].push_back(root);
    }
    c.norm2 += absorbed.norm2 + 2.0 * cross;
    c.norm_sum += absorbed.norm_sum;
    c.members += absorbed.members;
    c.last_ms = std::max(c.last_ms, absorbed.last_ms);
  }

  void file_story(Handle h) {
    const Entry& e = entry(h);
    compute_terms(h);
    Handle g = group_root(h);
    if (g < h) {  // the group already has a story
      Handle root = stories.find(g);
      stories.unite(h, root);
      add_to_cluster(stories.find(h), e);
      return;
    }
    const StoryParams& p = options.story;
    std::int64_t oldest = e.ms - window_ms(options.story_window);
    // Candidates: live clusters that share a title term with the item, found
    // among the clusters that took each term last; the ones sharing the
    // most terms are scored. Bounded work per item however many clusters
    // are remembered.
    constexpr std::size_t kPostingsScanned = 512;
    constexpr std::size_t kCandidatesScored = 48;
    constexpr std::uint32_t kIdle = static_cast<std::uint32_t>(-1);
    ++stamp_now;
    auto& candidates = scratch_candidates;
    candidates.clear();
    for (std::size_t i = 0; i < scratch_title_terms; ++i) {
      const auto& list = postings[scratch_terms[i].first];
      std::size_t n = std::min(list.size(), kPostingsScanned);
      for (std::size_t j = list.size() - n; j < list.size(); ++j) {
        Handle c = list[j];
        if (c < base()) continue;
        Handle r = stories.find(c);
        std::uint32_t& count = shared[r - base()];
        if (stamp[r - base()] == stamp_now) {
          if (count != kIdle) ++count;
          continue;
        }
        stamp[r - base()] = stamp_now;
        auto it = clusters.find(r);
        if (it == clusters.end() || it->second.last_ms < oldest) {
          count = kIdle;
          continue;
        }
        count = 1;
        candidates.push_back(r);
      }
    }
    auto more_shared = [&](Handle a, Handle b) {
      std::uint32_t x = shared[a - base()], y = shared[b - base()];
      return x != y ? x > y : a > b;
    };
    if (candidates.size() > kCandidatesScored) {
      std::nth_element(candidates.begin(), candidates.begin() + kCandidatesScored, candidates.end(), more_shared);
      candidates.resize(kCandidatesScored);
    }
    std::vector<std::pair<double, Handle>> scored;
    if (scratch_norm > 0) {
      for (Handle r : candidates) {
        const Cluster& c = clusters.find(r)->second;
        if (c.members >= p.max_members) continue;
        // A title of three terms or fewer shares one with a story by chance
        // as often as not ("Huge page", "Short page"): it needs two.
        if (scratch_title_terms <= 3 && shared[r - base()] < 2) continue;
        double s = 0;
        for (auto [t, w] : scratch_terms) {
          auto it = c.centroid.find(t);
          if (it != c.centroid.end()) s += static_cast<double>(w) * it->second;
        }
        if (s <= 0 || c.norm2 <= 0) continue;
        double cosine = s / (scratch_norm * std::sqrt(c.norm2));
        if (cosine >= p.join && fits(s / (scratch_norm * c.norm_sum))) scored.emplace_back(cosine, r);
      }
    }
    std::sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    if (scored.empty()) {
      clusters[h];
      add_to_cluster(h, e);
      return;
    }
    Handle best = scored.front().second;
    stories.unite(h, best);
    add_to_cluster(stories.find(h), e);
    // An item that fits two clusters is evidence they tell one story;
    // merge when their centroids agree as well, and their members on
    // average.
    for (std::size_t i = 1; i < scored.size(); ++i) {
      Handle a = stories.find(h), b = stories.find(scored[i].second);
      if (a == b) continue;
      auto ia = clusters.find(a);
      auto ib = clusters.find(b);
      if (ia == clusters.end() || ib == clusters.end()) continue;
      const Cluster& ca = ia->second;
      const Cluster& cb = ib->second;
      if (ca.norm2 <= 0 || cb.norm2 <= 0 || ca.members + cb.members > p.max_members) continue;
      double d = dot(ca.centroid, cb.centroid);
      double cosine = d / std::sqrt(ca.norm2 * cb.norm2);
      if (cosine >= p.merge && fits(d / (ca.norm_sum * cb.norm_sum))) unite_stories(a, b);
    }
  }

  // Whether a mean similarity to a cluster's members (the members' cosines
  // weighted by their vectors' lengths) is enough to join it. The cosine to
  // the centroid alone lets a cluster drift: a centroid summed over items
  // that share little stays close to every one of them (most of all in a
  // small vocabulary) and draws in ever more, one story of thousands. The
  // mean similarity of such a cluster falls as it grows.
  bool fits(double mean_similarity) const { return mean_similarity >= options.story.cohesion; }

  // ---- forgetting -----------------------------------------------------

  void forget(Entry& e) {
    if (e.forgotten) return;
    e.forgotten = true;
    if (e.counted) {
      for_each_term(e, [&](std::uint32_t t) { --df[t]; });
      --documents;
      e.counted = false;
    }
  }

  // Releases the handles below `new_base` (all forgotten) and everything
  // that only they kept alive; rebuilds the indexes without forgotten items.
  void compact(Handle new_base) {
    Handle old_base = base();
    if (new_base > old_base) {
      groups.drop_before(new_base, [&](Handle from, Handle to) {
        full_count[to - old_base] = full_count[from - old_base];
        keyed[to - old_base] = keyed[from - old_base];
      });
      stories.drop_before(new_base, [&](Handle from, Handle to) {
        auto it = clusters.find(from);
        if (it == clusters.end()) return;
        Cluster c = std::move(it->second);
        clusters.erase(it);
        clusters[to] = std::move(c);
      });
      auto drop = static_cast<std::ptrdiff_t>(new_base - old_base);
      entries.erase(entries.begin(), entries.begin() + drop);
      full_count.erase(full_count.begin(), full_count.begin() + drop);
      keyed.erase(keyed.begin(), keyed.begin() + drop);
      // Member lists of what remains: each member spliced in after its root.
      next_member.resize(entries.size());
      for (Handle h = new_base; h < groups.end(); ++h) {
        Handle r = groups.find(h);
        next_member[h - new_base] = h;
        if (r != h) std::swap(next_member[h - new_base], next_member[r - new_base]);
      }
      if (options.stories) {
        stamp.erase(stamp.begin(), stamp.begin() + drop);
        shared.erase(shared.begin(), shared.begin() + drop);
      }
      boost::unordered::erase_if(rare, [&](const auto& r) { return r.first < new_base; });
      // Stories none of whose members is remembered.
      boost::unordered::erase_if(clusters, [&](const auto& c) { return c.first < new_base; });
    }
    // Key chains without forgotten items, order kept.
    std::deque<Node> nodes;
    boost::unordered_flat_map<std::uint32_t, std::uint32_t> heads;
    heads.reserve(key_heads.size());
    std::vector<Handle> chain;
    for (auto [hash, head] : key_heads) {
      chain.clear();
      for (std::uint32_t n = head; n != kNone; n = key_nodes[n].older) {
        Handle o = key_nodes[n].item;
        if (o >= base() && !entry(o).forgotten) chain.push_back(o);
      }
      if (chain.empty()) continue;
      std::uint32_t older = kNone;
      for (auto c = chain.rbegin(); c != chain.rend(); ++c) {
        nodes.push_back(Node{*c, older});
        older = static_cast<std::uint32_t>(nodes.size() - 1);
      }
      heads.emplace(hash, older);
    }
    key_heads = std::move(heads);
    key_nodes = std::move(nodes);
    // The records of the items still remembered, into fresh pools; shared
    // records stay shared.
    Pool<char> kept_texts;
    Pool<std::uint32_t> kept_hashes;
    Pool<std::uint8_t> kept_terms;
    boost::unordered_flat_map<std::uint32_t, std::uint32_t> text_at, sketch_at, terms_at;  // old position -> new
    for (Entry& e : entries) {
      if (e.forgotten) {
        e.text_size = e.summary_words = e.terms_size = 0;
        continue;
      }
      if (e.text_size > 0) {
        auto [t, fresh] = text_at.try_emplace(e.text, 0);
        if (fresh) t->second = kept_texts.append(title_text(e));
        e.text = t->second;
      }
      if (auto hs = sketch(e).hashes; !hs.empty()) {
        auto [t, fresh] = sketch_at.try_emplace(e.sketch, 0);
        if (fresh) t->second = kept_hashes.append(hs);
        e.sketch = t->second;
      }
      if (e.terms_size > 0) {
        auto [t, fresh] = terms_at.try_emplace(e.terms, 0);
        if (fresh) t->second = kept_terms.append(term_bytes.get(e.terms, e.terms_size));
        e.terms = t->second;
      }
    }
    texts = std::move(kept_texts);
    hashes = std::move(kept_hashes);
    term_bytes = std::move(kept_terms);
    std::erase_if(truncated, [&](Handle h) { return h < base() || entry(h).forgotten; });
    // Postings from the live clusters; terms nothing uses any more go.
    for (auto& list : postings) list.clear();
    std::vector<Handle> roots;
    roots.reserve(clusters.size());
    for (const auto& [root, c] : clusters) roots.push_back(root);
    std::sort(roots.begin(), roots.end());  // deterministic candidate order
    for (Handle root : roots) {
      for (std::uint32_t t : clusters.find(root)->second.title_terms) postings[t].push_back(root);
    }
    bool freed = false;
    for (std::uint32_t t = 0; t < df.size(); ++t) {
      if (df[t] != 0 || !postings[t].empty() || term_names[t].empty()) continue;
      vocabulary.erase(term_names[t]);
      std::string().swap(term_names[t]);
      free_terms.push_back(t);
      freed = true;
    }
    if (freed) word_terms.clear();  // it may name freed ids
    resolve_truncated();
  }
};

Deduplicator::Deduplicator(Options options) : state_(std::make_unique<State>(std::move(options))) {}
Deduplicator::~Deduplicator() = default;
Deduplicator::Deduplicator(Deduplicator&&) noexcept = default;
Deduplicator& Deduplicator::operator=(Deduplicator&&) noexcept = default;

std::vector<std::size_t> Deduplicator::add(std::span<const Item> batch) {
  State& s = *state_;
  s.merged_groups.clear();
  s.merged_stories.clear();
  // Only the last batch keeps its keys (Options::keep_keys) and terms.
  s.last_keys.clear();
  s.batch_terms.clear();
  s.batch_ranges.clear();
  s.batch_same.clear();
  s.last_batch = s.groups.end();
  // Learn from the whole batch first: who the publishers are, what each
  // feed puts before every title. Feeds are looked up once per batch.
  constexpr std::uint32_t kNoFeed = static_cast<std::uint32_t>(-1);
  // The folded titles, end to end in one string.
  std::string folded_text;
  std::vector<std::size_t> folded_end(batch.size());
  std::vector<std::uint32_t> fold_flags(batch.size(), 0);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    append_folded_title(batch[i].title, folded_text, &fold_flags[i]);
    folded_end[i] = folded_text.size();
  }
  std::vector<std::string_view> folded(batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    std::size_t begin = i == 0 ? 0 : folded_end[i - 1];
    folded[i] = std::string_view(folded_text).substr(begin, folded_end[i] - begin);
  }
  std::vector<std::uint32_t> feed_of(batch.size(), kNoFeed);
  boost::unordered_flat_map<std::string_view, std::uint32_t, StringHash> feed_ids;
  std::vector<std::string_view> feed_names;
  std::vector<std::vector<std::string_view>> titles_of;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const Item& item = batch[i];
    if (item.feed.empty()) continue;
    auto [it, fresh] = feed_ids.try_emplace(item.feed, static_cast<std::uint32_t>(feed_names.size()));
    if (fresh) {
      feed_names.push_back(item.feed);
      titles_of.emplace_back();
    }
    feed_of[i] = it->second;
    titles_of[it->second].push_back(folded[i]);
  }
  std::vector<std::vector<std::string>> prefixes_of(feed_names.size());
  std::vector<std::string> feed_keys(feed_names.size());
  std::vector<std::uint32_t> feed_number(feed_names.size());
  for (std::size_t f = 0; f < feed_names.size(); ++f) {
    s.publishers.add(feed_names[f]);
    s.affixes.observe(feed_names[f], titles_of[f]);
    feed_keys[f] = publisher_key(feed_names[f]);
    if (!feed_keys[f].empty()) {
      auto n = static_cast<std::uint32_t>(s.feed_numbers.size() + 1);
      feed_number[f] = s.feed_numbers.try_emplace(feed_keys[f], n).first->second;
    }
  }
  for (std::size_t f = 0; f < feed_names.size(); ++f) prefixes_of[f] = s.affixes.prefixes(feed_names[f]);

  // Filing order: published time; items without one take the time of the
  // item before them in the batch.
  std::vector<std::int64_t> times(batch.size());
  std::vector<bool> has_time(batch.size());
  std::int64_t last = 0;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    has_time[i] = batch[i].published.has_value();
    if (has_time[i]) last = batch[i].published->time_since_epoch().count();
    times[i] = last;
  }
  std::vector<std::size_t> order(batch.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return times[a] < times[b]; });

  std::vector<std::size_t> handles(batch.size());
  Handle first = s.groups.end();
  ++s.batches;
  std::size_t remembered = s.groups.end() - s.base() + batch.size();
  s.groups.reserve(remembered);
  s.stories.reserve(remembered);
  reserve_for(s.full_count, remembered);
  reserve_for(s.keyed, remembered);
  reserve_for(s.next_member, remembered);
  if (s.options.stories) {
    reserve_for(s.stamp, remembered);
    reserve_for(s.shared, remembered);
  }
  ItemKeys& k = s.scratch_keys;
  static const std::vector<std::string> kNoPrefixes;
  for (std::size_t i : order) {
    const Item& item = batch[i];
    std::uint32_t f = feed_of[i];
    const auto& prefixes = f == kNoFeed ? kNoPrefixes : prefixes_of[f];
    std::size_t words = compute_keys(item, f == kNoFeed ? std::string_view() : feed_keys[f], folded[i], fold_flags[i],
                                     TitleRules{&s.publishers, prefixes}, s.options.stories || s.options.keep_keys, k);
    Entry e;
    e.feed = f == kNoFeed ? 0 : feed_number[f];
    e.guid = field_hash(k.guid);
    e.url = field_hash(k.url);
    e.title = field_hash(k.title);
    RareKeys rare{field_hash(k.learned_title), field_hash(k.label_title), field_hash(k.tag)};
    e.rare = rare.learned_title != 0 || rare.label_title != 0 || rare.tag != 0;
    e.words = static_cast<std::uint32_t>(words);
    e.ms = times[i];
    e.has_time = has_time[i];
    e.batch = s.batches;
    e.truncated = !k.prefix.empty();
    // A copy shares the records of the last item under its title when they
    // are the same (a syndicated copy: same title, often same summary).
    Handle same_handle = e.title == 0 ? kNone : s.last_filed(e.truncated ? KeyKind::truncated_title : KeyKind::title, e.title);
    const Entry* same = same_handle == kNone ? nullptr : &s.entry(same_handle);
    if (same != nullptr && same->title != e.title) same = nullptr, same_handle = kNone;
    if (e.truncated || e.words > s.prefix_words()) {
      e.text_size = static_cast<std::uint32_t>(k.title.size());
      bool shared = same != nullptr && s.title_text(*same) == k.title;
      e.text = shared ? same->text : s.texts.append(k.title);
    }
    s.scratch_words.clear();
    if (!item.summary.empty()) {
      title_words_into(summary_text(item.summary), s.scratch_words);
      Sketch sketch = sketch_of(s.scratch_words, s.scratch_hashes);
      e.summary_words = sketch.words;
      Sketch other = same != nullptr ? s.sketch(*same) : Sketch{};
      bool shared = other.words == sketch.words && !sketch.hashes.empty() &&
                    std::equal(sketch.hashes.begin(), sketch.hashes.end(), other.hashes.begin(), other.hashes.end());
      e.sketch = shared ? same->sketch : s.hashes.append(sketch.hashes);
    }
    if (s.options.stories) {
      s.observe_terms(e, k.words, s.scratch_words);
      s.batch_same.push_back(same_handle);
    }
    if (s.options.keep_keys) s.last_keys.push_back(k);
    Handle h = s.groups.add();
    if (e.rare) s.rare.emplace(h, rare);
    s.stories.add();
    if (s.options.stories) {
      s.stamp.push_back(0);
      s.shared.push_back(0);
    }
    s.full_count.push_back(e.truncated ? 0 : 1);
    s.keyed.push_back(false);
    s.next_member.push_back(h);
    s.entries.push_back(std::move(e));
    handles[i] = h;
    s.file_keys(h);
  }
  s.resolve_truncated();
  if (!s.options.stories) return handles;
  for (std::size_t i : order) s.file_story(static_cast<Handle>(handles[i]));
  s.keep_batch_terms();
  // Keep every group inside one story: the duplicate layer's joins (also
  // those that bridged groups filed in earlier batches) and attachments.
  std::vector<Merge> group_merges = s.merged_groups;
  for (const Merge& m : group_merges) {
    s.unite_stories(static_cast<Handle>(m.kept), static_cast<Handle>(m.absorbed));
  }
  for (auto [root, target] : s.attached) s.unite_stories(root, target);
  for (Handle h = first; h < s.groups.end(); ++h) s.unite_stories(h, s.group_root(h));
  return handles;
}

Assignment Deduplicator::assignment(std::size_t handle) const {
  const State& s = *state_;
  auto h = static_cast<Handle>(handle);
  assert(h >= s.base() && h < s.groups.end());
  Assignment a;
  a.group = s.group_root(h);
  a.story = s.options.stories ? s.stories.find(h) : a.group;
  return a;
}

std::span<const Merge> Deduplicator::merged_groups() const { return state_->merged_groups; }
std::span<const Merge> Deduplicator::merged_stories() const { return state_->merged_stories; }

const ItemKeys& Deduplicator::keys(std::size_t handle) const {
  const State& s = *state_;
  assert(handle >= s.last_batch && handle - s.last_batch < s.last_keys.size() &&
         "Options::keep_keys is off, or the item is not of the last add()");
  return s.last_keys[handle - s.last_batch];
}

std::size_t Deduplicator::size() const { return state_->groups.end(); }
std::size_t Deduplicator::first_remembered() const { return state_->base(); }

void Deduplicator::forget_before(Millis cutoff) {
  State& s = *state_;
  std::int64_t limit = cutoff.time_since_epoch().count();
  for (Entry& e : s.entries) {
    if (e.ms < limit) s.forget(e);
  }
  boost::unordered::erase_if(s.clusters, [&](const auto& c) { return c.second.last_ms < limit; });
  Handle new_base = s.base();
  while (new_base < s.groups.end() && s.entry(new_base).forgotten) ++new_base;
  s.compact(new_base);
}

void Deduplicator::forget_handles_before(std::size_t handle) {
  State& s = *state_;
  auto end = static_cast<Handle>(std::min<std::size_t>(handle, s.groups.end()));
  if (end <= s.base()) return;
  for (Handle h = s.base(); h < end; ++h) s.forget(s.entry(h));
  s.compact(end);
}

SummaryMatch compare_summaries(std::string_view a, std::string_view b) {
  std::vector<std::string> words;
  std::vector<std::uint32_t> hashes_a, hashes_b;
  title_words_into(summary_text(a), words);
  Sketch first = sketch_of(words, hashes_a);
  title_words_into(summary_text(b), words);
  Sketch second = sketch_of(words, hashes_b);
  if (summaries_conflict(first, second)) return SummaryMatch::conflict;
  return summaries_agree(first, second) ? SummaryMatch::agree : SummaryMatch::unknown;
}

std::vector<Assignment> deduplicate(std::span<const Item> items, const Options& options) {
  Deduplicator d(options);
  std::vector<std::size_t> handles = d.add(items);
  std::vector<std::size_t> position(handles.size());
  for (std::size_t i = 0; i < handles.size(); ++i) position[handles[i]] = i;
  std::vector<Assignment> out(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    Assignment a = d.assignment(handles[i]);
    out[i] = Assignment{position[a.group], position[a.story]};
  }
  return out;
}

}  // namespace tributary::feeds::dedup
