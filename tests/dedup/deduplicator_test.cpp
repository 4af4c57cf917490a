#include "feeds/dedup/deduplicator.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "feeds/dedup/url_canon.h"

namespace tributary::feeds::dedup {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

const Millis kT0{std::chrono::milliseconds(1394470370698)};

Item item(std::string id, std::string title, std::string link = "", std::string feed = "",
          Millis published = kT0) {
  Item i;
  i.id = std::move(id);
  i.title = std::move(title);
  i.link = std::move(link);
  i.feed = std::move(feed);
  i.published = published;
  return i;
}

const char* kSummaryA =
    "<p>The city council approved a new budget on Tuesday that raises spending on schools, "
    "roads and parks while cutting the cost of running city hall by a tenth.</p>";
const char* kSummaryB =
    "A football club fired its coach after a losing streak, and fans gathered outside the stadium "
    "to demand that the owners sell the team before next season.";

bool same_group(const std::vector<Assignment>& a, std::size_t x, std::size_t y) { return a[x].group == a[y].group; }
bool same_story(const std::vector<Assignment>& a, std::size_t x, std::size_t y) { return a[x].story == a[y].story; }

TEST(Deduplicator, GuidJoinsRepollsWithinOneFeedOnly) {
  std::vector<Item> first = {item("a", "First title about one thing", "", "Feed A"),
                             item("c", "Something else entirely happened", "", "Feed B")};
  std::vector<Item> repoll = {item("b", "Edited title after a correction", "", "Feed A", kT0 + hours(1))};
  first[0].guid = first[1].guid = repoll[0].guid = "urn:1";
  Deduplicator d;
  auto h1 = d.add(first);
  auto h2 = d.add(repoll);
  EXPECT_EQ(d.assignment(h2[0]).group, h1[0]);
  EXPECT_NE(d.assignment(h1[1]).group, h1[0]);
}

TEST(Deduplicate, OneDocumentsEntriesUnderOneGuidStayApart) {
  std::vector<Item> items = {item("a", "First title about one thing", "https://a.example/1", "Feed A"),
                             item("b", "Another article entirely", "https://a.example/2", "Feed A"),
                             item("c", "First title about one thing", "https://a.example/1", "Feed A")};
  items[0].guid = items[1].guid = items[2].guid = "urn:1";
  auto a = deduplicate(items);
  EXPECT_FALSE(same_group(a, 0, 1));
  EXPECT_TRUE(same_group(a, 0, 2));
}

TEST(Deduplicate, CanonicalUrlJoinsTrackedAndCategoryCopies) {
  std::vector<Item> items = {
      item("a", "Fed official says weak data caused by weather", "http://www.example.com/fed-20140310", "Times"),
      item("b", "Fed official says weak data caused by weather",
           "https://example.com/fed-20140310?utm_source=rss&fbclid=1#comments", "Times - Business"),
      item("c", "Completely different words here today", "https://example.com/fed-20140310/", "Times")};
  auto a = deduplicate(items);
  EXPECT_TRUE(same_group(a, 0, 1));
  EXPECT_TRUE(same_group(a, 0, 2));
}

TEST(Deduplicate, FrontPageLinksAreNoIdentity) {
  std::vector<Item> items = {item("a", "Council approves the new budget plan", "https://example.com/", "Local"),
                             item("b", "School board elects a new chairman", "https://www.example.com", "Local")};
  auto a = deduplicate(items);
  EXPECT_FALSE(same_group(a, 0, 1));
}

TEST(Deduplicate, LinksWithoutAHostNameNoArticle) {
  const char* links[] = {"javascript:alert(1)", "#", "data:text/html,<b>x</b>", "file:///relative/post",
                         "/relative/post", "feed:javascript:alert(1)", "javascript://example.com/%0Aalert(1)"};
  for (const char* link : links) {
    SCOPED_TRACE(link);
    std::vector<Item> items = {item("a", "Council approves the new budget plan", link, "A"),
                               item("b", "Football club fires its coach after a losing streak", link, "B")};
    EXPECT_FALSE(same_group(deduplicate(items), 0, 1));
    EXPECT_EQ(item_keys(items[0], {}).url, "");
  }
}

// The hostile XSS corpus's feeds: every entry has its own id and link, one
// instant, and a title "[xss-NNN.xx] <what it tests>".
TEST(Deduplicate, EntriesUnderDifferentItemTagsStayApart) {
  std::vector<Item> items = {
      item("1", "[xss-001.ah] script html", "https://example.com/xss/xss-001.ah", "atom html"),
      item("2", "[xss-002.ah] script html", "https://example.com/xss/xss-002.ah", "atom html"),
      item("3", "[xss-022.at] case and leading spaces", "https://example.com/xss/xss-022.at", "atom html"),
      item("4", "[xss-022.rt] case and leading spaces", "https://example.com/xss/xss-022.rt", "rss title"),
      // Two feeds linking one page: different tags, different items.
      item("5", "[xss-126.al] benign-control url (benign control)", "https://example.com/post?a=1&b=2", "atom links"),
      item("6", "[xss-126.rl] benign-control url (benign control)", "https://example.com/post?a=1&b=2", "rss links"),
      // The same tag: a copy.
      item("7", "[PATCH 2/5] feeds: fix the tokenizer", "https://lists.example/p/2", "list"),
      item("8", "[PATCH 2/5] feeds: fix the tokenizer", "https://lists.example/p/2?utm_source=x", "mirror")};
  for (std::size_t i = 0; i < items.size(); ++i) items[i].guid = "urn:" + items[i].id;
  auto a = deduplicate(items);
  EXPECT_FALSE(same_group(a, 0, 1));
  EXPECT_FALSE(same_group(a, 2, 3));
  EXPECT_FALSE(same_group(a, 4, 5));
  EXPECT_TRUE(same_group(a, 6, 7));
}

TEST(Deduplicate, EntriesTheirDocumentTellsApartJoinOnlyByContent) {
  // One document, one instant, titles that clean to the same words: the
  // feed's own GUIDs and links say these are different entries.
  std::vector<Item> items = {
      item("1", "[Parser] Weekly notes", "https://a.example/notes/1", "A"),
      item("2", "[Writer] Weekly notes", "https://a.example/notes/2", "A"),
      item("3", "Council approves the new budget plan", "https://a.example/budget", "A"),
      item("4", "BREAKING: Council approves the new budget plan", "https://a.example/budget-2", "A"),
      item("5", "Ten things you need to know this morning", "https://a.example/ten/1", "A"),
      item("6", "Ten things you need to know this morning", "https://a.example/ten/2", "A")};
  for (std::size_t i = 0; i < items.size(); ++i) items[i].guid = "urn:" + items[i].id;
  items[4].summary = items[5].summary = kSummaryA;  // the same text: one article listed twice
  auto a = deduplicate(items);
  EXPECT_FALSE(same_group(a, 0, 1));
  EXPECT_FALSE(same_group(a, 2, 3));
  EXPECT_TRUE(same_group(a, 4, 5));

  // In two documents (polls) the later one re-publishes the article; and
  // a stream whose documents are unknown judges by the title too.
  Deduplicator d;
  auto h1 = d.add(std::span<const Item>(items).subspan(2, 1));
  auto h2 = d.add(std::span<const Item>(items).subspan(3, 1));
  EXPECT_EQ(d.assignment(h2[0]).group, h1[0]);
  Options stream;
  stream.batches_are_documents = false;
  auto s = deduplicate(items, stream);
  EXPECT_TRUE(same_group(s, 2, 3));
  EXPECT_TRUE(same_group(s, 0, 1));
}

TEST(Deduplicate, NoThirdCopyJoinsEntriesTheirDocumentTellsApart) {
  // A re-publisher's earlier copy has the title both entries clean to: it
  // joins one of them, never both.
  std::vector<Item> items = {
      item("z", "Council approves the new budget plan", "https://b.example/go/1", "B", kT0 - minutes(5)),
      item("x", "[World] - Council approves the new budget plan", "https://a.example/1", "A"),
      item("y", "[Europe] - Council approves the new budget plan", "https://a.example/2", "A")};
  items[1].guid = "urn:x";
  items[2].guid = "urn:y";
  auto a = deduplicate(items);
  EXPECT_FALSE(same_group(a, 1, 2));
  EXPECT_TRUE(same_group(a, 0, 1) || same_group(a, 0, 2));
}

TEST(Deduplicate, NormalizedTitleJoinsRepublishersWithinTheWindow) {
  std::vector<Item> items = {
      item("a", "Fed's Plosser: Nasty Weather Has Curbed Job Growth", "https://a.example/1", "Moneynews"),
      item("b", "Reuters: Fed&#39;s Plosser: Nasty Weather Has Curbed Job Growth", "https://b.example/2", "Mirror"),
      item("c", "[Economy] - FED\xe2\x80\x99S PLOSSER: NASTY WEATHER HAS CURBED JOB GROWTH", "https://c.example/3",
           "Mirror 2"),
      item("d", "Fed's Plosser: Nasty Weather Has Curbed Job Growth - Moneynews", "https://d.example/4", "Mirror 3"),
      item("e", "Fed's Plosser: Nasty Weather Has Curbed Job Growth", "https://e.example/5", "Late",
           kT0 + hours(24 * 10))};
  auto a = deduplicate(items);
  EXPECT_TRUE(same_group(a, 0, 1));
  EXPECT_TRUE(same_group(a, 0, 2));
  EXPECT_TRUE(same_group(a, 0, 3));
  EXPECT_FALSE(same_group(a, 0, 4));  // ten days later: outside the 72 h window
}

TEST(Deduplicate, ShortTitlesNeedTheSameInstant) {
  std::vector<Item> items = {item("a", "Titanfall Review", "https://a.example/r", "AusGamers"),
                             item("b", "Titanfall Review", "https://b.example/r", "God is a Geek", kT0 + hours(2)),
                             item("c", "REFILE-Titanfall Review", "https://m.example/r", "Mirror")};
  auto a = deduplicate(items);
  EXPECT_FALSE(same_group(a, 0, 1));
  EXPECT_TRUE(same_group(a, 0, 2));
}

TEST(Deduplicate, DifferentSummariesKeepSameTitlesApart) {
  std::vector<Item> items = {item("a", "Ten things you need to know this morning", "https://a.example/1", "A"),
                             item("b", "Ten things you need to know this morning", "https://b.example/2", "B"),
                             item("c", "Ten things you need to know this morning", "https://c.example/3", "C")};
  items[0].summary = "<p>Stocks rallied on Monday as investors cheered strong jobs data from the labor department</p>";
  items[1].summary = "Apple unveiled a new phone while rain flooded coastal towns and a football club fired its coach";
  items[2].summary = "Stocks rallied on Monday as investors cheered strong jobs data, the labor department said";
  auto a = deduplicate(items);
  EXPECT_FALSE(same_group(a, 0, 1));
  EXPECT_TRUE(same_group(a, 0, 2));
}

TEST(Deduplicate, TruncatedTitleJoinsTheOneFullTitleItPrefixes) {
  std::vector<Item> items = {
      item("full", "American Honda Strengthens Auto Sales Division to Accelerate Sales Growth", "https://a.example/1", "A"),
      item("cut", "American Honda Strengthens Auto Sales Division to Accel...", "https://b.example/2", "B"),
      item("other", "Unrelated headline about the weather in Spain today", "https://c.example/3", "C")};
  auto a = deduplicate(items);
  EXPECT_TRUE(same_group(a, 0, 1));
  EXPECT_FALSE(same_group(a, 0, 2));
}

TEST(Deduplicate, AmbiguousTruncatedTitleJoinsNothing) {
  std::vector<Item> items = {
      item("x", "Mt. Gox files for US bankruptcy to halt class action", "https://a.example/1", "A"),
      item("y", "Mt. Gox files for US bankruptcy to halt class action suits in Texas", "https://b.example/2", "B"),
      item("cut", "Mt. Gox files for US bankruptcy to halt class ...", "https://c.example/3", "C")};
  auto a = deduplicate(items);
  EXPECT_FALSE(same_group(a, 2, 0));
  EXPECT_FALSE(same_group(a, 2, 1));
  EXPECT_FALSE(same_group(a, 0, 1));
}

TEST(Deduplicate, ATruncatedCopyPlacedByItsLinkStaysThere) {
  std::vector<Item> items = {
      item("first", "National group concerned about KentuckyOne layoffs", "https://w.example/1", "WDRB"),
      item("second", "National group concerned about KentuckyOne layoffs - WDRB 41 ...", "https://w.example/2", "WDRB",
           kT0 + minutes(1)),
      item("copy", "National group concerned about KentuckyOne layoffs ...", "https://w.example/2", "WDRB",
           kT0 + minutes(1))};
  auto a = deduplicate(items);
  EXPECT_TRUE(same_group(a, 1, 2));
  EXPECT_FALSE(same_group(a, 0, 2));
}

TEST(Deduplicate, GroupsOfOneStoryShareItAndNestInside) {
  std::vector<Item> items = {
      item("1", "Mt. Gox files for bankruptcy protection in Tokyo", "https://a.example/1", "A"),
      item("2", "Bitcoin exchange Mt. Gox files for bankruptcy protection", "https://b.example/2", "B", kT0 + minutes(5)),
      item("3", "Mt. Gox bankruptcy filing leaves bitcoin owners in limbo", "https://c.example/3", "C", kT0 + minutes(9)),
      item("4", "UPDATE 1-Mt. Gox files for bankruptcy protection in Tokyo", "https://d.example/4", "D", kT0 + minutes(9)),
      item("5", "Titanfall launches on Xbox One to strong reviews", "https://e.example/5", "E", kT0 + minutes(10)),
      item("6", "Malaysia Airlines search widens to the Andaman Sea", "https://f.example/6", "F", kT0 + minutes(11))};
  auto a = deduplicate(items);
  EXPECT_TRUE(same_group(a, 0, 3));
  EXPECT_FALSE(same_group(a, 0, 1));
  EXPECT_TRUE(same_story(a, 0, 1));
  EXPECT_TRUE(same_story(a, 0, 2));
  EXPECT_TRUE(same_story(a, 0, 3));
  EXPECT_FALSE(same_story(a, 0, 4));
  EXPECT_FALSE(same_story(a, 0, 5));
  EXPECT_FALSE(same_story(a, 4, 5));
  for (std::size_t i = 0; i < a.size(); ++i) {
    for (std::size_t j = 0; j < a.size(); ++j) {
      if (same_group(a, i, j)) {
        EXPECT_TRUE(same_story(a, i, j));
      }
    }
  }
}

// One word in common is all two short headlines have by chance; two is a
// story ("Huge page" and "Short page" were one).
TEST(Deduplicate, AShortTitleNeedsTwoWordsInCommonWithAStory) {
  std::vector<Item> items = {item("1", "Huge page", "https://a.example/1", "A"),
                             item("2", "Short page", "https://b.example/2", "B", kT0 + minutes(1)),
                             item("3", "Morning briefing", "https://c.example/3", "C", kT0 + minutes(2)),
                             item("4", "Evening briefing", "https://d.example/4", "D", kT0 + minutes(3)),
                             item("5", "Gox bankruptcy", "https://e.example/5", "E", kT0 + minutes(4)),
                             item("6", "Gox bankruptcy filed", "https://f.example/6", "F", kT0 + minutes(5))};
  auto a = deduplicate(items);
  EXPECT_FALSE(same_story(a, 0, 1));
  EXPECT_FALSE(same_story(a, 2, 3));
  EXPECT_TRUE(same_story(a, 4, 5));
}

TEST(Deduplicate, EventGranularityIsFinerThanStory) {
  std::vector<Item> items = {item("1", "Fed official says weak data caused by weather, should not slow taper"),
                             item("2", "Fed's Charles Plosser sees high bar for change in pace of tapering"),
                             item("3", "Stocks fall after Fed official hints at accelerated tapering"),
                             item("4", "Fed official hints tapering pace could speed up")};
  Options story;
  Options event;
  event.story = story_params(Granularity::event);
  auto coarse = deduplicate(items, story);
  auto fine = deduplicate(items, event);
  auto stories = [](const std::vector<Assignment>& a) {
    std::vector<std::size_t> s;
    for (const auto& x : a) {
      if (std::find(s.begin(), s.end(), x.story) == s.end()) s.push_back(x.story);
    }
    return s.size();
  };
  EXPECT_LT(stories(coarse), stories(fine));
}

// The size of the largest story of `a`.
std::size_t largest_story(const std::vector<Assignment>& a) {
  std::map<std::size_t, std::size_t> size;
  for (const auto& x : a) ++size[x.story];
  std::size_t n = 0;
  for (auto [story, count] : size) n = std::max(n, count);
  return n;
}

// Headlines of unrelated items drawn from a small vocabulary (as in a
// generated test corpus, or a feed's stock phrases) share words by chance.
// A cluster's centroid summed over them stays close to every new one; the
// story layer made one story of 1,831 of these 3,000 (now about 100 at
// most, around a word or two they share).
TEST(Deduplicate, StoriesDoNotDriftIntoOneOfEverything) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> word(0, 199);
  std::vector<Item> items;
  for (int i = 0; i < 3000; ++i) {
    std::string title;
    for (int w = 0; w < 7; ++w) title += (w ? " kw" : "Kw") + std::to_string(word(rng));
    items.push_back(item(std::to_string(i), title, "https://x" + std::to_string(i % 50) + ".example/" + std::to_string(i),
                         "Feed " + std::to_string(i % 50), kT0 + minutes(i / 10)));
  }
  EXPECT_LT(largest_story(deduplicate(items)), items.size() / 10);
}

