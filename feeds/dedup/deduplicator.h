#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "feeds/dedup/publishers.h"
#include "feeds/dedup/title.h"

namespace tributary::feeds::dedup {

using Millis = std::chrono::sys_time<std::chrono::milliseconds>;

// One feed item as the deduplicator sees it. Only `title` is required.
struct Item {
  std::string id;       // opaque; echoed back by callers, never interpreted
  std::string title;    // as found in the feed (entities, prefixes, "..." allowed)
  std::string link;     // as found (tracking parameters allowed)
  std::string summary;  // HTML allowed
  std::string feed;     // feed or publisher name
  std::string guid;     // RSS <guid> / Atom <id>
  std::optional<Millis> published;
};

// The keys an item is filed under in the duplicate layer (what
// item_keys computes; the deduplicator keeps only hashes of them). Empty
// strings mean "no such key".
struct ItemKeys {
  std::string feed;         // publisher_key(item.feed)
  std::string guid;         // feed + '\n' + guid: GUIDs are unique per feed only
  std::string url;          // canonical_url(link); "" unless it is a web page
                            // other than a site's front page
  std::vector<std::string> words;  // title_words of the clean title
  std::string title;        // title_key(words)
  // Truncated titles only: the words before the last, possibly cut, word.
  std::string prefix;
  // The title key without a prefix learned for the feed (AffixLearner),
  // when one was removed: weaker evidence, it joins only items published at
  // the same instant. `words` and `title` keep such prefixes.
  std::string learned_title;
  // The title key without a short leading label ("World: ", see
  // label_prefix_length): joins only items whose content agrees.
  std::string label_title;
  // The words of the title's item tag ("[PATCH 2/5]", see item_tag):
  // copies under different tags are different items, whatever else they
  // share.
  std::string tag;
  CleanTitle clean;         // the clean title (learned prefix removed), for display
};

// How coarse the story layer is.
enum class Granularity {
  story,  // one developing news story (UCI News Aggregator "STORY" clusters)
  event,  // one event told in other words (SemEval STS "same meaning" pairs)
};

struct StoryParams {
  double idf_exponent = 0.0;     // term weight = idf^exponent (0: every term 1)
  bool normalize_items = false;  // add unit-length item vectors to centroids
  double join = 0.2;             // cosine(item, centroid) to join a cluster
  double merge = 0.25;           // cosine(centroid, centroid) to merge two
                                 // clusters an item fits both of (> 1: never)
  double cohesion = 0.065;       // mean similarity to a cluster's members to
                                 // join it (and between two clusters' members
                                 // to merge them): what keeps a cluster from
                                 // drifting into a story of everything
  std::uint32_t max_members = 500;  // a cluster this big takes no more items
                                    // by similarity (their duplicates still)
  double max_df = 0.2;           // terms in more than this share of items
                                 // weigh nothing
  double summary_max_df = 0.05;  // summary terms in more than this share of
                                 // items weigh nothing
};

// The tuned parameters of a granularity (see tests/dedup and the report in
// bench/dedup_bench.cpp for the numbers they were chosen by).
StoryParams story_params(Granularity g);

struct Options {
  // Title keys join only items published this close together (unless their
  // summaries agree, see below).
  std::chrono::hours duplicate_window{72};
  // GUID and URL keys, and titles whose summaries agree (the same text
  // under the same headline), join items published this close together: a
  // permalink names one article however late a copy turns up (and feeds'
  // dates are often wrong), so by default a century.
  std::chrono::hours identity_window{24 * 365 * 100};
  // A story cluster idle for longer than this takes no new items.
  std::chrono::hours story_window{48};
  // Titles with fewer words are joined on the title only when the exact
  // publication instant or the summaries corroborate it ("Titanfall Review").
  std::size_t min_title_words = 4;
  // A truncated title needs this many complete words to match a full one.
  std::size_t min_prefix_words = 5;
  bool stories = true;  // false: every story is its group
  // Whether each add() holds at most one document (one fetch) of each feed,
  // as a daemon files one refresh of a feed. A feed lists an article once,
  // so two entries of one document are joined under one GUID only when
  // their link or title agrees too, and entries with different GUIDs and
  // links are joined only by agreeing summaries, never by a title. Off for
  // a stream of items whose documents are unknown (`tributary dedup` on a
  // crawl log, where one feed re-lists an article under a new link).
  bool batches_are_documents = true;
  StoryParams story = story_params(Granularity::story);
  // Keep the ItemKeys of the last add()'s items for keys() (explanations,
  // a store filing them); off, only hashes are kept. Earlier items' keys
  // are released by the next add(): kept for every remembered item, they
  // were most of its memory.
  bool keep_keys = false;
};

// Where an item landed: both as handles of the earliest remembered item of
// its duplicate group and of its story. Every group lies inside one story.
struct Assignment {
  std::size_t group = 0;
  std::size_t story = 0;
};

// Two groups or stories became one: `kept` (the earlier root) absorbed
// `absorbed`; both are handles of the roots at the time.
struct Merge {
  std::size_t kept = 0;
  std::size_t absorbed = 0;
};

// Incremental two-layer deduplicator.
//
// Duplicate layer ("group": the same article): items join when they share
// a GUID within one feed (two entries of one document under one GUID only
// when their link or title agrees too) or a canonical URL (within
// identity_window), or a normalized title of at least min_title_words words
// within duplicate_window, unless both have summaries that share almost
// nothing, or the items are entries of one document that their GUIDs and
// links tell apart (then only agreeing summaries join them, and not even a
// third copy joins both by its title; see Options::batches_are_documents).
// Only a web page other than a site's front page is a URL key (not
// "javascript:", "data:", "file:" or relative links), and only a GUID joins
// items whose titles carry different item tags ("[PATCH 1/3]" and
// "[PATCH 2/3]" linking one thread).
// Shorter titles, and titles without a learned feed prefix, also need the
// same publication instant. Summaries that agree (most words shared) stand
// in for the instant and stretch the title window to identity_window, and
// let a title with a short leading label ("World: ...") join the title
// without it. A truncated title ("...") whose group has no stronger key
// joins the one full title it is a prefix of; when it prefixes several
// different titles it joins none.
//
// Story layer ("story": the same event, other outlets): groups are
// clustered online by title (+ rare summary) term vectors. An item joins
// the cluster whose centroid is closest (cosine >= join) among the live
// clusters that share a title term with it and whose members it is close to
// on average (cohesion: a centroid alone drifts, see StoryParams); a cluster
// of max_members takes no more by similarity. An item that fits two
// clusters merges them when their centroids are close too and their members
// on average. Stories are unions of whole groups, so the story layer never
// splits what the duplicate layer joined (such unions may pass the cap).
//
// Deterministic: the same batches in the same order give the same result.
// Nothing is dropped; every added item gets a handle (0, 1, 2, ... in the
// order items were filed). Memory is bounded by what is remembered: the
// forget_* calls drop the oldest items, after which their handles are
// invalid and groups are represented by their earliest remembered member.
class Deduplicator {
 public:
  explicit Deduplicator(Options options = {});
  ~Deduplicator();
  Deduplicator(Deduplicator&&) noexcept;
  Deduplicator& operator=(Deduplicator&&) noexcept;

