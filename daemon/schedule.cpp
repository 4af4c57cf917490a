#include "daemon/schedule.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "feeds/date.h"

namespace tributary::daemon {
namespace {

// Anything longer than this is "forever" for a poll schedule; keeps every
// sum below overflow.
constexpr std::int64_t kForever = std::int64_t{1} << 40;

std::string_view trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  auto b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(kSpace) - b + 1);
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] + 32) : a[i];
    char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] + 32) : b[i];
    if (x != y) return false;
  }
  return true;
}

// Non-negative decimal digits only, saturating at kForever; nullopt for
// anything else (signs, spaces inside, fractions, empty).
std::optional<std::int64_t> parse_count(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::int64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    if (n < kForever) n = n * 10 + (c - '0');
  }
  return std::min(n, kForever);
}

Seconds clamp(Seconds v, Seconds lo, Seconds hi) { return std::clamp(v, lo, std::max(lo, hi)); }

}  // namespace

std::optional<Seconds> retry_after_delay(std::string_view value, TimePoint now) {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  if (value.front() >= '0' && value.front() <= '9') {
    auto n = parse_count(value);
    if (!n) return std::nullopt;
    return Seconds{*n};
  }
  auto when = feeds::parse_http_date(value);
  if (!when) return std::nullopt;
  if (*when <= now) return Seconds{0};
  return Seconds{std::min<std::int64_t>((*when - now).count(), kForever)};
}

std::optional<Seconds> freshness_lifetime(std::string_view cache_control, std::string_view expires,
                                          TimePoint now) {
  std::optional<Seconds> max_age;
  std::string_view rest = cache_control;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    std::string_view directive = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    auto eq = directive.find('=');
    std::string_view name = trim(directive.substr(0, eq));
    std::string_view arg = eq == std::string_view::npos ? std::string_view{} : trim(directive.substr(eq + 1));
    if (arg.size() >= 2 && arg.front() == '"' && arg.back() == '"') arg = arg.substr(1, arg.size() - 2);
    // RFC 9111 §5.2.2: these forbid serving the response without revalidation.
    if (iequals(name, "no-store") || iequals(name, "no-cache")) return std::nullopt;
    if (iequals(name, "max-age")) {
      auto n = parse_count(arg);
      if (!n) return std::nullopt;  // §4.2.1: an invalid max-age makes the response stale
      max_age = Seconds{*n};
    }
  }
  if (max_age) return max_age;  // §5.3: max-age wins over Expires
  if (trim(expires).empty()) return std::nullopt;
  auto when = feeds::parse_http_date(trim(expires));
  // §5.3: an invalid date ("0", "-1") means already expired.
  if (!when || *when <= now) return Seconds{0};
  return Seconds{std::min<std::int64_t>((*when - now).count(), kForever)};
}

std::optional<Seconds> update_hint(const feeds::UpdateHints& hints) {
  std::optional<Seconds> out;
  if (hints.ttl_minutes && *hints.ttl_minutes > 0) {
    out = Seconds{std::min<std::int64_t>(std::int64_t{*hints.ttl_minutes} * 60, kForever)};
  }
  struct Period {
    std::string_view name;
    std::int64_t seconds;
  };
  // RSS 1.0 syndication module: the period the frequency is counted over.
  static constexpr Period kPeriods[] = {
      {"hourly", 3600}, {"daily", 86400}, {"weekly", 7 * 86400},
      {"monthly", 30 * 86400}, {"yearly", 365 * 86400},
  };
  std::string_view period = trim(hints.sy_period);
  int frequency = hints.sy_frequency.value_or(1);
  if (!period.empty() && frequency > 0) {
    for (const auto& p : kPeriods) {
      if (iequals(period, p.name)) {
        Seconds s{p.seconds / frequency};
        if (!out || s > *out) out = s;
        break;
      }
    }
  }
  return out;
}