// However close they are, a story takes no more items by similarity once
// it has StoryParams::max_members; its duplicates still join it.
TEST(Deduplicate, AStoryTakesNoMoreThanMaxMembersBySimilarity) {
  const char* days[] = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today"};
  std::vector<Item> items;
  for (int i = 0; i < 8; ++i) {
    items.push_back(item(std::to_string(i), std::string("Mt. Gox bankruptcy filing leaves bitcoin owners in limbo ") + days[i],
                         "https://s" + std::to_string(i) + ".example/gox", "Feed " + std::to_string(i), kT0 + minutes(i)));
  }
  items.push_back(item("copy", items[7].title, items[7].link, "Wire", kT0 + minutes(9)));
  EXPECT_EQ(largest_story(deduplicate(items)), 9u);
  Options options;
  options.story.max_members = 5;
  auto a = deduplicate(items, options);
  EXPECT_EQ(largest_story(a), 5u);
  for (std::size_t i = 1; i < 5; ++i) EXPECT_TRUE(same_story(a, 0, i));
  EXPECT_FALSE(same_story(a, 0, 5));
  EXPECT_TRUE(same_group(a, 7, 8));
  EXPECT_TRUE(same_story(a, 7, 8));
}

TEST(Deduplicate, StoriesOffMeansStoryIsGroup) {
  std::vector<Item> items = {item("1", "Mt. Gox files for bankruptcy protection in Tokyo"),
                             item("2", "Bitcoin exchange Mt. Gox files for bankruptcy protection")};
  Options options;
  options.stories = false;
  auto a = deduplicate(items, options);
  for (const auto& x : a) EXPECT_EQ(x.story, x.group);
}

