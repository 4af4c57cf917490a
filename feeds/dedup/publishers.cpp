#include "feeds/dedup/publishers.h"

#include <algorithm>
#include <array>

namespace tributary::feeds::dedup {

std::string publisher_key(std::string_view name) {
  std::string key;
  key.reserve(name.size());
  for (char c : name) {
    if (c >= 'A' && c <= 'Z') {
      key += static_cast<char>(c + 32);
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || static_cast<unsigned char>(c) >= 0x80) {
      key += c;
    }
  }
  return key;
}

void Publishers::add(std::string_view feed_name) {
  if (names_.contains(feed_name)) return;
  names_.emplace(feed_name);
  auto key = publisher_key(feed_name);
  if (key.empty()) return;
  add_key(std::move(key));
  if (feed_name.ends_with(')')) {
    auto open = feed_name.rfind(" (");
    if (open != std::string_view::npos && open > 0) add(feed_name.substr(0, open));
  }
  static constexpr std::array<std::string_view, 4> kSeparators = {" - ", " | ", ": ", " \xe2\x80\x94 "};
  for (auto sep : kSeparators) {
    auto pos = feed_name.find(sep);
    if (pos != std::string_view::npos && pos > 0) {
      auto base = publisher_key(feed_name.substr(0, pos));
      if (base.size() >= 3) add_key(std::move(base));
    }
  }
}

void Publishers::add_key(std::string key) {
  if (keys_.contains(key)) return;
  sorted_keys_.push_back(key);
  keys_.insert(std::move(key));
}

bool Publishers::contains(std::string_view name) const {
  auto key = publisher_key(name);
  return !key.empty() && keys_.contains(key);
}

bool Publishers::has_prefix(std::string_view key) const {
  if (sorted_ < sorted_keys_.size()) {
    auto middle = sorted_keys_.begin() + static_cast<std::ptrdiff_t>(sorted_);
    std::sort(middle, sorted_keys_.end());
    std::inplace_merge(sorted_keys_.begin(), middle, sorted_keys_.end());
    sorted_ = sorted_keys_.size();
  }
  auto it = std::lower_bound(sorted_keys_.begin(), sorted_keys_.end(), key, std::less<>());
  return it != sorted_keys_.end() && std::string_view(*it).starts_with(key);
}

std::string_view AffixLearner::candidate(std::string_view folded_title) {
  static constexpr std::array<std::string_view, 4> kSeparators = {": ", " - ", " | ", "] "};
  constexpr std::size_t kMaxCandidate = 48;
  // A separator ending past kMaxCandidate makes no candidate: look no further.
  std::string_view head = folded_title.substr(0, kMaxCandidate);
  // The first occurrence of each separator counts (none when it opens the
  // title); the candidate ends with the one that ends first. One pass,
  // comparing only where a separator may start.
  std::size_t best = std::string_view::npos;
  std::array<bool, kSeparators.size()> seen{};
  auto found = [&](std::size_t k, std::size_t i) {
    if (seen[k]) return;
    seen[k] = true;
    if (i > 0) best = std::min(best, i + kSeparators[k].size());
  };
  for (std::size_t i = 0; i + 1 < head.size() && i < best; ++i) {
    char c = head[i], next = head[i + 1];
    if (next == ' ' && c == ':') {
      found(0, i);
    } else if (next == ' ' && c == ']') {
      found(3, i);
    } else if (c == ' ' && (next == '-' || next == '|') && i + 2 < head.size() && head[i + 2] == ' ') {
      found(next == '-' ? 1 : 2, i);
    }
  }
  if (best == std::string_view::npos || best > kMaxCandidate) return {};
  // "[Russia] - ": separators may follow each other.
  while (best < folded_title.size() && std::string_view(" -:|").find(folded_title[best]) != std::string_view::npos) {
    ++best;
  }
  if (folded_title.size() < best + 12) return {};
  return folded_title.substr(0, best);
}

void AffixLearner::observe(std::string_view feed, std::string_view folded_title) {
  observe(feed, std::span<const std::string_view>(&folded_title, 1));
}

void AffixLearner::observe(std::string_view feed, std::span<const std::string_view> folded_titles) {
  auto it = feeds_.find(feed);
  if (it == feeds_.end()) it = feeds_.emplace(std::string(feed), FeedStats{}).first;
  for (std::string_view title : folded_titles) count(it->second, title);
}

void AffixLearner::count(FeedStats& stats, std::string_view folded_title) {
  ++stats.titles;
  auto c = candidate(folded_title);
  if (!c.empty()) {
    std::uint64_t h = Hash{}(c);
    if (++stats.candidates[h] == kMinTitles) stats.texts.try_emplace(h, c);
  }
  // Old titles weigh less and one-off candidates go: bounded memory, and a
  // feed that changes its habits is relearned.
  if (stats.titles >= kDecayAt) {
    stats.titles /= 2;
    for (auto& cand : stats.candidates) cand.second /= 2;
    boost::unordered::erase_if(stats.candidates, [](const auto& cand) { return cand.second == 0; });
    boost::unordered::erase_if(stats.texts, [&](const auto& t) { return !stats.candidates.contains(t.first); });
  }
}

std::vector<std::string> AffixLearner::prefixes(std::string_view feed) const {
  std::vector<std::string> out;
  auto it = feeds_.find(feed);
  if (it == feeds_.end()) return out;
  const FeedStats& stats = it->second;
  for (const auto& [hash, count] : stats.candidates) {
    // Such a count was kMinTitles once, and the text kept then.
    if (count >= kMinTitles && 2 * count >= stats.titles) out.push_back(stats.texts.find(hash)->second);
  }
  std::sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() > b.size() : a < b;
  });
  return out;
}

}  // namespace tributary::feeds::dedup
