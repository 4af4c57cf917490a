#include "daemon/store.h"

#include <cstdio>
#include <filesystem>
#include <functional>
#include <vector>

#include <gtest/gtest.h>

#include "daemon/refresh.h"

namespace tributary::daemon {
namespace {

feeds::Entry entry(std::string id, std::string title, std::string link) {
  feeds::Entry e;
  e.id = std::move(id);
  e.title = feeds::Text{std::move(title), feeds::kTextPlain};
  e.link = std::move(link);
  e.published = feeds::Time{std::chrono::seconds{1'700'000'000}};
  return e;
}

NewItem item(const feeds::Entry& e) { return NewItem{item_key(e), canonical_link(e.link), e}; }

TEST(Store, MigratesAFreshDatabaseToTheNewestSchema) {
  auto store = Store::open(":memory:");
  ASSERT_TRUE(store) << store.error().message;
  auto v = store->db().prepare("PRAGMA user_version");
  ASSERT_TRUE(v);
  ASSERT_TRUE(v->step().value_or(false));
  EXPECT_EQ(v->column_int(0), Store::schema_version());
}

TEST(Store, ReopeningAMigratedDatabaseKeepsItsData) {
  std::string path = ::testing::TempDir() + "store_reopen.db";
  std::remove(path.c_str());
  {
    auto store = Store::open(path);
    ASSERT_TRUE(store);
    auto f = store->feed("https://a.example/rss");
    ASSERT_TRUE(f);
    ASSERT_TRUE(store->save(f->id, {}, {item(entry("1", "One", "https://a.example/1"))}, 100));
  }
  auto store = Store::open(path);
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_EQ(store->item_count().value_or(-1), 1);
}

TEST(Store, RefusesADatabaseFromANewerBuild) {
  std::string path = ::testing::TempDir() + "store_newer.db";
  std::remove(path.c_str());
  {
    auto db = sqlite::Database::open(path);
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->exec("PRAGMA user_version = 999"));
  }
  auto store = Store::open(path);
  ASSERT_FALSE(store);
  EXPECT_NE(store.error().message.find("newer"), std::string::npos);
}

TEST(Store, FeedIsCreatedOnceAndKeepsItsId) {
  auto store = Store::open(":memory:");
  ASSERT_TRUE(store);
  auto a = store->feed("https://a.example/rss");
  auto b = store->feed("https://a.example/rss");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->id, b->id);
  EXPECT_EQ(store->feeds()->size(), 1u);
}

TEST(Store, AnItemAlreadyStoredIsNotStoredAgain) {
  auto store = Store::open(":memory:");
  ASSERT_TRUE(store);
  auto f = store->feed("https://a.example/rss");
  std::vector<NewItem> items = {item(entry("1", "One", "https://a.example/1")),
                                item(entry("2", "Two", "https://a.example/2"))};
  auto first = store->save(f->id, {}, items, 100);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->added, 2);
  auto second = store->save(f->id, {}, items, 200);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->added, 0);
  EXPECT_EQ(second->unchanged, 2);
  EXPECT_EQ(store->item_count().value_or(-1), 2);
}

TEST(Store, TheSameLinkFromTwoFeedsIsOneItemWithBothSources) {
  auto store = Store::open(":memory:");
  ASSERT_TRUE(store);
  auto a = store->feed("https://a.example/rss");
  auto b = store->feed("https://b.example/rss");
  ASSERT_TRUE(store->save(a->id, {}, {item(entry("a-1", "Story", "https://news.example/story#top"))}, 100));
  auto merged = store->save(b->id, {}, {item(entry("b-7", "Story", "HTTPS://NEWS.example:443/story"))}, 200);
  ASSERT_TRUE(merged);
  EXPECT_EQ(merged->merged, 1);
  EXPECT_EQ(store->item_count().value_or(-1), 1);
  auto out = store->newest(10, {});
  ASSERT_TRUE(out);
  ASSERT_EQ(out->size(), 1u);
  ASSERT_EQ((*out)[0].sources.size(), 2u);
  EXPECT_EQ((*out)[0].sources[0].id, "https://a.example/rss");
  EXPECT_EQ((*out)[0].sources[1].id, "https://b.example/rss");
}

