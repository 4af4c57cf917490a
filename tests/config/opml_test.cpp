#include "config/opml.h"

#include <algorithm>
#include <ostream>

#include <gtest/gtest.h>

namespace tributary::config {
namespace {

const Defaults kDefaults{"/var/lib/tributary"};

}  // namespace

// Readable failure messages.
void PrintTo(const OpmlFeed& f, std::ostream* os) {
  *os << "{url=" << f.url << " title=" << f.title << " html=" << f.html_url << " tags=";
  for (const auto& t : f.tags) *os << t << ";";
  *os << "}";
}

namespace {

Config parse_ok(std::string_view text) {
  auto c = parse(text, "/etc/tributary/tributary.toml", kDefaults);
  if (!c) {
    for (const auto& d : c.error()) ADD_FAILURE() << d.to_string();
    return {};
  }
  return *c;
}

TEST(OpmlParse, ReadsNewsboatExport) {
  // Exactly what `newsboat -e` (2.21) prints.
  auto feeds = parse_opml(R"(<?xml version="1.0"?>
<opml version="1.0">
  <head>
    <title>newsboat - Exported Feeds</title>
  </head>
  <body>
    <outline type="rss" xmlUrl="https://a.example.com/feed.xml" htmlUrl="" title="A &amp; B &lt;blog&gt;"/>
    <outline type="rss" xmlUrl="https://c.example.net/atom?x=1&amp;y=2" htmlUrl="" title=""/>
  </body>
</opml>
)");
  ASSERT_TRUE(feeds.has_value()) << feeds.error().message;
  ASSERT_EQ(feeds->size(), 2u);
  EXPECT_EQ((*feeds)[0], (OpmlFeed{"https://a.example.com/feed.xml", "A & B <blog>", "", {}}));
  EXPECT_EQ((*feeds)[1], (OpmlFeed{"https://c.example.net/atom?x=1&y=2", "", "", {}}));
}

TEST(OpmlParse, FoldersAndCategoriesBecomeTags) {
  auto feeds = parse_opml(R"(<opml version="2.0"><body>
  <outline text="Tech">
    <outline text="Linux">
      <outline type="rss" text="LWN" xmlurl="https://lwn.net/headlines/rss" category="/news/linux,/weekly"/>
    </outline>
    <outline type="rss" text="https://b.example/rss" XMLURL="https://b.example/rss" htmlUrl="https://b.example/"/>
  </outline>
  <outline type="rss" text="Mail" xmlUrl="mailto:x@example.com"/>
  <outline type="rss" title="Top" xmlUrl=" https://top.example/feed "/>
</body></opml>)");
  ASSERT_TRUE(feeds.has_value()) << feeds.error().message;
  ASSERT_EQ(feeds->size(), 3u);
  // The last segment of a category path is a tag; "linux" repeats folder "Linux".
  EXPECT_EQ((*feeds)[0], (OpmlFeed{"https://lwn.net/headlines/rss", "LWN", "",
                                   {"Tech", "Linux", "weekly"}}));
  EXPECT_EQ((*feeds)[1], (OpmlFeed{"https://b.example/rss", "", "https://b.example/", {"Tech"}}));
  EXPECT_EQ((*feeds)[2], (OpmlFeed{"https://top.example/feed", "Top", "", {}}));
}

TEST(OpmlParse, DecodesDeclaredEncodings) {
  // "Новости" in windows-1251, as some Russian readers export.
  const std::string xml =
      "<?xml version=\"1.0\" encoding=\"windows-1251\"?><opml><body>"
      "<outline title=\"\xcd\xee\xe2\xee\xf1\xf2\xe8\" xmlUrl=\"https://n.example/rss\"/>"
      "</body></opml>";
  auto feeds = parse_opml(xml);
  ASSERT_TRUE(feeds.has_value()) << feeds.error().message;
  ASSERT_EQ(feeds->size(), 1u);
  EXPECT_EQ((*feeds)[0].title, "Новости");
}

TEST(AppendFeeds, SkipsUrlsTheConfigWouldReject) {
  auto r = append_feeds("", Config{},
                        {{"https://ok.example/", "", "", {}}, {"https://", "", "", {}},
                         {"http://a b.example/", "", "", {}}},
                        "");
  EXPECT_EQ(r.added, std::vector<std::string>{"https://ok.example/"});
  ASSERT_EQ(r.rejected.size(), 2u);
  EXPECT_NE(r.rejected[1].find("white space"), std::string::npos) << r.rejected[1];
  parse_ok(r.text);
}

TEST(OpmlParse, RejectsWhatIsNotOpml) {
  struct Case {
    const char* text;
    const char* says;
  };
  const Case cases[] = {
      {"", "not well-formed"},
      {"<opml><body>", "not well-formed"},
      {"<rss version=\"2.0\"><channel/></rss>", "<rss>"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto r = parse_opml(c.text);
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().message.find(c.says), std::string::npos) << r.error().message;
  }
}

// Outlines nested 200000 deep overflowed the stack of the recursive walk.
TEST(OpmlParse, RejectsOutlinesNestedTooDeep) {
  auto nested = [](std::size_t levels) {
    std::string xml = "<opml><body>";
    for (std::size_t i = 0; i < levels - 1; ++i) xml += "<outline text=\"f" + std::to_string(i % 3) + "\">";
    xml += "<outline xmlUrl=\"https://a.example/\"/>";
    for (std::size_t i = 0; i < levels - 1; ++i) xml += "</outline>";
    return xml + "</body></opml>";
  };
  auto ok = parse_opml(nested(100));
  ASSERT_TRUE(ok.has_value()) << ok.error().message;
  ASSERT_EQ(ok->size(), 1u);
  EXPECT_EQ((*ok)[0].tags, (std::vector<std::string>{"f0", "f1", "f2"}));
  for (std::size_t levels : {101, 200000}) {
    SCOPED_TRACE(levels);
    auto r = parse_opml(nested(levels));
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().message.find("nested deeper than 100 levels"), std::string::npos) << r.error().message;
  }
}

// A lone surrogate's character reference made import-opml write invalid
// UTF-8 into the config, and refuse the whole import ("c.toml:4:10:
// Encountered invalid utf-8 sequence").
TEST(OpmlParse, CharacterReferencesUtf8CannotHoldBecomeReplacementCharacters) {
  auto r = parse_opml(
      R"(<opml><body><outline text="&#xDFFF;f"><outline xmlUrl="https://a.example/" title="a&#xD800;b"/></outline>)"
      "</body></opml>");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  ASSERT_EQ(r->size(), 1u);
  // ICU replaces each byte of the 3-byte surrogate form with its own U+FFFD.
  const std::string replaced = "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD";
  EXPECT_EQ((*r)[0].title, "a" + replaced + "b");
  EXPECT_EQ((*r)[0].tags, (std::vector<std::string>{replaced + "f"}));
  auto appended = append_feeds("", Config{}, *r, "x");
  Config back = parse_ok(appended.text);
  ASSERT_EQ(back.feeds.size(), 1u);
  EXPECT_EQ(back.feeds[0].title, (*r)[0].title);
}

// 100000 categories took minutes when each tag was compared with every
// earlier one.
TEST(OpmlParse, ManyCategoriesKeepTheFirstSpellingOfEach) {
  std::string xml = "<opml><body><outline text=\"C7\"><outline xmlUrl=\"https://a.example/\" category=\"";
  for (int i = 0; i < 100000; ++i) xml += "/c" + std::to_string(i) + ",";
  xml += "/C1\"/></outline></body></opml>";
  auto r = parse_opml(xml);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  ASSERT_EQ(r->size(), 1u);
  const auto& tags = (*r)[0].tags;
  ASSERT_EQ(tags.size(), 100000u);
  EXPECT_EQ(tags[0], "C7");
  EXPECT_EQ(tags[1], "c0");
  EXPECT_EQ(std::count(tags.begin(), tags.end(), "c7"), 0);
  EXPECT_EQ(std::count(tags.begin(), tags.end(), "C1"), 0);
}

TEST(OpmlParse, DoesNotExpandEntities) {
  auto r = parse_opml(R"(<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY x "EXPANDED">]>
<opml><body><outline title="&x;" xmlUrl="https://a.example/"/></body></opml>)");
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].title.find("EXPANDED"), std::string::npos);
}

