#include "feeds/html/extract.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "feeds/html/boilerplate.h"
#include "feeds/html/dom.h"
#include "feeds/html/metadata.h"
#include "feeds/html/prescan.h"
#include "feeds/html/readability.h"
#include "feeds/html/site_rules.h"
#include "feeds/html/text.h"
#include "feeds/html/xpath.h"

namespace tributary::feeds::html {
namespace {

// A paragraph long enough to count as article text for the heuristics.
std::string para(const std::string& words) {
  return "<p>" + words + " This sentence is here to give the paragraph, its commas, and its weight enough text "
         "to be scored like the body of a real article would be.</p>";
}

std::string page(const std::string& head, const std::string& body) {
  return "<!DOCTYPE html><html lang=\"en\"><head>" + head + "</head><body>" + body + "</body></html>";
}

std::string article_page(const std::string& inside_article, const std::string& head = "<title>A Headline</title>") {
  return page(head, "<nav><a href=\"/\">Home</a> <a href=\"/news\">News</a></nav><div class=\"article-body\">" +
                        inside_article + "</div><div class=\"sidebar\"><a href=\"/x\">Popular story one</a></div>");
}

std::string extract_text(const std::string& html, const std::string& url = "https://example.com/news/story.html") {
  auto a = extract(html, url);
  EXPECT_TRUE(a.has_value()) << (a ? "" : a.error().message);
  return a ? a->text : std::string();
}

// ------------------------------------------------------------- prescan

TEST(PrepareHtml, CutsScriptsStylesCommentsAndSvgButKeepsJsonLd) {
  auto p = prepare_html(
      "<p>a</p><script>var x = '</p>';</script><style>p{}</style><!-- c --><svg><svg></svg><text>t</text></svg>"
      "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\"}</script><p>b</p>");
  EXPECT_EQ(p.html, "<p>a</p><p>b</p>");
  ASSERT_EQ(p.json_ld.size(), 1u);
  EXPECT_EQ(p.json_ld[0], "{\"@type\":\"NewsArticle\"}");
}

TEST(PrepareHtml, KeepsRawTextElementsVerbatim) {
  auto p = prepare_html("<title>a <script> b</title><textarea><!-- x --></textarea>");
  EXPECT_EQ(p.html, "<title>a <script> b</title><textarea><!-- x --></textarea>");
}

TEST(PrepareHtml, QuotedGreaterThanDoesNotEndATag) {
  auto p = prepare_html("<a title=\"x > y\" href=\"/z\">link</a><script>s</script>");
  EXPECT_EQ(p.html, "<a title=\"x > y\" href=\"/z\">link</a>");
}

TEST(PrepareHtml, CapsNestingDepth) {
  std::string deep;
  for (int i = 0; i < 5000; ++i) deep += "<div>";
  deep += "text";
  auto p = prepare_html(deep, 100);
  EXPECT_EQ(p.dropped_tags, 4900u);
  ParsedHtml parsed = parse_html(deep);  // must neither crash nor take long
  EXPECT_EQ(text_content(parsed.document.body()), "text");
}

TEST(ParseHtml, SurvivesAMillionUnclosedElements) {
  std::string deep;
  for (int i = 0; i < 300000; ++i) deep += "<b><i>";
  ParsedHtml parsed = parse_html(deep + "x");
  EXPECT_EQ(text_content(parsed.document.body()), "x");
}

// ------------------------------------------------------------- text

TEST(RenderText, SeparatesBlocksWithBlankLinesAndKeepsLineBreaks) {
  ParsedHtml parsed = parse_html(
      "<div><p>One   two</p><p>Three<br>four</p><ul><li>a</li><li>b</li></ul>"
      "<pre>  x\n    y</pre><table><tr><td>c1</td><td>c2</td></tr></table></div>");
  EXPECT_EQ(render_text(parsed.document.body()), "One two\n\nThree\nfour\n\na\n\nb\n\n  x\n    y\n\nc1 c2");
}

TEST(RenderText, DoesNotGlueWordsOfAdjacentBlocks) {
  ParsedHtml parsed = parse_html("<div>end.</div><div>Next</div>");
  EXPECT_EQ(render_text(parsed.document.body()), "end.\n\nNext");
}

TEST(RenderText, LeavesCaptionsOutOnRequest) {
  ParsedHtml parsed = parse_html(
      "<p>Body text.</p><figure><img src=a.jpg><figcaption>A cat. Photo: X</figcaption></figure>"
      "<p class=\"wp-caption-text\">Credit line</p>");
  EXPECT_EQ(render_text(parsed.document.body(), false), "Body text.");
  EXPECT_EQ(render_text(parsed.document.body(), true), "Body text.\n\nA cat. Photo: X\n\nCredit line");
}

// ------------------------------------------------------------- scoring

TEST(ClassWeight, FollowsPositiveAndNegativeHints) {
  struct Case {
    const char* html;
    int weight;
  };
  const Case cases[] = {
      {"<div class=\"article-content\"></div>", 25},
      {"<div id=\"comments\"></div>", -25},
      {"<div class=\"post\" id=\"sidebar\"></div>", 0},
      {"<div class=\"entry\" id=\"main\"></div>", 50},
      {"<div class=\"share-tools\"></div>", -25},
      {"<div class=\"hid\"></div>", -25},
      {"<div class=\"hidden-xs story\"></div>", 0},
      {"<div class=\"plain\"></div>", 0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.html);
    ParsedHtml parsed = parse_html(c.html);
    EXPECT_EQ(class_weight(parsed.document.body()->first_element_child()), c.weight);
  }
}

TEST(TextLength, CountsTheCodePointsOfInnerText) {
  const char* cases[] = {
      "<div>  lead and trailing  </div>",
      "<div>a<b> b </b>  <i>c</i>\n\t</div>",
      "<div>\xC2\xA0nbsp\xC2\xA0\xC2\xA0gap\xC2\xA0</div>",
      "<div>Путин — \xE2\x80\x9Cquoted\xE2\x80\x9D <span>caf\xC3\xA9</span></div>",
      "<div><p> </p><p></p></div>",
      "<div>lone \xC2 byte</div>",
  };
  for (const char* html : cases) {
    SCOPED_TRACE(html);
    ParsedHtml parsed = parse_html(html);
    const Node* div = parsed.document.body()->first_element_child();
    EXPECT_EQ(text_length(div), char_count(inner_text(div)));
    for (const Node* n = div->first_child; n; n = n->next) EXPECT_EQ(text_length(n), char_count(inner_text(n)));
  }
}

TEST(LinkDensity, CountsLinkTextAndDiscountsInPageAnchors) {
  struct Case {
    const char* html;
    double density;
  };
  const Case cases[] = {
      {"<div>aaaa <a href=\"/x\">bbbb</a></div>", 4.0 / 9.0},
      {"<div><a href=\"/x\">all link</a></div>", 1.0},
      {"<div>no links here</div>", 0.0},
      {"<div>aaaaa<a href=\"#n\">bbbbb</a></div>", 0.15},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.html);
    ParsedHtml parsed = parse_html(c.html);
    EXPECT_NEAR(link_density(parsed.document.body()->first_element_child()), c.density, 1e-9);
  }
}

TEST(Extract, PrefersTheDenseArticleOverLinkListsAndComments) {
  std::string html = page("<title>Story</title>",
                          "<div id=\"menu\"><ul><li><a href=\"/a\">Section A with a long link text</a></li>"
                          "<li><a href=\"/b\">Section B with a long link text</a></li></ul></div>"
                          "<div class=\"story-body\">" +
                              para("First, the news.") + para("Second, the details.") + para("Third, the quotes.") +
                              "</div><div id=\"comments\">" + para("A reader comment, long and opinionated.") +
                              "</div>");
  std::string text = extract_text(html);
  EXPECT_NE(text.find("First, the news."), std::string::npos);
  EXPECT_NE(text.find("Third, the quotes."), std::string::npos);
  EXPECT_EQ(text.find("Section A"), std::string::npos);
  EXPECT_EQ(text.find("reader comment"), std::string::npos);
}

TEST(Extract, MergesSiblingParagraphsSplitByAnAd) {
  std::string html = page("<title>Story</title>",
                          "<div class=\"content\"><div class=\"text\">" + para("Part one.") + para("Part two.") +
                              "</div><div class=\"ad\">Advertisement</div><div class=\"text\">" +
                              para("Part three.") + para("Part four.") + "</div></div>");
  std::string text = extract_text(html);
  EXPECT_NE(text.find("Part one."), std::string::npos);
  EXPECT_NE(text.find("Part four."), std::string::npos);
  EXPECT_EQ(text.find("Advertisement"), std::string::npos);
}

// ------------------------------------------------------------- cleaning

TEST(Extract, KeepsApostrophesQuotesAndDashes) {
  std::string html = article_page(
      para("Putin&rsquo;s proposal &mdash; &ldquo;direct talks&rdquo; &ndash; wasn't Russia’s first.") +
      para("It&#39;s the &quot;Kremlin&#x27;s&quot; line &amp; more."));
  std::string text = extract_text(html);
  EXPECT_NE(text.find("Putin\u2019s proposal \u2014 \u201cdirect talks\u201d \u2013 wasn't Russia\u2019s first."),
            std::string::npos);
  EXPECT_NE(text.find("It's the \"Kremlin's\" line & more."), std::string::npos);
}

TEST(Extract, NormalizesWhitespaceWithoutGluingWords) {
  std::string html = article_page(para("Lots   of\n\t spaces&nbsp;here.") + "<p>end.</p><p>Next words.</p>");
  std::string text = extract_text(html);
  EXPECT_NE(text.find("Lots of spaces here."), std::string::npos);
  EXPECT_NE(text.find("end.\n\nNext words."), std::string::npos);
}

TEST(Extract, NormalizesWhitespaceInTheHtmlButNotInPre) {
  std::string html = article_page("\n<h1>A Headline</h1>\n<p class=\"byline\">By Jane Doe</p>\n" +
                                  para("Lots   of\n\t spaces  here.") + "\n\n   <div class=\"share\">x</div>\n\n" +
                                  "<pre>keep\n    indented  code</pre>\n\n\n" + para("Next words."));
  auto a = extract(html, "https://example.com/news/story.html");
  ASSERT_TRUE(a.has_value());
  EXPECT_NE(a->html.find("<p>Lots of\nspaces here."), std::string::npos) << a->html;
  EXPECT_NE(a->html.find("<pre>keep\n    indented  code</pre>"), std::string::npos) << a->html;
  std::string outside_pre = a->html.substr(0, a->html.find("<pre>")) + a->html.substr(a->html.find("</pre>"));
  EXPECT_EQ(outside_pre.find("  "), std::string::npos) << a->html;
  EXPECT_EQ(outside_pre.find("\n\n"), std::string::npos) << a->html;
}

TEST(Extract, FixesLazyImagesAndAbsolutizesUrls) {
  std::string html = article_page(
      para("Intro <a href=\"/other/page\">relative link</a>.") +
      "<p><img src=\"data:image/gif;base64,R0lGODlhAQABAAAAACw=\" data-src=\"/img/lazy.jpg\" alt=\"a\"></p>" +
      "<p><img class=\"lazyload\" data-srcset=\"/img/s.jpg 1x, /img/l.jpg 2x\"></p>" +
      "<p><img data-original=\"pics/orig.png\"></p>" + para("More text."));
  auto a = extract(html, "https://example.com/news/story.html");
  ASSERT_TRUE(a.has_value());
  EXPECT_NE(a->html.find("https://example.com/other/page"), std::string::npos) << a->html;
  EXPECT_NE(a->html.find("src=\"https://example.com/img/lazy.jpg\""), std::string::npos) << a->html;
  EXPECT_NE(a->html.find("https://example.com/img/s.jpg 1x, https://example.com/img/l.jpg 2x"), std::string::npos)
      << a->html;
  EXPECT_NE(a->html.find("https://example.com/news/pics/orig.png"), std::string::npos) << a->html;
  EXPECT_EQ(a->html.find("data:image/gif"), std::string::npos) << a->html;
}

TEST(Extract, GivesSrcsetOnlyImagesASrcAndFixesLazyPictureSources) {
  std::string html = article_page(
      para("Intro.") + "<div><img data-srcset=\"/img/3-400.jpg 400w, /img/3-800.jpg 800w, /img/3-600.jpg 600w\"></div>" +
      "<picture><source data-srcset=\"/img/4.webp\" type=\"image/webp\"><img data-src=\"/img/4.jpg\"></picture>" +
      para("More text."));
  auto a = extract(html, "https://example.com/news/story.html");
  ASSERT_TRUE(a.has_value());
  EXPECT_NE(a->html.find("src=\"https://example.com/img/3-800.jpg\" srcset="), std::string::npos) << a->html;
  EXPECT_NE(a->html.find("<source srcset=\"https://example.com/img/4.webp\""), std::string::npos) << a->html;
}

TEST(Extract, LeavesALinkWhereAVideoWasEmbedded) {
  std::string html = article_page(para("Watch the launch below.") +
                                  "<iframe src=\"//www.youtube.com/embed/abc123\" width=\"560\"></iframe>" +
                                  "<iframe src=\"javascript:alert(1)\"></iframe>" + para("More text."));
  auto a = extract(html, "https://example.com/news/story.html");
  ASSERT_TRUE(a.has_value());
  EXPECT_NE(a->html.find("<a href=\"https://www.youtube.com/embed/abc123\">https://www.youtube.com/embed/abc123</a>"),
            std::string::npos)
      << a->html;
  EXPECT_EQ(a->html.find("iframe"), std::string::npos) << a->html;
  EXPECT_EQ(a->html.find("javascript"), std::string::npos) << a->html;
  EXPECT_EQ(a->text.find("youtube"), std::string::npos) << a->text;  // the text keeps the words only
}

TEST(Extract, UsesNoscriptFallbackImages) {
  std::string html = article_page(para("Intro.") + "<p><img src=\"placeholder.gif\" class=\"lazy\"></p>"
                                                   "<noscript><img src=\"/real.jpg\"></noscript>" +
                                  para("After."));
  auto a = extract(html, "https://example.com/a/b.html");
  ASSERT_TRUE(a.has_value());
  EXPECT_NE(a->html.find("https://example.com/real.jpg"), std::string::npos) << a->html;
}

TEST(Extract, HonoursBaseHref) {
  std::string html = article_page(para("See <a href=\"x.html\">this</a>."), "<base href=\"https://cdn.example.net/d/\">");
  auto a = extract(html, "https://example.com/a/b.html");
  ASSERT_TRUE(a.has_value());
  EXPECT_NE(a->html.find("https://cdn.example.net/d/x.html"), std::string::npos) << a->html;
}

// fuzz_extract: with <base href="https://<b>evil.example/"> links stayed
// relative ("/login"), to be resolved by whoever shows the article.
TEST(Extract, BaseHrefThatIsNotAUrlLeavesThePageUrl) {
  for (std::string base : {"https://<b>x.example/", "http://[::1/", "https://%zz/", "/relative/"}) {
    SCOPED_TRACE(base);
    std::string html = article_page(para("See <a href=\"/login\">this</a>."), "<base href=\"" + base + "\">");
    auto a = extract(html, "https://example.com/a/b.html");
    ASSERT_TRUE(a.has_value());
    EXPECT_NE(a->html.find("href=\"https://example.com/login\""), std::string::npos) << a->html;
  }
}

TEST(Extract, OutputHtmlIsSanitized) {
  std::string html = article_page(para("Text <a href=\"javascript:alert(1)\">js link</a>.") +
                                  "<p onclick=\"evil()\">Click <img src=x onerror=\"evil()\"></p>" + para("More."));
  auto a = extract(html, "https://example.com/");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->html.find("javascript:"), std::string::npos) << a->html;
  EXPECT_EQ(a->html.find("onclick"), std::string::npos) << a->html;
  EXPECT_EQ(a->html.find("onerror"), std::string::npos) << a->html;
  EXPECT_NE(a->text.find("js link"), std::string::npos);
}

