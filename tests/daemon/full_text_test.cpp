// Full text end to end on loopback: the ArticleFetcher with the real
// HttpClient, politeness queue, thread pool and store strand against a
// scripted server (good article, 404, non-HTML, huge page, redirects and
// links to a second "internal" server that must never be reached); and the
// daemon (`run --once`) publishing extracted articles in all.atom.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <fmt/format.h>

#include "config/config.h"
#include "daemon/app.h"
#include "daemon/article_fetcher.h"
#include "daemon/article_store.h"
#include "daemon/store.h"
#include "feeds/date.h"
#include "tests/daemon/scripted_server.h"

namespace tributary::daemon {
namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;
namespace reason = article_reason;
using testing::ScriptedServer;

constexpr std::string_view kSecret = "INTERNAL-SECRET-5b1e";

std::string story_page(const std::string& title, int paragraphs) {
  std::string body;
  for (int i = 0; i < paragraphs; ++i) {
    body += fmt::format(
        "<p>{} paragraph {}: the reporter's notes, with quotes, commas, and enough words to read like the "
        "body of an article someone would want to read in full.</p>",
        title, i);
  }
  return "<!DOCTYPE html><html><head><title>" + title + "</title></head><body><nav><a href=\"/\">Home</a></nav>" +
         "<article><h1>" + title + "</h1>" + body + "</article><footer>Contact us</footer></body></html>";
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The pages every test serves, and the internal server they must not reach.
struct Sites {
  Sites() {
    internal.html("/secret", "<html><body><p>" + std::string(kSecret) + "</p></body></html>");
    site.html("/good", story_page("Good story", 6));
    site.html("/latin1", std::string("<html><head><meta charset=iso-8859-1></head><body><article>") +
                             "<p>Caf\xE9 owners said \x93it\x92s fine\x94 \x96 and much more, at length, in a story "
                             "long enough to count as an article for the extractor.</p>" +
                             "<p>A second paragraph with more words, commas, and sentences about the caf\xE9 and its "
                             "owners and customers.</p></article></body></html>",
              "text/html");
    site.html("/pdf", "%PDF-1.7 not a page", "application/pdf");
    site.html("/huge", "<html><body><article>" + std::string(6u << 20, 'x') + "</article></body></html>");
    site.route("/flaky", ScriptedServer::Response{503, {"Content-Type: text/html"}, "busy"});
    site.redirect("/to-internal", internal.url("/secret"));
    site.redirect("/to-internal-decimal", fmt::format("http://2130706433:{}/secret", internal.port()));
    site.redirect("/to-internal-name", fmt::format("http://localhost:{}/secret", internal.port()));
    site.redirect("/to-file", "file:///etc/passwd");
    site.redirect("/moved", "/good?from=moved", 301);
  }
  ScriptedServer site;      // allowlisted origin
  ScriptedServer internal;  // loopback, another port: never to be reached
};

class FullTextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = Store::open(":memory:");
    ASSERT_TRUE(s) << s.error().message;
    store_.emplace(std::move(*s));
    feed_ = store_->feed(sites_.site.url("/feed.xml"))->id;
  }

  // Stores one item per link, newest first in `links` order.
  void add_items(const std::vector<std::string>& links) {
    std::vector<NewItem> items;
    std::int64_t t = now_;
    for (const auto& link : links) {
      NewItem it;
      it.key = link;
      it.entry.link = link;
      it.canonical_url = link;
      it.entry.title = feeds::Text{"Item " + link, feeds::kTextPlain};
      it.entry.summary = feeds::Text{"Teaser for " + link, feeds::kTextPlain};
      it.entry.published = feeds::Time{std::chrono::seconds{t--}};
      items.push_back(std::move(it));
    }
    auto saved = store_->save(feed_, feeds::FeedMeta{}, items, now_);
    ASSERT_TRUE(saved) << saved.error().message;
  }