TEST(Deduplicate, RepresentativeIsTheEarliestItem) {
  std::vector<Item> items = {item("late", "Fed official says weak data caused by weather", "https://a.example/1", "A",
                                  kT0 + hours(1)),
                             item("early", "Fed official says weak data caused by weather", "https://b.example/2", "B")};
  auto a = deduplicate(items);
  EXPECT_EQ(a[0].group, 1u);
  EXPECT_EQ(a[1].group, 1u);
}

TEST(Deduplicator, BatchesGiveTheSameGroupsAsOneBatch) {
  std::vector<Item> items = {
      item("1", "Fed's Plosser: Nasty Weather Has Curbed Job Growth", "https://a.example/1", "Moneynews"),
      item("2", "UPDATE 2-Fed's Plosser: Nasty Weather Has Curbed Job Growth", "https://b.example/2", "Mirror",
           kT0 + minutes(3)),
      item("3", "Bitcoin exchange Mt. Gox files for bankruptcy protection", "https://c.example/3?utm_source=x", "C",
           kT0 + minutes(4)),
      item("4", "Mt. Gox bankruptcy", "https://c.example/3", "C", kT0 + minutes(30)),
      item("5", "Bitcoin exchange Mt. Gox files for bankruptcy ...", "https://d.example/5", "D", kT0 + minutes(31))};
  auto whole = deduplicate(items);
  Deduplicator d;
  std::vector<std::size_t> handles;
  for (std::size_t i = 0; i < items.size(); i += 2) {
    auto h = d.add(std::span<const Item>(items).subspan(i, std::min<std::size_t>(2, items.size() - i)));
    handles.insert(handles.end(), h.begin(), h.end());
  }
  for (std::size_t i = 0; i < items.size(); ++i) {
    for (std::size_t j = 0; j < items.size(); ++j) {
      SCOPED_TRACE(std::to_string(i) + " " + std::to_string(j));
      EXPECT_EQ(d.assignment(handles[i]).group == d.assignment(handles[j]).group, same_group(whole, i, j));
    }
  }
}

