#include "daemon/schedule.h"

#include <gtest/gtest.h>

#include <vector>

#include "feeds/date.h"

namespace tributary::daemon {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

const TimePoint kNow{Seconds{1'717'200'000}};  // Sat, 01 Jun 2024 00:00:00 GMT
constexpr double kNoJitter = 0.5;              // factor exactly 1

std::string http_date(Seconds from_now) { return feeds::format_http_date(kNow + from_now); }

TEST(RetryAfter, ParsesSecondsAndHttpDatesAndRejectsTheRest) {
  struct Case {
    std::string value;
    std::optional<Seconds> expected;
  };
  const std::vector<Case> cases = {
      {"120", Seconds{120}},
      {"0", Seconds{0}},
      {" 30 ", Seconds{30}},
      {"3600", Seconds{3600}},
      {http_date(hours(2)), Seconds{7200}},
      {http_date(-hours(2)), Seconds{0}},  // a date in the past: now
      {"-5", std::nullopt},
      {"soon", std::nullopt},
      {"1.5", std::nullopt},
      {"12 s", std::nullopt},
      {"", std::nullopt},
      {"Sun, 99 Foo 2024 99:99:99 GMT", std::nullopt},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.value);
    EXPECT_EQ(retry_after_delay(c.value, kNow), c.expected);
  }
}

TEST(RetryAfter, HugeNumbersSaturateInsteadOfOverflowing) {
  auto d = retry_after_delay("99999999999999999999", kNow);
  ASSERT_TRUE(d.has_value());
  EXPECT_GT(*d, hours(24 * 365 * 1000));
}

TEST(Freshness, MaxAgeWinsOverExpiresAndNoCacheGivesNone) {
  struct Case {
    std::string cache_control;
    std::string expires;
    std::optional<Seconds> expected;
  };
  const std::vector<Case> cases = {
      {"max-age=600", "", Seconds{600}},
      {"public, max-age=3600", "", Seconds{3600}},
      {"MAX-AGE=10", "", Seconds{10}},
      {"max-age=\"60\"", "", Seconds{60}},
      {"max-age=0", "", Seconds{0}},
      {"max-age=abc", http_date(hours(1)), std::nullopt},  // invalid max-age: stale
      {"no-cache, max-age=600", "", std::nullopt},
      {"max-age=600, no-store", "", std::nullopt},
      {"private", http_date(hours(3)), Seconds{3 * 3600}},
      {"", http_date(minutes(45)), Seconds{45 * 60}},
      {"max-age=120", http_date(hours(5)), Seconds{120}},
      {"", "0", Seconds{0}},                  // invalid Expires: already expired
      {"", http_date(-hours(1)), Seconds{0}},
      {"", "", std::nullopt},
      {"s-maxage=900", "", std::nullopt},     // for shared caches only
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.cache_control + " | " + c.expires);
    EXPECT_EQ(freshness_lifetime(c.cache_control, c.expires, kNow), c.expected);
  }
}

TEST(UpdateHint, ReadsTtlAndSyndicationPeriods) {
  struct Case {
    std::optional<int> ttl;
    std::string period;
    std::optional<int> frequency;
    std::optional<Seconds> expected;
  };
  const std::vector<Case> cases = {
      {60, "", std::nullopt, Seconds{3600}},
      {-1, "", std::nullopt, std::nullopt},
      {0, "", std::nullopt, std::nullopt},
      {std::nullopt, "hourly", 2, Seconds{1800}},
      {std::nullopt, "daily", std::nullopt, Seconds{86400}},
      {std::nullopt, "Weekly", 7, Seconds{86400}},
      {std::nullopt, "weekly", 0, std::nullopt},
      {std::nullopt, "fortnightly", 1, std::nullopt},
      {60, "daily", 1, Seconds{86400}},  // the longer of the two
      {2'000'000'000, "", std::nullopt, Seconds{std::int64_t{2'000'000'000} * 60}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.period);
    feeds::UpdateHints h;
    h.ttl_minutes = c.ttl;
    h.sy_period = c.period;
    h.sy_frequency = c.frequency;
    EXPECT_EQ(update_hint(h), c.expected);
  }
}