TEST(Store, AFeedsHtmlTitleNamesItsItemsAsPlainText) {
  // Atom <title type="html">Tom &amp;amp; Jerry &amp;lt;3</title>: the
  // feed is named "Tom & Jerry <3", not "Tom &amp; Jerry &lt;3".
  auto store = Store::open(":memory:");
  ASSERT_TRUE(store);
  auto a = store->feed("https://a.example/atom");
  feeds::FeedMeta meta;
  meta.title = feeds::Text{"Tom &amp; Jerry &lt;3", feeds::kTextHtml};
  ASSERT_TRUE(store->save(a->id, meta, {item(entry("a-1", "Story", "https://a.example/1"))}, 100));
  auto out = store->newest(10, {});
  ASSERT_TRUE(out);
  ASSERT_EQ(out->size(), 1u);
  ASSERT_EQ((*out)[0].sources.size(), 1u);
  ASSERT_TRUE((*out)[0].sources[0].title);
  EXPECT_EQ((*out)[0].sources[0].title->value, "Tom & Jerry <3");
  EXPECT_FALSE((*out)[0].sources[0].title->is_html());
}

TEST(Store, NewestReturnsNewestFirstAndFiltersByFeed) {
  auto store = Store::open(":memory:");
  ASSERT_TRUE(store);
  auto a = store->feed("https://a.example/rss");
  auto b = store->feed("https://b.example/rss");
  auto old_item = entry("1", "Old", "https://a.example/1");
  auto new_item = entry("2", "New", "https://b.example/2");
  new_item.published = feeds::Time{std::chrono::seconds{1'800'000'000}};
  ASSERT_TRUE(store->save(a->id, {}, {item(old_item)}, 100));
  ASSERT_TRUE(store->save(b->id, {}, {item(new_item)}, 100));
  auto all = store->newest(10, {});
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].entry.title->value, "New");
  auto only_a = store->newest(10, {a->id});
  ASSERT_TRUE(only_a);
  ASSERT_EQ(only_a->size(), 1u);
  EXPECT_EQ((*only_a)[0].entry.title->value, "Old");
  EXPECT_EQ(store->newest(1, {})->size(), 1u);
}

TEST(Store, OutputIdsAreStableAndDistinct) {
  auto s1 = Store::open(":memory:");
  auto s2 = Store::open(":memory:");
  ASSERT_TRUE(s1 && s2);
  for (auto* s : {&*s1, &*s2}) {
    auto f = s->feed("https://a.example/rss");
    ASSERT_TRUE(s->save(f->id, {}, {item(entry("1", "One", "https://a.example/1")),
                                    item(entry("2", "Two", "https://a.example/2"))}, 100));
  }
  auto a = s1->newest(10, {});
  auto b = s2->newest(10, {});
  ASSERT_TRUE(a && b);
  EXPECT_EQ((*a)[0].entry.id, (*b)[0].entry.id);
  EXPECT_NE((*a)[0].entry.id, (*a)[1].entry.id);
  EXPECT_EQ((*a)[0].entry.id.rfind("urn:tributary:item:", 0), 0u);
}

TEST(Store, RecordPollKeepsValidatorsFromEarlierPolls) {
  auto store = Store::open(":memory:");
  ASSERT_TRUE(store);
  auto f = store->feed("https://a.example/rss");
  PollRecord ok{200, "\"v1\"", "Wed, 01 Jan 2025 00:00:00 GMT", "", "", 100, 1000, "", std::nullopt};
  ASSERT_TRUE(store->record_poll(f->id, ok));
  PollRecord failed{500, "", "", "http: status 500", "", 200, 2000, "", std::nullopt};
  ASSERT_TRUE(store->record_poll(f->id, failed));
  ASSERT_TRUE(store->record_poll(f->id, failed));
  auto state = store->feed("https://a.example/rss");
  ASSERT_TRUE(state);
  EXPECT_EQ(state->etag, "\"v1\"");
  EXPECT_EQ(state->error_count, 2);
  EXPECT_EQ(state->last_error, "http: status 500");
  ASSERT_TRUE(store->record_poll(f->id, ok));
  EXPECT_EQ(store->feed("https://a.example/rss")->error_count, 0);
}