TEST(Deduplicator, ForgottenItemsNoLongerJoin) {
  Deduplicator d;
  std::vector<Item> first = {item("1", "Fed official says weak data caused by weather", "https://a.example/1")};
  auto h1 = d.add(first);
  d.forget_before(kT0 + minutes(1));
  std::vector<Item> second = {item("2", "Fed official says weak data caused by weather", "https://a.example/1",
                                   "", kT0 + minutes(2))};
  auto h2 = d.add(second);
  EXPECT_EQ(d.first_remembered(), h2[0]);  // the first item's memory is released
  EXPECT_EQ(d.assignment(h2[0]).group, h2[0]);
}

TEST(Deduplicate, LinksJoinCopiesPublishedMonthsApart) {
  std::vector<Item> items = {item("a", "Council approves the budget", "https://city.example/budget", "City"),
                             item("b", "Council approves the budget", "https://city.example/budget?utm_source=x",
                                  "Mirror", kT0 + hours(24 * 120))};
  auto a = deduplicate(items);
  EXPECT_TRUE(same_group(a, 0, 1));
}

TEST(Deduplicate, AgreeingSummariesJoinSameTitlesOutsideTheWindow) {
  std::vector<Item> items = {
      item("a", "Council approves the new budget plan", "https://a.example/1", "A"),
      item("b", "Council approves the new budget plan", "https://b.example/go/2", "B", kT0 + hours(24 * 30)),
      item("c", "Council approves the new budget plan", "https://c.example/3", "C", kT0 + hours(24 * 60))};
  items[0].summary = items[1].summary = kSummaryA;
  auto a = deduplicate(items);
  EXPECT_TRUE(same_group(a, 0, 1));
  EXPECT_FALSE(same_group(a, 0, 2));  // no summary to corroborate, a month later
}

