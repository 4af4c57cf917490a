#include "feeds/dedup/url_canon.h"

#include <string>

#include <gtest/gtest.h>

namespace tributary::feeds::dedup {
namespace {

struct UrlCase {
  const char* input;
  const char* expected;
};

TEST(CanonicalUrl, NormalizesTheWaysOneArticleIsLinked) {
  const UrlCase cases[] = {
      // scheme and host case, http folded into https
      {"HTTP://Example.COM/News/Story", "https://example.com/News/Story"},
      {"http://example.com/a", "https://example.com/a"},
      {"https://example.com/a", "https://example.com/a"},
      // view hosts
      {"https://www.example.com/a", "https://example.com/a"},
      {"https://m.example.com/a", "https://example.com/a"},
      {"https://mobile.example.com/a", "https://example.com/a"},
      {"https://amp.example.com/a", "https://example.com/a"},
      {"https://www.com/a", "https://www.com/a"},  // a bare second-level label stays
      {"https://example.com./a", "https://example.com/a"},
      // default ports
      {"http://example.com:80/a", "https://example.com/a"},
      {"https://example.com:443/a", "https://example.com/a"},
      {"http://example.com:443/a", "https://example.com/a"},
      {"https://example.com:8443/a", "https://example.com:8443/a"},
      // dot segments, repeated slashes, trailing slash, /amp
      {"https://example.com/a/./b/../c", "https://example.com/a/c"},
      {"https://example.com/a//b", "https://example.com/a/b"},
      {"https://example.com/../a", "https://example.com/a"},
      {"https://example.com/a/b/", "https://example.com/a/b"},
      {"https://example.com/a/b/amp", "https://example.com/a/b"},
      {"https://example.com/a/b/amp/", "https://example.com/a/b"},
      {"https://example.com/ramp", "https://example.com/ramp"},
      {"https://example.com", "https://example.com/"},
      {"https://example.com/", "https://example.com/"},
      // percent-encoding
      {"https://example.com/%7euser/%41", "https://example.com/~user/A"},
      {"https://example.com/a%2fb", "https://example.com/a%2Fb"},
      {"https://example.com/a b", "https://example.com/a%20b"},
      {"https://example.com/caf\xc3\xa9", "https://example.com/caf%C3%A9"},
      {"https://example.com/caf%c3%a9", "https://example.com/caf%C3%A9"},
      {"https://example.com/100%", "https://example.com/100%25"},
      // fragments
      {"https://example.com/a#comments", "https://example.com/a"},
      {"https://example.com/a#", "https://example.com/a"},
      {"https://example.com/#!/story/42", "https://example.com/#!/story/42"},
      // query: sorted, tracking removed
      {"https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"},
      {"https://example.com/a?id=7&utm_source=rss&utm_medium=feed", "https://example.com/a?id=7"},
      {"https://example.com/a?fbclid=IwAR0x&gclid=abc", "https://example.com/a"},
      {"https://example.com/a?mc_cid=1&mc_eid=2&id=3", "https://example.com/a?id=3"},
      {"https://example.com/a?UTM_Campaign=x&p=1", "https://example.com/a?p=1"},
      {"https://example.com/a?utm%5Fsource=x&p=1", "https://example.com/a?p=1"},
      {"https://example.com/a?mtm_campaign=x&pk_kwd=y&_hsenc=z", "https://example.com/a"},
      {"https://example.com/a?ref=rss", "https://example.com/a"},
      {"https://example.com/a?", "https://example.com/a"},
      {"https://example.com/a?&&p=1&", "https://example.com/a?p=1"},
      {"https://example.com/a?flag&p=1", "https://example.com/a?flag&p=1"},
      {"https://example.com/a?q=%7e", "https://example.com/a?q=~"},
      {"https://example.com/story.aspx?id=1&page=2", "https://example.com/story.aspx?id=1&page=2"},
      {"https://example.com/a?utm=1&p=1", "https://example.com/a?p=1"},
      // entities left by a feed, whitespace
      {"  https://example.com/a?x=1&amp;y=2  ", "https://example.com/a?x=1&y=2"},
      {"https://example.com/a?y=2&amp;utm_source=x", "https://example.com/a?y=2"},
      // not an absolute URL: kept (trimmed) so it is still a key
      {" /relative/path ", "/relative/path"},
      {"", ""},
      // other schemes keep their scheme
      {"ftp://Files.Example.com:21/x", "ftp://files.example.com/x"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.input);
    EXPECT_EQ(canonical_url(c.input), c.expected);
  }
}

TEST(CanonicalUrl, CopiesFromTrackersAndRepollsShareOneKey) {
  std::string original = canonical_url("http://www.latimes.com/business/la-fi-mo-fed-20140310,0,1312750.story");
  EXPECT_EQ(canonical_url("https://latimes.com/business/la-fi-mo-fed-20140310,0,1312750.story"
                          "?utm_source=feedburner&utm_medium=rss&fbclid=x#comments"),
            original);
  EXPECT_NE(canonical_url("http://www.latimes.com/business/la-fi-mo-fed-20140311,0,1312750.story"), original);
}

TEST(TrackingParameter, MatchesCampaignClickAndMailTrackers) {
  for (const char* name : {"utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term", "utm",
                           "mtm_source", "ga_source", "fbclid", "gclid", "dclid", "msclkid", "yclid",
                           "twclid", "mc_cid", "mc_eid", "_hsenc", "__hssc", "mkt_tok", "igshid", "srsltid",
                           "ref", "ref_src", "referrer", "ns_campaign", "itm_source", "oly_enc_id"}) {
    SCOPED_TRACE(name);
    EXPECT_TRUE(is_tracking_parameter(name));
  }
}

TEST(TrackingParameter, KeepsParametersThatNameContent) {
  for (const char* name : {"id", "p", "page", "article", "story", "q", "s", "v", "lang", "utm_", "mc", "refs",
                           "reference", "cid"}) {
    SCOPED_TRACE(name);
    EXPECT_FALSE(is_tracking_parameter(name));
  }
}

}  // namespace
}  // namespace tributary::feeds::dedup
