#include "daemon/dedup_index.h"

#include <cstdio>

#include <gtest/gtest.h>

#include "daemon/refresh.h"
#include "daemon/store.h"

namespace tributary::daemon {
namespace {

constexpr std::int64_t kNow = 1'700'000'000;

const char* kSummary =
    "The city council approved a new budget on Tuesday that raises spending on schools, roads and parks "
    "while cutting the cost of running city hall by a tenth.";

feeds::Entry entry(std::string id, std::string title, std::string link, std::int64_t published = kNow - 3600,
                   const char* summary = kSummary) {
  feeds::Entry e;
  e.id = std::move(id);
  e.title = feeds::Text{std::move(title), feeds::kTextPlain};
  e.link = std::move(link);
  e.published = feeds::Time{std::chrono::seconds{published}};
  if (summary != nullptr) e.summary = feeds::Text{summary, feeds::kTextPlain};
  return e;
}

NewItem item(const feeds::Entry& e) { return NewItem{item_key(e), canonical_link(e.link), e}; }

feeds::FeedMeta meta(std::string title) {
  feeds::FeedMeta m;
  m.title = feeds::Text{std::move(title), feeds::kTextPlain};
  return m;
}

struct Fixture {
  Store store;
  std::int64_t a, b, c;
};

Fixture open_store(const std::string& path = ":memory:", DedupSettings settings = {}) {
  auto store = Store::open(path, settings, kNow);
  EXPECT_TRUE(store) << store.error().message;
  std::int64_t a = store->feed("https://a.example/rss")->id;
  std::int64_t b = store->feed("https://b.example/rss")->id;
  std::int64_t c = store->feed("https://c.example/rss")->id;
  return Fixture{std::move(*store), a, b, c};
}

std::vector<feeds::OutputEntry> newest(Store& store) {
  auto out = store.newest(100, {});
  EXPECT_TRUE(out) << out.error().message;
  return out.value_or(std::vector<feeds::OutputEntry>{});
}

TEST(DedupStore, CopiesFromTwoFeedsBecomeOneItemListingBothSources) {
  auto f = open_store();
  auto s1 = f.store.save(f.a, meta("A News"), {item(entry("a1", "Council approves the new budget plan",
                                                             "https://a.example/budget"))}, kNow);
  ASSERT_TRUE(s1);
  auto s2 = f.store.save(f.b, meta("B Daily"),
                         {item(entry("b1", "Council approves the new budget plan",
                                     "http://www.a.example/budget?utm_source=rss&utm_medium=feed"))},
                         kNow + 60);
  ASSERT_TRUE(s2);
  EXPECT_EQ(s1->added, 1);
  EXPECT_EQ(s2->added, 0);
  EXPECT_EQ(s2->merged, 1);
  auto out = newest(f.store);
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(out[0].sources.size(), 2u);
  EXPECT_EQ(out[0].sources[0].id, "https://a.example/rss");
}

TEST(DedupStore, ARepublishedCopyJoinsByTitleAndSummary) {
  auto f = open_store();
  ASSERT_TRUE(f.store.save(f.a, meta("A News"),
                           {item(entry("a1", "Council approves the new budget plan", "https://a.example/budget"))},
                           kNow));
  auto s = f.store.save(f.b, meta("B Daily"),
                        {item(entry("b1", "[World] - Council approves the new budget plan", "https://b.example/go/17")),
                         item(entry("b2", "Football club fires its coach after a losing streak",
                                    "https://b.example/go/18", kNow - 3000, "A different text about sport."))},
                        kNow + 60);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->merged, 1);
  EXPECT_EQ(s->added, 1);
  EXPECT_EQ(f.store.item_count().value_or(-1), 2);
}

TEST(DedupStore, TheOriginalRepresentsItsGroupUnderTheFirstOutputId) {
  auto f = open_store();
  // The re-publisher's copy arrives first.
  ASSERT_TRUE(f.store.save(f.b, meta("B Daily"),
                           {item(entry("b1", "BREAKING: Council approves the new budget plan",
                                       "https://b.example/go/17", kNow - 1800))},
                           kNow));
  auto before = newest(f.store);
  ASSERT_EQ(before.size(), 1u);
  ASSERT_TRUE(f.store.save(f.a, meta("A News"),
                           {item(entry("a1", "Council approves the new budget plan", "https://a.example/budget",
                                       kNow - 3600))},
                           kNow + 60));
  auto after = newest(f.store);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].entry.id, before[0].entry.id);  // stable output id
  ASSERT_TRUE(after[0].entry.title);
  EXPECT_EQ(after[0].entry.title->value, "Council approves the new budget plan");
  EXPECT_EQ(after[0].entry.link, "https://a.example/budget");
  ASSERT_EQ(after[0].sources.size(), 2u);
  EXPECT_EQ(after[0].sources[0].id, "https://a.example/rss");  // the represented copy first
}