TEST(PostingGap, MedianGapOfTheNewestEntriesOrTheQuietTime) {
  auto at = [](Seconds before_now) { return kNow - before_now; };
  struct Case {
    std::string name;
    std::vector<TimePoint> dates;
    std::optional<Seconds> expected;
  };
  const std::vector<Case> cases = {
      {"hourly", {at(minutes(10)), at(minutes(70)), at(minutes(130)), at(minutes(190))}, Seconds{3600}},
      {"any order", {at(minutes(130)), at(minutes(10)), at(minutes(190)), at(minutes(70))}, Seconds{3600}},
      {"one outlier", {at(minutes(1)), at(minutes(61)), at(minutes(121)), at(hours(100))}, Seconds{3600}},
      {"gone quiet", {at(hours(24 * 30)), at(hours(24 * 30 + 1)), at(hours(24 * 30 + 2))},
       Seconds{30 * 86400}},
      {"future dates ignored", {kNow + hours(5), at(minutes(30)), at(minutes(90))}, Seconds{3600}},
      {"one date", {at(hours(1))}, std::nullopt},
      {"none", {}, std::nullopt},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(posting_gap(c.dates, kNow), c.expected);
  }
}

TEST(FeedIntervalHint, TakesTheLongerOfMarkupHintsAndAQuarterOfThePostingGap) {
  feeds::Feed feed;
  for (int i = 0; i < 5; ++i) {
    feeds::Entry e;
    e.published = kNow - hours(8 * i + 1);  // every 8 hours
    feed.entries.push_back(e);
  }
  EXPECT_EQ(feed_interval_hint(feed, kNow), Seconds{2 * 3600});
  feed.hints.ttl_minutes = 300;
  EXPECT_EQ(feed_interval_hint(feed, kNow), Seconds{5 * 3600});
  feeds::Feed empty;
  EXPECT_EQ(feed_interval_hint(empty, kNow), std::nullopt);
}

TEST(Backoff, DoublesPerErrorAndSaturatesAtTheCap) {
  struct Case {
    Seconds interval;
    int errors;
    Seconds expected;
  };
  const Seconds day{86400};
  const std::vector<Case> cases = {
      {minutes(30), 0, minutes(30)}, {minutes(30), 1, minutes(30)},  {minutes(30), 2, hours(1)},
      {minutes(30), 3, hours(2)},    {minutes(30), 6, hours(16)},    {minutes(30), 7, day},
      {minutes(30), 1000, day},      {hours(48), 3, hours(48)},      {Seconds{10}, 4, Seconds{80}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.errors);
    EXPECT_EQ(backoff_delay(c.interval, c.errors, day), c.expected);
  }
}

