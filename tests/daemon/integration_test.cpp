// End to end: a loopback server serves fixture feeds; the daemon polls them,
// stores, renders all.atom and serves it.

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <pugixml.hpp>

#include "config/config.h"
#include "daemon/app.h"
#include "daemon/config_file.h"
#include "daemon/store.h"
#include "tests/daemon/loopback_server.h"

namespace tributary::daemon {
namespace {

namespace fs = std::filesystem;

const char* kRss = R"(<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Feed A</title><link>https://a.example/</link>
<item><title>One</title><link>https://a.example/1</link><guid>a-1</guid>
  <pubDate>Mon, 03 Jun 2024 10:00:00 GMT</pubDate><description>First &amp; best</description></item>
<item><title>Two</title><link>https://a.example/2</link><guid>a-2</guid>
  <pubDate>Mon, 03 Jun 2024 11:00:00 GMT</pubDate></item>
<item><title>Shared story</title><link>https://news.example/story?id=7</link><guid>a-3</guid>
  <pubDate>Mon, 03 Jun 2024 12:00:00 GMT</pubDate></item>
</channel></rss>)";

const char* kAtom = R"(<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Feed B</title><id>urn:b</id>
<updated>2024-06-03T12:00:00Z</updated>
<entry><title>Three</title><id>urn:b:3</id><link href="https://b.example/3"/>
  <updated>2024-06-03T13:00:00Z</updated><content type="html">&lt;p&gt;Body&lt;/p&gt;</content></entry>
<entry><title>Shared story (copy)</title><id>urn:b:4</id><link href="https://NEWS.example/story?id=7#x"/>
  <updated>2024-06-03T14:00:00Z</updated></entry>
</feed>)";

class DaemonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("tributary-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  config::Config make_config(const std::vector<std::string>& urls, std::string listen = "") {
    config::Config c;
    c.path = (dir_ / "feeds.toml").string();
    c.daemon.state_dir = (dir_ / "state").string();
    c.daemon.output_dir = (dir_ / "public").string();
    c.daemon.listen = std::move(listen);
    for (const auto& u : urls) {
      config::FeedConfig f;
      f.url = u;
      c.feeds.push_back(f);
    }
    c.outputs.push_back(config::OutputConfig{"all", "", {}, {"atom"}, 100, {}});
    return c;
  }

  RunStats run_once(const config::Config& c) {
    App app(c, RunOptions{true});
    EXPECT_EQ(app.run(), 0);
    return app.stats();
  }

  std::int64_t stored_items() {
    auto store = Store::open((dir_ / "state" / "tributary.db").string());
    EXPECT_TRUE(store);
    return store ? store->item_count().value_or(-1) : -1;
  }

  int atom_entries() {
    pugi::xml_document doc;
    auto r = doc.load_file((dir_ / "public" / "all.atom").c_str());
    EXPECT_TRUE(r) << r.description();
    int n = 0;
    for ([[maybe_unused]] auto e : doc.child("feed").children("entry")) ++n;
    return n;
  }

  fs::path dir_;
};

TEST_F(DaemonTest, TwoPollsStoreItemsOnceAndTheSecondGets304s) {
  testing::LoopbackServer server;
  server.serve("/a.xml", kRss);
  server.serve("/b.atom", kAtom, "application/atom+xml");
  auto config = make_config({server.url("/a.xml"), server.url("/b.atom")});

  RunStats first = run_once(config);
  EXPECT_EQ(first.feeds_polled, 2);
  EXPECT_EQ(first.errors, 0);
  EXPECT_EQ(first.items_added, 4);
  EXPECT_EQ(first.items_merged, 1);  // the shared story, by canonical link
  EXPECT_EQ(stored_items(), 4);
  EXPECT_EQ(atom_entries(), 4);

  RunStats second = run_once(config);
  EXPECT_EQ(second.not_modified, 2);
  EXPECT_EQ(second.items_added, 0);
  EXPECT_EQ(stored_items(), 4);
  EXPECT_EQ(atom_entries(), 4);
}

TEST_F(DaemonTest, OnceRendersWhenAnOutputIsMissingOrOlderThanTheConfig) {
  // A --once run in which every feed answers 304 leaves outputs that are
  // current alone; it renders when one is missing or the config changed.
  testing::LoopbackServer server;
  server.serve("/a.xml", kRss);
  auto config = make_config({server.url("/a.xml")});
  std::ofstream(config.path) << "# feeds\n";
  ASSERT_EQ(run_once(config).items_added, 3);
  ASSERT_EQ(atom_entries(), 3);

  fs::remove(dir_ / "public" / "index.html");
  EXPECT_EQ(run_once(config).not_modified, 1);
  EXPECT_TRUE(fs::exists(dir_ / "public" / "index.html"));

  config.outputs[0].limit = 2;
  fs::last_write_time(config.path, fs::last_write_time(dir_ / "public" / "all.atom") + std::chrono::seconds(5));
  EXPECT_EQ(run_once(config).not_modified, 1);
  EXPECT_EQ(atom_entries(), 2);
}

