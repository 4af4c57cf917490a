#include "daemon/pipeline.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "daemon/ops_metrics.h"
#include "daemon/progress.h"
#include "daemon/refresh.h"

namespace tributary::daemon {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

const TimePoint kNow{Seconds{1'717'200'000}};

const char* kRss = R"(<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Feed A</title><link>https://a.example/</link><ttl>120</ttl>
<item><title>One</title><link>https://a.example/1</link><guid>a-1</guid>
  <pubDate>Fri, 31 May 2024 21:00:00 GMT</pubDate></item>
<item><title>Two</title><link>https://a.example/2</link><guid>a-2</guid>
  <pubDate>Fri, 31 May 2024 22:00:00 GMT</pubDate></item>
<item><title>Three</title><link>https://a.example/3</link><guid>a-3</guid>
  <pubDate>Fri, 31 May 2024 23:00:00 GMT</pubDate></item>
</channel></rss>)";

FetchResult ok(std::string body, std::string url = "https://a.example/rss") {
  FetchResult r;
  r.status = FetchStatus::ok;
  r.http_status = 200;
  r.body = std::move(body);
  r.content_type = "application/rss+xml";
  r.effective_url = url;
  r.etag = "\"v1\"";
  r.last_modified = "Fri, 31 May 2024 12:00:00 GMT";
  return r;
}

FetchResult failed(long status, std::string message = "http: status") {
  FetchResult r;
  r.status = FetchStatus::failed;
  r.http_status = status;
  r.error = Error{Errc::http_status, std::move(message)};
  return r;
}

PollContext context(std::string url = "https://a.example/rss") {
  return PollContext{url, url, {}, 1000};
}

TEST(ProcessFetch, ClassifiesStatusesForTheScheduler) {
  struct Case {
    long status;
    PollOutcome outcome;
    std::string error_contains;
  };
  const std::vector<Case> cases = {
      {429, PollOutcome::rate_limited, "rate limited (HTTP 429)"},
      {503, PollOutcome::rate_limited, "rate limited (HTTP 503)"},
      {410, PollOutcome::gone, "gone (HTTP 410)"},
      {500, PollOutcome::failed, "http: status"},
      {404, PollOutcome::failed, "http: status"},
      {0, PollOutcome::failed, "http: status"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.status);
    FetchResult f = failed(c.status);
    f.retry_after = "120";
    PollResult r = process_fetch(std::move(f), context(), kNow);
    EXPECT_EQ(r.outcome, c.outcome);
    EXPECT_NE(r.error.find(c.error_contains), std::string::npos) << r.error;
    EXPECT_EQ(r.retry_after, "120");
    EXPECT_TRUE(r.items.empty());
  }
}

TEST(ProcessFetch, NotModifiedKeepsFreshValidatorsAndParsesNothing) {
  FetchResult f;
  f.status = FetchStatus::not_modified;
  f.http_status = 304;
  f.etag = "\"v2\"";
  PollResult r = process_fetch(std::move(f), context(), kNow);
  EXPECT_EQ(r.outcome, PollOutcome::not_modified);
  EXPECT_EQ(r.etag, "\"v2\"");
  EXPECT_TRUE(r.error.empty());
  EXPECT_FALSE(r.meta.has_value());
}

TEST(ProcessFetch, BodiesThatAreNotFeedsAreFailuresWithTheirCause) {
  struct Case {
    std::string body;
    std::string error_prefix;
  };
  const std::vector<Case> cases = {
      {"", "empty response"},
      {"<html><head><title>Checking your browser</title></head><body>wait</body></html>", "parse error"},
      {"{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": []", "parse error"},
      {std::string("\x00\x01\x02\xff\xfe binary", 12), "parse error"},
      // A feed cut short after 100 bytes (a lying Content-Length): broken,
      // nothing in it.
      {std::string(kRss).substr(0, 100), "parse error: broken document without items"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.body.substr(0, 20));
    PollResult r = process_fetch(ok(c.body), context(), kNow);
    EXPECT_EQ(r.outcome, PollOutcome::failed);
    EXPECT_TRUE(r.items.empty());
    EXPECT_FALSE(r.error.empty());
    EXPECT_TRUE(r.error.starts_with(c.error_prefix)) << r.error;
  }
}

TEST(ProcessFetch, AFeedGivesItemsValidatorsAndAnIntervalHint) {
  PollResult r = process_fetch(ok(kRss), context(), kNow);
  ASSERT_EQ(r.outcome, PollOutcome::fetched) << r.error;
  EXPECT_EQ(r.items.size(), 3u);
  EXPECT_EQ(r.etag, "\"v1\"");
  ASSERT_TRUE(r.meta.has_value());
  ASSERT_TRUE(r.feed_hint.has_value());
  EXPECT_GE(*r.feed_hint, hours(2));  // <ttl>120</ttl>
  EXPECT_TRUE(r.moved_to.empty());
}

TEST(ProcessFetch, APermanentMoveIsTakenOnlyToAPublicOrAllowedUrl) {
  struct Case {
    std::string target;
    std::vector<std::string> allowed;
    bool taken;
  };
  const std::vector<Case> cases = {
      {"https://b.example/feed", {}, true},
      {"http://127.0.0.1:9/feed", {}, false},
      {"http://127.0.0.1:9/feed", {"http://127.0.0.1:9"}, true},
      {"http://127.0.0.1:9/feed", {"http://127.0.0.1:10"}, false},
      {"http://10.0.0.1/feed", {}, false},
      {"http://[::1]/feed", {}, false},
      {"http://localhost/feed", {}, false},
      {"http://[::ffff:127.0.0.1]/feed", {}, false},
      {"ftp://b.example/feed", {}, false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.target);
    FetchResult f = ok(kRss, c.target);
    f.permanent_url = c.target;
    PollContext ctx = context();
    for (const auto& a : c.allowed) ctx.allow_private.push_back(*Origin::parse(a));
    PollResult r = process_fetch(std::move(f), ctx, kNow);
    ASSERT_EQ(r.outcome, PollOutcome::fetched);
    EXPECT_EQ(r.moved_to, c.taken ? c.target : "");
    EXPECT_EQ(r.moved_rejected, c.taken ? "" : c.target);
  }
}

TEST(ProcessFetch, AMoveIsNotReportedWhenTheFeedIsAlreadyThere) {
  FetchResult f = ok(kRss, "https://b.example/feed");
  f.permanent_url = "https://b.example/feed";
  PollContext ctx{"https://a.example/rss", "https://b.example/feed", {}, 1000};
  EXPECT_TRUE(process_fetch(std::move(f), ctx, kNow).moved_to.empty());
}

TEST(PickItems, KeepsTheNewestItemsWhenOverTheCap) {
  feeds::Feed feed;
  for (int i = 0; i < 6; ++i) {
    feeds::Entry e;
    e.id = "e" + std::to_string(i);
    if (i != 3) e.published = kNow - hours(i == 5 ? 0 : 10 + i);  // e5 is the newest; e3 undated
    feed.entries.push_back(e);
  }
  std::size_t dropped = 0;
  auto items = pick_items(feed, 3, &dropped);
  EXPECT_EQ(dropped, 3u);
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].key, "id:e0");  // document order kept
  EXPECT_EQ(items[1].key, "id:e1");
  EXPECT_EQ(items[2].key, "id:e5");
  EXPECT_EQ(pick_items(feed, 100, &dropped).size(), 6u);
  EXPECT_EQ(dropped, 0u);
}

TEST(BoundEntry, CutsLongTitlesAndTextsAndDropsAbsurdUrls) {
  feeds::Entry e;
  e.id = std::string(10000, 'i');
  e.title = feeds::Text{std::string(3000, 'x') + "\u00e9" + std::string(10 << 20, 'y'), feeds::kTextPlain};
  e.summary = feeds::Text{"<p>" + std::string(kMaxTextBytes - 5, 'a') + "<b>bold</b></p>", feeds::kTextHtml};
  e.content = feeds::Text{"short", feeds::kTextHtml};
  e.link = "https://a.example/" + std::string(9000, 'l');
  e.links.push_back(feeds::Link{"alternate", e.link, "", "", "", std::nullopt});
  e.links.push_back(feeds::Link{"related", "https://a.example/ok", "", "", "", std::nullopt});
  e.enclosures.push_back(feeds::Enclosure{"https://a.example/" + std::string(9000, 'e'), "audio/mpeg", 1});
  std::string key_before = item_key(e);
  EXPECT_TRUE(key_before.starts_with("id:sha:")) << key_before.substr(0, 40);

  EXPECT_TRUE(bound_entry(e));
  EXPECT_TRUE(item_key(e).starts_with("sha:"));  // id and link dropped: title and body identify it
  EXPECT_TRUE(e.id.empty());
  EXPECT_LE(e.title->value.size(), kMaxTitleBytes);
  EXPECT_TRUE(e.title->value.ends_with("\u2026"));
  EXPECT_TRUE(e.title->value.starts_with(std::string(2000, 'x')));
  EXPECT_LE(e.summary->value.size(), kMaxTextBytes);
  EXPECT_EQ(e.summary->value.find("<b"), std::string::npos);  // not cut inside a tag
  EXPECT_EQ(e.content->value, "short");
  EXPECT_TRUE(e.link.empty());
  ASSERT_EQ(e.links.size(), 1u);
  EXPECT_EQ(e.links[0].href, "https://a.example/ok");
  EXPECT_TRUE(e.enclosures.empty());
  EXPECT_FALSE(bound_entry(e));  // nothing more to cut

  // A title cut inside a multi-byte character backs up to its start.
  feeds::Entry t;
  t.title = feeds::Text{std::string(kMaxTitleBytes - 4, 'x') + "\u00e9\u00e9\u00e9", feeds::kTextPlain};
  EXPECT_TRUE(bound_entry(t));
  EXPECT_EQ(t.title->value, std::string(kMaxTitleBytes - 4, 'x') + "\u2026");
}

TEST(PickItems, BoundsEveryItem) {
  feeds::Feed feed;
  feeds::Entry e;
  e.id = "long";
  e.title = feeds::Text{std::string(1 << 20, 't'), feeds::kTextPlain};
  e.link = "https://a.example/" + std::string(9000, 'l');
  feed.entries.push_back(e);
  auto items = pick_items(feed, 10, nullptr);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].key, "id:long");
  EXPECT_LE(items[0].entry.title->value.size(), kMaxTitleBytes);
  EXPECT_TRUE(items[0].canonical_url.empty());
}

class StorePollTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = Store::open(":memory:");
    ASSERT_TRUE(s) << s.error().message;
    store.emplace(std::move(*s));
    state = *store->feed("https://a.example/rss");
  }
  StoredPoll poll(FetchResult f, TimePoint now = kNow) {
    PollResult r = process_fetch(std::move(f), context(), now);
    StoredPoll s = store_poll(*store, state, r, minutes(30), SchedulePolicy{}, 0.5, now);
    state = *store->feed("https://a.example/rss");
    return s;
  }
  std::optional<Store> store;
  FeedState state;
};

TEST_F(StorePollTest, SuccessStoresItemsValidatorsAndTheNextPoll) {
  StoredPoll s = poll(ok(kRss));
  EXPECT_EQ(s.saved.added, 3);
  EXPECT_EQ(s.errors, 0);
  EXPECT_EQ(state.etag, "\"v1\"");
  EXPECT_EQ(state.last_status, 200);
  EXPECT_EQ(state.last_success, kNow.time_since_epoch().count());
  ASSERT_TRUE(state.next_poll.has_value());
  EXPECT_EQ(*state.next_poll, (kNow + hours(2)).time_since_epoch().count());  // <ttl>120</ttl>
  EXPECT_EQ(state.hint_interval, 2 * 3600);
  EXPECT_EQ(state.hold, "");
}