TEST(Deduplicate, AShortLabelJoinsOnlyWithAgreeingSummaries) {
  std::vector<Item> items = {
      item("orig", "Council approves the new budget plan", "https://a.example/1", "A"),
      item("copy", "Top story: Council approves the new budget plan", "https://b.example/go/7", "B",
           kT0 + hours(30)),
      item("other", "World: Council approves the new budget plan", "https://c.example/go/8", "C", kT0 + hours(31)),
      item("bare", "Europe: Council approves the new budget plan", "https://d.example/go/9", "D", kT0 + hours(32))};
  items[0].summary = items[1].summary = kSummaryA;
  items[2].summary = kSummaryB;
  auto a = deduplicate(items);
  EXPECT_TRUE(same_group(a, 0, 1));
  EXPECT_FALSE(same_group(a, 0, 2));  // a different text under the label
  EXPECT_FALSE(same_group(a, 0, 3));  // nothing to compare
}

TEST(Deduplicate, CjkHeadlinesCountCharactersAsWords) {
  // Eleven characters: a long title, joined on the title alone, also behind
  // a 【...】 section tag.
  std::vector<Item> items = {
      item("a", "\xe9\xa6\x96\xe7\x9b\xb8\xe7\xb5\x90\xe6\x9e\x9c\xe5\xb1\xb1\xe3\x81\x8c\xe6\x8d\x9c"
                "\xe6\x9f\xbb\xe6\x94\xbf\xe7\xad\x96\xe9\x83\xbd",
           "https://a.example/1", "A"),
      item("b", "\xe3\x80\x90\xe9\x80\x9f\xe5\xa0\xb1\xe3\x80\x91\xe9\xa6\x96\xe7\x9b\xb8\xe7\xb5\x90"
                "\xe6\x9e\x9c\xe5\xb1\xb1\xe3\x81\x8c\xe6\x8d\x9c\xe6\x9f\xbb\xe6\x94\xbf\xe7\xad\x96"
                "\xe9\x83\xbd",
           "https://b.example/go/2", "B", kT0 + hours(2))};
  auto a = deduplicate(items);
  EXPECT_TRUE(same_group(a, 0, 1));
}