TEST(Extract, TextHasNoHeadline) {
  std::string html = page("<title>Storm Hits the Coast Overnight | Daily Paper</title>",
                          "<article><h1>Storm Hits the Coast Overnight</h1>" + para("The storm arrived, late.") +
                              para("Damage, widespread.") + "</article>");
  auto a = extract(html, "");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->title, "Storm Hits the Coast Overnight");
  EXPECT_EQ(a->text.find("Storm Hits the Coast Overnight"), std::string::npos) << a->text;
  EXPECT_TRUE(a->text.starts_with("The storm arrived, late.")) << a->text;
}

TEST(Extract, AcceptsUtf8PageWithALyingMetaCharset) {
  std::string html = "<html><head><meta charset=\"windows-1252\"><title>Caf\xc3\xa9</title></head><body><article>" +
                     para("Caf\xc3\xa9 cr\xc3\xa8me, na\xc3\xafve \xe2\x80\x94 \xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0.") +
                     para("Second.") + "</article></body></html>";
  std::string text = extract_text(html);
  EXPECT_NE(text.find("Caf\xc3\xa9 cr\xc3\xa8me, na\xc3\xafve \xe2\x80\x94 \xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0."),
            std::string::npos);
}

TEST(Extract, FallsBackToJsonLdArticleBodyWhenTheMarkupHasLittleText) {
  std::string body;
  for (int i = 0; i < 12; ++i) body += "Paragraph " + std::to_string(i) + " of the story, told in full in JSON-LD. \\n";
  std::string html = page("<title>Rendered by script</title><script type=\"application/ld+json\">"
                          "{\"@type\":\"NewsArticle\",\"articleBody\":\"" + body + "\"}</script>",
                          "<div id=\"app\"><p>Loading the story, please wait a moment.</p></div>");
  std::string text = extract_text(html);
  EXPECT_TRUE(text.starts_with("Paragraph 0 of the story")) << text;
  EXPECT_NE(text.find("told in full in JSON-LD.\n\nParagraph 1"), std::string::npos) << text;
}

