#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string_view>

#include "feeds/model.h"

// When to poll a feed next: pure functions of what the last poll saw, the
// configured interval, a policy and `now` (never the clock). The daemon
// calls `next_poll` after every poll and stores the answer.
//
// The rules, in order (all durations are clamped, none can overflow):
//
//  * Success (200 with a feed, or 304): the delay is the longest of
//      - the configured interval (never below the floor, 5 min by default);
//      - the response's freshness: Cache-Control max-age, else Expires - now
//        (no-cache / no-store / must-revalidate give none);
//      - the feed's own hints: RSS <ttl> minutes, sy:updatePeriod divided by
//        sy:updateFrequency;
//      - the observed posting rate: a quarter of the typical gap between the
//        newest dated entries (or of the age of the newest entry, if the feed
//        has gone quiet for longer than that gap), capped at 8x the interval.
//    Hints and freshness only ever lengthen the delay, and never beyond
//    `max_hinted` (24 h) unless the configured interval is longer still: a
//    server cannot make us poll faster than configured, nor stop us for weeks.
//  * Failure (network error, timeout, bad status, parse error): exponential
//    backoff: the interval times 2^(errors-1), capped at `max_backoff` (24 h).
//    The count resets on the first success, so polling recovers by itself.
//  * 429 / 503: like a failure, and no sooner than Retry-After (delta seconds
//    or an HTTP-date), clamped to [60 s, 24 h]. An unparsable or negative
//    Retry-After is ignored (plain backoff applies).
//  * 410 Gone: regular polling stops; the feed is re-checked once a week
//    (`gone_recheck`) in case the removal was a mistake.
//
// Jitter: every delay is multiplied by a factor in [1 - jitter, 1 + jitter]
// (from `jitter_sample` in [0, 1)), so that feeds configured together drift
// apart; the result is never below the floor. A Retry-After is the server's
// floor, so its jitter only adds (factor 1 + jitter * |2 * sample - 1|).
namespace tributary::daemon {

using Seconds = std::chrono::seconds;
using TimePoint = std::chrono::sys_seconds;

struct SchedulePolicy {
  Seconds floor{5 * 60};               // no feed is polled more often than this
  Seconds max_hinted{24 * 3600};       // cap for freshness, feed hints and posting rate
  int rate_stretch = 8;                // posting rate may stretch the interval up to this factor
  Seconds max_backoff{24 * 3600};
  Seconds min_retry_after{60};
  Seconds max_retry_after{24 * 3600};
  Seconds gone_recheck{7 * 24 * 3600};
  double jitter = 0.1;
};

enum class PollOutcome {
  fetched,       // 200 and a feed was parsed and stored
  not_modified,  // 304
  failed,        // any error: network, timeout, HTTP status, parse error
  rate_limited,  // 429 or 503 (Retry-After honoured when valid)
  gone,          // 410
};

// What one poll observed, as far as scheduling is concerned.
struct PollFacts {
  PollOutcome outcome = PollOutcome::fetched;
  int errors = 0;                      // consecutive failures, this poll included
  std::string_view cache_control;      // response headers ("" when absent)
  std::string_view expires;
  std::string_view retry_after;
  std::optional<Seconds> feed_hint;    // from `feed_interval_hint` (this or an earlier document)
};

struct NextPoll {
  TimePoint at;
  Seconds delay{0};          // at - now
  std::string_view reason;   // "interval", "cache", "feed hint", "backoff", "retry-after", "gone"
};

NextPoll next_poll(TimePoint now, Seconds interval, const PollFacts& facts,
                   const SchedulePolicy& policy, double jitter_sample);

// Retry-After (RFC 9110 §10.2.3): delta-seconds or an HTTP-date, as a delay
// from `now` (0 for a date in the past). nullopt for anything else, negative
// numbers included. Huge numbers saturate instead of overflowing.
std::optional<Seconds> retry_after_delay(std::string_view value, TimePoint now);

// How long a response stays fresh (RFC 9111 §4.2.1): Cache-Control max-age,
// else Expires minus `now`. nullopt when the response is not cacheable
// (no-store, no-cache, must-revalidate with max-age=0, ...) or says nothing.
std::optional<Seconds> freshness_lifetime(std::string_view cache_control, std::string_view expires,
                                          TimePoint now);

// The interval a feed asks for in its own markup: <ttl> (minutes) or
// sy:updatePeriod / sy:updateFrequency. nullopt when it gives none or only
// nonsense (ttl <= 0, unknown period, frequency <= 0).
std::optional<Seconds> update_hint(const feeds::UpdateHints& hints);

// The typical gap between posts, from entry dates (any order; dates after
// `now` are ignored): the median gap between the newest ten dated entries,
// or the age of the newest entry when that is longer (a feed gone quiet).
// nullopt with fewer than two dated entries.
std::optional<Seconds> posting_gap(std::span<const TimePoint> dates, TimePoint now);

// The feed-side hint stored between polls: the longer of `update_hint` and a
// quarter of `posting_gap`; nullopt when neither says anything.
std::optional<Seconds> feed_interval_hint(const feeds::Feed& feed, TimePoint now);

// interval * 2^(errors-1), saturating at `cap` (errors <= 0 gives interval).
Seconds backoff_delay(Seconds interval, int errors, Seconds cap);

}  // namespace tributary::daemon