TEST(DedupStore, RepresentativeFirstKeepsTheFirstCopy) {
  DedupSettings settings;
  settings.representative = Representative::first;
  auto f = open_store(":memory:", settings);
  ASSERT_TRUE(f.store.save(f.b, meta("B Daily"),
                           {item(entry("b1", "BREAKING: Council approves the new budget plan",
                                       "https://b.example/go/17"))},
                           kNow));
  ASSERT_TRUE(f.store.save(f.a, meta("A News"),
                           {item(entry("a1", "Council approves the new budget plan", "https://a.example/budget"))},
                           kNow + 60));
  auto out = newest(f.store);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].entry.link, "https://b.example/go/17");
}

TEST(DedupStore, DedupSurvivesARestart) {
  std::string path = ::testing::TempDir() + "dedup_restart.db";
  std::remove(path.c_str());
  {
    auto f = open_store(path);
    ASSERT_TRUE(f.store.save(f.a, meta("A News"),
                             {item(entry("a1", "Council approves the new budget plan", "https://a.example/budget"))},
                             kNow));
  }
  auto f = open_store(path);
  // Only the title and the summary tell: the index was rebuilt from the store.
  auto s = f.store.save(f.b, meta("B Daily"),
                        {item(entry("b1", "Top story: Council approves the new budget plan", "https://b.example/go/3"))},
                        kNow + 60);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->merged, 1);
  EXPECT_EQ(f.store.item_count().value_or(-1), 1);
}

TEST(DedupStore, OldCopiesAreFoundByTheirLinkBeyondTheMemoryWindow) {
  DedupSettings settings;
  settings.memory_window = std::chrono::hours(1);
  auto f = open_store(":memory:", settings);
  ASSERT_TRUE(f.store.save(f.a, meta("A News"),
                           {item(entry("a1", "Council approves the new budget plan", "https://a.example/budget"))},
                           kNow));
  // Two days later, many refreshes in between push it out of memory.
  for (int i = 0; i < 20; ++i) {
    std::string n = std::to_string(i);
    ASSERT_TRUE(f.store.save(f.c, meta("C"),
                             {item(entry("c" + n, "Unrelated headline number " + n + " about the weather",
                                         "https://c.example/" + n, kNow + 3600 * (i + 1), nullptr))},
                             kNow + 7200 * (i + 1)));
  }
  auto s = f.store.save(f.b, meta("B Daily"),
                        {item(entry("b1", "Council approves budget", "https://a.example/budget?fbclid=1",
                                    kNow + 48 * 3600))},
                        kNow + 48 * 3600);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->merged, 1);
}

// Files `n` one-copy refreshes of feed `feed`, one second apart from
// `first_seen` on, of unrelated headlines: they push older copies out of an
// index of a few copies.
void fill(Fixture& f, std::int64_t feed, int n, std::int64_t first_seen) {
  for (int i = 0; i < n; ++i) {
    std::string k = std::to_string(first_seen + i);
    ASSERT_TRUE(f.store.save(feed, meta("C"),
                             {item(entry("c" + k, "Unrelated headline number " + k + " about the weather",
                                         "https://c.example/" + k, kNow, nullptr))},
                             first_seen + i));
  }
}

// Files A News's copy of the budget story, then enough others that the
// index forgets it.
void forgotten_first_copy(Fixture& f) {
  ASSERT_TRUE(f.store.save(f.a, meta("A News"),
                           {item(entry("a1", "Council approves the new budget plan", "https://a.example/budget"))},
                           kNow));
  fill(f, f.c, 20, kNow + 1);
}