TEST(Deduplicator, ReportsGroupsItMerged) {
  Deduplicator d;
  std::vector<Item> first = {item("1", "Fed official says weak data caused by weather", "https://a.example/1", "A"),
                             item("2", "Completely different words about a budget", "https://b.example/2", "B")};
  auto h1 = d.add(first);
  EXPECT_TRUE(d.merged_groups().empty());
  // Shares its link with the first and its title with the second: a bridge.
  std::vector<Item> second = {item("3", "Completely different words about a budget", "https://a.example/1", "C",
                                   kT0 + minutes(1))};
  auto h2 = d.add(second);
  EXPECT_EQ(d.assignment(h1[1]).group, h1[0]);
  bool bridged = false;
  for (const Merge& m : d.merged_groups()) bridged = bridged || (m.kept == h1[0] && m.absorbed == h1[1]);
  EXPECT_TRUE(bridged);
}

TEST(Deduplicator, KeysAreThoseOfTheLastBatch) {
  Options options;
  options.keep_keys = true;
  Deduplicator d(options);
  auto h1 = d.add(std::vector<Item>{item("1", "Council approves the new budget plan", "https://a.example/1", "A")});
  EXPECT_EQ(d.keys(h1[0]).url, canonical_url("https://a.example/1"));
  // The next batch's keys are there; the first's are released (not checked:
  // keys() asserts).
  auto h2 = d.add(std::vector<Item>{item("2", "Stocks rally on strong jobs data", "http://b.example/2?utm_source=x", "B")});
  EXPECT_EQ(d.keys(h2[0]).url, canonical_url("http://b.example/2?utm_source=x"));
  EXPECT_EQ(d.keys(h2[0]).feed, publisher_key("B"));
}

