// Full text: the article stages (request refusals, failure classes, page
// processing), the articles table, site rule lookup and [full_text] config.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "config/config.h"
#include "daemon/article_store.h"
#include "daemon/articles.h"
#include "daemon/site_rule_library.h"
#include "daemon/store.h"

namespace tributary::daemon {
namespace {

namespace fs = std::filesystem;
namespace reason = article_reason;

std::string paragraphs(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    out += "<p>Paragraph " + std::to_string(i) +
           " of the story, with enough words, commas, and sentences to read like the body of a real "
           "news article that a reader would want to see in full.</p>";
  }
  return out;
}

std::string article_page(const std::string& body) {
  return "<!DOCTYPE html><html><head><title>The Story</title></head><body><nav><a href=\"/\">Home</a></nav>"
         "<article><h1>The Story</h1>" +
         body + "</article><footer>Copyright</footer></body></html>";
}

// ---- article_request --------------------------------------------------------

TEST(ArticleRequest, RefusesNonWebUrlsAndPrivateAddressLiteralsInAnySpelling) {
  std::vector<Origin> allow = {*Origin::parse("http://127.0.0.1:8787")};
  struct Case {
    std::string url;
    std::string expected;  // "" = allowed; else the reason
  };
  const Case cases[] = {
      {"https://example.com/story", ""},
      {"HTTP://Example.COM/story?id=1", ""},
      {"http://93.184.216.34/page", ""},
      {"http://127.0.0.1:8787/ok/article.html", ""},        // the allowlisted origin itself
      {"http://2130706433:8787/ok/article.html", ""},       // same address and port, other spelling
      {"http://127.0.0.1:8788/secret", reason::kBlocked},   // loopback, other port
      {"http://2130706433:8788/secret", reason::kBlocked},  // decimal
      {"http://0x7f000001:8788/secret", reason::kBlocked},  // hex
      {"http://0x7f.1:8788/secret", reason::kBlocked},      // hex, short
      {"http://127.1:8788/secret", reason::kBlocked},       // short dotted
      {"http://0177.0.0.1:8788/secret", reason::kBlocked},  // octal
      {"http://0.0.0.0:8788/secret", reason::kBlocked},
      {"http://[::1]:8788/secret", reason::kBlocked},
      {"http://[::ffff:127.0.0.1]:8788/secret", reason::kBlocked},
      {"http://[::ffff:7f00:1]:8788/secret", reason::kBlocked},
      {"http://[fe80::1]/", reason::kBlocked},
      {"http://169.254.169.254/latest/meta-data/", reason::kBlocked},
      {"http://10.0.0.1/admin", reason::kBlocked},
      {"http://192.168.1.1/", reason::kBlocked},
      {"http://100.64.0.1/", reason::kBlocked},  // CGNAT
      {"http://127.0.0.2:8787/secret", reason::kBlocked},
      {"file:///etc/passwd", reason::kBadUrl},
      {"gopher://127.0.0.1:8788/_GET", reason::kBadUrl},
      {"ftp://example.com/file", reason::kBadUrl},
      {"javascript:alert(1)", reason::kBadUrl},
      {"data:text/html,<p>x</p>", reason::kBadUrl},
      {"/relative/path", reason::kBadUrl},
      {"http:///no-host", reason::kBadUrl},
      {"http://user:pass@example.com/", reason::kBadUrl},
      {"not a url at all", reason::kBadUrl},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.url);
    auto r = article_request(c.url, "ua", allow);
    if (c.expected.empty()) {
      ASSERT_TRUE(r) << r.error().message;
      EXPECT_EQ(r->url, c.url);
      EXPECT_TRUE(r->allow_private.empty());
      EXPECT_EQ(r->accept, kArticleAccept);
    } else {
      ASSERT_FALSE(r);
      EXPECT_TRUE(r.error().message.starts_with(c.expected + ": ")) << r.error().message;
      EXPECT_EQ(refused_article(ArticleJob{7, c.url, 1, 0, 0, {}}, r.error()).reason, c.expected);
    }
  }
}

// ---- classify_failure -------------------------------------------------------