TEST(Extract, FavoursTheArticleBodyMicrodata) {
  std::string html = page("<title>Two blocks</title>",
                          "<div><div class=\"teasers\">" + para("Teaser one, other story.") +
                              para("Teaser two, other story.") + para("Teaser three, other story.") +
                              para("Teaser four, other story.") + para("Teaser five, other story.") +
                              "</div></div><div><p>By Ann</p><div itemprop=\"articleBody\">" +
                              para("The real story, first.") + para("The real story, second.") +
                              para("The real story, third.") + para("The real story, fourth.") + "</div></div>");
  std::string text = extract_text(html);
  EXPECT_TRUE(text.starts_with("The real story, first.")) << text;
  EXPECT_EQ(text.find("Teaser"), std::string::npos) << text;
}

TEST(Extract, FailsOnAPageWithoutText) {
  auto a = extract("<html><body><img src=x></body></html>", "");
  ASSERT_FALSE(a.has_value());
  EXPECT_EQ(a.error().code, Errc::invalid_input);
}

// ------------------------------------------------------------- boilerplate

TEST(StripBoilerplate, RemovesAppealsShareBarsAndRelatedLists) {
  struct Case {
    const char* block;
    const char* leftover;  // text that must not survive
  };
  const Case cases[] = {
      {"<div class=\"newsletter-signup\"><h3>Get our morning briefing</h3><p>Delivered to your inbox.</p></div>",
       "morning briefing"},
      {"<div class=\"share-bar\"><a href=\"#\">Facebook</a> <a href=\"#\">Twitter</a></div>", "Facebook"},
      {"<p>Sign up for our daily newsletter to get the news first.</p>", "daily newsletter"},
      {"<div><p>Dear readers, we need your help.</p><p>Your support keeps independent journalism alive. "
       "Please donate monthly.</p><p>Remind me later</p></div>",
       "Dear readers"},
      {"<div class=\"related-stories\"><ul><li><a href=\"/1\">Another story</a></li>"
       "<li><a href=\"/2\">Yet another story</a></li></ul></div>",
       "Another story"},
      {"<p><strong>READ MORE:</strong> <a href=\"/3\">Something else happened</a></p>", "Something else"},
      {"<p><strong>Read also:</strong> <a href=\"/4\">Last year\u2019s budget fight</a></p>", "budget fight"},
      {"<div id=\"cookie-notice\">This website uses cookies. OK</div>", "uses cookies"},
      {"<div class=\"author-bio\">Jane writes about science for the paper.</div>", "Jane writes"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.block);
    ParsedHtml parsed = parse_html("<div id=\"c\">" + para("Main story, first part.") + c.block +
                                   para("Main story, second part.") + para("Main story, third part.") + "</div>");
    Node* content = parsed.document.body()->first_element_child();
    strip_boilerplate(content);
    std::string text = render_text(content);
    EXPECT_EQ(text.find(c.leftover), std::string::npos) << text;
    EXPECT_NE(text.find("Main story, second part."), std::string::npos);
  }
}