DedupSettings few_copies() {
  DedupSettings settings;
  settings.memory_copies = 8;
  return settings;
}

std::size_t remembered(Store& store) {
  auto index = store.dedup();
  return index ? (*index)->remembered() : 0;
}

// B Daily's copy of the budget headline under its own link.
Result<SaveStats> headline_from_b(Fixture& f, std::int64_t published, const char* summary, std::int64_t seen) {
  return f.store.save(f.b, meta("B Daily"),
                      {item(entry("b1", "Council approves the new budget plan", "https://b.example/go/17",
                                  published, summary))},
                      seen);
}

const char* kOtherSummary =
    "Heavy snow closed the mountain pass overnight and drivers were told to wait for the ploughs before "
    "trying again in the morning.";

TEST(DedupStore, ForgottenCopiesAreFoundByTheirTitle) {
  auto f = open_store(":memory:", few_copies());
  forgotten_first_copy(f);
  EXPECT_LE(remembered(f.store), 8u);
  // Another link, the same title, published within the window.
  auto s = headline_from_b(f, kNow - 7200, nullptr, kNow + 30);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->merged, 1);
  EXPECT_EQ(s->added, 0);
}

TEST(DedupStore, ForgottenCopiesUnderOneTitleWithOtherSummariesStayApart) {
  auto f = open_store(":memory:", few_copies());
  forgotten_first_copy(f);
  auto s = headline_from_b(f, kNow - 7200, kOtherSummary, kNow + 30);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->merged, 0);
  EXPECT_EQ(s->added, 1);
}

TEST(DedupStore, ForgottenCopiesOutsideTheWindowNeedAgreeingSummaries) {
  auto f = open_store(":memory:", few_copies());
  forgotten_first_copy(f);
  // A week apart: only the same text joins them.
  const std::int64_t earlier = kNow - 7 * 86400;
  auto alone = f.store.save(f.b, meta("B Daily"),
                            {item(entry("b1", "Council approves the new budget plan", "https://b.example/go/1",
                                        earlier, nullptr))},
                            kNow + 30);
  ASSERT_TRUE(alone);
  EXPECT_EQ(alone->merged, 0);
  // Two weeks apart, the same text: it joins the first (not the second: a
  // week from it, and nothing to compare).
  auto joined = f.store.save(f.c, meta("C"),
                             {item(entry("c1", "Council approves the new budget plan", "https://c.example/go/2",
                                         kNow - 14 * 86400))},
                             kNow + 31);
  ASSERT_TRUE(joined);
  EXPECT_EQ(joined->merged, 1);
  auto items = newest(f.store);
  auto first = std::find_if(items.begin(), items.end(), [](const auto& e) { return e.sources.size() == 2; });
  ASSERT_NE(first, items.end());
  std::vector<std::string> feeds;
  for (const auto& m : first->sources) feeds.push_back(m.title ? m.title->value : "");
  std::sort(feeds.begin(), feeds.end());
  EXPECT_EQ(feeds, (std::vector<std::string>{"A News", "C"}));
}

TEST(DedupStore, ForgottenCopiesAreFoundUnderALabel) {
  auto f = open_store(":memory:", few_copies());
  ASSERT_TRUE(f.store.save(f.a, meta("A News"),
                           {item(entry("a1", "Top story: Council approves the new budget plan",
                                       "https://a.example/budget"))},
                           kNow));
  fill(f, f.c, 20, kNow + 1);
  // The bare title and the same text, two days later.
  auto s = f.store.save(f.b, meta("B Daily"),
                        {item(entry("b1", "Council approves the new budget plan", "https://b.example/go/17",
                                    kNow + 2 * 86400))},
                        kNow + 30);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->merged, 1);
}

TEST(DedupStore, ARestartRemembersOnlyTheNewestCopies) {
  std::string path = ::testing::TempDir() + "dedup_newest.db";
  std::remove(path.c_str());
  {
    auto f = open_store(path, few_copies());
    ASSERT_TRUE(f.store.save(f.a, meta("A News"),
                             {item(entry("a1", "Council approves the new budget plan", "https://a.example/budget"))},
                             kNow));
    fill(f, f.c, 30, kNow + 1);
  }
  auto f = open_store(path, few_copies());
  EXPECT_GT(remembered(f.store), 0u);
  EXPECT_LE(remembered(f.store), 8u);
  auto s = headline_from_b(f, kNow - 7200, nullptr, kNow + 60);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->merged, 1);
}

