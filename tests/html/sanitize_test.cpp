#include "feeds/html/sanitize.h"

#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "feeds/html/css.h"

namespace {

using tributary::feeds::html::html_to_text;
using tributary::feeds::html::kMaxSanitizeDepth;
using tributary::feeds::html::sanitize;
using tributary::feeds::html::sanitize_style;

struct Case {
  std::string_view input;
  std::string_view expected;
};

constexpr std::string_view kBase = "https://example.org/dir/page.html";

void expect_sanitized(const std::vector<Case>& cases, std::string_view base = "") {
  for (const auto& c : cases) {
    SCOPED_TRACE(c.input);
    const std::string once = sanitize(c.input, base);
    EXPECT_EQ(once, c.expected);
    EXPECT_EQ(sanitize(once, base), once) << "not idempotent";
  }
}

TEST(Sanitize, KeepsAllowedMarkupUnchanged) {
  expect_sanitized({
      {"<p>Hello <b>world</b></p>", "<p>Hello <b>world</b></p>"},
      {"<blockquote><p><em>a</em> <strong>b</strong></p></blockquote>",
       "<blockquote><p><em>a</em> <strong>b</strong></p></blockquote>"},
      {"<table><tbody><tr><td>1</td><th>2</th></tr></tbody></table>",
       "<table><tbody><tr><td>1</td><th>2</th></tr></tbody></table>"},
      {"<figure><img alt=\"x\" src=\"https://e.com/a.png\" /><figcaption>c</figcaption></figure>",
       "<figure><img alt=\"x\" src=\"https://e.com/a.png\" /><figcaption>c</figcaption></figure>"},
      {"<pre><code>int x;\n  y();</code></pre>", "<pre><code>int x;\n  y();</code></pre>"},
      {"plain text", "plain text"},
      {"", ""},
  });
}

TEST(Sanitize, DropsScriptStyleAppletAndTemplateWithTheirContent) {
  expect_sanitized({
      {"safe<script>alert(1)</script> description", "safe description"},
      {"<SCRIPT SRC=http://x/xss.js></SCRIPT>safe", "safe"},
      {"<SCRIPT/XSS SRC=\"http://x/xss.js\"></SCRIPT>safe", "safe"},
      {"<SCRIPT a=\">\" SRC=\"http://x/xss.js\"></SCRIPT>safe", "safe"},
      {"<script>document.write(\"<SCRI\");</script>PT SRC=x", "PT SRC=x"},
      {"<<SCRIPT>alert(\"XSS\");//\\<</SCRIPT>", "&lt;"},
      {"<script>a</scriptx>b</script >c", "c"},
      {"<style>body{color:red}</style>text", "text"},
      {"safe<applet code=\"x.class\"><param name=a value=b>fallback</applet> <b>description</b>",
       "safe <b>description</b>"},
      {"<applet><applet>x</applet>y</applet>z", "z"},
      {"<template><p>inert</p></template>after", "after"},
      // iframe, noembed and noframes hold raw text: kept as (escaped) text.
      {"<iframe src=\"https://e.com\">fallback <b>x</b></iframe>after", "fallback &lt;b&gt;x&lt;/b&gt;after"},
      {"<noembed><img src=x></noembed><noframes>nf</noframes>ok", "&lt;img src=x&gt;nfok"},
      {"<script>never closed", ""},
  });
}

TEST(Sanitize, DropsUnknownAndDangerousElementsButKeepsTheirText) {
  expect_sanitized({
      {"<blink>safe</blink> description", "safe description"},
      {"safe<embed src=\"http://e.com/\"> <b>description</b>", "safe <b>description</b>"},
      {"<object data=\"x.swf\"><param name=a value=b>fallback</object>", "fallback"},
      {"<form action=\"https://evil.example/\"><input name=\"q\" type=\"text\"></form>",
       "<input name=\"q\" type=\"text\" />"},
      {"<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">m", "m"},
      {"<link rel=stylesheet href=x.css><base href=\"https://evil.example/\">b", "b"},
      {"<frameset><frame src=\"javascript:alert(1)\"></frameset>f", "f"},
      {"<html><head></head><body><p>x</p></body></html>", "<p>x</p>"},
      {"<custom-element attr=\"1\">text</custom-element>", "text"},
  });
}

TEST(Sanitize, RemovesEventHandlersAndUnlistedAttributes) {
  expect_sanitized({
      {"<img src=\"https://e.com/a.jpg\" onerror=\"alert(1)\">", "<img src=\"https://e.com/a.jpg\" />"},
      {"<a onmouseover=\"alert(document.cookie)\">xxs link</a>", "<a>xxs link</a>"},
      {"<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert(\"XSS\")>", ""},
      {"<details open ontoggle=alert(1)>", "<details open=\"\"></details>"},
      {"<img border=\"0\" i$=\"true\" src=\"http://site.invalid/img.jpg\" />",
       "<img border=\"0\" src=\"http://site.invalid/img.jpg\" />"},
      {"<iframe srcdoc=\"&lt;script&gt;alert(1)&lt;/script&gt;\"></iframe>", ""},
      {"<p xml:base=\"javascript:alert(1)//\" data-x=\"1\" autoplay>t</p>", "<p>t</p>"},
      {"<div notRealAttribute=\"value\"onmouseover=\"executeMe();\"foo=\"bar\">x</div>", "<div>x</div>"},
  });
}

TEST(Sanitize, RemovesUrlsWithUnsafeSchemes) {
  expect_sanitized({
      {"<a href=\"javascript:alert(1)\">safe</a>", "<a>safe</a>"},
      {"<a href=\"  JaVaScRiPt:alert(1)\">x</a>", "<a>x</a>"},
      {"<IMG SRC=JaVaScRiPt:alert('XSS')>", "<img />"},
      {"<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>", "<img />"},
      {"<IMG SRC='vbscript:msgbox(\"XSS\")'>", "<img />"},
      {"<a href=\"livescript:x\">l</a><a href=\"mocha:x\">m</a>", "<a>l</a><a>m</a>"},
      {"<IMG SRC=\"jav\tascript:alert('XSS');\">", "<img />"},
      {"<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">", "<img />"},
      {"<IMG SRC=\"jav&#x0A;ascript:alert('XSS');\">", "<img />"},
      {"<IMG SRC=\"jav&#x0D;ascript:alert('XSS');\">", "<img />"},
      {"<IMG SRC=\" &#14;  javascript:alert('XSS');\">", "<img />"},
      {"<a href=\"javascript&colon;alert(1)\">c</a>", "<a>c</a>"},
      {"<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">d</a>",
       "<a>d</a>"},
      {"<IMG SRC=&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112"
       "&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116>",
       "<img />"},
      {"<a href=\"&#x6a;avascript&#x3a;alert(1)\">h</a>", "<a>h</a>"},
      {"<a href=\"\xC2\xA0javascript:alert(1)\">nbsp</a>", "<a>nbsp</a>"},
      {"<a href=\"feed:javascript:alert(1)\">f</a>", "<a>f</a>"},
      {"<a href=\"feed:https://e.com/rss\">f</a>", "<a href=\"feed:https://e.com/rss\">f</a>"},
      {"<TABLE BACKGROUND=\"javascript:alert('XSS')\"><TD BACKGROUND=\"javascript:alert(1)\">x",
       "<table><td>x</td></table>"},
      {"<img dynsrc=\"javascript:a\" lowsrc=\"javascript:b\" longdesc=\"vbscript:c\">", "<img />"},
      {"<blockquote cite=\"javascript:alert(1)\">q</blockquote>", "<blockquote>q</blockquote>"},
      {"<video poster=\"javascript:alert(1)\"></video>", "<video></video>"},
      {"<a href=\"mailto:someone@example.com\">mail</a>", "<a href=\"mailto:someone@example.com\">mail</a>"},
      {"<a ping=\"https://e.com/p javascript:alert(1)\" href=\"https://e.com/\">p</a>",
       "<a href=\"https://e.com/\">p</a>"},
  });
}

TEST(Sanitize, KeepsDataUrlsOnlyForRasterImages) {
  expect_sanitized({
      {"<img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"1px\">",
       "<img alt=\"1px\" src=\"data:image/png;base64,iVBORw0KGgo=\" />"},
      {"<img src=\"data:image/gif;base64,R0lGOD\">", "<img src=\"data:image/gif;base64,R0lGOD\" />"},
      {"<img src=\"data:text/html;base64,PHNjcmlwdD4=\">", "<img />"},
      {"<img src=\"data:image/svg+xml;base64,PHN2Zz4=\">", "<img />"},
      {"<a href=\"data:image/png;base64,iVBORw0KGgo=\">a</a>", "<a>a</a>"},
      {"<a href=\"DaTa:text/html,&lt;script&gt;alert(1)&lt;/script&gt;\">m</a>", "<a>m</a>"},
  });
}

TEST(Sanitize, ResolvesRelativeUrlsAgainstTheBase) {
  expect_sanitized(
      {
          {"<a href=\"/relative/path\">r</a>", "<a href=\"https://example.org/relative/path\">r</a>"},
          {"<a href=\"other.html#x\">r</a>", "<a href=\"https://example.org/dir/other.html#x\">r</a>"},
          {"<img src=\"../img/a.png\">", "<img src=\"https://example.org/img/a.png\" />"},
          {"<a href=\"//cdn.example.net/x\">r</a>", "<a href=\"https://cdn.example.net/x\">r</a>"},
          {"<a href=\" https://e.com/a b \">r</a>", "<a href=\"https://e.com/a b\">r</a>"},
          {"<a href=\"?a=1&b=2&copy=3\">q</a>",
           "<a href=\"https://example.org/dir/page.html?a=1&amp;b=2&amp;copy=3\">q</a>"},
          {"<img usemap=\"#map\">", "<img usemap=\"#map\" />"},
      },
      kBase);
  // An unsafe base cannot make a relative link unsafe.
  EXPECT_EQ(sanitize("<a href=\"x\">r</a>", "javascript:alert(1)//"), "<a>r</a>");
  // Without a base, relative URLs stay as written.
  EXPECT_EQ(sanitize("<a href=\"/p\">r</a>", ""), "<a href=\"/p\">r</a>");
}

TEST(Sanitize, CleansSrcsetCandidateByCandidate) {
  expect_sanitized(
      {
          {"<img srcset=\"https://e.com/a.png 1x, javascript:alert(1) 2x\" src=\"https://e.com/a.png\">",
           "<img src=\"https://e.com/a.png\" srcset=\"https://e.com/a.png 1x\" />"},
          {"<img srcset=\"a.jpg 480w,b.jpg 800w\" sizes=\"(max-width: 600px) 480px, 800px\">",
           "<img sizes=\"(max-width: 600px) 480px, 800px\" srcset=\"https://example.org/dir/a.jpg 480w, "
           "https://example.org/dir/b.jpg 800w\" />"},
          {"<picture><source srcset=\"javascript:alert(1)\"><img src=\"https://e.com/a.png\"></picture>",
           "<picture><source /><img src=\"https://e.com/a.png\" /></picture>"},
          {"<img srcset=\"a.jpg 1x (javascript:alert(1))\">", "<img srcset=\"https://example.org/dir/a.jpg 1x\" />"},
          {"<img srcset=\"data:image/png;base64,AAAA 2x\">", "<img srcset=\"data:image/png;base64,AAAA 2x\" />"},
          {"<img srcset=\"https://res.example.com/w_480,c_fill/a.jpg 480w\">",
           "<img srcset=\"https://res.example.com/w_480,c_fill/a.jpg 480w\" />"},
          // One URL to a browser, two to a reader that splits on commas (found by fuzzing).
          {"<img srcset=\"j 1x,x,,javascript:alert(1) 2x\">", "<img srcset=\"https://example.org/dir/j 1x\" />"},
          {"<img srcset=\"data:image/png;base64,javascript:alert(1)\">", "<img />"},
      },
      kBase);
}

TEST(Sanitize, FiltersStyleAttributes) {
  expect_sanitized({
      {"<span style=\"color: red;\">t</span>", "<span style=\"color: red;\">t</span>"},
      {"<span style=\"font-family : Comic Sans MS;\">t</span>",
       "<span style=\"font-family: Comic Sans MS;\">t</span>"},
      {"<span style=\"background-color: #000; background-image: url(/x.jpg); background-repeat: "
       "no-repeat;\">t</span>",
       "<span style=\"background-color: #000;\">t</span>"},
      {"<span style=\"border: 1px solid rgb(0, 0, 0);\">t</span>",
       "<span style=\"border: 1px solid rgb(0, 0, 0);\">t</span>"},
      {"<span style=\"margin: 99999em;\">t</span>", "<span>t</span>"},
      {"<span style=\"position: absolute;\">t</span>", "<span>t</span>"},
      {"<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">x</DIV>", "<div>x</div>"},
      {"<DIV STYLE=\"width: expression(alert('XSS'));\">x</DIV>", "<div>x</div>"},
      {"<IMG STYLE=\"xss:expr/*XSS*/ession(alert('XSS'))\">", "<img />"},
      {"<XSS STYLE=\"behavior: url(xss.htc);\">x", "x"},
      {"<p style=\"-moz-binding: url(http://x/xss.xml#xss)\">x</p>", "<p>x</p>"},
      {"<p style=\"color: red; @import 'x.css';\">x</p>", "<p>x</p>"},
      {"<DIV STYLE=\"background-image:\\0075\\0072\\006C\\0028'\\006a\\0061\\0076\\0061\\0073\\0063\\0072"
       "\\0069\\0070\\0074\\003a\\0061\\006c\\0065\\0072\\0074\\0028\\0027\\0058\\0027\\0029'\\0029\">x</DIV>",
       "<div>x</div>"},
      {"<span style=\"&#97;&#110;&#121;&#58;&#32;&#101;&#120;&#112;&#114;&#101;&#115;&#115;&#105;&#111;&#110;"
       "&#40;&#49;&#41;\">x</span>",
       "<span>x</span>"},
      {"<span style=\"c\\olor: red\">x</span>", "<span style=\"color: red;\">x</span>"},
  });
  EXPECT_EQ(sanitize_style("TEXT-INDENT: 0.5in;"), "TEXT-INDENT: 0.5in;");
  EXPECT_EQ(sanitize_style("display: block; width: 100%; height: 100%; background-color: black; "
                           "background-x: center; background-y: center;"),
            "display: block; width: 100%; height: 100%; background-color: black; background-x: center; "
            "background-y: center;");
  EXPECT_EQ(sanitize_style("mso-list: l0 level1 lfo1;"), "");
  EXPECT_EQ(sanitize_style("color: red; font-size: 10pt"), "color: red; font-size: 10pt;");
  EXPECT_EQ(sanitize_style("color: red; : x"), "");
  EXPECT_EQ(sanitize_style("a-b-c: 1"), "");
}

TEST(Sanitize, DropsCommentsDoctypeProcessingInstructionsAndCdata) {
  expect_sanitized({
      {"a<!-- comment <script>alert(1)</script> -->b", "ab"},
      {"<!--[if gte IE 4]><SCRIPT>alert('XSS');</SCRIPT><![endif]-->c", "c"},
      {"<!DOCTYPE html><p>d</p>", "<p>d</p>"},
      {"<?xml version=\"1.0\"?><p>e</p>", "<p>e</p>"},
      {"x<![CDATA[<script>alert(1)</script>]]>y", "xalert(1)]]&gt;y"},
      {"safe<!--", "safe"},
      {"a<!-->b<!--->c", "abc"},
      {"a<!-- x --!>b", "ab"},
      {"a</ x>b</>c", "abc"},
  });
}

TEST(Sanitize, DecodesEntitiesAndEscapesOnlyMarkupCharacters) {
  expect_sanitized({
      {"&lt;script&gt;alert('double-decoding')&lt;/script&gt;",
       "&lt;script&gt;alert('double-decoding')&lt;/script&gt;"},
      {"Tom &amp; Jerry &quot;quoted&quot; it&#39;s &rsquo;curly&rsquo; &mdash; &eacute;&nbsp;",
       "Tom &amp; Jerry &quot;quoted&quot; it's \xE2\x80\x99" "curly\xE2\x80\x99 \xE2\x80\x94 \xC3\xA9\xC2\xA0"},
      {"&copy2024 &notit; &ampx &unknown; & a", "\xC2\xA9" "2024 \xC2\xAC" "it; &amp;x &amp;unknown; &amp; a"},
      {"&#128512; &#x1F600; &#150; &#0; &#xD800; &#x110000;",
       "\xF0\x9F\x98\x80 \xF0\x9F\x98\x80 \xE2\x80\x93 \xEF\xBF\xBD \xEF\xBF\xBD \xEF\xBF\xBD"},
      // Numeric references to markup characters keep their form in text.
      {"&#38; &#X3C;b&#x3e &#34; <a title=\"&#38;\">&#0060;</a>",
       "&#38; &#x3c;b&#x3e; &#34; <a title=\"&amp;\">&#0060;</a>"},
      {"<a title=\"&copy=1 &copy;=1 a&amp;b\">t</a>", "<a title=\"&amp;copy=1 \xC2\xA9=1 a&amp;b\">t</a>"},
      {"<img alt=\"&quot; onerror=&quot;alert(1)\">", "<img alt=\"&quot; onerror=&quot;alert(1)\" />"},
      {"\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82, \xE4\xB8\x96\xE7\x95\x8C",
       "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82, \xE4\xB8\x96\xE7\x95\x8C"},
  });
}

TEST(Sanitize, RepairsEncodingAndControlCharacters) {
  expect_sanitized({
      {"a\xFF" "b", "a\xEF\xBF\xBD" "b"},
      {"a\xE2\x82" "b", "a\xEF\xBF\xBD" "b"},            // truncated sequence: one U+FFFD
      {"a\xED\xA0\x80" "b", "a\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" "b"},  // encoded surrogate
      {"a\xC0\xAF" "b", "a\xEF\xBF\xBD\xEF\xBF\xBD" "b"},  // overlong
      {"x\xF0\x9F\x98", "x\xEF\xBF\xBD"},
      {std::string_view("a\0b\x01" "c\x1F" "d\te\nf", 11), "abcd\te\nf"},
      {"a\r\nb\rc", "a\nb\nc"},
      {"<a title=\"x&#1;y&#13;z\">t</a>", "<a title=\"xy\nz\">t</a>"},
  });
}

TEST(Sanitize, SerializesAttributesCanonically) {
  expect_sanitized({
      {"<img title='t' alt=a src=\"https://e.com/x.png\" width=10>",
       "<img alt=\"a\" src=\"https://e.com/x.png\" title=\"t\" width=\"10\" />"},
      {"<p CLASS=\"a\" class=\"b\" ID=i>x</p>", "<p class=\"a\" id=\"i\">x</p>"},
      {"<td nowrap colspan=2>x</td>", "<td colspan=\"2\" nowrap=\"\">x</td>"},
      {"<a title=\"a<b>&c\\\"\">t</a>", "<a title=\"a&lt;b&gt;&amp;c\\\">t</a>"},
      {"<br><hr/><BR/>x<wbr>", "<br /><hr /><br />x<wbr />"},
      {"<area></area><col></col><source></source>", "<area /><col /><source />"},
      {"<a title=\"</style><img src=x onerror=alert(1)>\">t</a>", "<a>t</a>"},
      {"<img title=\"--&gt;&lt;img src=1 onerror=alert(1)&gt;\">", "<img />"},
  });
}

TEST(Sanitize, BalancesTags) {
  expect_sanitized({
      {"<b>bold <i>both", "<b>bold <i>both</i></b>"},
      {"</b>stray</i></div>", "stray"},
      {"<div><b>x</div>y", "<div><b>x</b></div>y"},
      {"<span><div>x</span>y</div>", "<span><div>xy</div></span>"},
      {"<p>a<p>b", "<p>a</p><p>b</p>"},
      {"<p>a<div>b</div>c</p>", "<p>a</p><div>b</div>c"},
      {"<p>a<table><tr><td>b</td></tr></table>", "<p>a</p><table><tr><td>b</td></tr></table>"},
      {"<ul><li>1<li>2<ul><li>2.1</ul></ul>", "<ul><li>1</li><li>2<ul><li>2.1</li></ul></li></ul>"},
      {"<dl><dt>t<dd>d<dt>u</dl>", "<dl><dt>t</dt><dd>d</dd><dt>u</dt></dl>"},
      {"<table><tr><td>1<td>2<tr><td>3</table>",
       "<table><tr><td>1</td><td>2</td></tr><tr><td>3</td></tr></table>"},
      {"<a href=\"https://e.com/1\">1<a href=\"https://e.com/2\">2</a>",
       "<a href=\"https://e.com/1\">1</a><a href=\"https://e.com/2\">2</a>"},
      {"<h1>a<h2>b</h2>", "<h1>a</h1><h2>b</h2>"},
      {"<select><option>a<option>b</select>", "<select><option>a</option><option>b</option></select>"},
      {"<td><div>x</td>", "<td><div>x</div></td>"},
      {"<div><table><tr><td><p>x</div>y", "<div><table><tr><td><p>xy</p></td></tr></table></div>"},
      // A block inside a cell closes only the <p> inside that cell (found by fuzzing).
      {"<p>a<td>b<p>c</p><table><td>d</td></table></td></p>",
       "<p>a<td>b<p>c</p><table><td>d</td></table></td></p>"},
      {"<p>a<td>b<p>c<table><td>d", "<p>a<td>b<p>c</p><table><td>d</td></table></td></p>"},
      // <li> after a <select> inside a <p> inside a list item (found by fuzzing).
      {"<li><a><p>x<select><option>o</option><li>y",
       "<li><a><p>x<select><option>o</option></select></p></a></li><li>y</li>"},
  });
}

TEST(Sanitize, DropsATagCutOffByTheEndOfInput) {
  expect_sanitized({
      {"<img src=x onerror=alert(1)//", ""},
      {"ok<a href=\"https://e.com/", "ok"},
      {"ok<b", "ok"},
      {"ok</b", "ok"},
      {"ok<", "ok&lt;"},
      {"ok</", "ok&lt;/"},
      {"1 < 2 and 3 <4", "1 &lt; 2 and 3 &lt;4"},
  });
}

TEST(Sanitize, CapsNestingDepthWithoutRecursion) {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<div>";
  deep += "x";
  const std::string out = sanitize(deep, "");
  std::string expected;
  for (int i = 0; i < kMaxSanitizeDepth; ++i) expected += "<div>";
  expected += "x";
  for (int i = 0; i < kMaxSanitizeDepth; ++i) expected += "</div>";
  EXPECT_EQ(out, expected);
  EXPECT_EQ(sanitize(out, ""), out);

  std::string applets;
  for (int i = 0; i < 100000; ++i) applets += "<applet>";
  EXPECT_EQ(sanitize(applets + "x", ""), "");
}

TEST(Sanitize, KeepsSvgAndMathMlSubsets) {
  expect_sanitized({
      {"<svg viewbox=\"0 0 10 10\"><circle cx=\"5\" r=\"2\" fill=\"red\"/><lineargradient id=\"g\"></lineargradient></svg>",
       "<svg viewBox=\"0 0 10 10\" xmlns=\"http://www.w3.org/2000/svg\"><circle cx=\"5\" fill=\"red\" r=\"2\" />"
       "<linearGradient id=\"g\"></linearGradient></svg>"},
      {"<svg/onload=alert('XSS')>", "<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>"},
      {"<svg/>after", "<svg xmlns=\"http://www.w3.org/2000/svg\" />after"},
      {"<svg><script>alert(1)</script><text>t</text></svg>",
       "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>t</text></svg>"},
      {"<svg><a xlink:href=\"javascript:alert(1)\"><text>c</text></a></svg>",
       "<svg xmlns=\"http://www.w3.org/2000/svg\"><a><text>c</text></a></svg>"},
      {"<svg><a xlink:href=\"https://e.com/\">l</a></svg>",
       "<svg xmlns=\"http://www.w3.org/2000/svg\"><a xlink:href=\"https://e.com/\" "
       "xmlns:xlink=\"http://www.w3.org/1999/xlink\">l</a></svg>"},
      {"<svg><a><animate attributeName=\"href\" values=\"javascript:alert(1)\"/><text>x</text></a></svg>",
       "<svg xmlns=\"http://www.w3.org/2000/svg\"><a><text>x</text></a></svg>"},
      {"<svg><set attributeName=\"onmouseover\" to=\"alert(1)\"/></svg>",
       "<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>"},
      // Animation attributes mean nothing elsewhere and are dropped there.
      {"<svg><a attributeName=\"href\" values=\"javascript:x\" to=\"1\">a</a></svg>",
       "<svg xmlns=\"http://www.w3.org/2000/svg\"><a>a</a></svg>"},
      {"<svg><animate attributeName=\"x\" values=\"javascript:alert(1)\" dur=\"1s\"/></svg>",
       "<svg xmlns=\"http://www.w3.org/2000/svg\"><animate attributeName=\"x\" dur=\"1s\" /></svg>"},
      {"<svg><p>html is not allowed in svg</p><foreignObject><b>x</b></foreignObject></svg>",
       "<svg xmlns=\"http://www.w3.org/2000/svg\">html is not allowed in svgx</svg>"},
      {"<math href=\"javascript:alert(1)\">CLICK</math>",
       "<math xmlns=\"http://www.w3.org/1998/Math/MathML\">CLICK</math>"},
      {"<math><mi>x</mi><mo>=</mo><mfrac><mn>1</mn><mn>2</mn></mfrac></math>",
       "<math xmlns=\"http://www.w3.org/1998/Math/MathML\"><mi>x</mi><mo>=</mo><mfrac><mn>1</mn><mn>2</mn>"
       "</mfrac></math>"},
      {"<p>a<svg><circle r=1></svg>b</p>",
       "<p>a<svg xmlns=\"http://www.w3.org/2000/svg\"><circle r=\"1\"></circle></svg>b</p>"},
  });
}

// HTML §13.2.6: start tags in an SVG <desc>/<title> or a MathML <mi>, <mo>,
// <mn>, <ms>, <mtext> (but <mglyph>, <malignmark>) are read as HTML.
TEST(Sanitize, ReadsHtmlInIntegrationPoints) {
  expect_sanitized({
      {"<svg><desc><abbr>foo</abbr></desc><circle r=\"1\"/></svg>",
       "<svg xmlns=\"http://www.w3.org/2000/svg\"><desc><abbr>foo</abbr></desc><circle r=\"1\" /></svg>"},
      {"<svg><title><b>t</b></title></svg>", "<svg xmlns=\"http://www.w3.org/2000/svg\"><title><b>t</b></title></svg>"},
      // Below an HTML element, </desc> and </svg> are ignored (desc is special).
      {"<svg><desc><i>a</desc></svg>b", "<svg xmlns=\"http://www.w3.org/2000/svg\"><desc><i>ab</i></desc></svg>"},
      {"<svg><desc><circle r=\"1\"/>x</desc></svg>", "<svg xmlns=\"http://www.w3.org/2000/svg\"><desc>x</desc></svg>"},
      {"<svg><desc><style>p{}</style><script>alert(1)</script>d</desc></svg>",
       "<svg xmlns=\"http://www.w3.org/2000/svg\"><desc>d</desc></svg>"},
      {"<svg><desc><img src=\"javascript:alert(1)\" onerror=\"alert(1)\"></desc></svg>",
       "<svg xmlns=\"http://www.w3.org/2000/svg\"><desc><img /></desc></svg>"},
      {"<math><mi><b>x</b><mglyph></mglyph></mi></math>",
       "<math xmlns=\"http://www.w3.org/1998/Math/MathML\"><mi><b>x</b><mglyph></mglyph></mi></math>"},
  });
}

// <noscript> is kept (as feedparser does); to a browser with scripting its
// content is raw text up to the first </noscript>, so none may be inside.
TEST(Sanitize, KeepsNoscriptWithNoEndTagInside) {
  expect_sanitized({
      {"<noscript><p>no js</p></noscript>", "<noscript><p>no js</p></noscript>"},
      {"<noscript><noscript>a</noscript>b</noscript>c", "<noscript>a</noscript>bc"},
      {"<noscript>&lt;/noscript&gt;<img src=x onerror=alert(1)></noscript>",
       "<noscript>&lt;/noscript&gt;<img src=\"x\" /></noscript>"},
      {"<span><noscript>a</span>b</noscript>", "<span><noscript>ab</noscript></span>"},
  });
}

TEST(Sanitize, ResistsMutationXssVectors) {
  expect_sanitized({
      {"<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">", "<noscript><p></p></noscript>"},
      // <table> in <mtext> is HTML, so is what follows: no <mglyph>, and <style> is raw text.
      {"<math><mtext><table><mglyph><style><!--</style><img title=\"--&gt;&lt;img src=1 onerror=alert(1)&gt;\">",
       "<math xmlns=\"http://www.w3.org/1998/Math/MathML\"><mtext><table><img /></table></mtext></math>"},
      {"<svg></p><style><a id=\"</style><img src=1 onerror=alert(1)>\">",
       "<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>"},
      {"<scr<script>ipt>alert('nested-strip')</scr</script>ipt>", "ipt&gt;alert('nested-strip')ipt&gt;"},
      {"x]]><script>alert('cdata-breakout')</script>", "x]]&gt;"},
      // The decoded URL would close a <script>: dropped like any such value.
      {"<a href=\"https://example.com/?q=&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\">q</a>", "<a>q</a>"},
  });
}

TEST(Sanitize, TurnsRawTextElementsIntoText) {
  expect_sanitized({
      {"<textarea><b>x</b> &amp; y</textarea>", "<textarea>&lt;b&gt;x&lt;/b&gt; &amp; y</textarea>"},
      // Its attributes are kept whether or not the end tag follows (fuzz finding).
      {"<textarea rows=\"3\">x</textarea>", "<textarea rows=\"3\">x</textarea>"},
      {"<textarea rows=\"3\">x", "<textarea rows=\"3\">x</textarea>"},
      {"<title>Crazy &amp; <b>HTML</b></title>after", "Crazy &amp; &lt;b&gt;HTML&lt;/b&gt;after"},
      {"<xmp><i>&amp;</i></xmp>", "&lt;i&gt;&amp;amp;&lt;/i&gt;"},
      {"a<plaintext></plaintext><b>b", "a&lt;/plaintext&gt;&lt;b&gt;b"},
  });
}

TEST(HtmlToText, ProducesParagraphsOfCollapsedText) {
  const std::vector<Case> cases = {
      {"<p>Hello <b>world</b></p><p>Second\n   paragraph</p>", "Hello world\n\nSecond paragraph"},
      {"  <div><p>a</p></div>  ", "a"},
      {"line one<br>line two", "line one\n\nline two"},
      {"<ul><li>one</li><li>two</li></ul>after", "one\n\ntwo\n\nafter"},
      {"<h1>Title</h1>text<blockquote>quote</blockquote>", "Title\n\ntext\n\nquote"},
      {"<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\n\nc"},
      {"a<script>var x = '<p>';</script>b<style>p{}</style>c", "abc"},
      {"<template><p>t</p></template><noscript>ns</noscript>x", "x"},
      {"Tom &amp; Jerry&nbsp;&nbsp;&rsquo;s &lt;b&gt;", "Tom & Jerry \xE2\x80\x99s <b>"},
      {"a<!-- c -->b", "ab"},
      {"<svg><text>drawing</text></svg>text", "text"},
      {"\xFF" "x\x01", "\xEF\xBF\xBDx"},
      {"", ""},
      {"<p></p><p> </p>", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.input);
    EXPECT_EQ(html_to_text(c.input), c.expected);
  }
}

}  // namespace