TEST(StripBoilerplate, RemovesADonationBoxLongerThanTheBriefItFollows) {
  ParsedHtml parsed = parse_html(
      "<div>" + para("Putin has dismissed the chief of the land forces, the Kremlin\u2019s decree said.") +
      "<div class=\"donate-box support-us\"><h3>A Message from The Moscow Times:</h3><p>Dear readers,</p>"
      "<p>We are facing unprecedented challenges. Our work has been criminalized and our staff are at risk "
      "of prosecution. These actions are direct attempts to silence independent journalism.</p>"
      "<p>If you can, please support us monthly starting from just $2. It\u2019s quick to set up, and "
      "every contribution makes a significant impact.</p><a href=\"/donate\">Continue</a> "
      "<a href=\"#\">Not ready to support today? Remind me later.</a></div></div>");
  Node* content = parsed.document.body()->first_element_child();
  strip_boilerplate(content);
  std::string text = render_text(content);
  EXPECT_EQ(text.find("Dear readers"), std::string::npos) << text;
  EXPECT_NE(text.find("land forces, the Kremlin\u2019s decree"), std::string::npos) << text;
}

TEST(StripBoilerplate, KeepsAnArticleThatTalksAboutNewsletters) {
  ParsedHtml parsed = parse_html(
      "<div>" + para("Newsletters are back: publishers say subscribe buttons now drive revenue, and donations too.") +
      para("Readers sign up, because an inbox is personal.") + "</div>");
  Node* content = parsed.document.body()->first_element_child();
  std::string before = render_text(content);
  strip_boilerplate(content);
  EXPECT_EQ(render_text(content), before);
}

