#include "daemon/publisher.h"
#include "daemon/websub.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <pugixml.hpp>

namespace tributary::daemon {
namespace {

namespace fs = std::filesystem;
using feeds::Text;

TEST(Shorten, CutsAtWordsAndCodePoints) {
  struct Case {
    const char* text;
    std::size_t max;
    const char* expected;
  };
  const Case cases[] = {
      {"short", 10, "short"},
      {"exactly ten", 11, "exactly ten"},
      {"one two three four five", 12, "one two\u2026"},
      {"abcdefghijklmnop", 5, "abcde\u2026"},
      {"ab cdefghijklmnop", 8, "ab cdefg\u2026"},  // a boundary too early is not used
      {"\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9", 3, "\u00e9\u00e9\u00e9\u2026"},  // never splits a code point
      {"\u65e5\u672c\u8a9e\u306e\u6587", 2, "\u65e5\u672c\u2026"},
      {"", 3, ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_EQ(feeds::shorten(c.text, c.max), c.expected);
  }
}

TEST(Publishable, PlainTitleAndSummarySanitizedContent) {
  feeds::Entry e;
  e.link = "https://example.org/a";
  e.title = Text{"<b>Bold</b>   &amp; <i>more</i>\n title", feeds::kTextHtml};
  e.content = Text{"<p onclick=\"x()\">Body <script>bad()</script>text</p><p>Second paragraph.</p>",
                   feeds::kTextHtml};
  feeds::Entry p = feeds::publishable(e, 400);
  ASSERT_TRUE(p.title);
  EXPECT_EQ(p.title->value, "Bold & more title");
  EXPECT_EQ(p.title->type, feeds::kTextPlain);
  ASSERT_TRUE(p.content);
  EXPECT_EQ(p.content->value.find("script"), std::string::npos);
  EXPECT_EQ(p.content->value.find("onclick"), std::string::npos);
  EXPECT_NE(p.content->value.find("Second paragraph."), std::string::npos);
  ASSERT_TRUE(p.summary);  // made from the content
  EXPECT_EQ(p.summary->type, feeds::kTextPlain);
  EXPECT_EQ(p.summary->value, "Body text Second paragraph.");

  e.summary = Text{"A <em>short</em> summary that goes on and on", feeds::kTextHtml};
  p = feeds::publishable(e, 20);
  ASSERT_TRUE(p.summary);
  EXPECT_EQ(p.summary->value, "A short summary that\u2026");
  p = feeds::publishable(e, 18);
  EXPECT_EQ(p.summary->value, "A short summary\u2026");

  feeds::Entry bare;
  bare.title = Text{"  spaced\tout  ", feeds::kTextPlain};
  p = feeds::publishable(bare);
  EXPECT_EQ(p.title->value, "spaced out");
  EXPECT_FALSE(p.summary);
  EXPECT_FALSE(p.content);

  feeds::Entry nothing;
  EXPECT_EQ(feeds::publishable(nothing).title, (Text{"(untitled)", feeds::kTextPlain}));
}

TEST(Publishable, TitleIsTheHeadlineWithoutARepublishersWrappers) {
  feeds::Entry e;
  e.title = Text{"[Russia] - Turkey&#8217;s Erdogan Tells Putin and Macron Efforts to End Ukraine War at "
                 "&#8216;Turning Point&amp;",
                 feeds::kTextHtml};
  auto p = feeds::publishable(e);
  ASSERT_TRUE(p.title);
  EXPECT_EQ(p.title->value,
            "Turkey\u2019s Erdogan Tells Putin and Macron Efforts to End Ukraine War at \u2018Turning Point");
}

TEST(Publishable, SummaryIsATeaserNotTheTitleOrReadMoreLinks) {
  feeds::Entry e;
  e.title = Text{"Wind farm opens in Tatarstan", feeds::kTextPlain};
  e.summary = Text{"Wind farm opens in Tatarstan", feeds::kTextPlain};
  EXPECT_FALSE(feeds::publishable(e).summary);  // only the title again
  e.content = Text{"<p>The 100 MW farm is the region\u2019s first.</p>", feeds::kTextHtml};
  ASSERT_TRUE(feeds::publishable(e).summary);
  EXPECT_EQ(feeds::publishable(e).summary->value, "The 100 MW farm is the region\u2019s first.");
  e.content.reset();

  const std::pair<const char*, const char*> cases[] = {
      {"<p>The 100 MW farm is the region&#8217;s first. <a href=\"/w\">Continue reading &rarr;</a></p>"
       "<p>The post <a href=\"/w\">Wind farm opens in Tatarstan</a> appeared first on <a href=\"/\">Small "
       "Blog</a>.</p>",
       "The 100 MW farm is the region\u2019s first."},
      {"<p>Theological programs&hellip; <a href=\"/c\">Read more</a></p>", "Theological programs\u2026"},
      {"<p>It opened today. [&hellip;] <a href=\"/w\">Continue reading <span>Wind farm opens in "
       "Tatarstan</span></a></p>",
       "It opened today. [\u2026]"},
      {"<p>Studies say people who read more live longer.</p>", "Studies say people who read more live longer."},
      {"<p>Read more about it in our guide to the farm.</p>", "Read more about it in our guide to the farm."},
  };
  for (const auto& [html, expected] : cases) {
    SCOPED_TRACE(html);
    e.summary = Text{html, feeds::kTextHtml};
    auto p = feeds::publishable(e);
    ASSERT_TRUE(p.summary);
    EXPECT_EQ(p.summary->value, expected);
  }
}

TEST(Publishable, EntryWithoutTitleIsNamedByTheStartOfItsText) {
  feeds::Entry e;
  e.summary = Text{"Short note &amp; more", feeds::kTextHtml};
  EXPECT_EQ(feeds::publishable(e).title, (Text{"Short note & more", feeds::kTextPlain}));
  e.summary.reset();
  e.title = Text{" ", feeds::kTextPlain};
  e.content = Text{"<p>I wrote this on the train. It\u2019s about the Baikonur spaceport and what "
                   "Kazakhstan said about the lease, which runs until 2050.</p>",
                   feeds::kTextHtml};
  auto p = feeds::publishable(e);
  ASSERT_TRUE(p.title);
  EXPECT_EQ(p.title->value,
            "I wrote this on the train. It\u2019s about the Baikonur spaceport and what Kazakhstan\u2026");
  ASSERT_TRUE(p.summary);  // the summary keeps the whole text
  EXPECT_NE(p.summary->value.find("2050."), std::string::npos);
}

TEST(AddProvenance, ListsSourcesAndRelatedStoriesInTheContent) {
  feeds::OutputEntry oe;
  oe.entry.content = Text{"<p>Body.</p>", feeds::kTextHtml};
  feeds::FeedMeta mt;
  mt.id = "https://mt.example/rss";
  mt.link = "https://mt.example/";
  mt.title = Text{"The Moscow Times", feeds::kTextPlain};
  oe.sources = {mt};
  feeds::OutputEntry single = oe;
  feeds::add_provenance(single);
  EXPECT_EQ(single, oe);  // one source, no story: nothing to say
  single.sources.push_back(mt);  // the same feed twice (two GUIDs)
  feeds::OutputEntry twice = single;
  feeds::add_provenance(twice);
  EXPECT_EQ(twice, single);

  feeds::FeedMeta digest;
  digest.id = "https://digest.example/feed";
  digest.title = Text{"News & <Views>", feeds::kTextPlain};
  oe.sources.push_back(digest);
  oe.related = {{"urn:x", "Medinsky leads Russia\u2019s delegation", "https://meduza.example/a?x=1&y=2",
                 "Meduza", "https://meduza.example/", ""}};
  feeds::add_provenance(oe);
  ASSERT_TRUE(oe.entry.content);
  EXPECT_EQ(oe.entry.content->value,
            "<p>Body.</p>\n<hr><p>Sources: <a href=\"https://mt.example/\">The Moscow Times</a>, "
            "<a href=\"https://digest.example/feed\">News &amp; &lt;Views&gt;</a></p>"
            "<p>Also covered by: Meduza, <a href=\"https://meduza.example/a?x=1&amp;y=2\">Medinsky leads "
            "Russia\u2019s delegation</a></p>");

  // The feed's own other articles in the story are not "covered by" it:
  // two episodes of one podcast read "Also covered by: Café Podcast,
  // Episode 1" in each other.
  feeds::OutputEntry episode;
  episode.entry.content = Text{"<p>Second episode</p>", feeds::kTextHtml};
  episode.sources = {mt};
  episode.related = {{"urn:y", "Earlier report", "https://mt.example/1", "The Moscow Times",
                      "https://mt.example/", mt.id}};
  feeds::OutputEntry alone = episode;
  feeds::add_provenance(episode);
  EXPECT_EQ(episode, alone);
  episode.related.push_back(oe.related.front());
  feeds::add_provenance(episode);
  EXPECT_EQ(episode.entry.content->value,
            "<p>Second episode</p>\n<hr><p>Also covered by: Meduza, <a href=\"https://meduza.example/a?x=1&amp;y=2\">"
            "Medinsky leads Russia\u2019s delegation</a></p>");

  feeds::OutputEntry teaser;  // a summary only: it becomes the content
  teaser.entry.summary = Text{"Teaser & more", feeds::kTextPlain};
  teaser.related = oe.related;
  feeds::add_provenance(teaser);
  ASSERT_TRUE(teaser.entry.content);
  EXPECT_TRUE(teaser.entry.content->value.starts_with("<p>Teaser &amp; more</p>\n<hr><p>Also covered by: "))
      << teaser.entry.content->value;
  EXPECT_EQ(teaser.entry.summary->value, "Teaser & more");
}

TEST(Publishable, ASummaryWithoutContentIsKeptWholeAsTheContent) {
  feeds::Entry e;
  e.link = "https://blog.example/shadow-fleet.html";
  std::string words;
  for (int i = 0; i < 60; ++i) words += " word" + std::to_string(i);
  e.summary = Text{"<p>See <a href=\"/blog/map.html\">the map</a> and <img src=\"img/tanker.jpg\" alt=\"\"> "
                   "It&rsquo;s complicated." + words + "</p>",
                   feeds::kTextHtml};
  auto p = feeds::publishable(e, 100);
  ASSERT_TRUE(p.content);
  EXPECT_EQ(p.content->type, feeds::kTextHtml);
  EXPECT_NE(p.content->value.find("href=\"https://blog.example/blog/map.html\""), std::string::npos)
      << p.content->value;
  EXPECT_NE(p.content->value.find("src=\"https://blog.example/img/tanker.jpg\""), std::string::npos);
  EXPECT_NE(p.content->value.find("word59"), std::string::npos);  // whole, not the teaser
  ASSERT_TRUE(p.summary);
  EXPECT_EQ(p.summary->type, feeds::kTextPlain);
  EXPECT_TRUE(p.summary->value.starts_with("See the map and It\u2019s complicated. word0")) << p.summary->value;
  EXPECT_TRUE(p.summary->value.ends_with("\u2026"));
}

TEST(Publishable, LinkIsAnAlternateLink) {
  feeds::Entry e;
  e.link = "https://example.org/file.mp3";
  e.links = {{"enclosure", "https://example.org/file.mp3", "audio/mpeg", "", "", {}},
             {"alternate", "https://example.org/page", "text/html", "", "", {}}};
  EXPECT_EQ(feeds::publishable(e).link, "https://example.org/page");
  e.link = "https://example.org/page";
  EXPECT_EQ(feeds::publishable(e).link, "https://example.org/page");
  e.links.pop_back();  // no alternate at all: the link stays
  e.link = "https://example.org/permalink";
  EXPECT_EQ(feeds::publishable(e).link, "https://example.org/permalink");
}

std::string gunzip(std::string_view data) {
  z_stream zs{};
  inflateInit2(&zs, 15 + 16);
  std::string out(1 << 20, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = inflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  inflateEnd(&zs);
  return rc == Z_STREAM_END ? out : "<failed>";
}

TEST(Gzip, RoundTripsAndShrinksFeeds) {
  std::string text;
  for (int i = 0; i < 500; ++i) text += "<entry><title>Entry " + std::to_string(i) + "</title></entry>\n";
  std::string z = gzip(text);
  ASSERT_FALSE(z.empty());
  EXPECT_EQ(static_cast<unsigned char>(z[0]), 0x1f);  // gzip magic
  EXPECT_EQ(static_cast<unsigned char>(z[1]), 0x8b);
  EXPECT_LT(z.size() * 5, text.size());
  EXPECT_EQ(gunzip(z), text);
  EXPECT_EQ(gunzip(gzip("")), "");
}

TEST(EntityTag, StrongQuotedAndDistinct) {
  std::string a = entity_tag("one"), b = entity_tag("two"), c = entity_tag("one", "-gz");
  EXPECT_EQ(a.front(), '"');
  EXPECT_EQ(a.back(), '"');
  EXPECT_FALSE(a.starts_with("W/"));
  EXPECT_NE(a, b);
  EXPECT_NE(a, c);
  EXPECT_EQ(a, entity_tag("one"));
}

TEST(IndexPage, ListsOutputsForAutoDiscovery) {
  std::string page = index_page("tributary <&>", {{"All", "feeds/all.atom", "application/atom+xml", "Atom"},
                                                  {"All", "feeds/all.rss", "application/rss+xml", "RSS"},
                                                  {"R\"x", "feeds/r.json", "application/feed+json", "JSON Feed"}});
  EXPECT_NE(page.find("<title>tributary &lt;&amp;&gt;</title>"), std::string::npos);
  EXPECT_NE(page.find("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"All (Atom)\" "
                      "href=\"feeds/all.atom\">"),
            std::string::npos);
  EXPECT_NE(page.find("<link rel=\"alternate\" type=\"application/feed+json\" title=\"R&quot;x (JSON Feed)\""),
            std::string::npos);
  EXPECT_NE(page.find("<a href=\"feeds/all.rss\" type=\"application/rss+xml\">RSS</a>"), std::string::npos);
}

config::Config three_feeds() {
  config::Config c;
  for (auto [url, tags, enabled] : {std::tuple{"https://a.example/feed", std::vector<std::string>{"news"}, true},
                                    std::tuple{"https://b.example/feed", std::vector<std::string>{"tech"}, true},
                                    std::tuple{"https://c.example/feed", std::vector<std::string>{"news"}, false}}) {
    config::FeedConfig f;
    f.url = url;
    f.tags = tags;
    f.enabled = enabled;
    c.feeds.push_back(f);
  }
  return c;
}

TEST(OutputFeedIds, TagsFeedsOrEverything) {
  auto c = three_feeds();
  std::map<std::string, std::int64_t> ids{{"https://a.example/feed", 1}, {"https://b.example/feed", 2},
                                          {"https://c.example/feed", 3}};
  config::OutputConfig all{"all", "", {}, {"atom"}, 100, {}};
  EXPECT_EQ(output_feed_ids(all, c, ids), (std::vector<std::int64_t>{1, 2}));  // c is disabled
  config::OutputConfig news{"news", "", {"news"}, {"atom"}, 100, {}};
  EXPECT_EQ(output_feed_ids(news, c, ids), (std::vector<std::int64_t>{1}));
  config::OutputConfig picked{"picked", "", {}, {"atom"}, 100, {"HTTPS://B.example/feed"}};
  EXPECT_EQ(output_feed_ids(picked, c, ids), (std::vector<std::int64_t>{2}));
  config::OutputConfig both{"both", "", {"news"}, {"atom"}, 100, {"https://b.example/feed"}};
  EXPECT_EQ(output_feed_ids(both, c, ids), (std::vector<std::int64_t>{1, 2}));
  config::OutputConfig none{"none", "", {"nothing"}, {"atom"}, 100, {}};
  EXPECT_TRUE(output_feed_ids(none, c, ids).empty());
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class PublisherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           (std::string("tributary-publisher-") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    config_ = three_feeds();
    config_.daemon.output_dir = (dir_ / "public").string();
    config_.daemon.interval = std::chrono::minutes(30);
    config_.feeds[1].interval = std::chrono::minutes(10);
    config_.outputs.push_back(config::OutputConfig{"all", "", {}, {"atom", "rss", "json"}, 100, {}});
    config_.outputs.push_back(config::OutputConfig{"news", "News & more", {"news"}, {"atom"}, 100, {}});
    auto s = Store::open(":memory:");
    ASSERT_TRUE(s) << s.error().message;
    store_.emplace(std::move(*s));
    for (const auto& f : config_.feeds) ids_[f.url] = store_->feed(f.url)->id;
  }
  void TearDown() override { fs::remove_all(dir_); }

  void add(const std::string& feed_url, const std::string& key, const std::string& title, std::int64_t now) {
    NewItem item;
    item.key = key;
    item.canonical_url = "https://example.org/" + key;
    item.entry.title = Text{title, feeds::kTextPlain};
    item.entry.link = item.canonical_url;
    item.entry.published = feeds::Time{std::chrono::seconds{now}};
    item.entry.content = Text{"<p>Body of " + title + "</p>", feeds::kTextHtml};
    feeds::FeedMeta meta;
    meta.title = Text{"Feed " + feed_url, feeds::kTextPlain};
    meta.link = feed_url;
    ASSERT_TRUE(store_->save(ids_[feed_url], meta, {item}, now));
  }

  fs::path dir_;
  config::Config config_;
  std::optional<Store> store_;
  std::map<std::string, std::int64_t> ids_;
};

TEST_F(PublisherTest, RendersEveryOutputFormatAndTheIndex) {
  add("https://a.example/feed", "a1", "First <story>", 1'717'200'000);
  add("https://b.example/feed", "b1", "Tech story", 1'717'200'100);
  Publisher p("http://feeds.example.org", "https://hub.example.org/");
  auto docs = p.render(*store_, config_, ids_, 1'717'300'000);
  ASSERT_TRUE(docs) << docs.error().message;
  for (const char* path : {"/", "/feeds/all.atom", "/feeds/all.rss", "/feeds/all.json", "/feeds/news.atom"}) {
    SCOPED_TRACE(path);
    ASSERT_TRUE((*docs)->contains(path));
    const Document& d = *(*docs)->at(path);
    EXPECT_FALSE(d.body.empty());
    EXPECT_FALSE(d.gzip_body.empty());
    EXPECT_NE(d.etag, d.gzip_etag);
    EXPECT_EQ(gunzip(d.gzip_body), d.body);
  }
  EXPECT_FALSE((*docs)->contains("/feeds/news.rss"));
  EXPECT_EQ((*docs)->at("/feeds/all.json")->content_type, "application/feed+json; charset=utf-8");
  EXPECT_EQ((*docs)->at("/feeds/all.rss")->content_type, "application/rss+xml; charset=utf-8");
  // The most often polled feed (10 min) sets how long readers may cache.
  EXPECT_EQ((*docs)->at("/feeds/all.atom")->cache_control, "public, max-age=600");
  EXPECT_EQ((*docs)->at("/feeds/news.atom")->cache_control, "public, max-age=1800");

  // Files on disk hold the same bytes.
  EXPECT_EQ(read_file(dir_ / "public" / "all.atom"), (*docs)->at("/feeds/all.atom")->body);
  // The index in the folder links the files next to it (a web server may
  // serve the folder itself); the one served at / links /feeds/.
  std::string on_disk = read_file(dir_ / "public" / "index.html");
  EXPECT_NE(on_disk.find("href=\"all.rss\""), std::string::npos);
  EXPECT_NE(on_disk.find("href=\"news.atom\""), std::string::npos);
  EXPECT_EQ(on_disk.find("feeds/"), std::string::npos);
  // /feeds/ (the address the daemon logs) lists them too.
  ASSERT_TRUE((*docs)->contains("/feeds/"));
  EXPECT_EQ((*docs)->at("/feeds/")->body, on_disk);
  for (const auto& f : fs::directory_iterator(dir_ / "public")) {
    EXPECT_EQ(f.path().filename().string().find(".tmp"), std::string::npos) << f.path();
    EXPECT_FALSE(f.path().filename().string().starts_with(".")) << f.path();
  }

  pugi::xml_document atom;
  ASSERT_TRUE(atom.load_string((*docs)->at("/feeds/all.atom")->body.c_str()));
  auto feed = atom.child("feed");
  EXPECT_STREQ(feed.find_child_by_attribute("link", "rel", "self").attribute("href").value(),
               "http://feeds.example.org/feeds/all.atom");
  EXPECT_STREQ(feed.find_child_by_attribute("link", "rel", "hub").attribute("href").value(),
               "https://hub.example.org/");
  int entries = 0;
  for ([[maybe_unused]] auto e : feed.children("entry")) ++entries;
  EXPECT_EQ(entries, 2);
  pugi::xml_document news;
  ASSERT_TRUE(news.load_string((*docs)->at("/feeds/news.atom")->body.c_str()));
  EXPECT_STREQ(news.child("feed").child_value("title"), "News & more");
  EXPECT_STREQ(news.child("feed").child("entry").child_value("title"), "First <story>");

  const std::string& index = (*docs)->at("/")->body;
  EXPECT_NE(index.find("href=\"feeds/all.rss\""), std::string::npos);
  EXPECT_NE(index.find("href=\"feeds/news.atom\""), std::string::npos);

  // Every feed document is a topic that changed.
  EXPECT_EQ(p.changed_topics().size(), 4u);
}

TEST_F(PublisherTest, AnotherWritersTemporaryFileIsLeftAlone) {
  // A `tributary run --once` (cron) writing the same folder as the daemon:
  // its half-written temporary file must be neither cut nor renamed over
  // all.atom by this writer.
  add("https://a.example/feed", "a1", "Parliament passes the budget", 1'717'200'000);
  fs::create_directories(dir_ / "public");
  { std::ofstream(dir_ / "public" / "all.atom.tmp") << "<?xml version=\"1.0\"?><feed>half"; }
  Publisher p("http://feeds.example.org");
  auto docs = p.render(*store_, config_, ids_, 1'717'300'000);
  ASSERT_TRUE(docs);
  EXPECT_EQ(read_file(dir_ / "public" / "all.atom"), (*docs)->at("/feeds/all.atom")->body);
  EXPECT_EQ(read_file(dir_ / "public" / "all.atom.tmp"), "<?xml version=\"1.0\"?><feed>half");
}

TEST_F(PublisherTest, FeedUrlsThatMayCarryCredentialsAreNotPublished) {
  // Outputs are public; the URL of a private feed is its password (GitHub's
  // ?token=, GitLab's ?feed_token=, Reddit's ?feed=&user=, user:pass@).
  const std::string secret = "https://jane:hunter2@a.example/private.atom?feed=S3CR3T&user=jane";
  config_.feeds[0].url = secret;
  ids_.erase("https://a.example/feed");
  ids_[secret] = store_->feed(secret)->id;
  NewItem item;
  item.key = "x1";
  item.canonical_url = "https://example.org/x1";
  item.entry.title = Text{"Budget passes", feeds::kTextPlain};
  item.entry.link = item.canonical_url;
  item.entry.published = feeds::Time{std::chrono::seconds{1'717'200'000}};
  feeds::FeedMeta meta;
  meta.title = Text{"Jane inbox", feeds::kTextPlain};
  meta.link = "https://a.example/";
  ASSERT_TRUE(store_->save(ids_[secret], meta, {item}, 1'717'200'000));
  item.key = "y1";
  meta.title = Text{"B news", feeds::kTextPlain};
  meta.link = "https://b.example/";
  ASSERT_TRUE(store_->save(ids_["https://b.example/feed"], meta, {item}, 1'717'200'100));

  Publisher p("http://feeds.example.org");
  auto docs = p.render(*store_, config_, ids_, 1'717'300'000);
  ASSERT_TRUE(docs);
  for (const auto& [path, doc] : **docs) {
    SCOPED_TRACE(path);
    EXPECT_EQ(doc->body.find("hunter2"), std::string::npos);
    EXPECT_EQ(doc->body.find("S3CR3T"), std::string::npos);
  }
  // Still two sources, the private one named and linked by its home page.
  const std::string& atom = (*docs)->at("/feeds/all.atom")->body;
  EXPECT_NE(atom.find("Sources: &lt;a href=&quot;https://a.example/&quot;&gt;Jane inbox"), std::string::npos)
      << atom;
  EXPECT_NE(atom.find("https://b.example/feed"), std::string::npos);  // a public feed URL stays
}

TEST_F(PublisherTest, UnchangedOutputsKeepTheirDocumentAndAreNotAnnounced) {
  add("https://a.example/feed", "a1", "Parliament passes the budget", 1'717'200'000);
  Publisher p("http://feeds.example.org");
  auto first = p.render(*store_, config_, ids_, 1'717'300'000);
  ASSERT_TRUE(first);
  auto second = p.render(*store_, config_, ids_, 1'717'300'500);
  ASSERT_TRUE(second);
  EXPECT_EQ((*first)->at("/feeds/all.atom"), (*second)->at("/feeds/all.atom"));
  EXPECT_EQ((*second)->at("/feeds/all.atom")->modified, 1'717'300'000);
  EXPECT_TRUE(p.changed_topics().empty());

  add("https://b.example/feed", "b1", "Startup ships a faster chip", 1'717'200'100);
  auto third = p.render(*store_, config_, ids_, 1'717'301'000);
  ASSERT_TRUE(third);
  EXPECT_NE((*third)->at("/feeds/all.atom")->etag, (*first)->at("/feeds/all.atom")->etag);
  EXPECT_EQ((*third)->at("/feeds/all.atom")->modified, 1'717'301'000);
  EXPECT_EQ((*third)->at("/feeds/all.atom")->last_modified, "Sun, 02 Jun 2024 04:03:20 GMT");
  // b is tagged tech: `news` did not change.
  EXPECT_EQ((*third)->at("/feeds/news.atom"), (*first)->at("/feeds/news.atom"));
  EXPECT_EQ(p.changed_topics(),
            (std::vector<std::string>{"http://feeds.example.org/feeds/all.atom",
                                      "http://feeds.example.org/feeds/all.rss",
                                      "http://feeds.example.org/feeds/all.json"}));
}

TEST_F(PublisherTest, RestartKeepsLastModifiedOfIdenticalFiles) {
  add("https://a.example/feed", "a1", "Parliament passes the budget", 1'717'200'000);
  {
    Publisher p("http://feeds.example.org");
    ASSERT_TRUE(p.render(*store_, config_, ids_, 1'717'300'000));
  }
  auto mtime = fs::last_write_time(dir_ / "public" / "all.atom");
  Publisher restarted("http://feeds.example.org");
  auto docs = restarted.render(*store_, config_, ids_, 1'900'000'000);
  ASSERT_TRUE(docs);
  EXPECT_LT((*docs)->at("/feeds/all.atom")->modified, 1'900'000'000);
  EXPECT_TRUE(restarted.changed_topics().empty());
  EXPECT_EQ(fs::last_write_time(dir_ / "public" / "all.atom"), mtime);
}

TEST_F(PublisherTest, ConfiguredFeedTitleNamesTheSource) {
  add("https://a.example/feed", "a1", "Parliament passes the budget", 1'717'200'000);
  config_.feeds[0].title = "Alpha Daily";
  Publisher p("http://feeds.example.org");
  auto docs = p.render(*store_, config_, ids_, 1'717'300'000);
  ASSERT_TRUE(docs) << docs.error().message;
  pugi::xml_document atom;
  ASSERT_TRUE(atom.load_string((*docs)->at("/feeds/all.atom")->body.c_str()));
  auto source = atom.child("feed").child("entry").child("source");
  EXPECT_STREQ(source.child_value("title"), "Alpha Daily");
  EXPECT_EQ((*docs)->at("/feeds/all.json")->body.find("Feed https://a.example/feed"), std::string::npos);

  // A reload that drops the title shows the feed's own again.
  config_.feeds[0].title.clear();
  docs = p.render(*store_, config_, ids_, 1'717'300'100);
  ASSERT_TRUE(docs);
  ASSERT_TRUE(atom.load_string((*docs)->at("/feeds/all.atom")->body.c_str()));
  EXPECT_STREQ(atom.child("feed").child("entry").child("source").child_value("title"),
               "Feed https://a.example/feed");
}

TEST_F(PublisherTest, DroppedOutputsAndFormatsLeaveTheOutputFolder) {
  add("https://a.example/feed", "a1", "Parliament passes the budget", 1'717'200'000);
  Publisher p("http://feeds.example.org");
  ASSERT_TRUE(p.render(*store_, config_, ids_, 1'717'300'000));
  ASSERT_TRUE(fs::exists(dir_ / "public" / "news.atom"));
  ASSERT_TRUE(fs::exists(dir_ / "public" / "all.rss"));
  std::ofstream(dir_ / "public" / "notes.json") << "{}";  // not ours

  config_.outputs.pop_back();                    // `news` removed
  config_.outputs.front().formats = {"atom"};    // `all` only as Atom
  auto docs = p.render(*store_, config_, ids_, 1'717'300'100);
  ASSERT_TRUE(docs);
  EXPECT_FALSE((*docs)->contains("/feeds/news.atom"));
  EXPECT_FALSE(fs::exists(dir_ / "public" / "news.atom"));
  EXPECT_FALSE(fs::exists(dir_ / "public" / "all.rss"));
  EXPECT_FALSE(fs::exists(dir_ / "public" / "all.json"));
  EXPECT_TRUE(fs::exists(dir_ / "public" / "all.atom"));
  EXPECT_TRUE(fs::exists(dir_ / "public" / "index.html"));
  EXPECT_TRUE(fs::exists(dir_ / "public" / "notes.json"));
}

TEST_F(PublisherTest, EmptyOutputIsValidAndStable) {
  Publisher p("");
  auto first = p.render(*store_, config_, ids_, 1'717'300'000);
  ASSERT_TRUE(first);
  auto second = p.render(*store_, config_, ids_, 1'717'300'999);
  ASSERT_TRUE(second);
  EXPECT_EQ((*first)->at("/feeds/all.atom")->etag, (*second)->at("/feeds/all.atom")->etag);
  pugi::xml_document atom;
  ASSERT_TRUE(atom.load_string((*second)->at("/feeds/all.atom")->body.c_str()));
  EXPECT_FALSE(atom.child("feed").child("entry"));
  EXPECT_FALSE(atom.child("feed").find_child_by_attribute("link", "rel", "self"));
}

}  // namespace
}  // namespace tributary::daemon

namespace tributary::daemon {
namespace {

TEST(WebSub, PublishNotificationIsFormEncoded) {
  EXPECT_EQ(publish_notification("https://feeds.example.org/feeds/all.atom?a=b&c"),
            "hub.mode=publish&hub.url=https%3A%2F%2Ffeeds.example.org%2Ffeeds%2Fall.atom%3Fa%3Db%26c");
  EXPECT_EQ(publish_notification("http://h/x y"), "hub.mode=publish&hub.url=http%3A%2F%2Fh%2Fx%20y");
}

}  // namespace
}  // namespace tributary::daemon