TEST(ClassifyFailure, NamesTheReasonAndWhetherToRetry) {
  struct Case {
    Errc code;
    long status;
    std::string message;
    std::string reason;
    bool transient;
  };
  const Case cases[] = {
      {Errc::network, 0, "blocked private address 127.0.0.1", reason::kBlocked, false},
      {Errc::timeout, 0, "timeout: Operation timed out after 20000 milliseconds", reason::kTimeout, true},
      {Errc::http_status, 404, "http: status 404", reason::kHttpStatus, false},
      {Errc::http_status, 410, "http: status 410", reason::kHttpStatus, false},
      {Errc::http_status, 429, "http: status 429", reason::kHttpStatus, true},
      {Errc::http_status, 503, "http: status 503", reason::kHttpStatus, true},
      {Errc::network, 0, "body too large (over 15 MiB after decoding)", reason::kTooLarge, false},
      {Errc::network, 0, "too many redirects (limit 5)", reason::kNetwork, false},
      {Errc::network, 0, "redirect to a forbidden scheme: gopher", reason::kNetwork, false},
      {Errc::network, 0, "DNS lookup failed: x", reason::kNetwork, true},
      {Errc::network, 0, "connection failed: refused", reason::kNetwork, true},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.message);
    FetchResult f;
    f.status = FetchStatus::failed;
    f.http_status = c.status;
    f.error = Error{c.code, c.message};
    FailureClass got = classify_failure(f);
    EXPECT_EQ(got.reason, c.reason);
    EXPECT_EQ(got.transient, c.transient);
  }
}

// ---- process_article --------------------------------------------------------

FetchResult ok_page(std::string body, std::string content_type = "text/html; charset=utf-8") {
  FetchResult f;
  f.status = FetchStatus::ok;
  f.http_status = 200;
  f.body = std::move(body);
  f.content_type = std::move(content_type);
  f.effective_url = "https://news.example/2024/story.html";
  return f;
}

TEST(ProcessArticle, ClassifiesEveryWayAPageCanFail) {
  ArticlePolicy policy;
  policy.max_bytes = 64 * 1024;
  struct Case {
    std::string name;
    FetchResult fetched;
    std::size_t feed_text_chars;
    std::string reason;
  };
  FetchResult timeout;
  timeout.error = Error{Errc::timeout, "timeout: too slow"};
  FetchResult blocked;
  blocked.error = Error{Errc::network, "blocked private address 10.0.0.1"};
  FetchResult missing;
  missing.http_status = 404;
  missing.error = Error{Errc::http_status, "http: status 404"};
  const Case cases[] = {
      {"good page", ok_page(article_page(paragraphs(6))), 100, ""},
      {"timeout", timeout, 0, reason::kTimeout},
      {"blocked", blocked, 0, reason::kBlocked},
      {"404", missing, 0, reason::kHttpStatus},
      {"too large", ok_page(article_page(paragraphs(1000))), 0, reason::kTooLarge},
      {"PDF", ok_page("%PDF-1.7 ...", "application/pdf"), 0, reason::kNotHtml},
      {"PDF sent as text/html", ok_page("%PDF-1.7 ...", "text/html; charset=utf-8"), 0, reason::kNotHtml},
      {"feed", ok_page("<rss version='2.0'/>", "application/rss+xml"), 0, reason::kNotHtml},
      {"untyped HTML is sniffed", ok_page(article_page(paragraphs(6)), ""), 0, ""},
      {"no article", ok_page("<html><head><title>x</title></head><body><img src='a.png'></body></html>"), 0,
       reason::kNoArticle},
      {"navigation only", ok_page("<html><body><nav><a href='/'>Home</a></nav></body></html>"), 0,
       reason::kTooShort},
      {"too short", ok_page(article_page("<p>Only a line of text here.</p>")), 0, reason::kTooShort},
      {"shorter than the feed's text", ok_page(article_page(paragraphs(3))), 5000, reason::kTooShort},
      {"paywall", ok_page(article_page(paragraphs(1) + "<div class='paywall'><p>Subscribe to continue reading. "
                                                         "You have reached your limit of free articles this month. "
                                                         "Already a subscriber? Log in. Subscribe now for just $1 per "
                                                         "month and get unlimited access to all of our journalism, "
                                                         "apps and newsletters.</p></div>")),
       0, reason::kWall},
      {"consent wall", ok_page(article_page("<p>Before you continue to News, we and our partners use cookies and "
                                            "data to deliver and maintain our services, measure audience "
                                            "engagement and show ads. Accept all or reject all.</p>")),
       0, reason::kWall},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    ArticleJob job{42, "https://news.example/story", 1, c.feed_text_chars, 0, {}};
    ArticleRecord r = process_article(job, c.fetched, policy, nullptr, 1'000'000);
    EXPECT_EQ(r.item_id, 42);
    EXPECT_EQ(r.reason, c.reason) << r.detail;
    EXPECT_EQ(r.ok, c.reason.empty());
    if (r.ok) {
      EXPECT_NE(r.text.find("Paragraph 0 of the story"), std::string::npos);
      EXPECT_NE(r.html.find("<p>"), std::string::npos);
      EXPECT_EQ(r.url, "https://news.example/2024/story.html");  // after redirects
    } else {
      EXPECT_FALSE(r.detail.empty());
      EXPECT_TRUE(r.html.empty());
    }
  }
}