TEST(WallPhrase, TellsAPaywallOrConsentPageFromAnArticle) {
  std::string story(2100, 'x');
  story.replace(100, 29, "Subscribe to continue reading");
  struct Case {
    std::string text;
    std::string_view expected;
  };
  const Case cases[] = {
      {"The first paragraph.\n\nSubscribe to continue reading. Already a subscriber? Log in.",
       "subscribe to continue reading"},
      {"You\u2019ve reached your limit of free articles this month.", "reached your limit"},
      {"Before you continue to Example, we use cookies and data to deliver our services.", "before you continue"},
      {"Checking your browser before accessing example.com.", "checking your browser"},
      {"Readers subscribe to newsletters because an inbox is personal.", ""},
      {story, ""},  // a whole article may quote the words
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text.substr(0, 60));
    EXPECT_EQ(wall_phrase(c.text), c.expected);
  }
}

// ------------------------------------------------------------- metadata

TEST(Metadata, ReadsJsonLdOverMetaTags) {
  std::string html = page(
      "<title>Ignored | Site</title><meta property=\"og:title\" content=\"OG title\">"
      "<meta name=\"author\" content=\"Meta Author\"><meta property=\"og:image\" content=\"/lead.jpg\">"
      "<script type=\"application/ld+json\">{\"@context\":\"https://schema.org\",\"@graph\":[{\"@type\":\"WebPage\"},"
      "{\"@type\":\"NewsArticle\",\"headline\":\"LD headline\",\"author\":[{\"@type\":\"Person\",\"name\":\"Ann\"},"
      "{\"name\":\"Bob\"}],\"datePublished\":\"2019-11-19T10:30:00+01:00\",\"articleBody\":\"Body.\"}]}</script>",
      "<p>x</p>");
  ParsedHtml parsed = parse_html(html);
  PageMetadata m = read_metadata(parsed.document, parsed.json_ld, "https://example.com/a/b");
  EXPECT_EQ(m.title, "LD headline");
  EXPECT_EQ(m.byline, "Ann, Bob");
  ASSERT_TRUE(m.published.has_value());
  using namespace std::chrono;
  EXPECT_EQ(*m.published, sys_days{2019y / 11 / 19} + 9h + 30min);
  EXPECT_EQ(m.image, "https://example.com/lead.jpg");
  EXPECT_EQ(m.lang, "en");
  EXPECT_EQ(m.json_ld_body, "Body.");
}