TEST(OpmlWrite, RoundTripsFeedsTitlesAndTags) {
  const std::vector<OpmlFeed> feeds = {
      {"https://a.example/rss?x=1&y=2", "A \"quoted\" <title>", "", {}},
      {"https://b.example/feed", "B", "https://b.example/", {"tech", "linux"}},
      {"https://c.example/atom", "", "", {"news"}},
      {"https://d.example/atom", "D", "", {"tech"}},
  };
  std::string xml = write_opml(feeds, "tributary feeds");
  auto back = parse_opml(xml);
  ASSERT_TRUE(back.has_value()) << back.error().message << "\n" << xml;
  // Grouping by first tag reorders: untagged, then folder "tech", then "news".
  const std::vector<OpmlFeed> expected = {feeds[0], feeds[1], feeds[3], feeds[2]};
  EXPECT_EQ(*back, expected) << xml;
}

TEST(TomlString, EscapesWhatTomlRequires) {
  struct Case {
    std::string in;
    std::string out;
  };
  const Case cases[] = {
      {"plain", "\"plain\""},
      {"a \"b\" c\\d", "\"a \\\"b\\\" c\\\\d\""},
      {"line\nbreak\ttab", "\"line\\nbreak\\ttab\""},
      {std::string("nul\0x", 5), "\"nul\\u0000x\""},
      {"\x7f", "\"\\u007F\""},
      {"Новости", "\"Новости\""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.in);
    EXPECT_EQ(toml_string(c.in), c.out);
    // And TOML reads it back as the same string.
    auto cfg = parse("[[feed]]\nurl = \"https://a.example/\"\ntitle = " + toml_string(c.in) + "\n",
                     "x.toml", kDefaults);
    ASSERT_TRUE(cfg.has_value());
    EXPECT_EQ(cfg->feeds[0].title, c.in);
  }
}