TEST_F(StorePollTest, FailuresBackOffKeepItemsAndSuccessResetsTheCount) {
  poll(ok(kRss));
  StoredPoll a = poll(failed(500));
  StoredPoll b = poll(failed(500));
  StoredPoll c = poll(failed(500));
  EXPECT_EQ(a.errors, 1);
  EXPECT_EQ(c.errors, 3);
  EXPECT_EQ(state.error_count, 3);
  EXPECT_EQ(state.last_error, "http: status");
  EXPECT_LT(a.next.delay, b.next.delay);
  EXPECT_LT(b.next.delay, c.next.delay);
  EXPECT_EQ(store->item_count().value_or(-1), 3);
  EXPECT_EQ(state.etag, "\"v1\"");  // validators survive failures

  FetchResult not_modified;
  not_modified.status = FetchStatus::not_modified;
  not_modified.http_status = 304;
  StoredPoll d = poll(std::move(not_modified));
  EXPECT_EQ(d.errors, 0);
  EXPECT_EQ(state.error_count, 0);
  EXPECT_EQ(state.last_error, "");
  EXPECT_EQ(d.next.delay, hours(2));  // the stored hint still applies after a 304
  EXPECT_EQ(store->item_count().value_or(-1), 3);
}

TEST_F(StorePollTest, GoneAndRetryAfterHoldTheFeed) {
  FetchResult limited = failed(429);
  limited.retry_after = "7200";
  StoredPoll r = poll(std::move(limited));
  EXPECT_EQ(r.next.reason, "retry-after");
  EXPECT_EQ(state.hold, "rate-limited");
  EXPECT_EQ(*state.next_poll, (kNow + hours(2)).time_since_epoch().count());

  StoredPoll g = poll(failed(410));
  EXPECT_EQ(g.next.reason, "gone");
  EXPECT_EQ(state.hold, "gone");
  EXPECT_EQ(state.last_status, 410);
  EXPECT_EQ(*state.next_poll, (kNow + hours(24 * 7)).time_since_epoch().count());

  poll(ok(kRss));
  EXPECT_EQ(state.hold, "");
}