TEST(Metadata, FallsBackToMetaTagsAndTitle) {
  std::string html = page(
      "<title>A Long Enough Article Title - The Site</title><meta name=\"dc.creator\" content=\"Dee &amp; Cee\">"
      "<meta property=\"article:published_time\" content=\"2020-02-29T23:59:59Z\">",
      "<p>x</p>");
  ParsedHtml parsed = parse_html(html);
  PageMetadata m = read_metadata(parsed.document, parsed.json_ld, "");
  EXPECT_EQ(m.title, "A Long Enough Article Title");
  EXPECT_EQ(m.byline, "Dee & Cee");
  ASSERT_TRUE(m.published.has_value());
  using namespace std::chrono;
  EXPECT_EQ(*m.published, sys_days{2020y / 2 / 29} + 23h + 59min + 59s);
}

TEST(Metadata, BylineAuthorIsTheNamesWithoutByOrADate) {
  const std::pair<const char*, const char*> cases[] = {
      {"By Jane O\u2019Connor \u00b7 Nov. 26, 2026", "Jane O\u2019Connor"},
      {"BY ANN LEE | Reuters", "ANN LEE"},
      {"by Ann Lee and Bob Kay \u2014 Moscow", "Ann Lee and Bob Kay"},
      {"Ann, Bob", "Ann, Bob"},
      {"Byron Jean-Pierre", "Byron Jean-Pierre"},
      {" \u00b7 ", " \u00b7 "},
  };
  for (const auto& [byline, expected] : cases) {
    SCOPED_TRACE(byline);
    EXPECT_EQ(byline_author(byline), expected);
  }
}

TEST(ArticleTitle, StripsSiteNamesOnlyWhenATitleRemains) {
  struct Case {
    const char* title;
    const char* expected;
  };
  const Case cases[] = {
      {"Storm hits the coast overnight | Daily Paper", "Storm hits the coast overnight"},
      {"Daily Paper - Storm hits the coast overnight", "Storm hits the coast overnight"},
      {"Weather: Storm hits the coast overnight again", "Storm hits the coast overnight again"},
      {"Short | Site", "Short | Site"},
      {"A plain title without separators", "A plain title without separators"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.title);
    ParsedHtml parsed = parse_html(std::string("<title>") + c.title + "</title>");
    EXPECT_EQ(article_title(parsed.document), c.expected);
  }
}

// ------------------------------------------------------------- XPath

TEST(XPath, SelectsTheSubsetSiteRulesUse) {
  ParsedHtml parsed = parse_html(
      "<div id=\"main\" class=\"a story b\"><h1 class=\"title\">T</h1><p>one</p><p class=\"x\">two</p>"
      "<span itemprop=\"author\">Ann</span><time datetime=\"2019-01-02\">Jan 2</time></div>"
      "<div class=\"story-like\"><p>three</p></div><div id=\"y\"><p>four</p></div>");
  struct Case {
    const char* expr;
    std::vector<std::string> values;
  };
  const Case cases[] = {
      {"//div[@id='main']//p", {"one", "two"}},
      {"//p[@class=\"x\"]", {"two"}},
      {"//div[contains(@class, 'story')]/p", {"one", "two", "three"}},
      {"//div[contains(concat(' ', normalize-space(@class), ' '), ' story ')]/p", {"one", "two"}},
      {"//div[@id='y']/p | //h1[@class='title']", {"T", "four"}},
      {"//time/@datetime", {"2019-01-02"}},
      {"//*[@itemprop='author']", {"Ann"}},
      {"(//p)[last()]", {"four"}},
      {"//div[@id='main']/p[2]", {"two"}},
      {"//p[starts-with(., 'th')]", {"three"}},
      {"//div[not(@id)]/p", {"three"}},
      {"//p[text()='one']/following-sibling::p", {"two"}},
      {"//span/..//h1", {"T"}},
      {"//DIV[@ID='y']/P", {"four"}},
      {"//div[@id='main' and contains(@class,'b')]/h1", {"T"}},
      {"//p[@class='x' or text()='four']", {"two", "four"}},
      {"//nothing", {}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.expr);
    auto x = XPath::compile(c.expr);
    ASSERT_TRUE(x.has_value()) << x.error().message;
    std::vector<std::string> got;
    for (const auto& item : x->select(parsed.document)) got.push_back(string_value(item));
    EXPECT_EQ(got, c.values);
  }
}