TEST(ProcessArticle, KeepsTheFeedsTextWhenThePageYieldsClearlyLess) {
  ArticlePolicy policy;
  FetchResult page = ok_page(article_page(paragraphs(6)));
  ArticleJob job{42, "https://news.example/story", 1, 0, 0, {}};
  ArticleRecord alone = process_article(job, page, policy, nullptr, 1'000'000);
  ASSERT_TRUE(alone.ok) << alone.detail;
  const double article = static_cast<double>(alone.text.size());
  struct Case {
    double feed_over_article;  // the feed's own text, as a multiple of the article's
    bool page_wins;
  };
  // A feed with a teaser, with the whole text plus some furniture, with a
  // third more text than the page gave, with twice as much.
  const Case cases[] = {{0.3, true}, {1.1, true}, {1.4, false}, {2.0, false}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.feed_over_article);
    job.feed_text_chars = static_cast<std::size_t>(article * c.feed_over_article);
    ArticleRecord r = process_article(job, page, policy, nullptr, 1'000'000);
    EXPECT_EQ(r.ok, c.page_wins) << r.detail;
    if (!c.page_wins) {
      EXPECT_EQ(r.reason, reason::kTooShort);
    }
  }
}

TEST(ProcessArticle, RetriesTransientFailuresUntilTheAttemptLimit) {
  ArticlePolicy policy;
  policy.retry_delay = std::chrono::seconds(100);
  policy.max_attempts = 3;
  FetchResult server_error;
  server_error.http_status = 503;
  server_error.error = Error{Errc::http_status, "http: status 503"};
  FetchResult gone;
  gone.http_status = 404;
  gone.error = Error{Errc::http_status, "http: status 404"};
  struct Case {
    FetchResult fetched;
    int attempts;
    std::optional<std::int64_t> retry_at;
  };
  const Case cases[] = {
      {server_error, 0, 1000 + 100}, {server_error, 1, 1000 + 200}, {server_error, 2, std::nullopt},
      {gone, 0, std::nullopt},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.attempts);
    ArticleJob job{1, "https://a.example/x", 1, 0, c.attempts, {}};
    EXPECT_EQ(process_article(job, c.fetched, policy, nullptr, 1000).retry_at, c.retry_at);
  }
}

TEST(ProcessArticle, DecodesCharsetsSanitizesAndResolvesAgainstTheFinalUrl) {
  // windows-1251 page declared in a <meta>; a script and an onclick in the body.
  std::string body = paragraphs(4);
  body += "<p onclick=\"steal()\">\xCF\xF0\xE8\xE2\xE5\xF2, \xEC\xE8\xF0! <img src=\"/img/photo.jpg\"> "
          "Enough words here to be part of the story and not a caption or a credit line.</p>"
          "<script>steal()</script>";
  std::string page = "<html><head><meta charset=\"windows-1251\"><title>T</title></head><body><article>" + body +
                     "</article></body></html>";
  ArticleJob job{1, "https://news.example/story", 1, 0, 0, {}};
  ArticleRecord r = process_article(job, ok_page(page, "text/html"), ArticlePolicy{}, nullptr, 0);
  ASSERT_TRUE(r.ok) << r.reason << ": " << r.detail;
  EXPECT_NE(r.text.find("\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82, \xD0\xBC\xD0\xB8\xD1\x80!"),
            std::string::npos);
  EXPECT_EQ(r.html.find("script"), std::string::npos);
  EXPECT_EQ(r.html.find("onclick"), std::string::npos);
  EXPECT_NE(r.html.find("https://news.example/img/photo.jpg"), std::string::npos);
}

