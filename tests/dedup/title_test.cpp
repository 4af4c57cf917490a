#include "feeds/dedup/title.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "feeds/dedup/publishers.h"
#include "feeds/dedup/terms.h"

namespace tributary::feeds::dedup {
namespace {

struct FoldCase {
  const char* input;
  const char* expected;
};

TEST(FoldTitle, DecodesFoldsAndCollapses) {
  const FoldCase cases[] = {
      {"Tom &amp; Jerry", "Tom & Jerry"},
      {"Tom &amp;amp; Jerry", "Tom & Jerry"},                      // double-escaped
      {"It&#39;s &quot;fine&quot;", "It's \"fine\""},
      {"It&rsquo;s", "It's"},
      {"\xe2\x80\x98Silence\xe2\x80\x99", "'Silence'"},            // curly single quotes
      {"\xe2\x80\x9cQuoted\xe2\x80\x9d", "\"Quoted\""},            // curly double quotes
      {"\xc2\xabGuillemets\xc2\xbb", "\"Guillemets\""},
      {"Rostov \xe2\x80\x94 Reports", "Rostov - Reports"},         // em dash
      {"2014\xe2\x80\x93" "15", "2014-15"},                        // en dash
      {"a\xc2\xa0" "b", "a b"},                                    // no-break space
      {"  Sbarro  declares\tbankruptcy ", "Sbarro declares bankruptcy"},
      {"zero\xe2\x80\x8bwidth", "zerowidth"},
      {"soft\xc2\xadhyphen", "softhyphen"},
      {"\xef\xbc\xa6\xef\xbd\x95\xef\xbd\x8c\xef\xbd\x8c width", "Full width"},  // NFKC
      {"Wait\xe2\x80\xa6", "Wait..."},
      {"at \xe2\x80\x98Turning Point&", "at 'Turning Point"},     // cut-off reference
      {"Turning Point&rsq", "Turning Point"},
      {"Turning Point&#82", "Turning Point"},
      {"Deal with AT&T", "Deal with AT&T"},                        // not a reference
      {"Q&A session", "Q&A session"},
      {"", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.input);
    EXPECT_EQ(fold_title(c.input), c.expected);
  }
}

TEST(FoldTitle, FlagsADroppedPartialEntity) {
  std::uint32_t flags = 0;
  fold_title("Efforts at 'Turning Point&", &flags);
  EXPECT_TRUE(flags & kTitlePartialEntity);
  flags = 0;
  fold_title("AT&T", &flags);
  EXPECT_FALSE(flags & kTitlePartialEntity);
}

struct CleanCase {
  const char* input;
  const char* expected;
  std::uint32_t flags;
};

TEST(CleanTitle, RemovesRepublisherWrappers) {
  Publishers publishers;
  for (const char* feed : {"Reuters - World", "Metro", "Tom's Guide", "About - News & Issues", "Reality Rewind",
                           "MacroBusiness (blog)", "The Guardian"}) {
    publishers.add(feed);
  }
  TitleRules rules{&publishers, {}};
  const CleanCase cases[] = {
      {"[Russia] - Poland Seizes Boeing Aircraft Parts Headed for Russia",
       "Poland Seizes Boeing Aircraft Parts Headed for Russia", kTitleBracketPrefix},
      {"[World]: Ceasefire talks resume in Cairo", "Ceasefire talks resume in Cairo", kTitleBracketPrefix},
      {"UPDATE 2-Fed official says weak data caused by weather", "Fed official says weak data caused by weather",
       kTitleWirePrefix},
      {"REFILE-Titanfall Review Roundup", "Titanfall Review Roundup", kTitleWirePrefix},
      {"BREAKING: Five key takeaways from our review", "Five key takeaways from our review", kTitleWirePrefix},
      {"Breaking News: Five key takeaways from our review", "Five key takeaways from our review",
       kTitleWirePrefix},
      {"RPT-UPDATE 1-Stocks fall on China data", "Stocks fall on China data", kTitleWirePrefix},
      {"Live-action remake lands a director", "Live-action remake lands a director", 0},
      {"Reuters: Fed's Plosser: Nasty Weather Has Curbed Job Growth",
       "Fed's Plosser: Nasty Weather Has Curbed Job Growth", kTitlePublisherPrefix},
      {"US open: Stocks fall after Fed official hints at tapering",
       "US open: Stocks fall after Fed official hints at tapering", 0},
      {"Titanfall review - Call Of Duty with robots - Metro", "Titanfall review - Call Of Duty with robots",
       kTitlePublisherSuffix},
      {"Titanfall Review Roundup: What the Critics Say | Tom's Guide", "Titanfall Review Roundup: What the Critics Say",
       kTitlePublisherSuffix},
      {"Does the New Cosmos Live Up to the Hype? | About - News & Issues", "Does the New Cosmos Live Up to the Hype?",
       kTitlePublisherSuffix},
      {"PBOC drops yuan again - MacroBusiness", "PBOC drops yuan again", kTitlePublisherSuffix},
      {"Stocks rally - and bonds fall", "Stocks rally - and bonds fall", 0},
      {"Mt. Gox files for US bankruptcy to halt class...", "Mt. Gox files for US bankruptcy to halt class",
       kTitleTruncated},
      {"Growth of  \xe2\x80\xa6", "Growth of", kTitleTruncated},
      {"McDonald's sales decline as chain adapts | The  ...", "McDonald's sales decline as chain adapts",
       kTitlePublisherSuffix},  // the cut went through the credit: the headline is whole
      {"[Russia] - Short", "[Russia] - Short", 0},  // nothing real would remain
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.input);
    CleanTitle t = clean_title(c.input, rules);
    EXPECT_EQ(t.text, c.expected);
    EXPECT_EQ(t.flags, c.flags);
  }
}

TEST(CleanTitle, CutsAFirstSentenceGluedOnWithoutSeparator) {
  const CleanCase cases[] = {
      {"[Russia] - Who Is Vladimir Medinsky, the Kremlin's Key Negotiator in Istanbul?Russia and Ukraine on "
       "Friday held almost two hours of peace talks in Turkey",
       "Who Is Vladimir Medinsky, the Kremlin's Key Negotiator in Istanbul?",
       kTitleBracketPrefix | kTitleGluedSentence},
      {"What Prospects Are There for Russia-Ukraine Peace Talks in IstanbulThe possibility of direct talks "
       "between Russia and Ukraine is on the table again",
       "What Prospects Are There for Russia-Ukraine Peace Talks in Istanbul", kTitleGluedSentence},
      {"Russian Orthodox Church Begins Training 'Military Clergy'Russia's Orthodox Church has released "
       "theological programs in the cities of Yekaterinburg",
       "Russian Orthodox Church Begins Training 'Military Clergy'", kTitleGluedSentence},
      {"Zelensky Offers to Meet Putin in Turkey 'Personally'Ukrainian President Volodymyr Zelensky stated "
       "Sunday he would be willing to meet",
       "Zelensky Offers to Meet Putin in Turkey 'Personally'", kTitleGluedSentence},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.input);
    CleanTitle t = clean_title(c.input);
    EXPECT_EQ(t.text, c.expected);
    EXPECT_EQ(t.flags, c.flags);
  }
}

