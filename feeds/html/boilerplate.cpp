#include "feeds/html/boilerplate.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "feeds/html/text.h"

namespace tributary::feeds::html {
namespace {

// Class/id hints, matched as whole tokens of the class and id values split
// at '-', '_', ' ' and case changes folded ("share-bar" has the token
// "share"; "shareholder" has not). Strong hints remove a block of any size
// up to a share of the content; weak ones (bylines, dates, tag lists) only
// short blocks.
constexpr std::array<std::string_view, 44> kStrongTokens = {
    "ad",         "ads",        "advert",     "advertisement", "advertising", "adslot",      "banner",
    "cookie",     "cookies",    "consent",    "gdpr",          "donate",      "donation",    "donations",
    "newsletter", "newsletters", "outbrain",  "taboola",       "paywall",     "promo",       "promotion",
    "promoted",   "related",    "recirc",     "recirculation", "recommended", "recommendations", "share",
    "sharing",    "sharebar",   "sharedaddy", "social",        "socials",     "sponsored",   "subscribe",
    "subscription", "signup",   "trending",   "popular",       "comments",    "disqus",      "bio",
    "upsell",     "syndication"};
constexpr std::array<std::string_view, 15> kWeakTokens = {
    "author", "authors", "byline", "bylines", "dateline", "date", "timestamp", "published", "meta",
    "tags",   "tag",     "disclaimer", "dek", "standfirst", "follow"};
// Substrings for run-together class names ("relatedArticles", "newsletterSignup").
constexpr std::array<std::string_view, 18> kStrongSubstrings = {
    "newsletter", "subscribe", "donate",     "donation",   "outbrain",  "taboola",
    "sharedaddy", "cookie",    "signup",     "sign-up",    "authorbio", "author-bio",
    "aboutauthor", "about-author", "readmore", "read-more", "morestories", "more-stories"};

std::vector<std::string> class_tokens(const Node* n) {
  std::vector<std::string> tokens;
  auto split = [&tokens](std::string_view v) {
    std::string cur;
    for (char c : v) {
      if (std::isalnum(static_cast<unsigned char>(c))) {
        cur += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      } else if (!cur.empty()) {
        tokens.push_back(std::move(cur));
        cur.clear();
      }
    }
    if (!cur.empty()) tokens.push_back(std::move(cur));
  };
  split(n->attr("class"));
  // Ids made from a heading ("sharing-with-a-single-developer") say what
  // the section is about, not what it is: only short ids are hints.
  std::size_t before = tokens.size();
  split(n->attr("id"));
  if (tokens.size() - before > 3) tokens.resize(before);
  return tokens;
}

template <std::size_t N>
bool any_token(const std::vector<std::string>& tokens, const std::array<std::string_view, N>& words) {
  for (const auto& t : tokens) {
    if (std::find(words.begin(), words.end(), t) != words.end()) return true;
  }
  return false;
}

std::string lowered_hint(const Node* n) {
  std::string s(n->attr("class"));
  s += ' ';
  s += n->attr("id");
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string lower_text(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Openings of one-paragraph appeals and page furniture.
constexpr std::array<std::string_view, 39> kAppealOpenings = {
    "sign up",          "signup",            "subscribe",         "follow us",        "follow @",
    "join our",         "join the conversation", "click here",    "read more",        "read next",
    "related:",         "related coverage",  "related articles",  "related stories",  "also read",
    "read also",
    "also on ",         "see also",          "more:",             "recommended",      "get breaking news",
    "get access",       "get the latest",    "this website uses cookies", "we use cookies", "this site uses cookies",
    "if you enjoyed",  "support our",
    "support us",       "become a member",   "download our app",  "download the app", "want more",
    "like us on facebook", "share this",     "reporting by",      "additional reporting by", "editing by",
    "advertisement"};

// Phrases that, several at once, mark a newsletter or donation box.
constexpr std::array<std::string_view, 26> kAppealPhrases = {
    "support us",       "your support",    "support our",      "donate",          "donation",
    "contribute",       "contribution",    "independent journalism", "subscribe",  "subscription",
    "newsletter",       "sign up",         "inbox",            "remind me",       "membership",
    "become a member",  "paywall",         "per month",        "monthly",         "unsubscribe",
    "privacy policy",   "email address",   "dear reader",      "dear readers",    "free trial",
    "your email"};

// Openings of copyright lines, which only count on a very short block.
constexpr std::array<std::string_view, 3> kCopyrightOpenings = {"copyright", "\xc2\xa9", "all rights reserved"};

bool starts_with_appeal(std::string_view lowered) {
  for (auto opening : kAppealOpenings) {
    if (lowered.starts_with(opening)) return true;
  }
  return false;
}

std::size_t appeal_hits(std::string_view lowered) {
  std::size_t hits = 0;
  for (auto phrase : kAppealPhrases) {
    if (lowered.find(phrase) != std::string_view::npos) ++hits;
  }
  return hits;
}

bool is_block_container(const Node* n) {
  switch (n->tag) {
    case GUMBO_TAG_DIV: case GUMBO_TAG_SECTION: case GUMBO_TAG_ASIDE: case GUMBO_TAG_UL: case GUMBO_TAG_OL:
    case GUMBO_TAG_P: case GUMBO_TAG_LI: case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5:
    case GUMBO_TAG_H6: case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_FIGURE: case GUMBO_TAG_FOOTER: case GUMBO_TAG_HEADER:
    case GUMBO_TAG_FORM: case GUMBO_TAG_SPAN: case GUMBO_TAG_DL: case GUMBO_TAG_TABLE: case GUMBO_TAG_STRONG:
    case GUMBO_TAG_EM: case GUMBO_TAG_B: case GUMBO_TAG_I: case GUMBO_TAG_SMALL: case GUMBO_TAG_NAV:
    case GUMBO_TAG_TD:
      return true;
    default:
      return false;
  }
}

double link_share(const Node* n, std::size_t total) {
  if (total == 0) return 0;
  std::size_t links = 0;
  const Node* d = n->first_child;
  while (d) {
    if (d->is(GUMBO_TAG_A)) {
      links += text_length(d);
      d = next_in_tree(d, n, true);
      continue;
    }
    d = next_in_tree(d, n);
  }
  return static_cast<double>(links) / static_cast<double>(total);
}

std::size_t count_links(const Node* n) {
  std::size_t links = 0;
  for (const Node* d = n->first_child; d; d = next_in_tree(d, n)) links += d->is(GUMBO_TAG_A) ? 1 : 0;
  return links;
}

bool is_heading_tag(const Node* n) {
  switch (n->tag) {
    case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6:
      return true;
    default:
      return false;
  }
}

// Whether `n` (with `length` characters of text, in content of `total`)
// is boilerplate.
bool is_boilerplate(const Node* n, std::size_t length, std::size_t total) {
  if (!is_block_container(n)) return false;
  auto tokens = class_tokens(n);
  bool strong = false;
  if (!tokens.empty()) {
    std::string hint = lowered_hint(n);
    strong = any_token(tokens, kStrongTokens) ||
             std::any_of(kStrongSubstrings.begin(), kStrongSubstrings.end(),
                         [&](std::string_view s) { return hint.find(s) != std::string::npos; });
  }
  // A donation or newsletter box named as such and worded as such goes even
  // when it is longer than the short news brief it follows.
  constexpr std::size_t kBrief = 200;
  if (strong && length < 2500 && total - length >= kBrief && appeal_hits(lower_text(inner_text(n))) >= 3) {
    return true;
  }
  // Otherwise never more than a third of the content, so a page about
  // newsletters or a story wrapped in an oddly named container survives.
  if (static_cast<double>(length) > 0.35 * static_cast<double>(total)) return false;

  if (strong) return true;
  if (length < 300 && any_token(tokens, kWeakTokens)) return true;
  std::string_view role = n->attr("role");
  if (role == "complementary" || role == "navigation" || role == "contentinfo") return true;

  if (length == 0) return false;
  switch (n->tag) {
    case GUMBO_TAG_SPAN: case GUMBO_TAG_STRONG: case GUMBO_TAG_EM: case GUMBO_TAG_B: case GUMBO_TAG_I:
    case GUMBO_TAG_SMALL:
      return false;  // the wording rules judge blocks, not phrases inside them
    default: break;
  }
  // A short cluster of links (a menu cell, a tag cloud).
  if (length < 200 && !n->is(GUMBO_TAG_P) && !is_heading_tag(n) && count_links(n) >= 3 &&
      link_share(n, length) >= 0.8) {
    return true;
  }
  std::string text = lower_text(inner_text(n));
  // A short paragraph that opens like an appeal or credit line.
  if (length < 320 && starts_with_appeal(text)) return true;
  if (length < 150 && std::any_of(kCopyrightOpenings.begin(), kCopyrightOpenings.end(),
                                  [&](std::string_view o) { return text.starts_with(o); })) {
    return true;
  }
  // A box of several appeal phrases (a donation or newsletter pitch).
  if (length < 2500 && appeal_hits(text) >= 3) return true;
  return false;
}

// Headings that introduce a list of links to other pages.
constexpr std::array<std::string_view, 14> kListHeadings = {
    "related",    "more stories", "more from",  "read more", "also read", "read next", "recommended",
    "popular",    "trending",     "most read",  "you may also like", "you might also like", "more on this",
    "see also"};

bool is_heading(const Node* n) {
  switch (n->tag) {
    case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6:
      return true;
    default:
      return false;
  }
}

// A heading like "Related stories" followed by a list that is mostly links:
// both go.
void strip_link_lists(Node* content, std::vector<Node*>& doomed) {
  for (Node* h = content->first_child; h; h = next_in_tree(h, content)) {
    if (!is_heading(h)) continue;
    std::string text = lower_text(inner_text(h));
    if (text.empty() || char_count(text) > 60) continue;
    bool listy = std::any_of(kListHeadings.begin(), kListHeadings.end(),
                             [&](std::string_view w) { return text.starts_with(w); });
    if (!listy) continue;
    Node* list = h->next_element_sibling();
    if (list && (list->is(GUMBO_TAG_UL) || list->is(GUMBO_TAG_OL) || list->is(GUMBO_TAG_DIV))) {
      std::size_t length = text_length(list);
      if (link_share(list, length) > 0.5) {
        doomed.push_back(h);
        doomed.push_back(list);
      }
    }
  }
}

// Wording of pages that stand in for the article (hard paywalls, sign-in
// and consent walls, bot checks).
constexpr std::array<std::string_view, 24> kWallPhrases = {
    "subscribe to continue reading", "subscribe to read",        "subscribe to unlock",
    "to continue reading",           "already a subscriber",     "already have an account",
    "for subscribers only",          "exclusive to subscribers", "available to subscribers",
    "this article is for subscribers", "reached your limit",     "free articles this month",
    "limit of free articles",        "log in to continue",       "sign in to continue",
    "log in to read",                "sign in to read",          "create a free account to continue",
    "unlock this article",           "before you continue",      "we value your privacy",
    "enable javascript and cookies", "verify you are human",     "checking your browser"};

}  // namespace

std::string_view wall_phrase(std::string_view text) {
  if (char_count(text) >= 2000) return {};
  std::string lowered = lower_text(text);
  for (std::string_view phrase : kWallPhrases) {
    if (lowered.find(phrase) != std::string::npos) return phrase;
  }
  return {};
}

void strip_boilerplate(Node* content) {
  std::size_t total = text_length(content);
  if (total == 0) return;
  std::vector<Node*> doomed;
  Node* n = content->first_child;
  while (n) {
    if (n->is_element() && is_boilerplate(n, text_length(n), total)) {
      doomed.push_back(n);
      n = next_in_tree(n, content, true);
      continue;
    }
    n = next_in_tree(n, content);
  }
  for (Node* d : doomed) remove_node(d);
  doomed.clear();
  strip_link_lists(content, doomed);
  for (Node* d : doomed) remove_node(d);
}

}  // namespace tributary::feeds::html