TEST(ProcessArticle, AppliesSiteRules) {
  std::string page = "<html><body><div id=\"teaser\">" + paragraphs(8) + "</div><div id=\"real\">" +
                     "<p>The real story starts here, chosen by the site rule and not by the heuristics, "
                     "which would have picked the longer block above.</p>" + "</div></body></html>";
  feeds::html::SiteRules rules = feeds::html::parse_site_rules("body: //div[@id='real']\n");
  ArticlePolicy policy;
  policy.min_text_chars = 50;
  ArticleJob job{1, "https://news.example/story", 1, 0, 0, {}};
  ArticleRecord with = process_article(job, ok_page(page), policy, &rules, 0);
  ArticleRecord without = process_article(job, ok_page(page), policy, nullptr, 0);
  ASSERT_TRUE(with.ok) << with.detail;
  EXPECT_NE(with.text.find("The real story starts here"), std::string::npos);
  EXPECT_EQ(with.text.find("Paragraph 0"), std::string::npos);
  EXPECT_NE(without.text.find("Paragraph 0"), std::string::npos);
}

// ---- the articles table -------------------------------------------------------

class ArticleStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = Store::open(":memory:");
    ASSERT_TRUE(s) << s.error().message;
    store_.emplace(std::move(*s));
    feed_ = store_->feed("https://feed.example/rss")->id;
  }

  // Stores items "a0".."aN" with links, published an hour apart from `t0`.
  void add_items(int n, std::int64_t t0, const std::string& prefix = "a") {
    std::vector<NewItem> items;
    for (int i = 0; i < n; ++i) {
      NewItem it;
      it.key = prefix + std::to_string(i);
      it.entry.title = feeds::Text{"Title " + it.key, feeds::kTextPlain};
      it.entry.link = "https://news.example/" + it.key;
      it.canonical_url = it.entry.link;
      it.entry.published = feeds::Time{std::chrono::seconds{t0 + i * 3600}};
      it.entry.summary = feeds::Text{"<p>Teaser of " + it.key + "</p>", feeds::kTextHtml};
      items.push_back(std::move(it));
    }
    feeds::FeedMeta meta;
    auto saved = store_->save(feed_, meta, items, t0 + n * 3600);
    ASSERT_TRUE(saved) << saved.error().message;
  }

  std::vector<std::string> pending_urls(std::int64_t since, std::int64_t now, int limit) {
    auto jobs = pending_articles(store_->db(), feed_, since, now, limit);
    EXPECT_TRUE(jobs) << jobs.error().message;
    std::vector<std::string> out;
    if (jobs) {
      for (const auto& j : *jobs) out.push_back(j.url);
    }
    return out;
  }

  std::int64_t item_id_of(const std::string& url) {
    auto jobs = pending_articles(store_->db(), feed_, 0, 0, 1000);
    for (const auto& j : *jobs) {
      if (j.url == url) return j.item_id;
    }
    auto all = refetch_candidates(store_->db(), {}, 0);
    for (const auto& j : *all) {
      if (j.url == url) return j.item_id;
    }
    return 0;
  }

  ArticleRecord ok_record(std::int64_t item_id, std::string html) {
    ArticleRecord r;
    r.item_id = item_id;
    r.url = "https://news.example/final";
    r.ok = true;
    r.html = std::move(html);
    r.text = "text";
    r.lead_image = "https://news.example/lead.jpg";
    r.byline = "Jane Doe";
    return r;
  }

  ArticleRecord failed_record(std::int64_t item_id, const char* why, std::optional<std::int64_t> retry_at = {}) {
    ArticleRecord r;
    r.item_id = item_id;
    r.url = "https://news.example/x";
    r.reason = why;
    r.detail = "because";
    r.retry_at = retry_at;
    return r;
  }

  std::optional<Store> store_;
  std::int64_t feed_ = 0;
};