  // Runs a fetcher over the pending items of the feed (at most `limit`)
  // until it is idle.
  ArticleStats run_fetcher(int limit, const std::string& rules_dir = "") {
    asio::io_context io;
    asio::thread_pool pool(2);
    auto strand = asio::make_strand(pool);
    HttpClient client(io, ClientLimits{}, {*Origin::parse(sites_.site.origin())});
    FetchQueue queue(io, PolitenessPolicy{}, 8);
    SiteRuleLibrary rules(rules_dir);
    ArticleFetcherSettings settings;
    settings.user_agent = "tributary-test";
    settings.allow_private = {*Origin::parse(sites_.site.origin())};
    ArticleFetcher fetcher(io, client, politeness_gate(queue), pool.get_executor(), strand, store_->db(), rules,
                           settings);
    fetcher.clock = [this] { return now_; };
    auto work = asio::make_work_guard(io);
    fetcher.enqueue_pending(feed_, now_ - 86400, limit);
    fetcher.when_idle([&] { work.reset(); });
    std::thread guard([&] {
      // A hung test fails instead of blocking ctest.
      for (int i = 0; i < 600 && !io.stopped(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      io.stop();
    });
    io.run();
    io.stop();
    guard.join();
    pool.join();
    return fetcher.stats();
  }

  std::optional<ArticleRecord> article_of(const std::string& link) {
    auto all = refetch_candidates(store_->db(), {}, 0);
    EXPECT_TRUE(all);
    for (const auto& j : *all) {
      if (j.url == link) {
        auto row = stored_article(store_->db(), j.item_id);
        EXPECT_TRUE(row);
        return *row;
      }
    }
    ADD_FAILURE() << "no item " << link;
    return std::nullopt;
  }

  Sites sites_;
  std::optional<Store> store_;
  std::int64_t feed_ = 0;
  std::int64_t now_ = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
};

TEST_F(FullTextTest, ExtractsGoodPagesRecordsWhyOthersFailedAndNeverReachesInternalAddresses) {
  const ScriptedServer& site = sites_.site;
  const ScriptedServer& internal = sites_.internal;
  struct Case {
    std::string link;
    std::string reason;  // "" = extracted
  };
  const std::vector<Case> cases = {
      {site.url("/good"), ""},
      {site.url("/latin1"), ""},
      {site.url("/moved"), ""},
      {site.url("/missing"), reason::kHttpStatus},
      {site.url("/pdf"), reason::kNotHtml},
      {site.url("/huge"), reason::kTooLarge},
      {site.url("/flaky"), reason::kHttpStatus},
      {site.url("/to-internal"), reason::kBlocked},
      {site.url("/to-internal-decimal"), reason::kBlocked},
      {site.url("/to-internal-name"), reason::kBlocked},
      {site.url("/to-file"), reason::kNetwork},
      {internal.url("/secret"), reason::kBlocked},
      {fmt::format("http://2130706433:{}/secret", internal.port()), reason::kBlocked},
      {fmt::format("http://0x7f000001:{}/secret", internal.port()), reason::kBlocked},
      {fmt::format("http://127.1:{}/secret", internal.port()), reason::kBlocked},
      {fmt::format("http://[::ffff:127.0.0.1]:{}/secret", internal.port()), reason::kBlocked},
      {fmt::format("http://localhost:{}/secret", internal.port()), reason::kBlocked},
      {"file:///etc/passwd", ""},  // not http(s): never pending, never fetched
  };
  std::vector<std::string> links;
  for (const auto& c : cases) links.push_back(c.link);
  add_items(links);

  ArticleStats stats = run_fetcher(100);
  EXPECT_EQ(internal.total_hits(), 0);
  EXPECT_EQ(stats.fetched, 3);
  EXPECT_EQ(stats.failed, static_cast<int>(cases.size()) - 4);
  EXPECT_EQ(stats.dropped, 0);

  for (const auto& c : cases) {
    SCOPED_TRACE(c.link);
    if (c.link.starts_with("file:")) continue;  // counted in `stats` above: never fetched
    auto row = article_of(c.link);
    ASSERT_TRUE(row);
    EXPECT_EQ(row->reason, c.reason) << row->detail;
    EXPECT_EQ(row->ok, c.reason.empty());
    EXPECT_EQ(row->html.find(kSecret), std::string::npos);
    EXPECT_EQ(row->detail.find(kSecret), std::string::npos);
  }
  EXPECT_EQ(article_of(site.url("/flaky"))->retry_at, now_ + ArticlePolicy{}.retry_delay.count());
  EXPECT_EQ(article_of(site.url("/missing"))->retry_at, std::nullopt);
  auto moved = article_of(site.url("/moved"));
  EXPECT_EQ(moved->url, site.url("/good?from=moved"));
  EXPECT_NE(article_of(site.url("/latin1"))->text.find("Caf\xC3\xA9 owners said \xE2\x80\x9Cit\xE2\x80\x99s fine"),
            std::string::npos);

  // Outputs: the article for the good ones, the feed's own text for the rest.
  auto out = store_->newest(100, {});
  ASSERT_TRUE(out) << out.error().message;
  int with_article = 0;
  for (const auto& oe : *out) {
    bool good = oe.entry.link == site.url("/good");
    if (oe.entry.content) ++with_article;
    if (good) {
      ASSERT_TRUE(oe.entry.content);
      EXPECT_NE(oe.entry.content->value.find("Good story paragraph 5"), std::string::npos);
      ASSERT_TRUE(oe.entry.summary);
      EXPECT_EQ(oe.entry.summary->value, "Teaser for " + site.url("/good"));
    }
    if (oe.entry.link == site.url("/pdf")) {
      EXPECT_FALSE(oe.entry.content);
      ASSERT_TRUE(oe.entry.summary);
      EXPECT_EQ(oe.entry.summary->value, "Teaser for " + site.url("/pdf"));
    }
  }
  EXPECT_EQ(with_article, 3);

  // Nothing pending any more until the flaky page's retry time.
  EXPECT_EQ(run_fetcher(100).fetched + run_fetcher(100).failed, 0);
}

TEST_F(FullTextTest, FollowsASiteRulesSinglePageLinkOnce) {
  ScriptedServer& site = sites_.site;
  auto teaser = [](const std::string& print_href) {
    return "<html><head><title>Paged</title></head><body><article><h1>Paged</h1><p>Page one of the story, with "
           "enough words, commas, and sentences to count as an article paragraph for the extractor.</p>"
           "<a class=\"print\" href=\"" +
           print_href + "\">Print this article</a></article></body></html>";
  };
  site.html("/paged", teaser("/paged-all"));
  site.html("/paged-all", story_page("Whole story", 6) + teaser("/paged-all-again"));
  site.html("/to-secret-print", teaser(sites_.internal.url("/secret")));
  fs::path rules = fs::path(::testing::TempDir()) / "tributary-single-page-rules";
  fs::create_directories(rules);
  std::ofstream(rules / "127.0.0.1.txt") << "single_page_link: //a[@class='print']\n";
  add_items({site.url("/paged"), site.url("/to-secret-print")});

  run_fetcher(10, rules.string());
  fs::remove_all(rules);
  auto paged = article_of(site.url("/paged"));
  ASSERT_TRUE(paged && paged->ok) << (paged ? paged->detail : "");
  EXPECT_NE(paged->text.find("Whole story paragraph 5"), std::string::npos) << paged->text;
  EXPECT_EQ(paged->url, site.url("/paged-all"));
  EXPECT_EQ(site.hits("/paged-all"), 1);
  EXPECT_EQ(site.hits("/paged-all-again"), 0);  // followed once, not from page to page
  auto secret = article_of(site.url("/to-secret-print"));
  ASSERT_TRUE(secret);
  EXPECT_EQ(secret->reason, reason::kBlocked) << secret->detail;
  EXPECT_EQ(sites_.internal.total_hits(), 0);
}

TEST_F(FullTextTest, TakesAtMostTheLimitPerRunAndResumesWithTheRest) {
  std::vector<std::string> links;
  for (int i = 0; i < 5; ++i) {
    std::string path = fmt::format("/story-{}", i);
    sites_.site.html(path, story_page(fmt::format("Story {}", i), 5));
    links.push_back(sites_.site.url(path));
  }
  add_items(links);
  ArticleStats first = run_fetcher(2);
  EXPECT_EQ(first.fetched, 2);
  EXPECT_EQ(sites_.site.total_hits(), 2);
  // The newest first.
  EXPECT_EQ(sites_.site.hits("/story-0"), 1);
  EXPECT_EQ(sites_.site.hits("/story-1"), 1);
  ArticleStats second = run_fetcher(10);
  EXPECT_EQ(second.fetched, 3);
  EXPECT_EQ(sites_.site.total_hits(), 5);
  for (const auto& link : links) {
    auto row = article_of(link);
    ASSERT_TRUE(row);
    EXPECT_TRUE(row->ok) << row->reason << ": " << row->detail;
  }
}

// ---- the daemon ------------------------------------------------------------------

std::string feed_xml(const std::vector<std::pair<std::string, std::string>>& items) {
  std::string out = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Site</title><link>https://site/</link>";
  auto now = std::chrono::system_clock::now();
  int i = 0;
  for (const auto& [path_or_url, teaser] : items) {
    auto t = std::chrono::floor<std::chrono::seconds>(now - std::chrono::minutes(i));
    out += fmt::format("<item><title>Item {}</title><link>{}</link><guid>g{}</guid><pubDate>{}</pubDate>"
                       "<description>{}</description></item>",
                       i, path_or_url, i, feeds::format_rfc822(feeds::Time{t.time_since_epoch()}), teaser);
    ++i;
  }
  return out + "</channel></rss>";
}

class DaemonFullTextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           (std::string("tributary-full-text-") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  config::Config make_config(const std::string& feed_url, int per_poll) {
    config::Config c;
    c.path = (dir_ / "feeds.toml").string();
    c.daemon.state_dir = (dir_ / "state").string();
    c.daemon.output_dir = (dir_ / "public").string();
    c.daemon.listen = "";
    c.daemon.allow_private = {sites_.site.origin()};
    c.full_text.per_poll = per_poll;
    config::FeedConfig f;
    f.url = feed_url;
    c.feeds.push_back(f);
    c.outputs.push_back(config::OutputConfig{"all", "", {}, {"atom"}, 100, {}});
    return c;
  }

  void run_once(const config::Config& c) {
    App app(c, RunOptions{true});
    EXPECT_EQ(app.run(), 0);
  }

  std::map<std::string, ArticleRecord> rows() {
    std::map<std::string, ArticleRecord> out;
    auto store = Store::open((dir_ / "state" / "tributary.db").string());
    EXPECT_TRUE(store);
    auto jobs = refetch_candidates(store->db(), {}, 0);
    for (const auto& j : *jobs) {
      if (auto row = stored_article(store->db(), j.item_id); row && *row) out[j.url] = **row;
    }
    return out;
  }

  // The <content> (else <summary>) of the all.atom entry linking to `link`.
  std::string atom_text_of(const std::string& link) {
    std::string atom = read_all(dir_ / "public" / "all.atom");
    auto at = atom.find("<link rel=\"alternate\" href=\"" + link + "\"");
    if (at == std::string::npos) return "(no entry)";
    auto start = atom.rfind("<entry", at);
    auto end = atom.find("</entry>", at);
    return atom.substr(start, end - start);
  }

  Sites sites_;
  fs::path dir_;
};

TEST_F(DaemonFullTextTest, PublishesExtractedArticlesAndFallsBackToTheFeedsText) {
  ScriptedServer& site = sites_.site;
  site.html("/feed.xml",
            feed_xml({{site.url("/good"), "Teaser of the good story."},
                      {site.url("/missing"), "Teaser of the missing story."},
                      {site.url("/pdf"), "Teaser of the PDF."},
                      {site.url("/huge"), "Teaser of the huge page."},
                      {site.url("/to-internal"), "Teaser of the redirect."}}),
            "application/rss+xml");
  run_once(make_config(site.url("/feed.xml"), 10));
  EXPECT_EQ(sites_.internal.total_hits(), 0);

  auto stored = rows();
  ASSERT_EQ(stored.size(), 5u);
  EXPECT_TRUE(stored[site.url("/good")].ok);
  EXPECT_EQ(stored[site.url("/missing")].reason, reason::kHttpStatus);
  EXPECT_EQ(stored[site.url("/pdf")].reason, reason::kNotHtml);
  EXPECT_EQ(stored[site.url("/huge")].reason, reason::kTooLarge);
  EXPECT_EQ(stored[site.url("/to-internal")].reason, reason::kBlocked);

  std::string good = atom_text_of(site.url("/good"));
  EXPECT_NE(good.find("Good story paragraph 5"), std::string::npos) << good;
  EXPECT_NE(good.find("Teaser of the good story."), std::string::npos) << good;  // the summary
  for (const char* path : {"/missing", "/pdf", "/huge", "/to-internal"}) {
    SCOPED_TRACE(path);
    std::string entry = atom_text_of(site.url(path));
    EXPECT_NE(entry.find("Teaser of the"), std::string::npos) << entry;
    EXPECT_EQ(entry.find("paragraph"), std::string::npos) << entry;
    EXPECT_EQ(entry.find(kSecret), std::string::npos);
  }

  // A second run fetches nothing again: every item has its row.
  int hits = site.total_hits();
  run_once(make_config(site.url("/feed.xml"), 10));
  EXPECT_EQ(site.total_hits(), hits + 1);  // the feed itself
}

TEST_F(DaemonFullTextTest, FetchesAtMostPerPollArticlesPerFeedAndResumesOnTheNextRun) {
  ScriptedServer& site = sites_.site;
  std::vector<std::pair<std::string, std::string>> items;
  for (int i = 0; i < 5; ++i) {
    std::string path = fmt::format("/story-{}", i);
    site.html(path, story_page(fmt::format("Story {}", i), 5));
    items.emplace_back(site.url(path), "Teaser.");
  }
  site.html("/feed.xml", feed_xml(items), "application/rss+xml");
  auto config = make_config(site.url("/feed.xml"), 2);
  run_once(config);
  EXPECT_EQ(rows().size(), 2u);
  EXPECT_EQ(site.hits("/story-0") + site.hits("/story-1"), 2);  // the newest first
  run_once(config);
  EXPECT_EQ(rows().size(), 4u);
  run_once(config);
  EXPECT_EQ(rows().size(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(site.hits(fmt::format("/story-{}", i)), 1);
}

TEST_F(DaemonFullTextTest, FeedsWithFullTextOffFetchNoPages) {
  ScriptedServer& site = sites_.site;
  site.html("/feed.xml", feed_xml({{site.url("/good"), "Teaser."}}), "application/rss+xml");
  auto config = make_config(site.url("/feed.xml"), 10);
  config.feeds[0].full_text = false;
  run_once(config);
  EXPECT_EQ(site.hits("/good"), 0);
  EXPECT_TRUE(rows().empty());
}

// ---- tributary refetch -----------------------------------------------------------

#ifdef TRIBUTARY_BINARY

TEST(Refetch, ReExtractsStoredItemsWithNewSiteRulesAndRendersTheOutputs) {
  ScriptedServer site;
  // Heuristics pick the long teaser block; the site rule picks #real.
  std::string teaser, real;
  for (int i = 0; i < 8; ++i) {
    teaser += fmt::format("<p>Teaser paragraph {}: the reporter's notes, with quotes, commas, and enough words to "
                          "read like the body of an article someone would want to read.</p>", i);
  }
  for (int i = 0; i < 2; ++i) {
    real += fmt::format("<p>The real story starts here ({}), chosen by the site rule and not by the heuristics, "
                        "which would have picked the longer block above it on the page.</p>", i);
  }
  std::string page = "<html><head><title>T</title></head><body><div id=\"teaser\">" + teaser +
                     "</div><div id=\"real\">" + real + "</div></body></html>";
  site.html("/story", page);
  site.html("/other", story_page("Other", 6));

  fs::path dir = fs::path(::testing::TempDir()) / "tributary-refetch";
  fs::remove_all(dir);
  fs::create_directories(dir / "rules");
  std::string feed_url = site.url("/feed.xml");
  {
    std::ofstream(dir / "feeds.toml") << fmt::format(
        "[daemon]\nstate_dir = \"state\"\noutput_dir = \"public\"\nlisten = \"\"\nallow_private = [\"{}\"]\n\n"
        "[full_text]\nsite_rules = \"rules\"\nmax_age = \"0\"\n\n"
        "[[feed]]\nurl = \"{}\"\n\n[[feed]]\nurl = \"{}\"\nfull_text = false\n",
        site.origin(), feed_url, site.url("/plain.xml"));
  }
  fs::create_directories(dir / "state");
  {
    auto store = Store::open((dir / "state" / "tributary.db").string());
    ASSERT_TRUE(store) << store.error().message;
    std::int64_t feed = store->feed(feed_url)->id;
    std::int64_t plain = store->feed(site.url("/plain.xml"))->id;
    auto item = [](const std::string& link, std::int64_t published) {
      NewItem it;
      it.key = link;
      it.entry.link = link;
      it.entry.title = feeds::Text{"Item at " + link, feeds::kTextPlain};
      it.entry.published = feeds::Time{std::chrono::seconds{published}};
      return it;
    };
    ASSERT_TRUE(store->save(feed, feeds::FeedMeta{}, {item(site.url("/story"), 1'700'000'000)}, 1'700'000'000));
    ASSERT_TRUE(store->save(plain, feeds::FeedMeta{}, {item(site.url("/other"), 1'700'000'000)}, 1'700'000'000));
  }
  std::string command = fmt::format("{} refetch --config {} > {} 2>&1", TRIBUTARY_BINARY, (dir / "feeds.toml").string(),
                                    (dir / "log.txt").string());
  auto text_of_story = [&]() -> std::string {
    auto store = Store::open((dir / "state" / "tributary.db").string());
    auto jobs = refetch_candidates(store->db(), {}, 0);
    for (const auto& j : *jobs) {
      if (j.url == site.url("/story")) {
        auto row = stored_article(store->db(), j.item_id);
        return *row ? (*row)->text : std::string("(no row)");
      }
    }
    return "(no item)";
  };

  ASSERT_EQ(std::system(command.c_str()), 0) << read_all(dir / "log.txt");
  EXPECT_NE(text_of_story().find("Teaser paragraph 0"), std::string::npos) << text_of_story();
  EXPECT_EQ(site.hits("/other"), 0) << "a feed with full_text = false was refetched";

  std::ofstream(dir / "rules" / "127.0.0.1.txt") << "body: //div[@id='real']\n";
  ASSERT_EQ(std::system(command.c_str()), 0) << read_all(dir / "log.txt");
  EXPECT_NE(text_of_story().find("The real story starts here"), std::string::npos) << text_of_story();
  EXPECT_EQ(text_of_story().find("Teaser paragraph 0"), std::string::npos);
  EXPECT_NE(read_all(dir / "public" / "all.atom").find("The real story starts here"), std::string::npos);

  // The page is gone now: the article extracted before is kept.
  site.route("/story", ScriptedServer::Response{404, {}, ""});
  ASSERT_EQ(std::system(command.c_str()), 0) << read_all(dir / "log.txt");
  EXPECT_NE(text_of_story().find("The real story starts here"), std::string::npos);
  EXPECT_EQ(site.hits("/story"), 3);

  // --feed names one feed (even without full text); --since leaves older items out.
  std::string named = fmt::format("{} refetch --config {} --feed {} > {} 2>&1", TRIBUTARY_BINARY,
                                  (dir / "feeds.toml").string(), site.url("/plain.xml"), (dir / "log.txt").string());
  ASSERT_EQ(std::system(named.c_str()), 0) << read_all(dir / "log.txt");
  EXPECT_EQ(site.hits("/other"), 1) << read_all(dir / "log.txt");
  std::string recent = command;
  recent.insert(recent.find(" >"), " --since 2024-01-01");
  ASSERT_EQ(std::system(recent.c_str()), 0) << read_all(dir / "log.txt");
  EXPECT_EQ(site.hits("/story"), 3);
  std::string bad = command;
  bad.insert(bad.find(" >"), " --since yesterday-ish");
  EXPECT_NE(std::system(bad.c_str()), 0);
  fs::remove_all(dir);
}
#endif

}  // namespace
}  // namespace tributary::daemon