TEST(XPath, RejectsWhatItDoesNotSupport) {
  for (const char* bad : {"//div[", "//p[@class='x'", "//div[foo()]", "//p[@a='b]", "bogus::p", "//p[1 +", ""}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(XPath::compile(bad).has_value());
  }
}

TEST(XPath, EvaluatesStringsForDateAndAuthorRules) {
  ParsedHtml parsed = parse_html("<meta name=\"d\" content=\"2020-01-01\"><p class=\"by\">  By   Ann </p>");
  auto x = XPath::compile("//meta[@name='d']/@content");
  ASSERT_TRUE(x.has_value());
  EXPECT_EQ(x->evaluate_string(parsed.document), "2020-01-01");
  auto y = XPath::compile("normalize-space(//p[@class='by'])");
  ASSERT_TRUE(y.has_value());
  EXPECT_EQ(y->evaluate_string(parsed.document), "By Ann");
  // Date and author lines of ftr-site-config files cut strings like this.
  const std::pair<const char*, const char*> cuts[] = {
      {"substring-before(//meta[@name='d']/@content, '-')", "2020"},
      {"substring-after(normalize-space(//p[@class='by']), 'By ')", "Ann"},
      {"substring-after(//meta[@name='d']/@content, 'T')", ""},
  };
  for (const auto& [expression, expected] : cuts) {
    SCOPED_TRACE(expression);
    auto z = XPath::compile(expression);
    ASSERT_TRUE(z.has_value());
    EXPECT_EQ(z->evaluate_string(parsed.document), expected);
  }
}

// ------------------------------------------------------------- site rules

TEST(SiteRules, ParsesTheFtrSiteConfigFormat) {
  SiteRules r = parse_site_rules(
      "# example.com\n"
      "title: //h1[@class='headline']\n"
      "body: //div[@id='story']\n"
      "body: //article\n"
      "date: //time/@datetime\n"
      "author: //a[@rel='author']\n"
      "strip: //div[contains(@class,'promo')]\n"
      "strip_id_or_class: newsletter\n"
      "strip_image_src: pixel.gif\n"
      "prune: no\n"
      "tidy: no\n"
      "find_string: <br><br>\n"
      "replace_string: </p><p>\n"
      "replace_string(<b>): <strong>\n"
      "single_page_link: //a[@class='print']\n"
      "next_page_link: //a[@rel='next']\n"
      "test_url: https://example.com/2019/story\n"
      "body: //div[\n"
      "nonsense line\n");
  EXPECT_EQ(r.title, std::vector<std::string>{"//h1[@class='headline']"});
  EXPECT_EQ(r.body, (std::vector<std::string>{"//div[@id='story']", "//article"}));
  EXPECT_EQ(r.date, std::vector<std::string>{"//time/@datetime"});
  EXPECT_EQ(r.author, std::vector<std::string>{"//a[@rel='author']"});
  EXPECT_EQ(r.strip, std::vector<std::string>{"//div[contains(@class,'promo')]"});
  EXPECT_EQ(r.strip_id_or_class, std::vector<std::string>{"newsletter"});
  EXPECT_EQ(r.strip_image_src, std::vector<std::string>{"pixel.gif"});
  EXPECT_EQ(r.prune, false);
  EXPECT_EQ(r.tidy, false);
  ASSERT_EQ(r.replacements.size(), 2u);
  EXPECT_EQ(r.replacements[0], (std::pair<std::string, std::string>{"<br><br>", "</p><p>"}));
  EXPECT_EQ(r.replacements[1], (std::pair<std::string, std::string>{"<b>", "<strong>"}));
  EXPECT_EQ(r.test_urls, std::vector<std::string>{"https://example.com/2019/story"});
  EXPECT_EQ(r.single_page_link, std::vector<std::string>{"//a[@class='print']"});
  ASSERT_EQ(r.other.size(), 1u);
  EXPECT_EQ(r.other[0].first, "next_page_link");
  EXPECT_EQ(r.warnings.size(), 2u);  // the broken XPath and the line without ':'
}