TEST(CleanTitle, NeverCutsInsideNamesOrShortTitles) {
  for (const char* title : {
           "McDonald's struggles worsened by snow as the chain's McCafe push stalls in the Midwest and "
           "franchisees complain about costs",
           "Apple's iPhone sales in China jump as the company's iPad and MacBook lines lag behind forecasts "
           "for the holiday quarter",
           "Police name O'Brien as suspect after the robbery of a jewellery store in the city centre on Monday "
           "night, officers said",
           "U.S.Army announces new recruitment targets for the coming year after falling short of goals in "
           "the last two years",
           "Who is he?Nobody knows",  // short: a question, not a glued sentence
       }) {
    SCOPED_TRACE(title);
    CleanTitle t = clean_title(title);
    EXPECT_EQ(t.text, title);
    EXPECT_FALSE(t.has(kTitleGluedSentence));
  }
}

TEST(DisplayTitle, DropsWrappersButKeepsTheTitlesOwnCharacters) {
  const FoldCase cases[] = {
      {"[Russia] - Who Is Vladimir Medinsky, the Kremlin\u2019s Key Negotiator in Istanbul?Russia and "
       "Ukraine on Friday held almost two hours of peace talks in Turkey, the 2 sides 'first direct "
       "negotiations given that their failed talks in the early weeks of the Kreml",
       "Who Is Vladimir Medinsky, the Kremlin\u2019s Key Negotiator in Istanbul?"},
      {"[Russia] - Russian Orthodox Church Begins Training \u2018Military Clergy\u2019Russia\u2019s "
       "Orthodox Church has released theological programs in the cities of Yekaterinburg and "
       "Rostov-on-Don focused on training priests to work alongside the military.A master's program c",
       "Russian Orthodox Church Begins Training \u2018Military Clergy\u2019"},
      {"[Russia] - Turkey\u2019s Erdogan Tells Putin and Macron Efforts to End Ukraine War at "
       "\u2018Turning Point&",
       "Turkey\u2019s Erdogan Tells Putin and Macron Efforts to End Ukraine War at \u2018Turning Point"},
      {"Notes on Russia&#8217;s &#8220;shadow fleet&#8221; \u2013 a guide",
       "Notes on Russia\u2019s \u201cshadow fleet\u201d \u2013 a guide"},
      {"Zelensky Offers to Meet Putin in Turkey \u2018Personally\u2019Ukrainian President Volodymyr "
       "Zelensky stated Sunday he would be willing to meet Russian counterpart Vladimir Putin",
       "Zelensky Offers to Meet Putin in Turkey \u2018Personally\u2019"},
      // Kept: prefixes and suffixes that tell the reader something, item
      // tags, an ellipsis, AT&T, short titles.
      {"LIVE: Talks in Istanbul \u2014 Updates", "LIVE: Talks in Istanbul \u2014 Updates"},
      {"Putin Says Talks Will Go On - Reuters", "Putin Says Talks Will Go On - Reuters"},
      {"[PATCH 2/5] fix the parser", "[PATCH 2/5] fix the parser"},
      {"Kremlin Says Talks Are\u2026", "Kremlin Says Talks Are\u2026"},
      {"AT&T Buys Time Warner", "AT&T Buys Time Warner"},
      {"[Russia] - Hi", "[Russia] - Hi"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.input);
    EXPECT_EQ(display_title(c.input), c.expected);
  }
}