TEST_F(ArticleStoreTest, PendingItemsAreTheNewestWithoutARowWithinTheAgeLimit) {
  const std::int64_t t0 = 1'700'000'000;
  add_items(5, t0);  // a0 (oldest) .. a4 (newest)
  EXPECT_EQ(pending_urls(0, t0, 3),
            (std::vector<std::string>{"https://news.example/a4", "https://news.example/a3", "https://news.example/a2"}));
  EXPECT_EQ(pending_urls(t0 + 3 * 3600, t0, 10),
            (std::vector<std::string>{"https://news.example/a4", "https://news.example/a3"}));

  std::int64_t a4 = item_id_of("https://news.example/a4");
  std::int64_t a3 = item_id_of("https://news.example/a3");
  ASSERT_TRUE(save_article(store_->db(), ok_record(a4, "<p>full</p>"), t0));
  ASSERT_TRUE(save_article(store_->db(), failed_record(a3, reason::kHttpStatus), t0));
  EXPECT_EQ(pending_urls(t0 + 3 * 3600, t0, 10), std::vector<std::string>{});
  EXPECT_EQ(pending_urls(0, t0, 1), std::vector<std::string>{"https://news.example/a2"});
}

TEST_F(ArticleStoreTest, TransientFailuresComeBackWhenTheirRetryTimeHasCome) {
  const std::int64_t t0 = 1'700'000'000;
  add_items(1, t0);
  std::int64_t id = item_id_of("https://news.example/a0");
  ASSERT_TRUE(save_article(store_->db(), failed_record(id, reason::kTimeout, t0 + 100), t0));
  EXPECT_TRUE(pending_urls(0, t0 + 99, 10).empty());
  auto due = pending_articles(store_->db(), feed_, 0, t0 + 100, 10);
  ASSERT_TRUE(due);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].attempts, 1);
  ASSERT_TRUE(save_article(store_->db(), failed_record(id, reason::kTimeout), t0 + 100));
  EXPECT_TRUE(pending_urls(0, t0 + 1'000'000, 10).empty());  // final now
  auto row = stored_article(store_->db(), id);
  ASSERT_TRUE(row && *row);
  EXPECT_EQ((*row)->reason, reason::kTimeout);
}

TEST_F(ArticleStoreTest, KeepSuccessNeverReplacesAStoredArticleWithAFailure) {
  const std::int64_t t0 = 1'700'000'000;
  add_items(1, t0);
  std::int64_t id = item_id_of("https://news.example/a0");
  ASSERT_TRUE(save_article(store_->db(), ok_record(id, "<p>first</p>"), t0));
  auto kept = save_article(store_->db(), failed_record(id, reason::kHttpStatus), t0, true);
  ASSERT_TRUE(kept);
  EXPECT_FALSE(*kept);
  EXPECT_TRUE((*stored_article(store_->db(), id))->ok);
  auto replaced = save_article(store_->db(), ok_record(id, "<p>second</p>"), t0, true);
  ASSERT_TRUE(replaced && *replaced);
  EXPECT_EQ((*stored_article(store_->db(), id))->html, "<p>second</p>");
  ASSERT_TRUE(save_article(store_->db(), failed_record(id, reason::kHttpStatus), t0, false));
  EXPECT_FALSE((*stored_article(store_->db(), id))->ok);
  auto counts = article_counts(store_->db());
  ASSERT_TRUE(counts);
  EXPECT_EQ(*counts, (std::map<std::string, std::int64_t>{{"failed:http_status", 1}}));
}

TEST_F(ArticleStoreTest, CountsOutcomesPerFeedForTheStatusTable) {
  const std::int64_t t0 = 1'700'000'000;
  add_items(3, t0);
  std::int64_t first = feed_;
  ASSERT_TRUE(save_article(store_->db(), ok_record(item_id_of("https://news.example/a0"), "<p>a</p>"), t0));
  ASSERT_TRUE(save_article(store_->db(), failed_record(item_id_of("https://news.example/a1"), reason::kWall), t0));
  ASSERT_TRUE(save_article(store_->db(), failed_record(item_id_of("https://news.example/a2"), reason::kWall), t0));
  feed_ = store_->feed("https://other.example/rss")->id;
  add_items(1, t0, "b");
  ASSERT_TRUE(save_article(store_->db(), failed_record(item_id_of("https://news.example/b0"), reason::kTimeout), t0));
  auto counts = article_counts_by_feed(store_->db());
  ASSERT_TRUE(counts) << counts.error().message;
  using Counts = std::map<std::string, std::int64_t>;
  EXPECT_EQ(*counts, (std::map<std::int64_t, Counts>{{first, Counts{{"ok", 1}, {"failed:wall", 2}}},
                                                     {feed_, Counts{{"failed:timeout", 1}}}}));
}