TEST_F(StorePollTest, AValidatedPermanentMoveIsStored) {
  FetchResult f = ok(kRss, "https://b.example/feed");
  f.permanent_url = "https://b.example/feed";
  poll(std::move(f));
  EXPECT_EQ(state.effective_url, "https://b.example/feed");
  EXPECT_EQ(state.url, "https://a.example/rss");
  FetchRequest next = poll_request(state.url, state, "", {});
  EXPECT_EQ(next.url, "https://b.example/feed");
  EXPECT_EQ(next.etag, "\"v1\"");
  ASSERT_EQ(next.allow_private.size(), 1u);
  EXPECT_EQ(next.allow_private[0].host, "a.example");  // the configured origin, not the new one
}

const char* kRssC = R"(<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Feed C</title><link>https://c.example/</link>
<item><title>Harbour cranes idle for a week</title><link>https://c.example/1</link><guid>c-1</guid></item>
<item><title>Library opens on Sundays</title><link>https://c.example/2</link><guid>c-2</guid></item>
</channel></rss>)";

// Feed A (the fixture's state) and feed C, polled in one batch.
class StorePollsTest : public StorePollTest {
 protected:
  static constexpr const char* kUrlC = "https://c.example/rss";
  void SetUp() override {
    StorePollTest::SetUp();
    c = *store->feed(kUrlC);
  }
  void pending(const FeedState& feed, FetchResult f) {
    std::string url = f.effective_url;
    polls.push_back(
        PendingPoll{feed, process_fetch(std::move(f), context(url), kNow), minutes(30), {}, 0.5});
  }
  void pending_c() { pending(c, ok(kRssC, kUrlC)); }
  FeedState c;
  std::vector<PendingPoll> polls;
};

TEST_F(StorePollsTest, ABatchStoresEveryPollInOneGo) {
  pending(state, ok(kRss));
  pending_c();
  StoredBatch b = store_polls(*store, polls, kNow);
  EXPECT_EQ(b.rolled_back, "");
  EXPECT_EQ(b.error, "");
  ASSERT_EQ(b.polls.size(), 2u);
  EXPECT_EQ(b.polls[0].saved.added, 3);
  EXPECT_EQ(b.polls[1].saved.added, 2);
  EXPECT_EQ(store->item_count().value_or(-1), 5);
  for (const auto& url : {"https://a.example/rss", kUrlC}) {
    EXPECT_EQ(store->feed(url)->etag, "\"v1\"") << url;
  }
}

TEST_F(StorePollsTest, AFailingSaveCostsOnlyItsOwnFeed) {
  FeedState ghost = state;
  ghost.id = 9999;  // not in the store: its save fails, after the first feed's
  pending(state, ok(kRss));
  pending(ghost, ok(kRss));
  pending_c();
  StoredBatch b = store_polls(*store, polls, kNow);
  EXPECT_NE(b.rolled_back, "");
  EXPECT_EQ(b.error, "");
  ASSERT_EQ(b.polls.size(), 3u);
  // Stored again after the rollback, as new: the dedup index forgot the first attempt.
  EXPECT_EQ(b.polls[0].saved.added, 3);
  EXPECT_EQ(polls[0].result.outcome, PollOutcome::fetched);
  EXPECT_EQ(polls[1].result.outcome, PollOutcome::failed);
  EXPECT_EQ(polls[1].result.error, "store: unknown feed");
  EXPECT_EQ(b.polls[1].errors, 1);
  EXPECT_EQ(b.polls[2].saved.added, 2);
  EXPECT_EQ(store->item_count().value_or(-1), 5);
  EXPECT_EQ(store->feed(kUrlC)->etag, "\"v1\"");

  StoredPoll again = poll(ok(kRss));
  EXPECT_EQ(again.saved.added, 0);
  EXPECT_EQ(again.saved.unchanged, 3);
}