TEST(Deduplicator, ForgettingByHandleReleasesAndReroots) {
  Deduplicator d;
  std::vector<Item> batch = {item("1", "Fed official says weak data caused by weather", "https://a.example/1", "A"),
                             item("2", "Fed official says weak data caused by weather", "https://b.example/2", "B",
                                  kT0 + minutes(1)),
                             item("3", "Fed official says weak data caused by weather", "https://c.example/3", "C",
                                  kT0 + minutes(2))};
  auto h = d.add(batch);
  ASSERT_EQ(d.assignment(h[2]).group, h[0]);
  d.forget_handles_before(h[1]);
  EXPECT_EQ(d.first_remembered(), h[1]);
  // The group lives on, represented by its earliest remembered member, and
  // still takes copies.
  EXPECT_EQ(d.assignment(h[2]).group, h[1]);
  std::vector<Item> late = {item("4", "Fed official says weak data caused by weather", "https://d.example/4", "D",
                                 kT0 + minutes(3))};
  auto h4 = d.add(late);
  EXPECT_EQ(d.assignment(h4[0]).group, h[1]);
  EXPECT_EQ(d.assignment(h4[0]).story, d.assignment(h[1]).story);
}

TEST(Deduplicator, MemoryStaysBoundedWhenForgetting) {
  Options options;
  options.duplicate_window = hours(1);
  Deduplicator d(options);
  for (int round = 0; round < 50; ++round) {
    std::vector<Item> batch;
    for (int i = 0; i < 20; ++i) {
      std::string n = std::to_string(round * 20 + i);
      batch.push_back(item(n, "Headline number " + n + " about topic " + std::to_string(i), "https://a.example/" + n,
                           "Feed " + std::to_string(i % 3), kT0 + hours(round)));
    }
    d.add(batch);
    d.forget_before(kT0 + hours(round - 2));
    EXPECT_LE(d.size() - d.first_remembered(), 80u);
  }
}

TEST(ItemKeys, ArePureFunctionsOfTheItem) {
  Publishers publishers;
  publishers.add("Reuters");
  Item i = item("x", "Reuters: UPDATE 1-Stocks fall on China data", "http://www.example.com/a?utm_source=1", "Feed");
  i.guid = "g-1";
  ItemKeys k = item_keys(i, TitleRules{&publishers, {}});
  EXPECT_EQ(k.url, "https://example.com/a");
  EXPECT_EQ(k.guid, "feed\ng-1");
  EXPECT_EQ(k.title, "stocks fall on china data");
  EXPECT_TRUE(k.prefix.empty());
  EXPECT_EQ(k.clean.text, "Stocks fall on China data");
}

}  // namespace
}  // namespace tributary::feeds::dedup
