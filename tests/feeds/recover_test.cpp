#include "feeds/recover.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tributary::feeds::recover {
namespace {

struct RepairCase {
  const char* name;
  std::string input;
  std::string output;  // the repaired text ("" = unchanged)
  bool bozo;
};

TEST(RepairXml, FixesWhatStrictParsersRejectAndLeavesTheRestAlone) {
  const RepairCase cases[] = {
      {"well-formed stays", "<a x=\"1&amp;2\">&lt;b&gt; &#233; &#x41; &quot;</a>", "", false},
      {"bare ampersand", "<a>Q&A</a>", "<a>Q&amp;A</a>", true},
      {"ampersand at the end", "<a>x</a>&", "<a>x</a>&amp;", true},
      {"ampersand in attribute", "<a href=\"?a=1&b=2\"/>", "<a href=\"?a=1&amp;b=2\"/>", true},
      {"html entity", "<a>caf&eacute; &mdash;</a>", "<a>caf\u00e9 \u2014</a>", true},
      {"html entity that is markup", "<a>&LT;b&GT;</a>", "<a>&lt;b&gt;</a>", true},
      {"unknown entity", "<a>&bogus;</a>", "<a>&amp;bogus;</a>", true},
      {"control characters", std::string("<a>a\x01" "b\x0b\x1b" "c</a>"), "<a>abc</a>", true},
      {"tab, newline and return stay", "<a>a\tb\nc\rd</a>", "", false},
      {"control inside CDATA", std::string("<a><![CDATA[x\x08y]]></a>"), "<a><![CDATA[xy]]></a>", true},
      {"reference to a forbidden character", "<a>x&#0;y&#x1;z</a>", "<a>xyz</a>", true},
      {"leading blank lines before the declaration", "\n\n<?xml version=\"1.0\"?><a/>",
       "<?xml version=\"1.0\"?><a/>", true},
      {"leading junk", "Warning: x in y.php\n<?xml version=\"1.0\"?><a/>",
       "<?xml version=\"1.0\"?><a/>", true},
      {"blank lines before the root are fine", "\n\n<a/>", "", false},
      {"second declaration", "<a/><?xml version=\"1.0\"?>", "<a/>", true},
      {"lone '<' in text", "<a>1 < 2</a>", "<a>1 &lt; 2</a>", true},
      {"'<' in an attribute", "<a t=\"<\"/>", "<a t=\"&lt;\"/>", true},
      {"markup inside CDATA is text", "<a><![CDATA[<b>&nbsp;</b>]]></a>", "", false},
      {"comments are skipped", "<a><!-- & < --></a>", "", false},
      {"declared entity with references is not expanded",
       "<!DOCTYPE a [<!ENTITY me \"Jo &#38; Co\">]><a>&me;</a>",
       "<!DOCTYPE a [<!ENTITY me \"Jo &#38; Co\">]><a>&amp;me;</a>", true},
      {"plain declared entity", "<!DOCTYPE a [<!ENTITY me \"Jo\">]><a>&me;</a>",
       "<!DOCTYPE a [<!ENTITY me \"Jo\">]><a>Jo</a>", false},
      {"html entity with an external DTD is legal",
       "<!DOCTYPE rss SYSTEM \"http://my.netscape.com/publish/formats/rss-0.91.dtd\"><a>&eacute;</a>",
       "<!DOCTYPE rss SYSTEM \"http://my.netscape.com/publish/formats/rss-0.91.dtd\"><a>\u00e9</a>",
       false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Repaired r = repair_xml(c.input);
    EXPECT_EQ(r.bozo, c.bozo) << r.reason;
    if (c.output.empty() || c.output == c.input) {
      EXPECT_FALSE(r.changed && r.text != c.input) << r.text;
    } else {
      EXPECT_TRUE(r.changed);
      EXPECT_EQ(r.text, c.output);
    }
  }
}

TEST(RepairXml, NeverExpandsEntitiesThatCouldGrow) {
  // Billion laughs: only plain-text values are substituted, so the document
  // cannot grow beyond its own size plus the value of each reference.
  std::string doc = R"(<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<rss><channel><title>&lol3;</title></channel></rss>)";
  Repaired r = repair_xml(doc);
  std::string text = r.changed ? r.text : doc;
  EXPECT_LT(text.size(), doc.size() + 16);
  EXPECT_EQ(text.find("lollol"), std::string::npos);
  EXPECT_TRUE(r.bozo);  // &lol3; could not be represented
}

TEST(RepairXml, DeclaredEntitiesAddAtMostTheDocumentsSize) {
  // Quadratic blowup: one 64 KiB plain value referenced 20,000 times would
  // expand to 1.3 GB.
  std::string value(65536, 'A');
  std::string refs;
  for (int i = 0; i < 20000; ++i) refs += "&a;";
  std::string doc = "<!DOCTYPE rss [<!ENTITY a \"" + value + "\">]><rss><d>" + refs + "</d></rss>";
  Repaired r = repair_xml(doc);
  ASSERT_TRUE(r.changed);
  EXPECT_LE(r.text.size(), 2 * doc.size() + 20000 * 4);
  EXPECT_TRUE(r.bozo);
  EXPECT_NE(r.reason.find("expand beyond"), std::string::npos) << r.reason;
  // The first references within the budget are substituted, the rest kept
  // as text.
  EXPECT_NE(r.text.find("<d>" + value), std::string::npos);
  EXPECT_NE(r.text.find("&amp;a;</d>"), std::string::npos);
}

TEST(RepairXml, MovesLongCdataSectionsOutWhenAsked) {
  const std::string body(100, 'x');
  const std::string doc = "<a><![CDATA[" + body + "]]><![CDATA[short]]><![CDATA[" + body +
                          "\r\n]]><![CDATA[" + body + "\x02]]></a>";
  Repaired r = repair_xml(doc, /*extract_cdata=*/true);
  ASSERT_TRUE(r.changed);
  // Only the first: short sections, sections with a CR (the XML parser
  // normalizes it) and repaired ones stay in the text.
  ASSERT_EQ(r.cdata.size(), 1u);
  EXPECT_EQ(r.cdata[0], body);
  EXPECT_EQ(r.text, "<a><![CDATA[\x01" "0]]><![CDATA[short]]><![CDATA[" + body + "\r\n]]><![CDATA[" + body +
                        "]]></a>");
  EXPECT_TRUE(r.bozo);  // the control character

  Repaired plain = repair_xml(doc);
  EXPECT_TRUE(plain.cdata.empty());
  EXPECT_EQ(plain.text.find('\x01'), std::string::npos);
}

TEST(RepairXml, RecognizesTheNetscapeDoctype) {
  Repaired r = repair_xml(
      "<!DOCTYPE rss PUBLIC \"-//Netscape Communications//DTD RSS 0.91//EN\" "
      "\"http://my.netscape.com/publish/formats/rss-0.91.dtd\"><rss version=\"0.91\"/>");
  EXPECT_TRUE(r.netscape_doctype);
  EXPECT_FALSE(r.bozo);
}

// Records events as a compact string: <a x=1>text</a>.
class Recorder final : public xml::Handler {
 public:
  std::string out;
  void start_element(std::string_view name, std::span<const xml::Attribute> attributes) override {
    out += '<';
    out += name;
    for (const auto& a : attributes) {
      out += ' ';
      out += a.name;
      out += '=';
      out += a.value;
    }
    out += '>';
  }
  void characters(std::string_view text) override { out += text; }
  void end_element(std::string_view name) override {
    out += "</";
    out += name;
    out += '>';
  }
};

TEST(ParseTolerant, YieldsBalancedEventsForBrokenMarkup) {
  const std::pair<const char*, const char*> cases[] = {
      {"<a><b>x</a>", "<a><b>x</b></a>"},
      {"<a>x</b>y</a>", "<a>xy</a>"},
      {"<a><b>unclosed", "<a><b>unclosed</b></a>"},
      {"<a x=1 y='2' z>t</a>", "<a x=1 y=2 z=>t</a>"},
      {"<a>&amp;&lt;&#65;&eacute;&bogus;</a>", "<a>&<A\u00e9&bogus;</a>"},
      {"<a><![CDATA[<b>]]></a>", "<a><b></a>"},
      {"junk<a/>junk", "<a></a>"},
      {"<a><!-- <b> --><?pi x?></a>", "<a></a>"},
      {"<a>1 < 2</a>", "<a>1 < 2</a>"},
      {"<a><b><c>", "<a><b><c></c></b></a>"},
      {"", ""},
  };
  for (const auto& [in, want] : cases) {
    SCOPED_TRACE(in);
    Recorder r;
    parse_tolerant(in, r);
    EXPECT_EQ(r.out, want);
  }
}

}  // namespace
}  // namespace tributary::feeds::recover
