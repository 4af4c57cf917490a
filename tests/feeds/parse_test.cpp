#include "feeds/parse.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "feeds/date.h"
#include "feeds/json_dump.h"
#include "feeds/writer.h"

namespace tributary::feeds {
namespace {

Feed parse_ok(std::string_view xml, Source src = {}) {
  auto f = parse(xml, src);
  EXPECT_TRUE(f) << (f ? "" : f.error().message);
  return f ? *f : Feed{};
}

TEST(RssParse, ReadsChannelAndItemFields) {
  Feed f = parse_ok(R"xml(<?xml version="1.0"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
  <title>Example &amp; Co</title><link>http://example.org/</link>
  <description>News from &lt;i&gt;Example&lt;/i&gt;</description>
  <language>en-us</language><ttl>60</ttl>
  <lastBuildDate>Tue, 10 Jun 2003 07:41:01 GMT</lastBuildDate>
  <item>
    <title>First post</title><link>/posts/1</link><guid isPermaLink="false">urn:example:1</guid>
    <pubDate>Tue, 10 Jun 2003 04:00:00 GMT</pubDate>
    <dc:creator>Jane Doe</dc:creator>
    <category domain="http://example.org/tags">news</category>
    <description>Short &lt;b&gt;summary&lt;/b&gt;</description>
    <content:encoded><![CDATA[<p>Full <a href="/more">text</a></p>]]></content:encoded>
    <enclosure url="http://example.org/a.mp3" type="audio/mpeg" length="12345"/>
    <comments>http://example.org/posts/1#comments</comments>
  </item>
</channel></rss>)xml",
                    Source{"http://example.org/feed.xml", "", "", ""});
  EXPECT_EQ(f.format, Format::rss20);
  EXPECT_EQ(f.encoding, "utf-8");
  EXPECT_FALSE(f.bozo);
  ASSERT_TRUE(f.meta.title);
  EXPECT_EQ(f.meta.title->value, "Example & Co");
  EXPECT_EQ(f.meta.title->type, kTextPlain);
  EXPECT_EQ(f.meta.link, "http://example.org/");
  EXPECT_EQ(f.meta.language, "en-us");
  EXPECT_EQ(f.meta.ttl, 60);
  EXPECT_EQ(format_rfc3339(*f.meta.updated), "2003-06-10T07:41:01Z");
  ASSERT_EQ(f.entries.size(), 1u);
  const Entry& e = f.entries[0];
  EXPECT_EQ(e.id, "urn:example:1");
  EXPECT_EQ(e.link, "http://example.org/posts/1");
  EXPECT_EQ(e.title->value, "First post");
  EXPECT_EQ(format_rfc3339(*e.published), "2003-06-10T04:00:00Z");
  ASSERT_EQ(e.authors.size(), 1u);
  EXPECT_EQ(e.authors[0].name, "Jane Doe");
  ASSERT_EQ(e.categories.size(), 1u);
  EXPECT_EQ(e.categories[0].scheme, "http://example.org/tags");
  EXPECT_EQ(e.summary->type, kTextHtml);
  EXPECT_EQ(e.summary->value, "Short <b>summary</b>");
  EXPECT_EQ(e.content->value, "<p>Full <a href=\"http://example.org/more\">text</a></p>");
  ASSERT_EQ(e.enclosures.size(), 1u);
  EXPECT_EQ(e.enclosures[0].length, 12345);
  EXPECT_EQ(e.comments, "http://example.org/posts/1#comments");
}

TEST(RssParse, PermalinkGuidBecomesTheLinkWhenThereIsNone) {
  Feed f = parse_ok(R"xml(<rss version="2.0"><channel><title>t</title>
<item><guid>http://example.org/p/1</guid></item>
<item><guid isPermaLink="false">http://example.org/p/2</guid></item></channel></rss>)xml");
  ASSERT_EQ(f.entries.size(), 2u);
  EXPECT_EQ(f.entries[0].link, "http://example.org/p/1");
  EXPECT_EQ(f.entries[1].link, "");
}

TEST(RssParse, ScriptInDescriptionIsSanitized) {
  Feed f = parse_ok(R"xml(<rss version="2.0"><channel><item>
<description>&lt;p onclick="x()"&gt;Hi&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;</description>
</item></channel></rss>)xml");
  ASSERT_EQ(f.entries.size(), 1u);
  EXPECT_EQ(f.entries[0].summary->value, "<p>Hi</p>");
}

TEST(AtomParse, ReadsEntriesTextConstructsAndXmlBase) {
  Feed f = parse_ok(R"xml(<feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://example.org/blog/">
<title type="html">A &lt;em&gt;blog&lt;/em&gt;</title><id>urn:blog</id>
<link href="/" rel="alternate"/><updated>2024-06-01T12:00:00+02:00</updated>
<author><name>Ann</name><email>ann@example.org</email></author>
<entry><title>Post</title><id>urn:blog:1</id><link href="posts/1"/>
  <published>2024-06-01T08:00:00Z</published><updated>2024-06-01T09:00:00Z</updated>
  <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Hi <a href="x">there</a></p></div></content>
</entry></feed>)xml");
  EXPECT_EQ(f.format, Format::atom10);
  EXPECT_EQ(f.meta.title->type, kTextHtml);
  EXPECT_EQ(f.meta.title->value, "A <em>blog</em>");
  EXPECT_EQ(f.meta.link, "http://example.org/");
  EXPECT_EQ(format_rfc3339(*f.meta.updated), "2024-06-01T10:00:00Z");
  ASSERT_EQ(f.meta.authors.size(), 1u);
  EXPECT_EQ(f.meta.authors[0].email, "ann@example.org");
  ASSERT_EQ(f.entries.size(), 1u);
  const Entry& e = f.entries[0];
  EXPECT_EQ(e.link, "http://example.org/blog/posts/1");
  EXPECT_EQ(e.content->type, kXhtml);  // inline XHTML keeps its media type
  EXPECT_EQ(e.content->value, "<p>Hi <a href=\"http://example.org/blog/x\">there</a></p>");
  // With no summary, the content doubles as one.
  EXPECT_EQ(e.summary, e.content);
}

TEST(Parse, DetectsLegacyCharsetsFromTheDeclaration) {
  // "Новости" in windows-1251.
  std::string doc = "<?xml version=\"1.0\" encoding=\"windows-1251\"?><rss version=\"2.0\"><channel>"
                    "<title>\xcd\xee\xe2\xee\xf1\xf2\xe8</title></channel></rss>";
  Feed f = parse_ok(doc);
  EXPECT_EQ(f.encoding, "windows-1251");
  EXPECT_EQ(f.meta.title->value, "\u041d\u043e\u0432\u043e\u0441\u0442\u0438");
  EXPECT_FALSE(f.bozo);
}

TEST(Parse, ByteOrderMarkWinsOverTheDeclaration) {
  std::string doc = "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><rss version=\"2.0\">"
                    "<channel><title>caf\xC3\xA9</title></channel></rss>";
  Feed f = parse_ok(doc);
  EXPECT_EQ(f.encoding, "utf-8");
  EXPECT_EQ(f.meta.title->value, "caf\u00e9");
}

TEST(Parse, InvalidUtf8SetsBozoAndNeverFails) {
  std::string doc = "<rss version=\"2.0\"><channel><title>caf\xE9</title></channel></rss>";
  Feed f = parse_ok(doc);
  EXPECT_TRUE(f.bozo);
  EXPECT_EQ(f.meta.title->value, "caf\u00e9");  // read as windows-1252
}

TEST(Parse, NotAFeedIsUnsupportedFormat) {
  auto f = parse("<html><body>hi</body></html>", {});
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().code, Errc::unsupported_format);
  auto g = parse("plain text", {});
  ASSERT_FALSE(g);
}

TEST(Parse, TruncatedDocumentKeepsWhatIsThereAndSetsBozo) {
  Feed f = parse_ok(R"xml(<rss version="2.0"><channel><title>t</title>
<item><title>One</title><guid>1</guid></item><item><title>Tw)xml");
  EXPECT_TRUE(f.bozo);
  ASSERT_GE(f.entries.size(), 1u);
  EXPECT_EQ(f.entries[0].title->value, "One");
}

TEST(Parse, ExternalEntitiesAreNeverExpanded) {
  Feed f = parse_ok(R"xml(<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>&xxe;</title></channel></rss>)xml");
  ASSERT_TRUE(f.meta.title);
  EXPECT_EQ(f.meta.title->value.find("root:"), std::string::npos);
}

TEST(JsonDump, AbsentValuesAreNullAndArraysAlwaysPresent) {
  Feed f = parse_ok("<rss version=\"2.0\"><channel><item><title>x</title></item></channel></rss>");
  auto j = to_json(f);
  EXPECT_EQ(j.at("format").as_string(), "rss20");
  EXPECT_TRUE(j.at("feed").as_object().at("title").is_null());
  EXPECT_TRUE(j.at("feed").as_object().at("links").is_array());
  const auto& e = j.at("entries").as_array().at(0).as_object();
  EXPECT_EQ(e.at("title").as_string(), "x");
  EXPECT_EQ(e.at("title_type").as_string(), "text/plain");
  EXPECT_TRUE(e.at("enclosures").as_array().empty());
  EXPECT_TRUE(e.at("source").is_null());
}

TEST(JsonDump, EntryRoundTripsThroughJson) {
  Feed f = parse_ok(R"xml(<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>T</title><id>i</id>
<link href="http://e.org/1"/><link rel="enclosure" href="http://e.org/a.mp3" length="5" type="audio/mpeg"/>
<author><name>A</name><uri>http://e.org/a</uri></author><category term="c" scheme="s"/>
<published>2024-01-01T00:00:00Z</published><summary>S</summary>
<source><id>urn:src</id><title>Src</title></source></entry></feed>)xml");
  ASSERT_EQ(f.entries.size(), 1u);
  EXPECT_EQ(entry_from_json(to_json(f.entries[0])), f.entries[0]);
}

TEST(AtomWriter, WritesWellFormedEscapedXmlThatParsesBack) {
  OutputFeed out;
  out.id = "urn:tributary:output:all";
  out.title = "All & more";
  out.updated = Time{std::chrono::seconds{1'717'200'000}};
  OutputEntry oe;
  oe.entry.id = "urn:tributary:item:1";
  oe.entry.title = Text{"Putin's <b>\"plan\"</b> \x01", kTextPlain};
  oe.entry.link = "https://news.example/a?x=1&y=2";
  oe.entry.published = Time{std::chrono::seconds{1'717'100'000}};
  oe.entry.content = Text{"<p>Body &amp; soul</p>", kTextHtml};
  out.entries.push_back(oe);
  std::string xml = write_atom(out);
  Feed back = parse_ok(xml);
  EXPECT_FALSE(back.bozo);
  EXPECT_EQ(back.format, Format::atom10);
  ASSERT_EQ(back.entries.size(), 1u);
  EXPECT_EQ(back.entries[0].title->value, "Putin's <b>\"plan\"</b>");  // control char dropped, trimmed
  EXPECT_EQ(back.entries[0].link, "https://news.example/a?x=1&y=2");
  EXPECT_EQ(back.entries[0].content->value, "<p>Body &amp; soul</p>");
  EXPECT_EQ(back.entries[0].published, oe.entry.published);
}

}  // namespace
}  // namespace tributary::feeds
