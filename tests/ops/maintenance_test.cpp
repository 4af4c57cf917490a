#include "daemon/maintenance.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include <gtest/gtest.h>

#include "daemon/store.h"

namespace tributary::daemon {
namespace {

namespace fs = std::filesystem;

constexpr std::int64_t kDay = 86400;
constexpr std::int64_t kNow = 1'750'000'000;  // a fixed "now"

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "tributary-ops-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string file(const std::string& name) const { return (fs::path(path_) / name).string(); }

 private:
  std::string path_;
};

NewItem item(const std::string& key, std::optional<std::int64_t> published) {
  NewItem n;
  n.key = key;
  n.canonical_url = "https://example.com/" + key;
  n.entry.title = feeds::Text{"title " + key, feeds::kTextPlain};
  n.entry.link = n.canonical_url;
  if (published) n.entry.published = feeds::Time{std::chrono::seconds{*published}};
  return n;
}

std::int64_t count(Store& store, const std::string& sql) {
  auto s = store.db().prepare(sql);
  EXPECT_TRUE(s.has_value());
  auto row = s->step();
  EXPECT_TRUE(row.has_value() && *row);
  return s->column_int(0);
}

std::set<std::string> titles(Store& store) {
  std::set<std::string> out;
  auto s = store.db().prepare("SELECT json_extract(entry_json, '$.title') FROM items");
  EXPECT_TRUE(s.has_value());
  while (true) {
    auto row = s->step();
    if (!row || !*row) break;
    out.insert(s->column_text(0));
  }
  return out;
}

struct Retained {
  int deleted = 0;
  bool more = false;
};

// Plans with the policy and deletes what the plan says, as the daemon does.
Retained retain(Store& store, const config::RetentionConfig& policy,
                const std::vector<OutputWindow>& outputs, int batch = 5000) {
  auto plan = retention_plan(store.db(), policy, outputs, kNow, batch);
  EXPECT_TRUE(plan.has_value()) << plan.error().message;
  if (!plan) return {};
  auto deleted = store.retire(plan->item_ids, kNow);
  EXPECT_TRUE(deleted.has_value()) << deleted.error().message;
  return {deleted ? *deleted : 0, plan->more};
}

// Two feeds: "a" has a0 (newest) .. a4, one per day back from kNow; "b" has
// b0 (10 days old) and shares a3's link, so a3 has two sources.
struct Fixture {
  TempDir dir;
  Store store;
  std::int64_t a = 0, b = 0;
  Fixture() : store(std::move(*Store::open(dir.file("t.db")))) {
    a = store.feed("https://a.example/feed")->id;
    b = store.feed("https://b.example/feed")->id;
    std::vector<NewItem> items;
    for (int i = 0; i < 5; ++i) items.push_back(item("a" + std::to_string(i), kNow - i * kDay));
    EXPECT_TRUE(store.save(a, {}, items, kNow).has_value());
    auto copy = item("a3", kNow - 3 * kDay);
    copy.key = "b-copy-of-a3";
    EXPECT_TRUE(store.save(b, {}, {item("b0", kNow - 10 * kDay), copy}, kNow).has_value());
  }
};

TEST(Retention, DeletesByAgeAndKeepsWhatOutputsList) {
  struct Case {
    const char* name;
    config::RetentionConfig policy;
    std::vector<OutputWindow> outputs;
    std::set<std::string> kept;
  };
  const Case cases[] = {
      {"off", {std::chrono::seconds{0}, 0, true}, {}, {"title a0", "title a1", "title a2", "title a3", "title a4", "title b0"}},
      {"max age 2.5 days", {std::chrono::seconds{5 * kDay / 2}, 0, false}, {}, {"title a0", "title a1", "title a2"}},
      {"max age, all listed", {std::chrono::seconds{5 * kDay / 2}, 0, true}, {{100, {}}},
       {"title a0", "title a1", "title a2", "title a3", "title a4", "title b0"}},
      // The output of feed b lists b0 and a3 (its copy): both stay.
      {"max age, output of b", {std::chrono::seconds{5 * kDay / 2}, 0, true}, {{10, {2}}},
       {"title a0", "title a1", "title a2", "title a3", "title b0"}},
      // Top 2 per feed: a0, a1 of a; b's newest two are a3 (via its copy) and b0.
      {"2 per feed", {std::chrono::seconds{0}, 2, false}, {}, {"title a0", "title a1", "title a3", "title b0"}},
      {"1 per feed, output of 1", {std::chrono::seconds{0}, 1, true}, {{1, {}}}, {"title a0", "title a3"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Fixture f;
    // Feed ids are 1 and 2 in a fresh store; the table relies on it.
    ASSERT_EQ(f.a, 1);
    ASSERT_EQ(f.b, 2);
    Retained r = retain(f.store, c.policy, c.outputs);
    EXPECT_EQ(titles(f.store), c.kept);
    EXPECT_EQ(r.deleted, 6 - static_cast<int>(c.kept.size()));
    EXPECT_EQ(count(f.store, "SELECT count(*) FROM item_sources WHERE item_id NOT IN (SELECT id FROM items)"), 0);
  }
}

TEST(Retention, ADeletedItemDoesNotComeBackAsNew) {
  Fixture f;
  Retained r = retain(f.store, {std::chrono::seconds{2 * kDay}, 0, false}, {});
  ASSERT_EQ(r.deleted, 3);  // a3, a4, b0; a2 is exactly 2 days old, not older
  // The feed still lists every item: nothing is new, nothing is stored again.
  std::vector<NewItem> items;
  for (int i = 0; i < 5; ++i) items.push_back(item("a" + std::to_string(i), kNow - i * kDay));
  auto saved = f.store.save(f.a, {}, items, kNow + 60);
  ASSERT_TRUE(saved.has_value());
  EXPECT_EQ(saved->added, 0);
  EXPECT_EQ(saved->unchanged, 3);  // a0, a1, a2
  EXPECT_EQ(saved->retired, 2);    // a3, a4: deleted, and dropped again
  EXPECT_EQ(count(f.store, "SELECT count(*) FROM items"), 3);
  // A really new item still is.
  auto fresh = f.store.save(f.a, {}, {item("a-new", kNow)}, kNow + 60);
  ASSERT_TRUE(fresh.has_value());
  EXPECT_EQ(fresh->added, 1);
}

TEST(Retention, WorksInBatches) {
  Fixture f;
  const config::RetentionConfig half_a_day{std::chrono::seconds{kDay / 2}, 0, false};
  Retained first = retain(f.store, half_a_day, {}, 2);
  EXPECT_EQ(first.deleted, 2);
  EXPECT_TRUE(first.more);
  Retained second = retain(f.store, half_a_day, {}, 2);
  Retained third = retain(f.store, half_a_day, {}, 2);
  EXPECT_EQ(second.deleted + third.deleted, 3);
  EXPECT_FALSE(third.more);
  EXPECT_EQ(titles(f.store), std::set<std::string>{"title a0"});
}

TEST(Integrity, AHealthyStorePassesADamagedOneIsNamed) {
  TempDir dir;
  std::string path = dir.file("t.db");
  {
    auto store = Store::open(path);
    ASSERT_TRUE(store.has_value());
    std::int64_t id = store->feed("https://a.example/feed")->id;
    std::vector<NewItem> items;
    for (int i = 0; i < 400; ++i) items.push_back(item("k" + std::to_string(i), kNow - i));
    ASSERT_TRUE(store->save(id, {}, items, kNow).has_value());
    EXPECT_TRUE(check_integrity(store->db(), path, false).has_value());
    ASSERT_TRUE(store->db().exec("PRAGMA wal_checkpoint(TRUNCATE)").has_value());
  }
  EXPECT_TRUE(check_store_file(path, true).has_value());
  EXPECT_TRUE(check_store_file(dir.file("missing.db"), true).has_value());
  // Scribble over the middle of the file (not the header page).
  auto size = fs::file_size(path);
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(size / 2));
    std::string junk(8192, '\x5a');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  auto r = check_store_file(path, true);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find(path), std::string::npos) << r.error().message;
}

TEST(Backup, CopiesCommittedDataWhileAWriterIsBusy) {
  TempDir dir;
  auto store = Store::open(dir.file("live.db"));
  ASSERT_TRUE(store.has_value());
  std::int64_t id = store->feed("https://a.example/feed")->id;
  ASSERT_TRUE(store->save(id, {}, {item("one", kNow), item("two", kNow)}, kNow).has_value());
  // A transaction in progress on the live store is not part of the backup.
  ASSERT_TRUE(store->db().exec("BEGIN IMMEDIATE").has_value());
  ASSERT_TRUE(store->db().exec("DELETE FROM item_sources; DELETE FROM items").has_value());
  auto stats = backup_store(dir.file("live.db"), dir.file("backup.db"));
  ASSERT_TRUE(stats.has_value()) << stats.error().message;
  ASSERT_TRUE(store->db().exec("ROLLBACK").has_value());
  EXPECT_EQ(stats->items, 2);
  EXPECT_EQ(stats->feeds, 1);
  EXPECT_GT(stats->bytes, 0);
  EXPECT_FALSE(fs::exists(dir.file("backup.db-wal")));
  // The backup is a store the daemon opens as is.
  auto restored = Store::open(dir.file("backup.db"));
  ASSERT_TRUE(restored.has_value()) << restored.error().message;
  EXPECT_EQ(*restored->item_count(), 2);
  // Nothing half-written is left beside it, and a missing source fails.
  for (const auto& e : fs::directory_iterator(dir.file(""))) {
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << e.path();
  }
  EXPECT_FALSE(backup_store(dir.file("nope.db"), dir.file("b2.db")).has_value());
}

}  // namespace
}  // namespace tributary::daemon