  // Files a batch of items that arrived together. The whole batch is first
  // learned from (feed names, per-feed title prefixes, term frequencies),
  // then filed in `published` order (ties and items without a time: batch
  // order; such items take the time of the item before them). Returns each
  // item's handle, in batch order.
  std::vector<std::size_t> add(std::span<const Item> batch);

  // The current assignment of a remembered item; may change when later
  // items bridge groups or stories.
  Assignment assignment(std::size_t handle) const;

  // The groups and stories the last add() merged, in the order it merged
  // them (also merges of groups filed by earlier batches).
  std::span<const Merge> merged_groups() const;
  std::span<const Merge> merged_stories() const;

  // The keys of an item the last add() filed; only with Options::keep_keys.
  const ItemKeys& keys(std::size_t handle) const;

  // Handles given so far (the next handle), and the oldest remembered one:
  // handles in [first_remembered(), size()) are valid.
  std::size_t size() const;
  std::size_t first_remembered() const;

  // Forgets items published before `cutoff`: they no longer join new items
  // and stop counting in term statistics; idle story clusters are dropped.
  // Memory is released for the oldest of them (those filed before every
  // item still remembered).
  void forget_before(Millis cutoff);

  // Forgets every item with a handle below `handle` and releases its memory
  // (for a daemon that keeps what arrived within a window).
  void forget_handles_before(std::size_t handle);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Computes the keys of `item` under `rules` (what Deduplicator files).
ItemKeys item_keys(const Item& item, const TitleRules& rules);

// What two summaries (HTML or text) say about two copies, as the
// deduplicator judges them (for callers matching copies it has forgotten):
// `conflict` when they share almost no words (different articles under one
// headline, "Morning Briefing"), `agree` when they share most (the same
// text), else - or when either is too short to tell - `unknown`.
enum class SummaryMatch { unknown, conflict, agree };
SummaryMatch compare_summaries(std::string_view a, std::string_view b);

// One-shot helper: files `items` as one batch. Returns one assignment per
// item, in input order, whose `group` and `story` are positions in `items`
// (of the earliest member of the item's group and story).
std::vector<Assignment> deduplicate(std::span<const Item> items, const Options& options = {});

}  // namespace tributary::feeds::dedup