TEST(CleanTitle, StripsALearnedFeedPrefix) {
  std::vector<std::string> prefixes = {"Morning Briefing: "};
  CleanTitle t = clean_title("Morning Briefing: Markets steady ahead of jobs data", TitleRules{nullptr, prefixes});
  EXPECT_EQ(t.text, "Markets steady ahead of jobs data");
  EXPECT_TRUE(t.has(kTitleLearnedPrefix));
}

TEST(AffixLearner, LearnsAPrefixMostOfAFeedsTitlesShare) {
  AffixLearner learner;
  for (const char* title : {"[Russia] - Ukrainian Drone Strike Kills Woman", "[Russia] - Poland Seizes Aircraft Parts",
                            "[Russia] - Kazakhstan Denies Early Exit From Baikonur", "Putin Sacks Chief of Land Forces"}) {
    learner.observe("republisher-A", title);
  }
  learner.observe("other", "[Russia] - Once is not a pattern at all");
  EXPECT_EQ(learner.prefixes("republisher-A"), std::vector<std::string>{"[Russia] - "});
  EXPECT_TRUE(learner.prefixes("other").empty());
  EXPECT_TRUE(learner.prefixes("unknown").empty());
}

TEST(AffixLearner, IgnoresPrefixesOfAMinority) {
  AffixLearner learner;
  for (int i = 0; i < 3; ++i) learner.observe("f", "Opinion: a column that runs long enough");
  for (int i = 0; i < 5; ++i) learner.observe("f", "A plain headline number " + std::to_string(i));
  EXPECT_TRUE(learner.prefixes("f").empty());
}

TEST(Publishers, KnowsSectionFeedsByTheirPublisher) {
  Publishers p;
  p.add("Reuters - World");
  p.add("MacroBusiness (blog)");
  EXPECT_TRUE(p.contains("Reuters - World"));
  EXPECT_TRUE(p.contains("REUTERS"));
  EXPECT_TRUE(p.contains("MacroBusiness"));
  EXPECT_FALSE(p.contains("World"));
  EXPECT_TRUE(p.has_prefix(publisher_key("Macro")));
  EXPECT_FALSE(p.has_prefix(publisher_key("Micro")));
  // Names added after a lookup are found too, in any order of arrival.
  for (const char* name : {"Zeit Online", "Micro Mart", "Al Jazeera", "Reuters - World", "Bloomberg"}) p.add(name);
  for (const char* prefix : {"Micro", "Zeit", "Al J", "Bloom", "Macro", "Reut"}) {
    EXPECT_TRUE(p.has_prefix(publisher_key(prefix))) << prefix;
  }
  EXPECT_FALSE(p.has_prefix(publisher_key("Zoo")));
  EXPECT_FALSE(p.has_prefix(publisher_key("Blue")));
}

struct WordsCase {
  const char* input;
  std::vector<std::string> expected;
};