TEST(DedupStore, EntriesUnderDifferentItemTagsStayItemsOfTheirOwn) {
  // As in the hostile XSS corpus: entries of one instant whose titles
  // differ only in a tag naming each, one link shared by two feeds.
  auto f = open_store();
  const std::int64_t t = kNow - 86400;
  auto s1 = f.store.save(f.a, meta("atom html"),
                         {item(entry("urn:x:001.ah", "[xss-001.ah] script html", "https://a.example/xss/001.ah", t,
                                     "payload")),
                          item(entry("urn:x:002.ah", "[xss-002.ah] script html", "https://a.example/xss/002.ah", t,
                                     "payload")),
                          item(entry("urn:x:126.al", "[xss-126.al] benign control", "https://a.example/post?a=1&b=2",
                                     t, "payload"))},
                         kNow);
  ASSERT_TRUE(s1);
  EXPECT_EQ(s1->added, 3);
  auto s2 = f.store.save(f.b, meta("rss links"),
                         {item(entry("urn:x:126.rl", "[xss-126.rl] benign control", "https://a.example/post?a=1&b=2",
                                     t, "payload"))},
                         kNow + 60);
  ASSERT_TRUE(s2);
  EXPECT_EQ(s2->added, 1);
  EXPECT_EQ(s2->merged, 0);
  EXPECT_EQ(f.store.item_count().value_or(-1), 4);
}

TEST(DedupStore, ACopyBridgingTwoItemsMergesThem) {
  auto f = open_store();
  ASSERT_TRUE(f.store.save(f.a, meta("A News"),
                           {item(entry("a1", "Council approves the new budget plan", "https://a.example/budget",
                                       kNow - 3600, nullptr))},
                           kNow));
  ASSERT_TRUE(f.store.save(f.b, meta("B Daily"),
                           {item(entry("b1", "City council passes its spending plan for next year",
                                       "https://b.example/council", kNow - 3000, nullptr))},
                           kNow + 10));
  ASSERT_EQ(f.store.item_count().value_or(-1), 2);
  auto first = newest(f.store);
  // A copy with the first one's link and the second one's headline.
  auto s = f.store.save(f.c, meta("C Wire"),
                        {item(entry("c1", "City council passes its spending plan for next year",
                                    "https://a.example/budget?utm_source=c", kNow - 2000, nullptr))},
                        kNow + 20);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->bridged, 1);
  EXPECT_EQ(f.store.item_count().value_or(-1), 1);
  auto out = newest(f.store);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].sources.size(), 3u);
  // The earlier item absorbed the other and kept its output id.
  std::string older_id = first[0].entry.link == "https://a.example/budget" ? first[0].entry.id : first[1].entry.id;
  EXPECT_EQ(out[0].entry.id, older_id);
}

TEST(DedupStore, RetiredItemsNeverComeBack) {
  auto f = open_store();
  ASSERT_TRUE(f.store.save(f.a, meta("A News"),
                           {item(entry("a1", "Council approves the new budget plan", "https://a.example/budget"))},
                           kNow));
  auto ids = f.store.db().prepare("SELECT id FROM items");
  ASSERT_TRUE(ids && ids->step().value_or(false));
  std::int64_t id = ids->column_int(0);
  auto retired = f.store.retire(std::vector<std::int64_t>{id}, kNow + 10);
  ASSERT_TRUE(retired) << retired.error().message;
  EXPECT_EQ(*retired, 1);
  EXPECT_EQ(f.store.item_count().value_or(-1), 0);
  // The same feed lists it again; another feed links it; a third copies it.
  auto again = f.store.save(f.a, meta("A News"),
                            {item(entry("a1", "Council approves the new budget plan", "https://a.example/budget"))},
                            kNow + 60);
  auto linked = f.store.save(f.b, meta("B Daily"),
                             {item(entry("b1", "Council approves budget", "https://a.example/budget?utm_source=x"))},
                             kNow + 120);
  auto copied = f.store.save(f.c, meta("C Wire"),
                             {item(entry("c1", "[Local] - Council approves the new budget plan",
                                         "https://c.example/go/1"))},
                             kNow + 180);
  ASSERT_TRUE(again && linked && copied);
  EXPECT_EQ(again->retired, 1);
  EXPECT_EQ(linked->retired, 1);
  EXPECT_EQ(copied->retired, 1);
  EXPECT_EQ(f.store.item_count().value_or(-1), 0);
}

