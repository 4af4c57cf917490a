#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <span>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>
#include <boost/unordered/unordered_flat_set.hpp>

namespace tributary::feeds::dedup {

// The comparison key of a feed or publisher name: case-folded ASCII letters
// and digits only, other ASCII dropped, non-ASCII bytes kept
// ("Reuters - World" -> "reutersworld", "USA TODAY" -> "usatoday").
std::string publisher_key(std::string_view name);

// Names of the feeds and publishers seen so far. A title prefix or suffix
// is stripped as a re-publisher credit only when it names one of these,
// so "US open: Stocks fall" keeps its "US open".
class Publishers {
 public:
  // Adds a feed name, and for a section feed ("Reuters - World",
  // "Reuters | World", "Reuters: World") also its publisher part, and for
  // a qualified name ("MacroBusiness (blog)") also the bare name.
  void add(std::string_view feed_name);

  // True when `name` (any spelling publisher_key folds alike) was added.
  bool contains(std::string_view name) const;

  // contains() of a name whose publisher_key is `key`.
  bool contains_key(std::string_view key) const { return !key.empty() && keys_.contains(key); }

  // True when some added name's key starts with `key` (a publisher_key).
  bool has_prefix(std::string_view key) const;

  std::size_t size() const { return keys_.size(); }

 private:
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using NameSet = boost::unordered_flat_set<std::string, NameHash, std::equal_to<>>;
  void add_key(std::string key);
  NameSet keys_;
  NameSet names_;  // as added, to skip repeats
  // keys_ for has_prefix: the first sorted_ in order, the rest added since
  // (sorted and merged in when asked: one sort for a whole crawl, a short
  // merge per refresh of a daemon).
  mutable std::vector<std::string> sorted_keys_;
  mutable std::size_t sorted_ = 0;
};

// Learns the boilerplate a feed puts in front of every title ("[Russia] - ",
// "Newsletter: ", "WATCH | "): a leading segment that ends in a separator
// and opens at least kMinTitles titles and at least half of the feed's
// titles is a learned prefix of that feed. Counts are halved whenever a
// feed reaches kDecayAt titles (bounded memory; recent titles weigh more).
// Deterministic: depends only on the titles observed per feed, in order.
class AffixLearner {
 public:
  static constexpr std::size_t kMinTitles = 3;
  static constexpr std::size_t kDecayAt = 1024;

  // Counts one title (folded, see fold_title) of feed `feed`.
  void observe(std::string_view feed, std::string_view folded_title);

  // Counts titles of feed `feed`, in order (as many observe calls).
  void observe(std::string_view feed, std::span<const std::string_view> folded_titles);

  // The learned prefixes of `feed`, longest first; empty when none.
  std::vector<std::string> prefixes(std::string_view feed) const;

  // The leading segment of `folded_title` that is a prefix candidate
  // (up to and including the first ": ", " - ", " | " or "] " within the
  // first 48 bytes and any separator characters right after it, with at
  // least 12 bytes of title after it), or "".
  static std::string_view candidate(std::string_view folded_title);

 private:
  // Heterogeneous lookup: find by string_view without a temporary string.
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct FeedStats {
    std::size_t titles = 0;
    // Candidates by the hash of their text, and the text of those that
    // opened kMinTitles titles (most candidates open one: a title's own
    // first words).
    boost::unordered_flat_map<std::uint64_t, std::size_t> candidates;
    boost::unordered_flat_map<std::uint64_t, std::string> texts;
  };
  static void count(FeedStats& stats, std::string_view folded_title);
  boost::unordered_flat_map<std::string, FeedStats, Hash, std::equal_to<>> feeds_;  // by feed name as given
};

}  // namespace tributary::feeds::dedup