TEST(TitleWords, CaseFoldsAndSplitsOnPunctuation) {
  const WordsCase cases[] = {
      {"Fed's Plosser: Nasty Weather", {"feds", "plosser", "nasty", "weather"}},
      {"What's News", {"whats", "news"}},
      {"S&P 500 up 1.5%", {"s", "p", "500", "up", "1", "5%"}},
      {"$1.07 Billion Deal", {"$1", "07", "billion", "deal"}},
      {"STRASSE Stra\xc3\x9f" "e", {"strasse", "strasse"}},  // full case folding
      {"\xc3\x89" "cole d'\xc3\xa9t\xc3\xa9", {"\xc3\xa9" "cole", "d\xc3\xa9t\xc3\xa9"}},
      {"\xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0 news", {"\xd0\xbc\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0", "news"}},
      {"", {}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.input);
    EXPECT_EQ(title_words(c.input), c.expected);
    // The key written directly is the words joined.
    std::string key = "stale";
    EXPECT_EQ(title_key_into(c.input, key), c.expected.size());
    EXPECT_EQ(key, title_key(c.expected));
  }
}

TEST(StoryTerms, DropsFunctionWordsAndStemsPlurals) {
  std::vector<std::string> words = {"the", "feds", "says", "stocks", "companies", "rally", "in", "crisis", "us", "stocks"};
  EXPECT_EQ(story_terms(words), (std::vector<std::string>{"fed", "stock", "company", "rally", "crisis"}));
}

TEST(SummaryText, SkipsTagsAndDecodesReferences) {
  EXPECT_EQ(summary_text("<p>Fed&rsquo;s <b>Plosser</b><!-- x --> says</p>\n<img src=x>"), "Fed\xe2\x80\x99s Plosser says");
}

TEST(LabelPrefix, FindsShortLeadingLabels) {
  struct Case {
    std::string_view input;
    std::size_t expected;
  };
  const Case cases[] = {
      {"World: Council approves the new budget", 7},
      {"Top story: Council approves the new budget", 11},
      {"\xc3\x80 la une : Council approves the new budget", 12},
      {"Eilmeldung - Council approves the new budget", 13},
      {"Council approves the new budget plan", 0},             // no separator
      {"Four words before it: Council approves the budget", 0},  // too long a label
      {"World: Too short", 0},                                   // too little after it
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.input);
    EXPECT_EQ(label_prefix_length(c.input), c.expected);
  }
}

TEST(CleanTitle, RemovesCjkSectionBrackets) {
  auto clean = clean_title("\xe3\x80\x90\xe9\x80\x9f\xe5\xa0\xb1\xe3\x80\x91\xe9\xa6\x96\xe7\x9b\xb8\xe7\xb5\x90"
                           "\xe6\x9e\x9c\xe5\xb1\xb1\xe3\x81\x8c\xe6\x8d\x9c\xe6\x9f\xbb");
  EXPECT_EQ(clean.text, "\xe9\xa6\x96\xe7\x9b\xb8\xe7\xb5\x90\xe6\x9e\x9c\xe5\xb1\xb1\xe3\x81\x8c\xe6\x8d\x9c\xe6\x9f\xbb");
  EXPECT_TRUE(clean.has(kTitleBracketPrefix));
}

TEST(CleanTitle, KeepsATagThatNamesTheItem) {
  // A section ("[World] - ") goes; a tag with a digit names the item and
  // stays, so "[xss-001.ah] script html" and "[xss-002.ah] script html"
  // keep different titles.
  const CleanCase cases[] = {
      {"[xss-001.ah] script html", "[xss-001.ah] script html", 0},
      {"[PATCH 2/5] feeds: fix the tokenizer", "[PATCH 2/5] feeds: fix the tokenizer", 0},
      {"[#1234] Crash on start with an empty config", "[#1234] Crash on start with an empty config", 0},
      {"UPDATE 1-[Part 2] The long road to the budget", "[Part 2] The long road to the budget", kTitleWirePrefix},
      {"[Update: Xbox Live Down] Titanfall beta extended", "Titanfall beta extended", kTitleBracketPrefix},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.input);
    CleanTitle t = clean_title(c.input);
    EXPECT_EQ(t.text, c.expected);
    EXPECT_EQ(t.flags, c.flags);
  }
  EXPECT_EQ(item_tag("[xss-001.ah] script html"), "xss-001.ah");
  EXPECT_EQ(item_tag("[PATCH 2/5] feeds: fix the tokenizer"), "PATCH 2/5");
  EXPECT_EQ(item_tag("[World] - Ceasefire talks resume in Cairo"), "");
  EXPECT_EQ(item_tag("Ceasefire talks resume in [2] rounds"), "");
}

TEST(TitleWords, SplitsUnspacedScriptsIntoCharacters) {
  EXPECT_EQ(title_words("\xe6\x9d\xb1\xe4\xba\xac\xe3\x81\xae Tower 3"),
            (std::vector<std::string>{"\xe6\x9d\xb1", "\xe4\xba\xac", "\xe3\x81\xae", "tower", "3"}));
}

}  // namespace
}  // namespace tributary::feeds::dedup