// A WAL database with one table, and commits of one 4 KiB row each.
struct WalFile {
  std::string path;
  sqlite::Database db;
  std::vector<std::function<void()>> jobs;  // checkpoints posted, not run
  explicit WalFile(const std::string& name) : path(::testing::TempDir() + name) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
    db = std::move(*sqlite::Database::open(path));
    EXPECT_TRUE(db.exec("PRAGMA journal_mode=WAL; CREATE TABLE t (v BLOB)"));
  }
  Result<sqlite::BackgroundCheckpoint> checkpoint(int pages) {
    return sqlite::BackgroundCheckpoint::start(db, path, pages,
                                               [this](std::function<void()> job) { jobs.push_back(std::move(job)); });
  }
  void commits(int n) {
    for (int i = 0; i < n; ++i) ASSERT_TRUE(db.exec("INSERT INTO t VALUES (zeroblob(4096))"));
  }
  // The log file only grows while the log is not started over.
  std::uintmax_t log_bytes() const { return std::filesystem::file_size(path + "-wal"); }
};

constexpr std::uintmax_t kFrameBytes = 4096 + 24;

TEST(BackgroundCheckpoint, PostsOneCheckpointAtATimeThatStartsTheLogOver) {
  WalFile f("checkpoint_posted.db");
  auto checkpoint = f.checkpoint(16);
  ASSERT_TRUE(checkpoint) << checkpoint.error().message;
  f.commits(30);
  ASSERT_EQ(f.jobs.size(), 1u);  // one at a time: none while it waits to run
  std::uintmax_t grown = f.log_bytes();
  EXPECT_GE(grown, 30 * kFrameBytes);
  f.jobs[0]();
  f.commits(5);
  EXPECT_EQ(f.log_bytes(), grown);  // written from its start again
  f.commits(30);
  EXPECT_EQ(f.jobs.size(), 2u);
}

TEST(BackgroundCheckpoint, TheWriterCheckpointsItselfWhenTheJobsNeverRun) {
  WalFile f("checkpoint_stalled.db");
  auto checkpoint = f.checkpoint(16);
  ASSERT_TRUE(checkpoint);
  f.commits(300);
  EXPECT_EQ(f.jobs.size(), 1u);
  EXPECT_LT(f.log_bytes(), (4 * 16 + 8) * kFrameBytes);
  // A job that outlives its checkpointer still runs safely.
  checkpoint = tl::unexpected(Error{});
  f.jobs[0]();
}

TEST(ItemKey, PrefersGuidThenLinkThenContentHash) {
  feeds::Entry e;
  EXPECT_EQ(item_key(e), "");
  e.title = feeds::Text{"T", feeds::kTextPlain};
  std::string by_hash = item_key(e);
  EXPECT_EQ(by_hash.rfind("sha:", 0), 0u);
  e.content = feeds::Text{"body", feeds::kTextHtml};
  EXPECT_NE(item_key(e), by_hash);
  e.link = "https://a.example/1";
  EXPECT_EQ(item_key(e), "link:https://a.example/1");
  e.id = "guid-1";
  EXPECT_EQ(item_key(e), "id:guid-1");
}

TEST(CanonicalLink, NormalizesCaseDefaultPortAndFragment) {
  EXPECT_EQ(canonical_link("HTTPS://News.Example:443/a/./b/../c#frag"), "https://news.example/a/c");
  EXPECT_EQ(canonical_link("http://news.example"), "http://news.example/");
  EXPECT_EQ(canonical_link("mailto:x@y"), "");
  EXPECT_EQ(canonical_link(""), "");
}

}  // namespace
}  // namespace tributary::daemon