TEST_F(ArticleStoreTest, NewestPublishesTheArticleAsContentAndKeepsTheFeedSummary) {
  const std::int64_t t0 = 1'700'000'000;
  add_items(2, t0);
  std::int64_t a1 = item_id_of("https://news.example/a1");
  std::int64_t a0 = item_id_of("https://news.example/a0");
  ASSERT_TRUE(save_article(store_->db(), ok_record(a1, "<p>The whole article.</p>"), t0));
  ASSERT_TRUE(save_article(store_->db(), failed_record(a0, reason::kNotHtml), t0));
  auto out = store_->newest(10, {});
  ASSERT_TRUE(out) << out.error().message;
  ASSERT_EQ(out->size(), 2u);
  const feeds::Entry& with = (*out)[0].entry;  // a1, the newest
  ASSERT_TRUE(with.content);
  EXPECT_EQ(with.content->value, "<p>The whole article.</p>");
  EXPECT_EQ(with.content->type, feeds::kTextHtml);
  ASSERT_TRUE(with.summary);
  EXPECT_EQ(with.summary->value, "<p>Teaser of a1</p>");
  ASSERT_TRUE(with.image);
  EXPECT_EQ(with.image->url, "https://news.example/lead.jpg");
  ASSERT_EQ(with.authors.size(), 1u);
  EXPECT_EQ(with.authors[0].name, "Jane Doe");
  const feeds::Entry& without = (*out)[1].entry;  // a0: failed, the feed's own text
  EXPECT_FALSE(without.content);
  ASSERT_TRUE(without.summary);
  EXPECT_EQ(without.summary->value, "<p>Teaser of a0</p>");
}

TEST_F(ArticleStoreTest, ThePagesDateDatesAnItemItsFeedLeftUndated) {
  const std::int64_t t0 = 1'700'000'000;
  std::vector<NewItem> items;
  for (std::string key : {"d0", "d1", "d2"}) {
    NewItem it;
    it.key = key;
    it.entry.title = feeds::Text{"Undated " + key, feeds::kTextPlain};
    it.entry.link = "https://news.example/" + key;
    it.canonical_url = it.entry.link;
    items.push_back(std::move(it));
  }
  items[2].entry.published = feeds::Time{std::chrono::seconds{t0 - 7200}};  // the feed's own date
  ASSERT_TRUE(store_->save(feed_, feeds::FeedMeta{}, items, t0));
  struct Case {
    std::string key;
    std::int64_t page_date;
    std::optional<std::int64_t> expected;
  };
  const Case cases[] = {
      {"d0", t0 - 86400, t0 - 86400},   // a week-old story seen today keeps its date
      {"d1", t0 + 86400, std::nullopt},  // a page dated after it was seen is wrong
      {"d2", t0 - 86400, t0 - 7200},     // the feed's date wins
  };
  for (const auto& c : cases) {
    ArticleRecord r = ok_record(item_id_of("https://news.example/" + c.key), "<p>x</p>");
    r.published = c.page_date;
    ASSERT_TRUE(save_article(store_->db(), r, t0));
  }
  auto out = store_->newest(10, {});
  ASSERT_TRUE(out) << out.error().message;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.key);
    auto it = std::find_if(out->begin(), out->end(),
                           [&](const feeds::OutputEntry& e) { return e.entry.link == "https://news.example/" + c.key; });
    ASSERT_NE(it, out->end());
    std::optional<std::int64_t> published;
    if (it->entry.published) published = it->entry.published->time_since_epoch().count();
    EXPECT_EQ(published, c.expected);
  }
}

TEST_F(ArticleStoreTest, RowsOfDeletedItemsGoWithThem) {
  const std::int64_t t0 = 1'700'000'000;
  add_items(1, t0);
  std::int64_t id = item_id_of("https://news.example/a0");
  ASSERT_TRUE(save_article(store_->db(), ok_record(id, "<p>x</p>"), t0));
  ASSERT_TRUE(store_->db().exec(fmt::format("DELETE FROM items WHERE id = {}", id)));
  EXPECT_FALSE(*stored_article(store_->db(), id));
  // Saving for an item that is gone stores nothing.
  auto saved = save_article(store_->db(), ok_record(id, "<p>x</p>"), t0);
  ASSERT_TRUE(saved);
  EXPECT_FALSE(*saved);
  EXPECT_FALSE(*stored_article(store_->db(), id));
}