TEST(SiteRules, FileNamesFollowHostThenParentDomains) {
  EXPECT_EQ(site_rule_file_names("www.example.com"),
            (std::vector<std::string>{"example.com.txt", ".example.com.txt"}));
  EXPECT_EQ(site_rule_file_names("news.bbc.co.uk"),
            (std::vector<std::string>{"news.bbc.co.uk.txt", ".news.bbc.co.uk.txt", ".bbc.co.uk.txt", ".co.uk.txt"}));
  EXPECT_TRUE(site_rule_file_names("../etc").empty());
  EXPECT_EQ(url_host("https://WWW.Example.com:8080/a?b"), "www.example.com");
}

TEST(SiteRules, OverrideTheHeuristics) {
  std::string html = page("<title>Wrong</title>",
                          "<h1 class=\"headline\">Right Title</h1><a rel=\"author\">Ann Writer</a>"
                          "<div id=\"story\"><p>Short body chosen by rule.</p><div class=\"promo\">Buy now</div>"
                          "<img src=\"/pixel.gif\"></div>"
                          "<div class=\"big\">" +
                              para("Long decoy text.") + para("More decoy.") + para("Even more decoy.") + "</div>");
  SiteRules rules = parse_site_rules(
      "title: //h1[@class='headline']\nauthor: //a[@rel='author']\nbody: //div[@id='story']\n"
      "strip: //div[@class='promo']\nstrip_image_src: pixel.gif\n");
  auto a = extract(html, "https://example.com/x", &rules);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->title, "Right Title");
  EXPECT_EQ(a->byline, "Ann Writer");
  EXPECT_EQ(a->text, "Short body chosen by rule.");
  EXPECT_EQ(a->html.find("pixel.gif"), std::string::npos);
}

TEST(SiteRules, SinglePageLinkNamesTheWholeArticle) {
  struct Case {
    std::string rule;
    std::string body;
    std::string expected;
  };
  const Case cases[] = {
      {"//a[@class='print']", "<a class=\"print\" href=\"/story?view=all\">Print</a>",
       "https://example.com/story?view=all"},
      {"//a[contains(., 'Single page')]/@href", "<a href=\"all.html\">Single page</a>",
       "https://example.com/news/all.html"},
      {"//link[@rel='print']/@href", "<link rel=\"print\" href=\"//print.example.com/s1\">",
       "https://print.example.com/s1"},
      {"//a[@class='print']", "<p>No such link</p>", ""},
      {"//a[@class='print']", "<a class=\"print\" href=\"javascript:print()\">Print</a>", ""},
      {"//a[@class='print']", "<a class=\"print\" href=\"\">Print</a>", ""},
      {"//a[@class='self']", "<a class=\"self\" href=\"/news/story\">This page</a>", ""},  // the page itself
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.rule + " | " + c.body);
    SiteRules rules = parse_site_rules("single_page_link: " + c.rule + "\n");
    ASSERT_EQ(rules.single_page_link.size(), 1u);
    EXPECT_EQ(single_page_url(page("<title>t</title>", c.body), "https://example.com/news/story", rules), c.expected);
  }
  EXPECT_EQ(single_page_url(page("", "<a class=\"print\" href=\"/p\">x</a>"), "https://example.com/", SiteRules{}), "");
}

TEST(SiteRules, FallBackToHeuristicsWhenTheBodyDoesNotMatch) {
  std::string html = article_page(para("Heuristic body."));
  SiteRules rules = parse_site_rules("body: //div[@id='absent']\n");
  auto a = extract(html, "", &rules);
  ASSERT_TRUE(a.has_value());
  EXPECT_NE(a->text.find("Heuristic body."), std::string::npos);
  rules.autodetect_on_failure = false;
  EXPECT_FALSE(extract(html, "", &rules).has_value());
}

// ------------------------------------------------------------- golden pages

// tests/fixtures/html/NAME.html -> NAME.html-result: the text output for
// --url https://example.com/NAME. Regenerate with TRIBUTARY_UPDATE_GOLDEN=1.
TEST(ExtractGolden, FixturePagesMatchTheirResults) {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(TRIBUTARY_FIXTURES) / "html";
  bool update = std::getenv("TRIBUTARY_UPDATE_GOLDEN") != nullptr;
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".html") continue;
    SCOPED_TRACE(entry.path().filename().string());
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    auto a = extract(s.str(), "https://example.com/" + entry.path().stem().string());
    ASSERT_TRUE(a.has_value()) << a.error().message;
    fs::path result = entry.path();
    result += "-result";
    if (update) {
      std::ofstream(result, std::ios::binary) << a->text << "\n";
    }
    std::ifstream expected_in(result, std::ios::binary);
    ASSERT_TRUE(expected_in.good()) << "missing " << result;
    std::stringstream e;
    e << expected_in.rdbuf();
    EXPECT_EQ(a->text + "\n", e.str());
    ++checked;
  }
  EXPECT_GE(checked, 3);
}

}  // namespace
}  // namespace tributary::feeds::html
