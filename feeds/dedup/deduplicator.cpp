#include "feeds/dedup/deduplicator.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <unordered_map>
#include <utility>

#include <boost/unordered/unordered_flat_map.hpp>

#include "feeds/dedup/terms.h"
#include "feeds/dedup/url_canon.h"

namespace tributary::feeds::dedup {
namespace {

using Handle = std::uint32_t;
constexpr Handle kNone = static_cast<Handle>(-1);

// Key kinds, mixed into the key hash so that one map serves them all.
enum class KeyKind : std::uint64_t { guid = 1, url, title, truncated_title, prefix, learned_title };

std::uint64_t key_hash(KeyKind kind, std::string_view key) {
  std::uint64_t h = std::hash<std::string_view>{}(key);
  return h ^ (static_cast<std::uint64_t>(kind) * 0x9E3779B97F4A7C15ull);
}

// A site's front page is no article identity: feeds that link every item
// to their home page would collapse into one group.
bool is_front_page(std::string_view canonical) {
  auto scheme = canonical.find("://");
  if (scheme == std::string_view::npos) return false;
  auto slash = canonical.find('/', scheme + 3);
  return slash == std::string_view::npos || canonical.substr(slash) == "/";
}

// Union-find whose root is always the smallest handle: the earliest item.
class MinUnionFind {
 public:
  Handle add() {
    parent_.push_back(static_cast<Handle>(parent_.size()));
    return parent_.back();
  }
  Handle find(Handle x) const {
    while (parent_[x] != x) {
      parent_[x] = parent_[parent_[x]];
      x = parent_[x];
    }
    return x;
  }
  // Returns {new root, absorbed root}, or {root, kNone} when already joined.
  std::pair<Handle, Handle> unite(Handle a, Handle b) {
    Handle ra = find(a), rb = find(b);
    if (ra == rb) return {ra, kNone};
    if (rb < ra) std::swap(ra, rb);
    parent_[rb] = ra;
    return {ra, rb};
  }
  std::size_t size() const { return parent_.size(); }