TEST_F(ArticleStoreTest, RefetchCandidatesAreEveryLinkedItemSinceADate) {
  const std::int64_t t0 = 1'700'000'000;
  add_items(3, t0);
  std::int64_t a2 = item_id_of("https://news.example/a2");
  ASSERT_TRUE(save_article(store_->db(), ok_record(a2, "<p>x</p>"), t0));
  auto all = refetch_candidates(store_->db(), {}, t0 + 3600);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].url, "https://news.example/a2");
  EXPECT_EQ((*all)[0].attempts, 1);
  EXPECT_EQ((*all)[1].url, "https://news.example/a1");
  auto other_feed = refetch_candidates(store_->db(), {feed_ + 100}, 0);
  ASSERT_TRUE(other_feed);
  EXPECT_TRUE(other_feed->empty());
}

// ---- site rules -------------------------------------------------------------

TEST(SiteRuleLibrary, LooksUpByHostThenWildcardsAndAddsGlobal) {
  fs::path dir = fs::path(::testing::TempDir()) / "tributary-site-rules";
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto write = [&](const std::string& name, const std::string& text) { std::ofstream(dir / name) << text; };
  write("example.com.txt", "body: //div[@id='story']\n");
  write(".wild.org.txt", "body: //article\nstrip: //aside\n");
  write("global.txt", "strip_id_or_class: share\n");
  write("feed-rule.txt", "body: //main\n");

  std::vector<std::string> warnings;
  SiteRuleLibrary library(dir.string(), [&](const std::string& w) { warnings.push_back(w); });
  struct Case {
    std::string url;
    std::string feed_rule;
    std::vector<std::string> body;
  };
  const Case cases[] = {
      {"https://www.example.com/a", "", {"//div[@id='story']"}},
      {"https://example.com/a", "", {"//div[@id='story']"}},
      {"https://news.wild.org/a", "", {"//article"}},
      {"https://other.net/a", "", {}},  // global.txt only
      {"https://www.example.com/a", (dir / "feed-rule.txt").string(), {"//main"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.url + " " + c.feed_rule);
    auto rules = library.rules_for(c.url, c.feed_rule);
    ASSERT_TRUE(rules);
    EXPECT_EQ(rules->body, c.body);
    EXPECT_EQ(rules->strip_id_or_class, std::vector<std::string>{"share"});
  }
  EXPECT_TRUE(warnings.empty());

  SiteRuleLibrary none("");
  EXPECT_FALSE(none.rules_for("https://www.example.com/a"));
  SiteRuleLibrary missing_file("", [&](const std::string& w) { warnings.push_back(w); });
  EXPECT_FALSE(missing_file.rules_for("https://x.example/", (dir / "nope.txt").string()));
  EXPECT_EQ(warnings.size(), 1u);
  fs::remove_all(dir);
}

// ---- [full_text] ---------------------------------------------------------------

TEST(FullTextConfig, ReadsTheTableAndRejectsNonsense) {
  auto ok = config::parse(
      "[full_text]\nsite_rules = \"rules\"\nmax_age = \"2d\"\nper_poll = 5\nworkers = 3\n", "/etc/tributary/feeds.toml",
      config::Defaults{"/var/lib/tributary"});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->full_text.site_rules, "/etc/tributary/rules");
  EXPECT_EQ(ok->full_text.max_age, std::chrono::seconds(2 * 86400));
  EXPECT_EQ(ok->full_text.per_poll, 5);
  EXPECT_EQ(ok->full_text.workers, 3);

  auto defaults = config::parse("", "/etc/tributary/feeds.toml", config::Defaults{"/var/lib/tributary"});
  ASSERT_TRUE(defaults);
  EXPECT_EQ(defaults->full_text, config::FullTextConfig{});

  for (const char* bad : {"[full_text]\nper_poll = 0\n", "[full_text]\nworkers = 1000\n",
                          "[full_text]\nmax_age = \"soon\"\n", "[full_text]\nsite_rule = \"x\"\n",
                          "[full_text]\nsite_rules = \"\"\n", "full_text = 1\n"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(config::parse(bad, "/etc/tributary/feeds.toml", config::Defaults{"/var/lib/tributary"}));
  }
}

}  // namespace
}  // namespace tributary::daemon