TEST(DedupStore, OutputsListTheOtherItemsOfAStory) {
  auto f = open_store();
  ASSERT_TRUE(f.store.save(f.a, meta("A News"),
                           {item(entry("a1", "Mt. Gox files for bankruptcy protection in Tokyo",
                                       "https://a.example/gox", kNow - 600, nullptr)),
                            item(entry("a2", "Malaysia Airlines search widens to the Andaman Sea",
                                       "https://a.example/mh370", kNow - 500, nullptr))},
                           kNow));
  ASSERT_TRUE(f.store.save(f.b, meta("B Daily"),
                           {item(entry("b1", "Bitcoin exchange Mt. Gox files for bankruptcy protection",
                                       "https://b.example/gox", kNow - 300, nullptr))},
                           kNow + 60));
  auto out = newest(f.store);
  ASSERT_EQ(out.size(), 3u);
  for (const auto& e : out) {
    SCOPED_TRACE(e.entry.link);
    bool gox = e.entry.link.find("gox") != std::string::npos;
    ASSERT_EQ(e.related.size(), gox ? 1u : 0u);
    if (gox) {
      EXPECT_NE(e.related[0].link, e.entry.link);
      EXPECT_NE(e.related[0].link.find("gox"), std::string::npos);
      EXPECT_FALSE(e.related[0].source_title.empty());
    }
  }
}

// A [[feed]] title in the config names the feed wherever outputs show it:
// as an item's source and as the source of a related story.
TEST(DedupStore, ConfiguredTitlesNameSourcesAndRelatedStories) {
  auto f = open_store();
  ASSERT_TRUE(f.store.save(f.a, meta("A News"),
                           {item(entry("a1", "Mt. Gox files for bankruptcy protection in Tokyo",
                                       "https://a.example/gox", kNow - 600, nullptr))},
                           kNow));
  ASSERT_TRUE(f.store.save(f.b, meta("B Daily"),
                           {item(entry("b1", "Bitcoin exchange Mt. Gox files for bankruptcy protection",
                                       "https://b.example/gox", kNow - 300, nullptr))},
                           kNow + 60));
  auto out = f.store.newest(100, {}, FeedTitles{{"https://a.example/rss", "Alpha Wire"}});
  ASSERT_TRUE(out) << out.error().message;
  ASSERT_EQ(out->size(), 2u);
  for (const auto& e : *out) {
    bool from_a = e.entry.link == "https://a.example/gox";
    SCOPED_TRACE(e.entry.link);
    ASSERT_EQ(e.sources.size(), 1u);
    ASSERT_TRUE(e.sources[0].title);
    EXPECT_EQ(e.sources[0].title->value, from_a ? "Alpha Wire" : "B Daily");
    ASSERT_EQ(e.related.size(), 1u);
    EXPECT_EQ(e.related[0].source_title, from_a ? "B Daily" : "Alpha Wire");
  }
}

TEST(DedupStore, AStoryListsItsNewestOtherItemsFirst) {
  auto f = open_store();
  const char* days[] = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today"};
  for (int i = 0; i < 8; ++i) {
    std::string n = std::to_string(i);
    ASSERT_TRUE(f.store.save(i % 2 ? f.a : f.b, meta("News"),
                             {item(entry("g" + n, std::string("Mt. Gox bankruptcy filing leaves bitcoin owners in limbo ") + days[i],
                                         "https://x.example/gox/" + n, kNow - 1000 + 100 * i, nullptr))},
                             kNow + i));
  }
  auto out = newest(f.store);
  ASSERT_EQ(out.size(), 8u);
  // Newest first: items 7, 6, ...; each lists the five newest others.
  for (std::size_t k = 0; k < out.size(); ++k) {
    SCOPED_TRACE(out[k].entry.link);
    ASSERT_EQ(out[k].related.size(), 5u);
    std::vector<std::string> expected;
    for (int i = 7; i >= 0 && expected.size() < 5; --i) {
      std::string link = "https://x.example/gox/" + std::to_string(i);
      if (link != out[k].entry.link) expected.push_back(link);
    }
    for (std::size_t r = 0; r < 5; ++r) EXPECT_EQ(out[k].related[r].link, expected[r]);
  }
}