TEST(AppendFeeds, KeepsTheFileAndAddsOnlyNewFeeds) {
  const std::string original = R"(# My feeds. Keep this comment.
[daemon]
listen = "127.0.0.1:8080"   # trailing comment

[[feed]]
url = "https://a.example/rss"   # A
tags = ["x"]

[[output]]
name = "x"
tags = ["x"])";  // no final newline
  Config existing = parse_ok(original);
  const std::vector<OpmlFeed> opml = {
      {"HTTPS://A.example/rss", "A again", "", {}},   // same feed, other spelling
      {"https://b.example/feed", "B \"the\" blog", "", {"tech", "linux"}},
      {"https://c.example/atom", "", "", {}},
      {"https://b.example/feed", "B twice", "", {}},  // repeated in the OPML
  };
  auto r = append_feeds(original, existing, opml, "imported from subs.opml");
  EXPECT_EQ(r.added, (std::vector<std::string>{"https://b.example/feed", "https://c.example/atom"}));
  EXPECT_EQ(r.skipped, (std::vector<std::string>{"HTTPS://A.example/rss", "https://b.example/feed"}));
  ASSERT_EQ(r.text.compare(0, original.size(), original), 0) << r.text;
  EXPECT_EQ(r.text.substr(original.size()), R"(

# imported from subs.opml
[[feed]]
url = "https://b.example/feed"
title = "B \"the\" blog"
tags = ["tech", "linux"]

[[feed]]
url = "https://c.example/atom"
)");
  Config after = parse_ok(r.text);
  ASSERT_EQ(after.feeds.size(), 3u);
  EXPECT_EQ(after.feeds[1].title, "B \"the\" blog");
  EXPECT_EQ(after.outputs, existing.outputs);
  EXPECT_EQ(after.daemon, existing.daemon);
}

TEST(AppendFeeds, NothingNewLeavesTheTextUntouched) {
  const std::string original = "[[feed]]\nurl = \"https://a.example/rss\"\n";
  auto r = append_feeds(original, parse_ok(original), {{"https://a.example/rss", "", "", {}}}, "x");
  EXPECT_EQ(r.text, original);
  EXPECT_TRUE(r.added.empty());
}

TEST(AppendFeeds, ConfigToOpmlToConfigKeepsEveryFeed) {
  Config c = parse_ok(R"(
[[feed]]
url = "https://a.example/rss"
title = "A"
tags = ["t1", "t2"]
[[feed]]
url = "https://b.example/rss"
)");
  auto opml = parse_opml(write_opml(opml_feeds(c), "x"));
  ASSERT_TRUE(opml.has_value());
  auto r = append_feeds("", Config{}, *opml, "");
  Config back = parse_ok(r.text);
  ASSERT_EQ(back.feeds.size(), 2u);
  auto by_url = [](const FeedConfig& a, const FeedConfig& b) { return a.url < b.url; };
  std::sort(back.feeds.begin(), back.feeds.end(), by_url);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(back.feeds[i].url, c.feeds[i].url);
    EXPECT_EQ(back.feeds[i].title, c.feeds[i].title);
    EXPECT_EQ(back.feeds[i].tags, c.feeds[i].tags);
  }
}

}  // namespace
}  // namespace tributary::config