std::optional<Seconds> posting_gap(std::span<const TimePoint> dates, TimePoint now) {
  std::vector<TimePoint> past;
  past.reserve(dates.size());
  for (TimePoint d : dates) {
    if (d <= now) past.push_back(d);
  }
  if (past.size() < 2) return std::nullopt;
  constexpr std::size_t kNewest = 10;
  std::size_t n = std::min(past.size(), kNewest);
  std::partial_sort(past.begin(), past.begin() + static_cast<std::ptrdiff_t>(n), past.end(),
                    std::greater<>());
  std::vector<std::int64_t> gaps;
  for (std::size_t i = 1; i < n; ++i) gaps.push_back((past[i - 1] - past[i]).count());
  std::nth_element(gaps.begin(), gaps.begin() + static_cast<std::ptrdiff_t>(gaps.size() / 2), gaps.end());
  std::int64_t median = gaps[gaps.size() / 2];
  std::int64_t quiet = (now - past[0]).count();
  return Seconds{std::min(std::max(median, quiet), kForever)};
}

std::optional<Seconds> feed_interval_hint(const feeds::Feed& feed, TimePoint now) {
  std::vector<TimePoint> dates;
  dates.reserve(feed.entries.size());
  for (const auto& e : feed.entries) {
    if (e.published) {
      dates.push_back(*e.published);
    } else if (e.updated) {
      dates.push_back(*e.updated);
    }
  }
  std::optional<Seconds> hint = update_hint(feed.hints);
  if (auto gap = posting_gap(dates, now)) {
    Seconds rate = *gap / 4;
    if (!hint || rate > *hint) hint = rate;
  }
  return hint;
}

Seconds backoff_delay(Seconds interval, int errors, Seconds cap) {
  if (errors <= 1) return std::min(interval, std::max(cap, interval));
  Seconds d = interval;
  for (int i = 1; i < errors && d < cap; ++i) d *= 2;
  return std::min(d, std::max(cap, interval));
}

NextPoll next_poll(TimePoint now, Seconds interval, const PollFacts& facts, const SchedulePolicy& policy,
                   double jitter_sample) {
  interval = std::max(interval, policy.floor);
  Seconds delay = interval;
  std::string_view reason = "interval";
  auto lengthen = [&](std::optional<Seconds> candidate, Seconds cap, std::string_view why) {
    if (!candidate) return;
    Seconds c = std::min(*candidate, std::max(cap, interval));
    if (c > delay) {
      delay = c;
      reason = why;
    }
  };

  switch (facts.outcome) {
    case PollOutcome::fetched:
    case PollOutcome::not_modified: {
      lengthen(freshness_lifetime(facts.cache_control, facts.expires, now), policy.max_hinted, "cache");
      Seconds hint_cap = std::min(policy.max_hinted, interval * policy.rate_stretch);
      lengthen(facts.feed_hint, hint_cap, "feed hint");
      break;
    }
    case PollOutcome::failed:
      delay = backoff_delay(interval, facts.errors, policy.max_backoff);
      reason = "backoff";
      break;
    case PollOutcome::rate_limited: {
      delay = backoff_delay(interval, facts.errors, policy.max_backoff);
      reason = "backoff";
      if (auto ra = retry_after_delay(facts.retry_after, now)) {
        Seconds r = clamp(*ra, policy.min_retry_after, policy.max_retry_after);
        if (r >= delay) {
          delay = r;
          reason = "retry-after";
        }
      }
      break;
    }
    case PollOutcome::gone:
      delay = std::max(policy.gone_recheck, interval);
      reason = "gone";
      break;
  }

  // A Retry-After is a floor the server set: jitter only ever adds to it.
  double j = std::clamp(policy.jitter, 0.0, 0.5);
  double u = std::clamp(jitter_sample, 0.0, 1.0);
  double factor = reason == "retry-after" ? 1.0 + j * std::abs(2.0 * u - 1.0) : 1.0 - j + 2.0 * j * u;
  auto jittered = static_cast<std::int64_t>(std::llround(static_cast<double>(delay.count()) * factor));
  delay = std::max(Seconds{jittered}, policy.floor);
  return NextPoll{now + delay, delay, reason};
}

}  // namespace tributary::daemon