TEST(DedupStore, DisabledDedupKeepsCopiesApart) {
  DedupSettings settings;
  settings.enabled = false;
  auto f = open_store(":memory:", settings);
  ASSERT_TRUE(f.store.save(f.a, meta("A News"),
                           {item(entry("a1", "Council approves the new budget plan", "https://a.example/budget"))},
                           kNow));
  ASSERT_TRUE(f.store.save(f.b, meta("B Daily"),
                           {item(entry("b1", "Council approves the new budget plan", "https://a.example/budget"))},
                           kNow + 60));
  EXPECT_EQ(f.store.item_count().value_or(-1), 2);
}

// The schema of migration 1 as it shipped (migrations are never edited, so
// this copy stays true): a store from before dedup.
constexpr const char* kSchemaVersion1 = R"sql(
CREATE TABLE feeds (
  id INTEGER PRIMARY KEY,
  url TEXT NOT NULL UNIQUE,
  effective_url TEXT NOT NULL DEFAULT '',
  title TEXT NOT NULL DEFAULT '',
  link TEXT NOT NULL DEFAULT '',
  etag TEXT NOT NULL DEFAULT '',
  last_modified TEXT NOT NULL DEFAULT '',
  last_status INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  error_count INTEGER NOT NULL DEFAULT 0,
  last_poll INTEGER,
  next_poll INTEGER
);
CREATE TABLE items (
  id INTEGER PRIMARY KEY,
  output_id TEXT NOT NULL UNIQUE,
  canonical_url TEXT NOT NULL DEFAULT '',
  published INTEGER,
  updated INTEGER,
  first_seen INTEGER NOT NULL,
  entry_json TEXT NOT NULL
);
CREATE INDEX items_canonical_url ON items(canonical_url) WHERE canonical_url != '';
CREATE INDEX items_recency ON items(coalesce(published, first_seen));
CREATE TABLE item_sources (
  feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
  item_key TEXT NOT NULL,
  item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
  seen INTEGER NOT NULL,
  PRIMARY KEY (feed_id, item_key)
) WITHOUT ROWID;
CREATE INDEX item_sources_item ON item_sources(item_id);
INSERT INTO feeds (id, url, title) VALUES (1, 'https://a.example/rss', 'A News');
INSERT INTO items (id, output_id, canonical_url, published, first_seen, entry_json)
  VALUES (7, 'urn:tributary:item:0000000000000007', 'https://a.example/budget', 1699990000, 1699990000,
          '{"id":"urn:tributary:item:0000000000000007","title":"Council approves the new budget plan","link":"https://a.example/budget"}');
INSERT INTO item_sources (feed_id, item_key, item_id, seen) VALUES (1, 'id:a1', 7, 1699990000);
PRAGMA user_version = 1;
)sql";

TEST(DedupStore, MigratesAStoreFromBeforeDedup) {
  std::string path = ::testing::TempDir() + "dedup_migrate.db";
  std::remove(path.c_str());
  {
    auto db = sqlite::Database::open(path);
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->exec(kSchemaVersion1));
  }
  auto f = open_store(path);
  EXPECT_EQ(f.store.item_count().value_or(-1), 1);
  auto out = newest(f.store);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].sources.size(), 1u);
  // The old copy keeps its feed key; its link still finds it.
  auto again = f.store.save(f.a, meta("A News"),
                            {item(entry("a1", "Council approves the new budget plan", "https://a.example/budget"))},
                            kNow + 60);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->unchanged, 1);
  auto s = f.store.save(f.b, meta("B Daily"),
                        {item(entry("b1", "Council approves the new budget plan", "https://a.example/budget"))},
                        kNow + 60);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->merged, 1);
  EXPECT_EQ(f.store.item_count().value_or(-1), 1);
}

}  // namespace
}  // namespace tributary::daemon