TEST_F(DaemonTest, BadInputIsReportedAndLosesNothingStored) {
  testing::LoopbackServer server;
  server.serve("/a.xml", kRss);
  auto config = make_config({server.url("/a.xml")});
  EXPECT_EQ(run_once(config).items_added, 3);

  // The feed turns into garbage, and a second feed cannot be reached at all.
  server.serve("/a.xml", "this is not a feed <<<");
  auto broken = make_config({server.url("/a.xml"), "http://127.0.0.1:1/nothing.xml"});
  RunStats stats = run_once(broken);
  EXPECT_EQ(stats.errors, 2);
  EXPECT_EQ(stored_items(), 3);
  EXPECT_EQ(atom_entries(), 3);

  auto store = Store::open((dir_ / "state" / "tributary.db").string());
  ASSERT_TRUE(store);
  auto feed = store->feed(server.url("/a.xml"));
  ASSERT_TRUE(feed);
  EXPECT_EQ(feed->error_count, 1);
  EXPECT_NE(feed->last_error.find("parse error"), std::string::npos) << feed->last_error;
}

// A blocking GET for the test: returns the status and fills body.
long http_get(const std::string& url, const std::string& header, std::string& body, bool head = false) {
  CURL* c = curl_easy_init();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
  curl_easy_setopt(c, CURLOPT_NOBODY, head ? 1L : 0L);
  curl_slist* headers = header.empty() ? nullptr : curl_slist_append(nullptr, header.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  body.clear();
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, +[](char* d, size_t s, size_t n, void* out) {
    static_cast<std::string*>(out)->append(d, s * n);
    return s * n;
  });
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
  long status = 0;
  if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(c);
  return status;
}

TEST_F(DaemonTest, ServesAllAtomWithETagAnd304) {
  testing::LoopbackServer feeds;
  feeds.serve("/a.xml", kRss);
  App app(make_config({feeds.url("/a.xml")}, "127.0.0.1:0"), RunOptions{false});
  int exit_code = -1;
  std::thread daemon([&] { exit_code = app.run(); });

  std::string body;
  long status = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (app.port() != 0) {
      status = http_get(fmt::format("http://127.0.0.1:{}/feeds/all.atom", app.port()), "", body);
      if (status == 200 && body.find("Shared story") != std::string::npos) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(status, 200);
  ASSERT_NE(body.find("Shared story"), std::string::npos);
  std::string base = fmt::format("http://127.0.0.1:{}", app.port());

  // Find the ETag by a HEAD request and ask again conditionally.
  std::string etag;
  {
    CURL* c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, (base + "/feeds/all.atom").c_str());
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, +[](char* d, size_t s, size_t n, void* out) {
      std::string line(d, s * n);
      if (line.rfind("ETag: ", 0) == 0 || line.rfind("etag: ", 0) == 0) {
        *static_cast<std::string*>(out) = line.substr(6, line.find_last_not_of("\r\n") - 5);
      }
      return s * n;
    });
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &etag);
    ASSERT_EQ(curl_easy_perform(c), CURLE_OK);
    curl_easy_cleanup(c);
  }
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(http_get(base + "/feeds/all.atom", "If-None-Match: " + etag, body), 304);
  EXPECT_TRUE(body.empty());
  EXPECT_EQ(http_get(base + "/feeds/all.atom", "If-None-Match: \"other\"", body), 200);
  EXPECT_EQ(http_get(base + "/feeds/all.atom", "If-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT", body), 304);
  EXPECT_EQ(http_get(base + "/feeds/all.atom", "", body, true), 200);
  EXPECT_EQ(http_get(base + "/feeds/nope.atom", "", body), 404);
  EXPECT_EQ(http_get(base + "/nope/", "", body), 404);
  EXPECT_EQ(http_get(base + "/", "", body), 200);  // the index page of the outputs

  app.request_stop();
  daemon.join();
  EXPECT_EQ(exit_code, 0);
}

TEST(LoadConfig, MissingFileIsOneClearDiagnostic) {
  auto c = load_config("/nonexistent/tributary.toml");
  ASSERT_FALSE(c);
  ASSERT_EQ(c.error().size(), 1u);
  EXPECT_EQ(c.error()[0].to_string().rfind("/nonexistent/tributary.toml:1:1: cannot read", 0), 0u)
      << c.error()[0].to_string();
}

}  // namespace
}  // namespace tributary::daemon