 private:
  mutable std::vector<Handle> parent_;
};

struct Entry {
  std::string id;
  ItemKeys keys;
  std::int64_t ms = 0;
  bool has_time = false;
  bool truncated = false;
  bool forgotten = false;
  std::vector<std::uint64_t> summary_words;  // sorted, unique hashes
  std::vector<std::pair<std::uint32_t, float>> terms;  // story vector
};

struct Cluster {
  std::unordered_map<std::uint32_t, float> centroid;
  double norm2 = 0;
  std::int64_t last_ms = 0;
};

std::vector<std::uint64_t> summary_word_hashes(std::string_view summary) {
  std::vector<std::uint64_t> out;
  if (summary.empty()) return out;
  for (const std::string& w : title_words(summary_text(summary))) {
    out.push_back(std::hash<std::string>{}(w));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// Summaries that share almost no words describe different articles even
// under one headline ("Morning Briefing"). Short summaries prove nothing.
bool summaries_conflict(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) {
  constexpr std::size_t kMinWords = 8;
  constexpr double kMinOverlap = 0.2;
  if (a.size() < kMinWords || b.size() < kMinWords) return false;
  std::size_t common = 0;
  for (std::size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    if (a[i] == b[j]) {
      ++common, ++i, ++j;
    } else if (a[i] < b[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return static_cast<double>(common) < kMinOverlap * static_cast<double>(std::min(a.size(), b.size()));
}

}  // namespace

StoryParams story_params(Granularity g) {
  StoryParams p;
  if (g == Granularity::event) {
    p.idf_exponent = 1.0;
    p.normalize_items = true;
    p.join = 0.4;
    p.merge = 2.0;  // never
  }
  return p;
}

ItemKeys item_keys(const Item& item, const TitleRules& rules) {
  ItemKeys k;
  k.feed = publisher_key(item.feed);
  if (!item.guid.empty()) k.guid = k.feed + '\n' + item.guid;
  std::string_view link = item.link;
  if (link.empty() && (item.guid.starts_with("http://") || item.guid.starts_with("https://"))) link = item.guid;
  if (!link.empty()) {
    k.url = canonical_url(link);
    if (is_front_page(k.url)) k.url.clear();
  }
  k.clean = clean_title(item.title, TitleRules{rules.publishers, {}});
  k.words = title_words(k.clean.text);
  k.title = title_key(k.words);
  if (k.clean.has(kTitleTruncated) && k.words.size() >= 2) {
    k.prefix = title_key(std::span<const std::string>(k.words).first(k.words.size() - 1));
  }
  if (!rules.feed_prefixes.empty()) {
    CleanTitle learned = clean_title(item.title, rules);
    if (learned.has(kTitleLearnedPrefix)) {
      k.learned_title = title_key(title_words(learned.text));
      k.clean = std::move(learned);
    }
  }
  return k;
}

struct Deduplicator::State {
  Options options;
  Publishers publishers;
  AffixLearner affixes;
  std::vector<Entry> entries;
  MinUnionFind groups;
  // Per group root: non-truncated members; whether a key (not a prefix)
  // joined two members. Either means the group's identity is settled.
  std::vector<std::uint32_t> full_count;
  std::vector<bool> keyed;
  // Key hash -> the items filed under it, newest first: a chain of nodes.
  struct Node {
    Handle item;
    std::uint32_t older;
  };
  boost::unordered_flat_map<std::uint64_t, std::uint32_t> key_heads;
  std::vector<Node> key_nodes;
  std::vector<Handle> truncated;                                // items with a "..." title
  std::unordered_map<Handle, Handle> attached;                  // truncated-only root -> full root

  // Story layer.
  std::unordered_map<std::string, std::uint32_t> vocabulary;
  std::vector<std::uint32_t> df;
  std::size_t documents = 0;
  MinUnionFind stories;
  std::unordered_map<Handle, Cluster> clusters;  // story root -> centroid
  std::vector<std::vector<Handle>> postings;     // term -> clusters (maybe stale roots)
  std::vector<std::uint32_t> stamp;              // per handle: candidate dedup
  std::uint32_t stamp_now = 0;

  std::vector<std::pair<Handle, Handle>> batch_unions;

  explicit State(Options o) : options(std::move(o)) {}

  void file_under(std::uint64_t hash, Handle h) {
    auto [it, fresh] = key_heads.try_emplace(hash, kNone);
    key_nodes.push_back(Node{h, it->second});
    it->second = static_cast<std::uint32_t>(key_nodes.size() - 1);
  }

  // Calls f(item) for the items filed under `hash`, newest first, until f
  // returns true.
  template <class F>
  void for_each_filed(std::uint64_t hash, F&& f) const {
    auto it = key_heads.find(hash);
    if (it == key_heads.end()) return;
    for (std::uint32_t n = it->second; n != kNone; n = key_nodes[n].older) {
      if (f(key_nodes[n].item)) return;
    }
  }

  std::int64_t window_ms(std::chrono::hours h) const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(h).count();
  }

  bool in_window(const Entry& a, const Entry& b, std::int64_t window) const {
    return std::llabs(a.ms - b.ms) <= window;
  }

  void unite_groups(Handle a, Handle b) {
    auto [root, gone] = groups.unite(a, b);
    keyed[root] = true;
    if (gone == kNone) return;
    full_count[root] += full_count[gone];
    batch_unions.emplace_back(a, b);
  }

  Handle group_root(Handle h) const {
    Handle r = groups.find(h);
    auto it = attached.find(r);
    return it == attached.end() ? r : groups.find(it->second);
  }

  std::uint32_t term_id(const std::string& term) {
    auto [it, fresh] = vocabulary.try_emplace(term, static_cast<std::uint32_t>(df.size()));
    if (fresh) {
      df.push_back(0);
      postings.emplace_back();
    }
    return it->second;
  }

  // Duplicate layer: join `h` to earlier items sharing a key.
  void file_keys(Handle h) {
    Entry& e = entries[h];
    const ItemKeys& k = e.keys;
    std::int64_t window = window_ms(options.duplicate_window);
    auto join_last = [&](KeyKind kind, const std::string& key, auto&& accept) {
      std::uint64_t hash = key_hash(kind, key);
      for_each_filed(hash, [&](Handle o) {
        const Entry& other = entries[o];
        if (other.forgotten || !in_window(e, other, window) || !accept(other)) return false;
        unite_groups(h, o);
        return true;
      });
      file_under(hash, h);
    };
    auto same_guid = [&](const Entry& o) { return o.keys.guid == k.guid; };
    auto same_url = [&](const Entry& o) { return o.keys.url == k.url; };
    if (!k.guid.empty()) join_last(KeyKind::guid, k.guid, same_guid);
    if (!k.url.empty()) join_last(KeyKind::url, k.url, same_url);
    if (k.title.empty()) return;
    bool long_title = k.words.size() >= options.min_title_words;
    auto same_instant = [&](const Entry& o) { return e.has_time && o.has_time && o.ms == e.ms; };
    auto same_title = [&](const Entry& o) {
      if (o.keys.title != k.title || o.truncated != e.truncated) return false;
      if (summaries_conflict(o.summary_words, e.summary_words)) return false;
      // Short titles ("Titanfall Review") need corroboration.
      return long_title || same_instant(o);
    };
    join_last(e.truncated ? KeyKind::truncated_title : KeyKind::title, k.title, same_title);
    // Learned feed prefixes are weak evidence: "MARKET SNAPSHOT: US stocks
    // ..." may or may not be the outlet's copy of "US stocks ...".
    auto probe = [&](KeyKind kind, const std::string& key, auto&& accept) {
      for_each_filed(key_hash(kind, key), [&](Handle o) {
        if (entries[o].forgotten || !accept(entries[o])) return false;
        unite_groups(h, o);
        return true;
      });
    };
    if (!e.truncated) {
      if (!k.learned_title.empty()) {
        auto matches = [&](const Entry& o) { return !o.truncated && o.keys.title == k.learned_title && same_instant(o); };
        probe(KeyKind::title, k.learned_title, matches);
        file_under(key_hash(KeyKind::learned_title, k.learned_title), h);
      }
      auto matches = [&](const Entry& o) { return o.keys.learned_title == k.title && same_instant(o); };
      probe(KeyKind::learned_title, k.title, matches);
    }
    if (e.truncated) {
      truncated.push_back(h);
      return;
    }
    // Index the title under its first words, where a truncated copy looks
    // for it (and then checks the rest).
    if (k.words.size() > prefix_words()) file_under(key_hash(KeyKind::prefix, first_words(k.words)), h);
  }

  std::size_t prefix_words() const { return options.min_prefix_words > 1 ? options.min_prefix_words - 1 : 1; }

  std::string first_words(const std::vector<std::string>& words) const {
    return title_key(std::span<const std::string>(words).first(std::min(words.size(), prefix_words())));
  }

  // Attaches each truncated-only group to the one full title it prefixes.
  void resolve_truncated() {
    attached.clear();
    std::int64_t window = window_ms(options.duplicate_window);
    std::unordered_map<Handle, Handle> choice;  // truncated root -> full root, kNone = ambiguous
    for (Handle t : truncated) {
      const Entry& e = entries[t];
      if (e.forgotten) continue;
      Handle root = groups.find(t);
      if (full_count[root] > 0 || keyed[root]) continue;  // a stronger key placed it
      const ItemKeys& k = e.keys;
      if (k.words.size() < options.min_prefix_words || k.prefix.empty()) continue;
      Handle target = kNone;
      bool ambiguous = false;
      if (k.words.size() - 1 < prefix_words()) continue;
      for_each_filed(key_hash(KeyKind::prefix, first_words(k.words)), [&](Handle f) {
        const Entry& full = entries[f];
        if (full.forgotten || !in_window(e, full, window)) return false;
        // The cut copy keeps at least half of the headline; its last word
        // may be cut, so it need only start the full title's word.
        if (!full.keys.title.starts_with(k.title)) return false;
        if (2 * k.words.size() < full.keys.words.size()) return false;
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

  // Document frequency above which a term is a stop word of the corpus.
  // A handful of items gives no such statistics.
  double max_document_frequency() const {
    constexpr std::size_t kMinDocuments = 40;
    if (documents < kMinDocuments) return static_cast<double>(documents) + 1.0;
    return std::max(2.0, options.story.max_df * static_cast<double>(documents));
  }

  // Story layer: the item's weighted term vector.
  void compute_terms(Handle h, const Item& item) {
    Entry& e = entries[h];
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
    e.terms.clear();
    for (const std::string& term : story_terms(e.keys.words)) {
      std::uint32_t t = vocabulary.at(term);
      if (double w = weight(t); w > 0) e.terms.emplace_back(t, static_cast<float>(w));
    }
    if (!item.summary.empty()) {
      constexpr std::size_t kSummaryTerms = 40;
      constexpr double kSummaryWeight = 0.5;
      auto words = title_words(summary_text(item.summary));
      if (words.size() > 3 * kSummaryTerms) words.resize(3 * kSummaryTerms);
      std::size_t added = 0;
      for (const std::string& term : story_terms(words)) {
        if (added == kSummaryTerms) break;
        std::uint32_t t = vocabulary.at(term);
        if (std::any_of(e.terms.begin(), e.terms.end(), [&](auto& x) { return x.first == t; })) continue;
        double w = kSummaryWeight * weight(t);
        if (w <= 0) continue;
        e.terms.emplace_back(t, static_cast<float>(w));
        ++added;
      }
    }
    if (p.normalize_items && !e.terms.empty()) {
      double n2 = 0;
      for (auto& [t, w] : e.terms) n2 += static_cast<double>(w) * w;
      auto inv = static_cast<float>(1.0 / std::sqrt(n2));
      for (auto& [t, w] : e.terms) w *= inv;
    }
  }

  void observe_terms(const Item& item, const ItemKeys& k) {
    ++documents;
    std::vector<std::string> terms = story_terms(k.words);
    if (!item.summary.empty()) {
      auto words = title_words(summary_text(item.summary));
      if (words.size() > 120) words.resize(120);
      for (auto& t : story_terms(words)) {
        if (std::find(terms.begin(), terms.end(), t) == terms.end()) terms.push_back(std::move(t));
      }
    }
    for (const std::string& t : terms) ++df[term_id(t)];
  }

  static double dot(const std::unordered_map<std::uint32_t, float>& a,
                    const std::unordered_map<std::uint32_t, float>& b) {
    const auto& small = a.size() <= b.size() ? a : b;
    const auto& large = a.size() <= b.size() ? b : a;
    double s = 0;
    for (auto [t, w] : small) {
      auto it = large.find(t);
      if (it != large.end()) s += static_cast<double>(w) * it->second;
    }
    return s;
  }

  void add_to_cluster(Handle root, Handle h) {
    Cluster& c = clusters[root];
    const Entry& e = entries[h];
    for (auto [t, w] : e.terms) {
      float& v = c.centroid[t];
      c.norm2 += 2.0 * v * w + static_cast<double>(w) * w;
      v += w;
      auto& list = postings[t];
      if (list.empty() || list.back() != root) list.push_back(root);
    }
    c.last_ms = std::max(c.last_ms, e.ms);
  }

  void unite_stories(Handle a, Handle b) {
    auto [root, gone] = stories.unite(a, b);
    if (gone == kNone) return;
    auto it = clusters.find(gone);
    if (it == clusters.end()) return;
    Cluster absorbed = std::move(it->second);
    clusters.erase(it);
    Cluster& c = clusters[root];
    if (c.centroid.size() < absorbed.centroid.size()) std::swap(c, absorbed);
    double cross = dot(c.centroid, absorbed.centroid);
    for (auto [t, w] : absorbed.centroid) {
      c.centroid[t] += w;
      auto& list = postings[t];
      if (list.empty() || list.back() != root) list.push_back(root);
    }
    c.norm2 += absorbed.norm2 + 2.0 * cross;
    c.last_ms = std::max(c.last_ms, absorbed.last_ms);
  }

  void file_story(Handle h) {
    const Entry& e = entries[h];
    Handle g = group_root(h);
    if (g < h) {  // the group already has a story
      Handle root = stories.find(g);
      stories.unite(h, root);
      add_to_cluster(stories.find(h), h);
      return;
    }
    const StoryParams& p = options.story;
    std::int64_t oldest = e.ms - window_ms(options.story_window);
    double max_df = max_document_frequency();
    ++stamp_now;
    std::vector<Handle> candidates;
    for (auto [t, w] : e.terms) {
      if (static_cast<double>(df[t]) > max_df) continue;
      for (Handle c : postings[t]) {
        Handle r = stories.find(c);
        if (stamp[r] == stamp_now) continue;
        stamp[r] = stamp_now;
        auto it = clusters.find(r);
        if (it == clusters.end() || it->second.last_ms < oldest) continue;
        candidates.push_back(r);
      }
    }
    double item_norm2 = 0;
    for (auto [t, w] : e.terms) item_norm2 += static_cast<double>(w) * w;
    std::vector<std::pair<double, Handle>> scored;
    if (item_norm2 > 0) {
      for (Handle r : candidates) {
        const Cluster& c = clusters.find(r)->second;
        double s = 0;
        for (auto [t, w] : e.terms) {
          auto it = c.centroid.find(t);
          if (it != c.centroid.end()) s += static_cast<double>(w) * it->second;
        }
        if (s <= 0 || c.norm2 <= 0) continue;
        double cosine = s / std::sqrt(item_norm2 * c.norm2);
        if (cosine >= p.join) scored.emplace_back(cosine, r);
      }
    }
    std::sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    if (scored.empty()) {
      clusters[h];
      add_to_cluster(h, h);
      return;
    }
    Handle best = scored.front().second;
    stories.unite(h, best);
    add_to_cluster(stories.find(h), h);
    // An item that fits two clusters is evidence they tell one story;
    // merge when their centroids agree as well.
    for (std::size_t i = 1; i < scored.size(); ++i) {
      Handle a = stories.find(h), b = stories.find(scored[i].second);
      if (a == b) continue;
      const Cluster& ca = clusters[a];
      const Cluster& cb = clusters[b];
      if (ca.norm2 <= 0 || cb.norm2 <= 0) continue;
      double cosine = dot(ca.centroid, cb.centroid) / std::sqrt(ca.norm2 * cb.norm2);
      if (cosine >= p.merge) unite_stories(a, b);
    }
  }
};

Deduplicator::Deduplicator(Options options) : state_(std::make_unique<State>(std::move(options))) {}
Deduplicator::~Deduplicator() = default;
Deduplicator::Deduplicator(Deduplicator&&) noexcept = default;
Deduplicator& Deduplicator::operator=(Deduplicator&&) noexcept = default;

std::vector<std::size_t> Deduplicator::add(std::span<const Item> batch) {
  State& s = *state_;
  // Learn from the whole batch first: who the publishers are, what each
  // feed puts before every title.
  for (const Item& item : batch) {
    if (!item.feed.empty()) {
      s.publishers.add(item.feed);
      // Prefix candidates live in the first 48 bytes (AffixLearner).
      s.affixes.observe(item.feed, fold_title(std::string_view(item.title).substr(0, 96)));
    }
  }
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
  std::unordered_map<std::string, std::vector<std::string>> feed_prefixes;
  Handle first = static_cast<Handle>(s.entries.size());
  s.batch_unions.clear();
  for (std::size_t i : order) {
    const Item& item = batch[i];
    auto fp = feed_prefixes.find(item.feed);
    if (fp == feed_prefixes.end()) fp = feed_prefixes.emplace(item.feed, s.affixes.prefixes(item.feed)).first;
    Entry e;
    e.id = item.id;
    e.keys = item_keys(item, TitleRules{&s.publishers, fp->second});
    e.ms = times[i];
    e.has_time = has_time[i];
    e.truncated = !e.keys.prefix.empty();
    e.summary_words = summary_word_hashes(item.summary);
    Handle h = s.groups.add();
    s.stories.add();
    s.stamp.push_back(0);
    s.full_count.push_back(e.truncated ? 0 : 1);
    s.keyed.push_back(false);
    s.entries.push_back(std::move(e));
    handles[i] = h;
    s.file_keys(h);
  }
  s.resolve_truncated();
  if (!s.options.stories) return handles;
  for (std::size_t i : order) s.observe_terms(batch[i], s.entries[handles[i]].keys);
  for (std::size_t i : order) {
    s.compute_terms(static_cast<Handle>(handles[i]), batch[i]);
    s.file_story(static_cast<Handle>(handles[i]));
  }
  // Keep every group inside one story: the duplicate layer's joins (also
  // those that bridged groups filed in earlier batches) and attachments.
  for (auto [a, b] : s.batch_unions) s.unite_stories(a, b);
  for (auto [root, target] : s.attached) s.unite_stories(root, target);
  for (Handle h = first; h < s.entries.size(); ++h) s.unite_stories(h, s.group_root(h));
  return handles;
}

Assignment Deduplicator::assignment(std::size_t handle) const {
  const State& s = *state_;
  auto h = static_cast<Handle>(handle);
  Assignment a;
  a.group = s.group_root(h);
  a.story = s.options.stories ? s.stories.find(h) : a.group;
  return a;
}

const ItemKeys& Deduplicator::keys(std::size_t handle) const { return state_->entries.at(handle).keys; }
std::string_view Deduplicator::id(std::size_t handle) const { return state_->entries.at(handle).id; }
std::size_t Deduplicator::size() const { return state_->entries.size(); }

void Deduplicator::forget_before(Millis cutoff) {
  State& s = *state_;
  std::int64_t limit = cutoff.time_since_epoch().count();
  for (Entry& e : s.entries) {
    if (e.ms < limit) e.forgotten = true;
  }
  // Rebuild the key chains without forgotten items; order is kept.
  std::vector<State::Node> nodes;
  boost::unordered_flat_map<std::uint64_t, std::uint32_t> heads;
  std::vector<Handle> chain;
  for (auto [hash, head] : s.key_heads) {
    chain.clear();
    for (std::uint32_t n = head; n != kNone; n = s.key_nodes[n].older) {
      if (!s.entries[s.key_nodes[n].item].forgotten) chain.push_back(s.key_nodes[n].item);
    }
    if (chain.empty()) continue;
    std::uint32_t older = kNone;
    for (auto c = chain.rbegin(); c != chain.rend(); ++c) {
      nodes.push_back(State::Node{*c, older});
      older = static_cast<std::uint32_t>(nodes.size() - 1);
    }
    heads.emplace(hash, older);
  }
  s.key_heads = std::move(heads);
  s.key_nodes = std::move(nodes);
  std::erase_if(s.truncated, [&](Handle h) { return s.entries[h].forgotten; });
  for (auto it = s.clusters.begin(); it != s.clusters.end();) {
    it = it->second.last_ms < limit ? s.clusters.erase(it) : std::next(it);
  }
  for (auto& list : s.postings) {
    std::erase_if(list, [&](Handle c) { return !s.clusters.contains(s.stories.find(c)); });
  }
  s.resolve_truncated();
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