TEST(NextPoll, CombinesIntervalHintsBackoffAndRetryAfter) {
  struct Case {
    std::string name;
    Seconds interval;
    PollFacts facts;
    Seconds delay;
    std::string_view reason;
  };
  auto facts = [](PollOutcome o, int errors = 0) {
    PollFacts f;
    f.outcome = o;
    f.errors = errors;
    return f;
  };
  auto with = [](PollFacts f, auto member, std::string_view value) {
    f.*member = value;
    return f;
  };
  auto hinted = [](PollFacts f, Seconds hint) {
    f.feed_hint = hint;
    return f;
  };
  const Seconds day{86400};
  const std::string in_two_hours = http_date(hours(2));  // outlives the string_views below
  const std::vector<Case> cases = {
      {"plain success", minutes(30), facts(PollOutcome::fetched), minutes(30), "interval"},
      {"304 is a success", minutes(30), facts(PollOutcome::not_modified), minutes(30), "interval"},
      {"interval below the floor", minutes(1), facts(PollOutcome::fetched), minutes(5), "interval"},
      {"max-age lengthens", minutes(30), with(facts(PollOutcome::fetched), &PollFacts::cache_control, "max-age=7200"),
       hours(2), "cache"},
      {"max-age never shortens", minutes(30), with(facts(PollOutcome::fetched), &PollFacts::cache_control, "max-age=60"),
       minutes(30), "interval"},
      {"max-age of a year is capped", minutes(30),
       with(facts(PollOutcome::fetched), &PollFacts::cache_control, "max-age=31536000"), day, "cache"},
      {"feed hint lengthens", minutes(30), hinted(facts(PollOutcome::fetched), hours(2)), hours(2), "feed hint"},
      {"feed hint capped at 8x the interval", minutes(30), hinted(facts(PollOutcome::fetched), hours(10)),
       hours(4), "feed hint"},
      {"feed hint ignored on errors", minutes(30), hinted(facts(PollOutcome::failed, 1), hours(2)), minutes(30),
       "backoff"},
      {"first error: the interval", minutes(30), facts(PollOutcome::failed, 1), minutes(30), "backoff"},
      {"third error: four times", minutes(30), facts(PollOutcome::failed, 3), hours(2), "backoff"},
      {"many errors: a day", minutes(30), facts(PollOutcome::failed, 50), day, "backoff"},
      {"retry-after seconds", minutes(30), with(facts(PollOutcome::rate_limited, 1), &PollFacts::retry_after, "3600"),
       hours(1), "retry-after"},
      {"retry-after date", minutes(10),
       with(facts(PollOutcome::rate_limited, 1), &PollFacts::retry_after, in_two_hours), hours(2),
       "retry-after"},
      {"retry-after below the backoff", minutes(30),
       with(facts(PollOutcome::rate_limited, 1), &PollFacts::retry_after, "120"), minutes(30), "backoff"},
      {"retry-after raised to 60 s", minutes(5) / 10,
       with(facts(PollOutcome::rate_limited, 1), &PollFacts::retry_after, "1"), minutes(5), "backoff"},
      {"retry-after huge: a day", minutes(30),
       with(facts(PollOutcome::rate_limited, 1), &PollFacts::retry_after, "99999999999999999999"), day,
       "retry-after"},
      {"retry-after garbage: backoff", minutes(30),
       with(facts(PollOutcome::rate_limited, 2), &PollFacts::retry_after, "soon"), hours(1), "backoff"},
      {"retry-after negative: backoff", minutes(30),
       with(facts(PollOutcome::rate_limited, 2), &PollFacts::retry_after, "-5"), hours(1), "backoff"},
      {"gone: a week", minutes(30), facts(PollOutcome::gone, 1), hours(24 * 7), "gone"},
  };
  SchedulePolicy policy;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    NextPoll n = next_poll(kNow, c.interval, c.facts, policy, kNoJitter);
    EXPECT_EQ(n.delay, c.delay);
    EXPECT_EQ(n.at, kNow + c.delay);
    EXPECT_EQ(n.reason, c.reason);
  }
}

TEST(NextPoll, RetryAfterClampUsesThePolicyFloorOf60Seconds) {
  SchedulePolicy policy;
  policy.floor = Seconds{5};  // test configs may poll faster
  PollFacts f;
  f.outcome = PollOutcome::rate_limited;
  f.errors = 1;
  f.retry_after = "3";
  NextPoll n = next_poll(kNow, Seconds{10}, f, policy, kNoJitter);
  EXPECT_EQ(n.delay, Seconds{60});
  EXPECT_EQ(n.reason, "retry-after");
}

TEST(NextPoll, JitterSpreadsByTenPercentAndNeverGoesBelowTheFloor) {
  SchedulePolicy policy;
  PollFacts f;
  EXPECT_EQ(next_poll(kNow, minutes(30), f, policy, 0.0).delay, minutes(27));
  EXPECT_EQ(next_poll(kNow, minutes(30), f, policy, 1.0).delay, minutes(33));
  EXPECT_EQ(next_poll(kNow, minutes(5), f, policy, 0.0).delay, minutes(5));
  // Retry-After is the server's floor: jitter only adds to it.
  f.outcome = PollOutcome::rate_limited;
  f.retry_after = "36000";
  EXPECT_EQ(next_poll(kNow, minutes(30), f, policy, 0.5).delay, hours(10));
  EXPECT_EQ(next_poll(kNow, minutes(30), f, policy, 0.75).delay, minutes(630));
  EXPECT_EQ(next_poll(kNow, minutes(30), f, policy, 0.0).delay, hours(11));
}

}  // namespace
}  // namespace tributary::daemon
