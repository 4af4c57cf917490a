#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::feeds::dedup {

// The content words of a headline for story similarity: `words` (see
// title_words) without English function words and reporting verbs ("the",
// "says", ...), plurals and possessives reduced to the singular
// ("stocks" -> "stock", "feds" -> "fed", "companies" -> "company").
// Order kept, duplicates removed.
std::vector<std::string> story_terms(std::span<const std::string> words);

// The story term of one word: "" for a function word, else its stem (as
// story_terms reduces it). For callers that cache terms per word.
std::string story_term(std::string_view word);

// The visible text of an HTML summary, roughly: tags and comments skipped,
// references decoded, whitespace collapsed. For similarity only, never for
// display (feeds/html sanitizes what is shown).
std::string summary_text(std::string_view html);

}  // namespace tributary::feeds::dedup