TEST(Describe, NamesTheFeedAndTheCause) {
  PollResult r;
  r.outcome = PollOutcome::failed;
  r.error = "timeout: Operation timed out after 20001 milliseconds";
  NextPoll n{kNow + minutes(60), minutes(60), "backoff"};
  std::string line = describe("http://x.example/feed", r, {}, n);
  EXPECT_EQ(line, "feed http://x.example/feed: timeout: Operation timed out after 20001 milliseconds "
                  "(next poll in 60m)");
  r.outcome = PollOutcome::rate_limited;
  r.error = "rate limited (HTTP 429)";
  n.reason = "retry-after";
  EXPECT_NE(describe("http://x.example/feed", r, {}, n).find("rate limited until 2024-06-01T01:00:00Z"),
            std::string::npos);
}

TEST(Progress, LineShowsCountsAndIsOnlyWantedOnAPlainTerminal) {
  ProgressCounts c{812, 2000, 20311, 1402, 3, 41'234'567};
  EXPECT_EQ(progress_line(c), "polled 812/2000 feeds, 20311 new, 1402 dup, 3 errors, 41.2 MB");
  EXPECT_TRUE(progress_wanted(true, nullptr, nullptr));
  EXPECT_TRUE(progress_wanted(true, "", nullptr));
  EXPECT_FALSE(progress_wanted(false, nullptr, nullptr));
  EXPECT_FALSE(progress_wanted(true, "8:1234", nullptr));
  EXPECT_FALSE(progress_wanted(true, nullptr, "/run/systemd/notify"));
}

TEST(OpsMetrics, PollsAreCountedByOutcomeAndErrorKind) {
  Metrics m;
  SaveStats saved;
  saved.added = 3;
  saved.merged = 2;
  saved.unchanged = 1;
  PollResult fetched = process_fetch(ok(kRss), context(), kNow);
  record_poll(m, fetched, saved);
  record_poll(m, process_fetch(failed(500, "http: status 500"), context(), kNow), {});
  record_poll(m, process_fetch(failed(429), context(), kNow), {});
  record_poll(m, process_fetch(ok("<html><body>no</body></html>"), context(), kNow), {});
  record_poll(m, process_fetch(ok(std::string(kRss).substr(0, 100)), context(), kNow), {});
  FetchResult slow = failed(0, "timeout: Operation timed out");
  slow.error.code = Errc::timeout;
  record_poll(m, process_fetch(std::move(slow), context(), kNow), {});
  EXPECT_EQ(m.value("tributary_polls_total", {{"outcome", "ok"}}), 1);
  EXPECT_EQ(m.value("tributary_polls_total", {{"outcome", "error"}}), 5);
  EXPECT_EQ(m.value("tributary_poll_errors_total", {{"kind", "http_status"}}), 1);
  EXPECT_EQ(m.value("tributary_poll_errors_total", {{"kind", "rate_limited"}}), 1);
  EXPECT_EQ(m.value("tributary_poll_errors_total", {{"kind", "not_a_feed"}}), 1);
  EXPECT_EQ(m.value("tributary_poll_errors_total", {{"kind", "parse"}}), 1);
  EXPECT_EQ(m.value("tributary_poll_errors_total", {{"kind", "timeout"}}), 1);
  EXPECT_EQ(m.value("tributary_items_total", {{"result", "new"}}), 3);
  EXPECT_EQ(m.value("tributary_items_total", {{"result", "duplicate"}}), 2);
  EXPECT_EQ(m.value("tributary_items_total", {{"result", "known"}}), 1);
  EXPECT_EQ(m.value("tributary_store_items"), 3);
  PollResult gone = process_fetch(failed(410), context(), kNow);
  EXPECT_EQ(poll_error_kind(gone), "gone");
  EXPECT_EQ(poll_error_kind(fetched), "");
}

}  // namespace
}  // namespace tributary::daemon
