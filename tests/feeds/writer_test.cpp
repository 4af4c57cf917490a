// Writers: escaping tables, and parse(write(feed)) == feed in each format for
// hand-made models and for the entries of real feeds (tests/fixtures/outputs,
// the feedparser corpus and the generated corpus when present).
//
// "Equal" compares what each format can carry, field by field (see
// `Projection`): RSS has no category labels, no contributors and one
// <source>; JSON Feed has no author e-mail (it goes in the url as mailto:),
// no category schemes, and keeps sources and related stories in the
// `_tributary` extension, which feeds::parse does not read and which is
// checked here from the JSON itself.

#include "feeds/writer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <boost/json.hpp>
#include <pugixml.hpp>

#include "feeds/date.h"
#include "feeds/html/sanitize.h"
#include "feeds/html/text.h"
#include "feeds/parse.h"

namespace tributary::feeds {
namespace {

namespace fs = std::filesystem;

Time at(std::int64_t s) { return Time{std::chrono::seconds{s}}; }

// ---- escaping ----------------------------------------------------------------

TEST(XmlEscape, EscapesDropsAndRepairs) {
  struct Case {
    std::string in;
    std::string out;
  };
  const Case cases[] = {
      {"plain", "plain"},
      {"a & b < c > d \"e\" 'f'", "a &amp; b &lt; c &gt; d &quot;e&quot; 'f'"},
      {"]]>", "]]&gt;"},
      {"tab\there\nnl\rcr", "tab\there\nnl\rcr"},
      {std::string("nul\0x", 5), "nulx"},
      {"bell\x07 esc\x1b del\x7f", "bell esc del"},
      {"c1 \xc2\x85 \xc2\x9f end", "c1   end"},
      {"bad \xff byte", "bad \xef\xbf\xbd byte"},
      {"cut \xe2\x82", "cut \xef\xbf\xbd\xef\xbf\xbd"},
      {"overlong \xc0\xaf", "overlong \xef\xbf\xbd\xef\xbf\xbd"},
      {"surrogate \xed\xa0\x80", "surrogate \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
      {"nonchar \xef\xbf\xbe\xef\xbf\xbf ok", "nonchar  ok"},
      {"emoji \xf0\x9f\x8e\x89 cjk \xe6\x97\xa5", "emoji \xf0\x9f\x8e\x89 cjk \xe6\x97\xa5"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.in);
    std::string out;
    append_xml_escaped(out, c.in);
    EXPECT_EQ(out, c.out);
    std::string cleaned = clean_text(c.in);
    EXPECT_EQ(cleaned.find('\x01'), std::string::npos);
    std::string html;
    append_html_escaped(html, c.in);
    EXPECT_EQ(html, c.out);
  }
}

TEST(WritableUrl, AbsoluteSafeAndEncoded) {
  const std::pair<const char*, std::optional<std::string>> cases[] = {
      {"https://example.org/a?b=c&d=e#f", "https://example.org/a?b=c&d=e#f"},
      {"  https://example.org/ ", "https://example.org/"},
      {"https://example.org/ünï code/", "https://example.org/%C3%BCn%C3%AF%20code/"},
      {"https://example.org/a\"b<c>", "https://example.org/a%22b%3Cc%3E"},
      {"mailto:someone@example.org", "mailto:someone@example.org"},
      {"urn:tributary:item:1", "urn:tributary:item:1"},
      {"javascript:alert(1)", std::nullopt},
      {"data:text/html,<b>", std::nullopt},
      {"/relative/path", std::nullopt},
      {"", std::nullopt},
  };
  for (const auto& [in, out] : cases) {
    SCOPED_TRACE(in);
    EXPECT_EQ(writable_url(in), out);
  }
}

TEST(LanguageAndMediaType, Shapes) {
  for (const char* ok : {"en", "en-US", "zh-Hant-TW", "x-klingon", "i-navajo"}) EXPECT_TRUE(is_language_tag(ok)) << ok;
  for (const char* bad : {"", "en_US", "englishlanguage", "123", "en-", "-en", "en US"}) {
    EXPECT_FALSE(is_language_tag(bad)) << bad;
  }
  for (const char* ok : {"audio/mpeg", "text/html; charset=utf-8", "application/atom+xml"}) {
    EXPECT_TRUE(is_media_type(ok)) << ok;
  }
  for (const char* bad : {"", "audio", "/mpeg", "audio/", "audio /mpeg", "a/b\n"}) EXPECT_FALSE(is_media_type(bad)) << bad;
}

// ---- models ----------------------------------------------------------------

enum class Fmt { atom, rss, json };
const char* name(Fmt f) { return f == Fmt::atom ? "atom" : f == Fmt::rss ? "rss" : "json"; }

std::string write(Fmt f, const OutputFeed& feed) {
  switch (f) {
    case Fmt::atom: return write_atom(feed);
    case Fmt::rss: return write_rss(feed);
    case Fmt::json: return write_json_feed(feed);
  }
  return {};
}

FeedMeta source(std::string url, std::string title, std::string home) {
  FeedMeta m;
  m.id = std::move(url);
  m.title = Text{std::move(title), kTextPlain};
  m.link = home;
  m.links.push_back(Link{"alternate", std::move(home), "text/html", "", "", {}});
  return m;
}

OutputFeed hand_made() {
  OutputFeed f;
  f.id = "urn:tributary:output:test";
  f.title = "Test & <output>";
  f.subtitle = "All the \"fields\"";
  f.self_url = "http://127.0.0.1:8080/feeds/test";
  f.alternate_url = "http://127.0.0.1:8080/";
  f.hub = "https://hub.example.org/";
  f.language = "en";
  f.ttl_minutes = 30;
  f.updated = at(1'717'400'000);

  OutputEntry full;
  Entry& e = full.entry;
  e.id = "urn:tributary:item:0123456789abcdef";
  e.title = Text{"AT&T <3 \"quoted\" 'single' ]]> & \xf0\x9f\x8e\x89 \xd7\xa2\xd7\x91\xd7\xa8\xd7\x99\xd7\xaa", kTextPlain};
  e.link = "https://news.example/2024/06/a?x=1&y=2";
  e.links = {Link{"alternate", e.link, "text/html", "", "", {}},
             Link{"enclosure", "https://news.example/a.mp3", "audio/mpeg", "", "", 31'415'926}};
  e.published = at(1'717'300'000);
  e.updated = at(1'717'350'000);
  e.authors = {Person{"Zoë Ŝmith", "zoe@news.example", "https://news.example/zoe"}, Person{"Bob", "", ""}};
  e.categories = {Category{"Politics & Law", "https://news.example/cat", ""}, Category{"World", "", ""}};
  e.summary = Text{"A plain summary with <angle> brackets & ampersands", kTextPlain};
  e.content = Text{html::sanitize("<p>Body with <a href=\"https://x.example/\">a link</a>, ]]&gt; and &amp;.</p>"
                                  "<p>Second &lt;paragraph&gt; \xe6\x97\xa5\xe6\x9c\xac</p>", ""),
                   kTextHtml};
  e.enclosures = {Enclosure{"https://news.example/a.mp3", "audio/mpeg", 31'415'926}};
  full.sources = {source("https://news.example/feed.xml", "News & Co", "https://news.example/"),
                  source("https://other.example/rss", "Other <Paper>", "https://other.example/")};
  full.related = {RelatedStory{"urn:tributary:item:fedcba9876543210", "Same story elsewhere",
                               "https://third.example/story", "Third", "https://third.example/", ""}};
  f.entries.push_back(full);

  OutputEntry minimal;
  minimal.entry.id = "urn:tributary:item:1";
  minimal.entry.title = Text{"Only a title", kTextPlain};
  minimal.entry.link = "https://minimal.example/1";
  minimal.entry.published = at(1'717'200'000);
  f.entries.push_back(minimal);

  OutputEntry no_link;
  no_link.entry.id = "urn:tributary:item:2";
  no_link.entry.title = Text{"No link, summary only", kTextPlain};
  no_link.entry.summary = Text{"Summary text", kTextPlain};
  no_link.entry.updated = at(1'717'100'000);
  f.entries.push_back(no_link);

  OutputEntry scripts;
  scripts.entry.id = "urn:tributary:item:3";
  scripts.entry.title = Text{"<script>alert(\"title\")</script> stays text", kTextPlain};
  scripts.entry.link = "https://scripts.example/3";
  scripts.entry.published = at(1'717'000'000);
  scripts.entry.content = Text{html::sanitize("<p>Fine <b>bold</b></p>", ""), kTextHtml};
  scripts.entry.summary = Text{"Fine bold", kTextPlain};
  f.entries.push_back(scripts);
  return f;
}

// ---- comparison ------------------------------------------------------------

std::string shown(const std::optional<Text>& t) {
  if (!t) return "";
  return html::normalize_space(t->is_html() ? html::html_to_text(t->value) : t->value);
}

// What a format keeps of an entry, in comparable form.
struct Projection {
  std::string id, title, link, summary, content;
  std::optional<Time> published, updated;
  std::vector<std::string> authors, categories, enclosures, sources, related;
  std::string source_id, source_title;
  friend bool operator==(const Projection&, const Projection&) = default;
};

std::ostream& operator<<(std::ostream& os, const Projection& p) {
  auto list = [&](const std::vector<std::string>& v) {
    std::string s = "[";
    for (const auto& x : v) s += x + "|";
    return s + "]";
  };
  auto date = [](const std::optional<Time>& t) { return t ? format_rfc3339(*t) : std::string("-"); };
  return os << "\n  id=" << p.id << "\n  title=" << p.title << "\n  link=" << p.link
            << "\n  published=" << date(p.published) << " updated=" << date(p.updated)
            << "\n  authors=" << list(p.authors) << "\n  categories=" << list(p.categories)
            << "\n  enclosures=" << list(p.enclosures) << "\n  sources=" << list(p.sources)
            << "\n  related=" << list(p.related) << "\n  source=" << p.source_id << " " << p.source_title
            << "\n  summary=" << p.summary << "\n  content=" << p.content.substr(0, 300);
}

std::string enclosure_key(const std::string& url, const std::string& type, std::optional<std::int64_t> length,
                          Fmt f) {
  std::string t = is_media_type(type) ? type : "";
  std::int64_t n = length.value_or(0);
  if (f == Fmt::rss && t.empty()) t = "application/octet-stream";
  if (f == Fmt::json && t.empty()) t = "application/octet-stream";
  if (f == Fmt::json) n = n > 0 ? n : 0;
  return url + " " + t + " " + std::to_string(n);
}

// The model as format `f` carries it.
Projection expected(const OutputEntry& oe, const OutputFeed& feed, Fmt f) {
  const Entry& e = oe.entry;
  Projection p;
  p.id = clean_text(e.id);
  p.title = html::normalize_space(clean_text(shown(e.title)));
  p.link = writable_url(e.link).value_or("");
  // Dates: one of published/updated always appears; the other follows it.
  std::optional<Time> updated = e.updated ? e.updated : e.published;
  std::optional<Time> published = e.published ? e.published : e.updated;
  if (f == Fmt::atom) updated = updated.value_or(feed.updated);
  if (f == Fmt::json) updated = updated.value_or(feed.updated);
  p.published = published ? published : updated;
  p.updated = updated;
  for (const auto& a : e.authors) {
    std::string n = clean_text(a.name.empty() ? a.email : a.name);
    if (!n.empty()) p.authors.push_back(n);
  }
  std::sort(p.authors.begin(), p.authors.end());
  for (const auto& c : e.categories) {
    if (c.term.empty()) continue;
    std::string key = clean_text(c.term);
    if (f != Fmt::json) key += " " + clean_text(c.scheme);
    if (f == Fmt::atom) key += " " + clean_text(c.label);
    p.categories.push_back(key);
  }
  std::set<std::string> urls;
  for (const auto& enc : e.enclosures) {
    if (auto u = writable_url(enc.url); u && urls.insert(*u).second) {
      p.enclosures.push_back(enclosure_key(*u, enc.type, enc.length, f));
    }
  }
  std::sort(p.enclosures.begin(), p.enclosures.end());
  if (f != Fmt::json) {
    // The entry's own via/related links are written as links too, first.
    for (const auto& l : e.links) {
      auto u = writable_url(l.href);
      if (u && l.rel == "via") p.sources.push_back(*u + " " + clean_text(l.title));
      if (u && l.rel == "related") p.related.push_back(*u + " " + clean_text(l.title));
    }
  }
  for (const auto& s : oe.sources) {
    if (auto u = writable_url(s.id)) p.sources.push_back(*u + " " + clean_text(shown(s.title)));
  }
  for (const auto& r : oe.related) {
    if (auto u = writable_url(r.link)) p.related.push_back(*u + " " + clean_text(r.title));
  }
  if (!oe.sources.empty() && f != Fmt::json) {
    p.source_id = writable_url(oe.sources.front().id).value_or("");
    p.source_title = clean_text(shown(oe.sources.front().title));
  }
  std::string summary = html::normalize_space(clean_text(shown(e.summary)));
  std::string content = e.content ? clean_text(e.content->value) : std::string();
  bool content_html = e.content && e.content->is_html();
  if (content.empty() && f != Fmt::rss) {
    // Atom without content and without a link, and JSON Feed always, use
    // the summary as content.
    if (f == Fmt::json || p.link.empty()) {
      content = e.summary ? clean_text(e.summary->value) : "";
      content_html = e.summary && e.summary->is_html();
    }
  }
  // RSS has no plain-text content: the writer HTML-escapes it, and parsers
  // (feedparser too) read content:encoded back as HTML, whatever the model's
  // type was (text/plain, or a base64 media type decoded to text).
  if (f == Fmt::rss && !content_html && !content.empty()) {
    std::string escaped;
    append_html_escaped(escaped, content);
    content = std::move(escaped);
    content_html = true;
  }
  // The XML parsers trim text constructs (feedparser does); JSON strings
  // come back as written.
  auto trim = [](std::string v) {
    std::size_t first = v.find_first_not_of(" \t\r\n"), last = v.find_last_not_of(" \t\r\n");
    return first == std::string::npos ? std::string() : v.substr(first, last - first + 1);
  };
  p.content = !content_html ? html::normalize_space(content) : f == Fmt::json ? content : trim(content);
  // Parsers copy the content into a missing summary.
  p.summary = summary.empty() ? html::normalize_space(html::html_to_text(p.content)) : summary;
  return p;
}

// What feeds::parse read back, with `via`/`related` links split out.
Projection observed(const Entry& e, Fmt f, const boost::json::object* json_item) {
  Projection p;
  p.id = e.id;
  p.title = html::normalize_space(shown(e.title));
  p.link = e.link;
  // feedparser's rule, which feeds::parse follows: an Atom entry without an
  // alternate link takes its id as link.
  if (f == Fmt::atom && e.link == e.id &&
      std::none_of(e.links.begin(), e.links.end(), [](const Link& l) { return l.rel == "alternate"; })) {
    p.link.clear();
  }
  p.published = e.published ? e.published : e.updated;
  p.updated = e.updated ? e.updated : e.published;
  for (const auto& a : e.authors) {
    std::string n = a.name.empty() ? a.email : a.name;
    if (!n.empty()) p.authors.push_back(n);
  }
  std::sort(p.authors.begin(), p.authors.end());
  for (const auto& c : e.categories) {
    std::string key = c.term;
    if (f != Fmt::json) key += " " + c.scheme;
    if (f == Fmt::atom) key += " " + c.label;
    p.categories.push_back(key);
  }
  for (const auto& enc : e.enclosures) p.enclosures.push_back(enclosure_key(enc.url, enc.type, enc.length, f));
  std::sort(p.enclosures.begin(), p.enclosures.end());
  p.enclosures.erase(std::unique(p.enclosures.begin(), p.enclosures.end()), p.enclosures.end());
  for (const auto& l : e.links) {
    if (l.rel == "via") p.sources.push_back(l.href + " " + l.title);
    if (l.rel == "related") p.related.push_back(l.href + " " + l.title);
  }
  if (json_item) {
    // The extension object feeds::parse does not read.
    namespace json = boost::json;
    auto str = [](const json::object& o, const char* k) {
      auto* v = o.if_contains(k);
      return v && v->is_string() ? std::string(v->as_string()) : std::string();
    };
    if (auto* ext = json_item->if_contains("_tributary"); ext && ext->is_object()) {
      if (auto* s = ext->as_object().if_contains("sources")) {
        for (const auto& x : s->as_array()) p.sources.push_back(str(x.as_object(), "feed_url") + " " + str(x.as_object(), "title"));
      }
      if (auto* r = ext->as_object().if_contains("related")) {
        for (const auto& x : r->as_array()) p.related.push_back(str(x.as_object(), "url") + " " + str(x.as_object(), "title"));
      }
    }
  }
  if (e.source) {
    p.source_id = e.source->id.empty() ? e.source->link : e.source->id;
    p.source_title = shown(e.source->title);
  }
  bool html = e.content && e.content->is_html();
  p.content = e.content ? (html ? e.content->value : html::normalize_space(e.content->value)) : "";
  p.summary = html::normalize_space(shown(e.summary));
  if (p.summary.empty() && !p.content.empty()) p.summary = html::normalize_space(html::html_to_text(p.content));
  return p;
}

// Writes `feed` in `f`, parses it back and compares every entry. Returns
// the number of entries that differ (each reported).
int round_trip(const OutputFeed& feed, Fmt f, const std::string& label) {
  std::string bytes = write(f, feed);
  auto parsed = parse(bytes, Source{feed.self_url, "", "", ""});
  if (!parsed) {
    ADD_FAILURE() << label << " " << name(f) << ": does not parse: " << parsed.error().message;
    return 1;
  }
  EXPECT_FALSE(parsed->bozo) << label << " " << name(f) << ": " << parsed->bozo_reason;
  if (parsed->entries.size() != feed.entries.size()) {
    ADD_FAILURE() << label << " " << name(f) << ": " << parsed->entries.size() << " entries, wrote "
                  << feed.entries.size();
    return 1;
  }
  boost::json::value doc;
  if (f == Fmt::json) doc = boost::json::parse(bytes);
  int bad = 0;
  for (std::size_t i = 0; i < feed.entries.size(); ++i) {
    const boost::json::object* item =
        f == Fmt::json ? &doc.as_object().at("items").as_array()[i].as_object() : nullptr;
    Projection want = expected(feed.entries[i], feed, f);
    Projection got = observed(parsed->entries[i], f, item);
    if (want != got) {
      if (++bad <= 3) ADD_FAILURE() << label << " " << name(f) << " entry " << i << "\nwant:" << want << "\ngot:" << got;
    }
  }
  return bad;
}

TEST(RoundTrip, HandMadeModelInEveryFormat) {
  OutputFeed feed = hand_made();
  for (Fmt f : {Fmt::atom, Fmt::rss, Fmt::json}) {
    SCOPED_TRACE(name(f));
    EXPECT_EQ(round_trip(feed, f, "hand-made"), 0);
  }
}

TEST(RoundTrip, FeedLevelFields) {
  OutputFeed feed = hand_made();
  for (Fmt f : {Fmt::atom, Fmt::rss, Fmt::json}) {
    SCOPED_TRACE(name(f));
    auto parsed = parse(write(f, feed), Source{});
    ASSERT_TRUE(parsed);
    EXPECT_EQ(shown(parsed->meta.title), "Test & <output>");
    EXPECT_EQ(parsed->meta.language, "en");
    bool self = false, hub = false;
    for (const auto& l : parsed->meta.links) {
      self |= l.rel == "self" && l.href == feed.self_url;
      hub |= l.rel == "hub" && l.href == feed.hub;
    }
    if (f != Fmt::json) {
      EXPECT_TRUE(self);
      EXPECT_TRUE(hub);
    }
  }
  boost::json::object o = boost::json::parse(write_json_feed(feed)).as_object();
  EXPECT_EQ(o.at("feed_url").as_string(), feed.self_url);
  EXPECT_EQ(o.at("hubs").as_array()[0].as_object().at("url").as_string(), feed.hub);
  EXPECT_EQ(o.at("hubs").as_array()[0].as_object().at("type").as_string(), "WebSub");
}

TEST(Writers, OutputIsCleanWhateverTheModelHolds) {
  OutputFeed feed = hand_made();
  Entry& e = feed.entries[1].entry;
  e.title = Text{std::string("ctl\x01\x02 nul\0 c1\xc2\x80 bad\xff end", 24), kTextPlain};
  e.link = "javascript:alert(1)";
  e.content = Text{"<p>]]></p>", kTextHtml};
  e.language = "not a language tag!";
  e.authors = {Person{"", "not-an-email", "javascript:x"}};
  for (Fmt f : {Fmt::atom, Fmt::rss, Fmt::json}) {
    SCOPED_TRACE(name(f));
    std::string out = write(f, feed);
    for (char c : out) {
      auto u = static_cast<unsigned char>(c);
      EXPECT_TRUE(u >= 0x20 || c == '\n' || c == '\t' || c == '\r') << int(u);
      if (u < 0x20 && c != '\n' && c != '\t' && c != '\r') break;
    }
    EXPECT_EQ(out.find("javascript:"), std::string::npos);
    EXPECT_EQ(out.find("<![CDATA["), std::string::npos);
    EXPECT_EQ(clean_text(out), out);  // valid UTF-8, nothing XML forbids
    auto parsed = parse(out, Source{});
    ASSERT_TRUE(parsed);
    EXPECT_FALSE(parsed->bozo) << parsed->bozo_reason;
  }
  pugi::xml_document doc;
  EXPECT_TRUE(doc.load_string(write_atom(feed).c_str()));
  EXPECT_TRUE(doc.load_string(write_rss(feed).c_str()));
}

TEST(Writers, RssTitlesAreHtmlEscapedOnce) {
  OutputFeed feed = hand_made();
  std::string rss = write_rss(feed);
  // "<script>" as text: its < HTML-escaped, then XML-escaped.
  EXPECT_NE(rss.find("<title>&amp;lt;script&gt;alert(&quot;title&quot;)&amp;lt;/script&gt; stays text</title>"),
            std::string::npos);
  std::string atom = write_atom(feed);
  EXPECT_NE(atom.find("<title>&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt; stays text</title>"),
            std::string::npos);
}

// newsboat shows RSS titles as plain text, most readers as HTML: quotes,
// apostrophes and " & " are written as themselves, so that both show them.
TEST(Writers, RssTitlesReadTheSameAsTextAndAsHtml) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"Arts & Culture: \"shadow fleet\" > 5, Putin's", "Arts &amp; Culture: &quot;shadow fleet&quot; &gt; 5, Putin's"},
      {"R&D at AT&T <3", "R&amp;amp;D at AT&amp;amp;T &amp;lt;3"},
      {"&copy; &#169; <b> </i> <!-- <?x &", "&amp;amp;copy; &amp;amp;#169; &amp;lt;b&gt; &amp;lt;/i&gt; &amp;lt;!-- &amp;lt;?x &amp;"},
  };
  for (const auto& [title, written] : cases) {
    OutputFeed feed = hand_made();
    feed.entries.resize(1);
    feed.entries[0].entry.title = Text{title, kTextPlain};
    std::string rss = write_rss(feed);
    EXPECT_NE(rss.find("<title>" + written + "</title>"), std::string::npos) << title;
    auto parsed = parse(rss, Source{});
    ASSERT_TRUE(parsed) << title;
    ASSERT_EQ(parsed->entries.size(), 1u);
    EXPECT_EQ(shown(parsed->entries[0].title), title);
  }
}

TEST(Writers, RssAuthorIsAnAddressReadersTakeBackWhole) {
  OutputFeed feed = hand_made();
  Entry& e = feed.entries[0].entry;
  // feedparser reads "ed@news.example (Ed)" as ed@news.exam, name "ple (Ed".
  e.authors = {Person{"Ed", "ed@news.example", ""}, Person{"Al", "al@news.example.com", ""}};
  std::string rss = write_rss(feed);
  EXPECT_NE(rss.find("<author>al@news.example.com (Al)</author>"), std::string::npos);
  EXPECT_NE(rss.find("<dc:creator>Ed</dc:creator>"), std::string::npos);
  EXPECT_EQ(rss.find("ed@news.example"), std::string::npos);
  e.authors = {Person{"O'Brien", "o'brien@news.example.com", ""}};
  rss = write_rss(feed);
  EXPECT_NE(rss.find("<dc:creator>O'Brien</dc:creator>"), std::string::npos);
}

// ---- real feeds ------------------------------------------------------------

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The entries of the feed files under `dir` (every `step`-th file), as an
// output publishes them.
OutputFeed output_of(const std::vector<fs::path>& files) {
  OutputFeed feed;
  feed.id = "urn:tributary:output:corpus";
  feed.title = "corpus";
  feed.self_url = "http://127.0.0.1:8080/feeds/corpus";
  feed.updated = at(1'717'000'000);
  std::size_t n = 0;
  for (const auto& path : files) {
    auto parsed = parse(read_file(path), Source{"file://" + path.string(), "", "", ""});
    if (!parsed) continue;
    for (auto& e : parsed->entries) {
      OutputEntry oe;
      oe.entry = publishable(std::move(e));
      // Output ids are the store's URNs.
      oe.entry.id = "urn:tributary:item:" + std::to_string(++n);
      FeedMeta src;  // feed URLs are http(s) in real outputs
      src.id = "https://corpus.example/" + path.filename().string();
      src.title = parsed->meta.title;
      if (src.title) src.title = Text{shown(src.title), kTextPlain};
      oe.sources.push_back(src);
      feed.entries.push_back(std::move(oe));
    }
  }
  return feed;
}

std::vector<fs::path> files_under(const fs::path& dir, std::size_t step) {
  std::vector<fs::path> out;
  if (!fs::is_directory(dir)) return out;
  for (const auto& f : fs::recursive_directory_iterator(dir)) {
    if (f.is_regular_file() && f.path().extension() != ".gz") out.push_back(f.path());
  }
  std::sort(out.begin(), out.end());
  std::vector<fs::path> picked;
  for (std::size_t i = 0; i < out.size(); i += step) picked.push_back(out[i]);
  return picked;
}

void round_trip_corpus(const std::vector<fs::path>& files, const std::string& label) {
  OutputFeed feed = output_of(files);
  ASSERT_FALSE(feed.entries.empty()) << label;
  for (Fmt f : {Fmt::atom, Fmt::rss, Fmt::json}) {
    int bad = round_trip(feed, f, label);
    EXPECT_EQ(bad, 0) << label << " " << name(f) << ": " << bad << " of " << feed.entries.size()
                      << " entries differ";
    std::cout << "[ round trip ] " << label << " " << name(f) << ": " << feed.entries.size() - bad << " of "
              << feed.entries.size() << " entries equal\n";
  }
}

TEST(RoundTrip, FixtureFeeds) {
  round_trip_corpus(files_under(fs::path(TRIBUTARY_FIXTURES) / "outputs", 1), "tests/fixtures/outputs");
}

TEST(RoundTrip, FeedparserCorpus) {
  fs::path dir = fs::path(TRIBUTARY_SOURCE_DIR) / ".." / "shared" / "corpora" / "feedparser" / "wellformed";
  if (!fs::is_directory(dir)) GTEST_SKIP() << dir << " not found (../shared absent)";
  round_trip_corpus(files_under(dir, 1), "feedparser wellformed");
}

TEST(RoundTrip, GeneratedCorpus) {
  fs::path dir = "/work/corpus/c2000/feeds";
  if (const char* env = std::getenv("TRIBUTARY_CORPUS_DIR")) dir = fs::path(env) / "feeds";
  if (!fs::is_directory(dir)) GTEST_SKIP() << dir << " not found (set TRIBUTARY_CORPUS_DIR)";
  round_trip_corpus(files_under(dir, 40), "c2000 every 40th file");
}

}  // namespace
}  // namespace tributary::feeds
