#include "feeds/html/entities.h"

#include <gtest/gtest.h>

namespace tributary::feeds::html {
namespace {

TEST(DecodeEntities, DecodesNamedNumericAndLegacyReferences) {
  struct Case { const char* in; const char* out; };
  const Case cases[] = {
      {"Putin&#39;s", "Putin's"},
      {"Putin&rsquo;s", "Putin\u2019s"},
      {"a &amp; b", "a & b"},
      {"&lt;p&gt;", "<p>"},
      {"caf&eacute;", "caf\u00e9"},
      {"&nbsp;", "\u00a0"},
      {"&#x2014;", "\u2014"},
      {"&#X41;", "A"},
      {"&#150;", "\u2013"},         // windows-1252 mapping of C1 references
      {"&notit;", "\u00acit;"},      // legacy name without ';' (HTML5 behaviour)
      {"&bogus; & &", "&bogus; & &"},
      {"&#;", "&#;"},
      {"&#0;", "\ufffd"},
      {"&#xD800;", "\ufffd"},
      {"AT&T", "AT&T"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.in);
    EXPECT_EQ(decode_entities(c.in), c.out);
  }
}

TEST(NamedEntity, RequiresSemicolonForNonLegacyNames) {
  EXPECT_TRUE(named_entity("hellip;").has_value());
  EXPECT_FALSE(named_entity("hellip").has_value());
  EXPECT_EQ(named_entity("amp").value_or(""), "&");
}

}  // namespace
}  // namespace tributary::feeds::html
