#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "feeds/dedup/publishers.h"

namespace tributary::feeds::dedup {

// What clean_title found and removed; a bit set.
enum TitleFlag : std::uint32_t {
  kTitleTruncated = 1u << 0,        // ended in "..." or "…": a cut-off copy
  kTitleBracketPrefix = 1u << 1,    // "[Russia] - "
  kTitleWirePrefix = 1u << 2,       // "UPDATE 2-", "REFILE-", "BREAKING: "
  kTitlePublisherPrefix = 1u << 3,  // "Reuters: " (a known publisher)
  kTitlePublisherSuffix = 1u << 4,  // " - Reuters", " | Site Name" (known)
  kTitleLearnedPrefix = 1u << 5,    // a prefix the feed puts on every title
  kTitleGluedSentence = 1u << 6,    // "...in Istanbul?Russia and Ukraine ..."
  kTitlePartialEntity = 1u << 7,    // a cut-off trailing "&rsqu"
};

// Decodes character references (twice, for double-escaped feeds), drops a
// cut-off trailing reference ("Point&", "&#82", "&rsq"; not "AT&T"),
// applies Unicode NFKC, folds curly quotes to ' and ", dashes to '-',
// removes zero-width and soft-hyphen characters, and collapses whitespace.
// Case is kept. The flag kTitlePartialEntity is or-ed into `*flags` when a
// reference was dropped.
std::string fold_title(std::string_view raw, std::uint32_t* flags = nullptr);

// fold_title appended to `out`.
void append_folded_title(std::string_view raw, std::string& out, std::uint32_t* flags = nullptr);

// What clean_title may know beyond the title itself.
struct TitleRules {
  const Publishers* publishers = nullptr;     // names for prefix/suffix credits
  std::span<const std::string> feed_prefixes;  // AffixLearner::prefixes of the item's feed
};

struct CleanTitle {
  std::string text;  // folded, wrappers removed, case kept: fit for display
  std::uint32_t flags = 0;
  bool has(TitleFlag f) const { return (flags & f) != 0; }
};

// The headline itself: fold_title, then (repeatedly, as they stack) a
// leading "[Section] - " (not a tag that names the item, see item_tag),
// wire tag, learned feed prefix or known publisher credit are removed; a
// first sentence glued on without a separator is cut at the boundary
// ("...in Istanbul?Russia and..." , "...in IstanbulThe possibility...",
// "...'Military Clergy'Russia's...") but never inside a name (McDonald,
// iPhone, O'Brien); a truncation ellipsis and a trailing
// credit (" - Reuters", " | About - News & Issues") naming a known publisher
// are removed; in a truncated title also a credit the cut went through
// ("... | The ..." when a known name starts with "The"), and then the
// headline counts as whole (kTitleTruncated cleared). A wrapper is only
// removed when a real title remains.
CleanTitle clean_title(std::string_view raw, const TitleRules& rules = {});

// clean_title of a title already folded by fold_title, which reported
// `flags`.
CleanTitle clean_folded_title(std::string_view folded, std::uint32_t flags, const TitleRules& rules = {});

// clean_folded_title without a copy: the clean text is a part of `folded`;
// `*flags` (what fold_title reported) gets the flags or-ed in.
std::string_view clean_folded_view(std::string_view folded, std::uint32_t* flags, const TitleRules& rules = {});

// The leading bracketed tag of a clean title when it has a digit and so
// names the item itself rather than a section ("[xss-001.ah] script html",
// "[PATCH 2/5] fix the parser", "[#1234] crash on start", "[Part 2] ..."):
// the text between the brackets, or "". clean_title keeps such a tag, since
// entries that differ only in it are different items; copies under
// different tags never join.
std::string_view item_tag(std::string_view clean);

// Length of a leading label of at most three words and 32 bytes that a
// re-publisher may have put before a headline ("World: ", "Top story: ",
// "À la une : ", "Eilmeldung - "), with at least 12 bytes of title after
// it; 0 when there is none. Unlike the wrappers clean_title removes, such a
// label may belong to the headline ("Russia: Putin says ..."), so the
// deduplicator uses the title without it only with content as corroboration.
std::size_t label_prefix_length(std::string_view clean);

// The headline of a plain-text title as a reader should see it: without a
// leading "[Section] - " (kept when it names the item, see item_tag), a
// first sentence glued on ("...in Istanbul?Russia and Ukraine ...") or a
// cut-off trailing character reference ("at 'Turning Point&"); references
// left in the text (escaped twice at the source) are decoded. Unlike
// clean_title it keeps the title's own characters (curly quotes, dashes,
// an ellipsis, case) and every other prefix and suffix, which may tell the
// reader something ("LIVE: ", " - Reuters").
std::string display_title(std::string_view title);

// Unicode full case folding (ICU) of UTF-8 text; ASCII fast path.
std::string case_fold(std::string_view utf8);

// The words of a clean title, case-folded: runs of letters and digits
// (Unicode-aware); apostrophes inside words are dropped ("What's" ->
// "whats"), '$' and '%' kept as parts of words; in scripts written without
// spaces (Han, Hiragana, Katakana) every character is a word. The duplicate
// layer's title key is these words joined by single spaces.
std::vector<std::string> title_words(std::string_view clean);

// title_words into `words` (replacing its contents), reusing its strings'
// storage: for callers that split many titles.
void title_words_into(std::string_view clean, std::vector<std::string>& words);

// title_words joined by ' '.
std::string title_key(std::span<const std::string> words);

// title_key(title_words(clean)) into `key` (replacing its contents),
// without the word list; returns the number of words.
std::size_t title_key_into(std::string_view clean, std::string& key);

}  // namespace tributary::feeds::dedup
