#include "feeds/html/readability.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <utility>
#include <vector>

#include "feeds/html/boilerplate.h"
#include "feeds/html/metadata.h"
#include "feeds/html/text.h"
#include "feeds/url.h"

namespace tributary::feeds::html {
namespace {

// The hint words below are Readability's regular expressions written as
// word lists: every one matches as a case-insensitive substring of
// "class id".
constexpr std::array<std::string_view, 31> kUnlikely = {
    "-ad-",    "ai2html",  "banner",   "breadcrumbs", "combx",      "comment", "community", "cover-wrap",
    "disqus",  "extra",    "footer",   "gdpr",        "header",     "legends", "menu",      "related",
    "remark",  "replies",  "rss",      "shoutbox",    "sidebar",    "skyscraper", "social", "sponsor",
    "supplemental", "ad-break", "agegate", "pagination", "pager",   "popup",   "yom-remote"};
constexpr std::array<std::string_view, 7> kMaybeCandidate = {"and",     "article", "body", "column",
                                                              "content", "main",    "shadow"};
constexpr std::array<std::string_view, 13> kPositive = {"article", "body", "content", "entry",      "hentry",
                                                         "h-entry", "main", "page",    "pagination", "post",
                                                         "text",    "blog", "story"};
constexpr std::array<std::string_view, 26> kNegative = {
    "-ad-",   "hidden",   "banner",    "combx",  "comment", "com-",  "contact", "foot",  "footer",
    "footnote", "gdpr",   "masthead",  "media",  "meta",    "outbrain", "promo", "related", "scroll",
    "share",  "shoutbox", "sidebar",   "skyscraper", "sponsor", "shopping", "tags", "widget"};
constexpr std::array<std::string_view, 5> kByline = {"byline", "author", "dateline", "writtenby", "p-author"};
constexpr std::array<std::string_view, 7> kUnlikelyRoles = {"menu",  "menubar",     "complementary", "navigation",
                                                             "alert", "alertdialog", "dialog"};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

template <std::size_t N>
bool contains_any(std::string_view haystack, const std::array<std::string_view, N>& needles) {
  for (auto n : needles) {
    if (haystack.find(n) != std::string_view::npos) return true;
  }
  return false;
}

// "hid" as a whole space-separated word (Readability: ^hid$| hid$| hid |^hid ).
bool has_hid_word(std::string_view s) {
  std::size_t pos = 0;
  while ((pos = s.find("hid", pos)) != std::string_view::npos) {
    bool start = pos == 0 || s[pos - 1] == ' ';
    bool end = pos + 3 == s.size() || s[pos + 3] == ' ';
    if (start && end) return true;
    pos += 3;
  }
  return false;
}

bool is_negative(std::string_view lowered) { return contains_any(lowered, kNegative) || has_hid_word(lowered); }

std::string match_string(const Node* n) {
  std::string s = lower(n->attr("class"));
  s += ' ';
  s += lower(n->attr("id"));
  return s;
}

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

// Readability's /(\b|_)(share|sharedaddy)(\b|_)/.
bool is_share_element(std::string_view s) {
  std::size_t pos = 0;
  while ((pos = s.find("share", pos)) != std::string_view::npos) {
    bool start = pos == 0 || !is_word_char(s[pos - 1]) || s[pos - 1] == '_';
    auto ends_word = [&](std::size_t end) { return end == s.size() || !is_word_char(s[end]) || s[end] == '_'; };
    bool finish = ends_word(pos + 5) || (s.substr(pos).starts_with("sharedaddy") && ends_word(pos + 10));
    if (start && finish) return true;
    pos += 5;
  }
  return false;
}

bool is_whitespace_node(const Node* n) {
  if (n->is_text()) return std::all_of(n->text.begin(), n->text.end(), is_html_space);
  return n->is(GUMBO_TAG_BR);
}

bool has_content_text(const Node* n) {
  // Readability's /\S$/ on a text node.
  return n->is_text() && !n->text.empty() && !is_html_space(n->text.back());
}

bool is_phrasing_tag(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_ABBR: case GUMBO_TAG_AUDIO: case GUMBO_TAG_B: case GUMBO_TAG_BDO: case GUMBO_TAG_BR:
    case GUMBO_TAG_BUTTON: case GUMBO_TAG_CITE: case GUMBO_TAG_CODE: case GUMBO_TAG_DATA:
    case GUMBO_TAG_DATALIST: case GUMBO_TAG_DFN: case GUMBO_TAG_EM: case GUMBO_TAG_EMBED: case GUMBO_TAG_I:
    case GUMBO_TAG_IMG: case GUMBO_TAG_INPUT: case GUMBO_TAG_KBD: case GUMBO_TAG_LABEL: case GUMBO_TAG_MARK:
    case GUMBO_TAG_MATH: case GUMBO_TAG_METER: case GUMBO_TAG_NOSCRIPT: case GUMBO_TAG_OBJECT:
    case GUMBO_TAG_OUTPUT: case GUMBO_TAG_PROGRESS: case GUMBO_TAG_Q: case GUMBO_TAG_RUBY:
    case GUMBO_TAG_SAMP: case GUMBO_TAG_SCRIPT: case GUMBO_TAG_SELECT: case GUMBO_TAG_SMALL:
    case GUMBO_TAG_SPAN: case GUMBO_TAG_STRONG: case GUMBO_TAG_SUB: case GUMBO_TAG_SUP:
    case GUMBO_TAG_TEXTAREA: case GUMBO_TAG_TIME: case GUMBO_TAG_VAR: case GUMBO_TAG_WBR:
      return true;
    default:
      return false;
  }
}

bool is_phrasing(const Node* n) {
  if (n->is_text()) return true;
  if (!n->is_element()) return false;
  if (is_phrasing_tag(n->tag)) return true;
  if (n->tag == GUMBO_TAG_A || n->tag == GUMBO_TAG_DEL || n->tag == GUMBO_TAG_INS) {
    for (const Node* c = n->first_child; c; c = c->next) {
      if (!is_phrasing(c)) return false;
    }
    return true;
  }
  return false;
}

bool is_div_to_p_block(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_DL: case GUMBO_TAG_DIV: case GUMBO_TAG_IMG: case GUMBO_TAG_OL:
    case GUMBO_TAG_P: case GUMBO_TAG_PRE: case GUMBO_TAG_TABLE: case GUMBO_TAG_UL:
      return true;
    default:
      return false;
  }
}

bool has_child_block_element(const Node* e) {
  for (const Node* n = e->first_child; n; n = next_in_tree(n, e)) {
    if (n->is_element() && is_div_to_p_block(n->tag)) return true;
  }
  return false;
}

bool has_single_tag_inside(const Node* e, GumboTag tag) {
  const Node* only = nullptr;
  for (const Node* c = e->first_child; c; c = c->next) {
    if (c->is_element()) {
      if (only) return false;
      only = c;
    } else if (has_content_text(c)) {
      return false;
    }
  }
  return only && only->tag == tag;
}

bool is_element_without_content(const Node* n) {
  if (!n->is_element()) return false;
  for (const Node* d = n->first_child; d; d = next_in_tree(d, n)) {
    if (d->is_text() && !std::all_of(d->text.begin(), d->text.end(), is_html_space)) return false;
  }
  std::size_t children = 0;
  std::size_t breaks = 0;
  for (const Node* c = n->first_child; c; c = c->next) {
    if (c->is_element()) ++children;
  }
  if (children == 0) return true;
  for (const Node* d = n->first_child; d; d = next_in_tree(d, n)) {
    if (d->is(GUMBO_TAG_BR) || d->is(GUMBO_TAG_HR)) ++breaks;
  }
  return children == breaks;
}

bool style_hides(std::string_view style) {
  std::string s;
  for (char c : style) {
    if (!is_html_space(c)) s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return s.find("display:none") != std::string::npos || s.find("visibility:hidden") != std::string::npos;
}

bool is_probably_visible(const Node* n) {
  if (n->has_attr("style") && style_hides(n->attr("style"))) return false;
  if (n->has_attr("hidden")) return false;
  if (n->attr("aria-hidden") == "true" && n->attr("class").find("fallback-image") == std::string_view::npos) {
    return false;
  }
  return true;
}

bool has_ancestor_tag(const Node* node, GumboTag tag, int max_depth = 3,
                      bool (*filter)(const Node*) = nullptr) {
  int depth = 0;
  while (node->parent) {
    if (max_depth > 0 && depth > max_depth) return false;
    if (node->parent->is(tag) && (!filter || filter(node->parent))) return true;
    node = node->parent;
    ++depth;
  }
  return false;
}

std::size_t comma_pieces(std::string_view text) {
  // Commas of Latin, Arabic, Chinese and other scripts.
  static constexpr std::array<std::string_view, 9> kCommas = {
      ",", "\xD8\x8C", "\xEF\xB9\x90", "\xEF\xB8\x90", "\xEF\xB8\x91", "\xE2\xB9\x81",
      "\xE2\xB8\xB4", "\xE2\xB8\xB2", "\xEF\xBC\x8C"};
  std::size_t pieces = 1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    for (auto c : kCommas) {
      if (text.substr(i).starts_with(c)) {
        ++pieces;
        i += c.size() - 1;
        break;
      }
    }
  }
  return pieces;
}

bool is_video_url(std::string_view v) {
  static constexpr std::array<std::string_view, 9> kHosts = {
      "dailymotion.com", "youtube.com", "youtube-nocookie.com", "player.vimeo.com", "v.qq.com",
      "archive.org",     "upload.wikimedia.org", "player.twitch.tv", "youtu.be"};
  std::string l = lower(v);
  if (l.find("//") == std::string::npos) return false;
  return contains_any(l, kHosts);
}

// gumbo 0.10 predates <picture>: it is an unknown element by name.
bool is_picture(const Node* n) { return n->is_element() && n->tag == GUMBO_TAG_UNKNOWN && n->name == "picture"; }
bool has_picture(const Node* root) {
  for (const Node* n = root->first_child; n; n = next_in_tree(n, root)) {
    if (is_picture(n)) return true;
  }
  return false;
}

bool is_data_table(const Node* n) { return n->data_table; }

bool image_like(std::string_view v) {
  std::string l = lower(v);
  for (std::string_view ext : {".jpg", ".jpeg", ".png", ".webp"}) {
    if (l.find(ext) != std::string::npos) return true;
  }
  return false;
}

constexpr double kArticleBodyBonus = 25;

class Grabber {
 public:
  Grabber(Document& doc, std::string_view title, bool have_byline, const GrabOptions& options)
      : doc_(doc), title_(title), have_byline_(have_byline), options_(options) {}

  GrabResult run();

 private:
  Node* attempt(Node* page);
  void prep_article(Node* article);
  void clean(Node* e, GumboTag tag);
  void clean_conditionally(Node* e, GumboTag tag);
  bool should_remove_conditionally(Node* node, GumboTag tag);
  void mark_data_tables(Node* root);
  int weight(const Node* n) const { return weight_classes_ ? class_weight(n) : 0; }
  void initialize(Node* n);
  bool check_byline(Node* n, const std::string& match);

  Document& doc_;
  std::string title_;
  bool have_byline_;
  GrabOptions options_;
  bool strip_unlikely_ = true;
  bool weight_classes_ = true;
  bool clean_conditionally_ = true;
  std::string byline_;
  std::string dir_;
};

void Grabber::initialize(Node* n) {
  n->scored = true;
  n->score = 0;
  switch (n->tag) {
    case GUMBO_TAG_DIV: n->score += 5; break;
    case GUMBO_TAG_PRE: case GUMBO_TAG_TD: case GUMBO_TAG_BLOCKQUOTE: n->score += 3; break;
    case GUMBO_TAG_ADDRESS: case GUMBO_TAG_OL: case GUMBO_TAG_UL: case GUMBO_TAG_DL: case GUMBO_TAG_DD:
    case GUMBO_TAG_DT: case GUMBO_TAG_LI: case GUMBO_TAG_FORM:
      n->score -= 3;
      break;
    case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5:
    case GUMBO_TAG_H6: case GUMBO_TAG_TH:
      n->score -= 5;
      break;
    default: break;
  }
  n->score += weight(n);
  // Microdata that says "this is the article body" is a strong hint, worth
  // as much as a good class name.
  if (weight_classes_ && n->attr("itemprop").find("articleBody") != std::string_view::npos) {
    n->score += kArticleBodyBonus;
  }
}

bool Grabber::check_byline(Node* n, const std::string& match) {
  if (have_byline_ || !byline_.empty()) return false;
  bool candidate = n->attr("rel") == "author" || n->attr("itemprop").find("author") != std::string_view::npos ||
                   contains_any(match, kByline);
  if (!candidate) return false;
  std::string text = normalize_space(text_content(n));
  if (text.empty() || char_count(text) >= 100) return false;
  byline_ = text;
  return true;
}

Node* Grabber::attempt(Node* page) {
  std::vector<Node*> to_score;
  bool remove_title_header = true;
  Node* node = page->first_element_child();
  auto remove_and_next = [&](Node* n) {
    Node* next = next_element(n, page, true);
    remove_node(n);
    return next;
  };
  while (node) {
    std::string match = match_string(node);
    if (!is_probably_visible(node)) {
      node = remove_and_next(node);
      continue;
    }
    if (node->attr("aria-modal") == "true" && node->attr("role") == "dialog") {
      node = remove_and_next(node);
      continue;
    }
    if (check_byline(node, match)) {
      node = remove_and_next(node);
      continue;
    }
    if (remove_title_header && (node->is(GUMBO_TAG_H1) || node->is(GUMBO_TAG_H2)) &&
        text_similarity(title_, text_content(node)) > 0.75) {
      remove_title_header = false;
      node = remove_and_next(node);
      continue;
    }
    if (strip_unlikely_) {
      if (contains_any(match, kUnlikely) && !contains_any(match, kMaybeCandidate) &&
          !has_ancestor_tag(node, GUMBO_TAG_TABLE) && !has_ancestor_tag(node, GUMBO_TAG_CODE) &&
          !node->is(GUMBO_TAG_BODY) && !node->is(GUMBO_TAG_A)) {
        node = remove_and_next(node);
        continue;
      }
      std::string_view role = node->attr("role");
      if (!role.empty() && std::find(kUnlikelyRoles.begin(), kUnlikelyRoles.end(), role) != kUnlikelyRoles.end()) {
        node = remove_and_next(node);
        continue;
      }
    }
    switch (node->tag) {
      case GUMBO_TAG_DIV: case GUMBO_TAG_SECTION: case GUMBO_TAG_HEADER: case GUMBO_TAG_H1: case GUMBO_TAG_H2:
      case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6:
        if (is_element_without_content(node)) {
          node = remove_and_next(node);
          continue;
        }
        break;
      default: break;
    }
    switch (node->tag) {
      case GUMBO_TAG_SECTION: case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5:
      case GUMBO_TAG_H6: case GUMBO_TAG_P: case GUMBO_TAG_TD: case GUMBO_TAG_PRE:
        to_score.push_back(node);
        break;
      default: break;
    }
    if (node->is(GUMBO_TAG_DIV)) {
      // Put runs of phrasing content into paragraphs.
      Node* p = nullptr;
      Node* child = node->first_child;
      while (child) {
        Node* next = child->next;
        if (is_phrasing(child)) {
          if (p) {
            append_child(p, child);
          } else if (!is_whitespace_node(child)) {
            p = doc_.create_element(GUMBO_TAG_P);
            replace_node(child, p);
            append_child(p, child);
          }
        } else if (p) {
          while (p->last_child && is_whitespace_node(p->last_child)) remove_node(p->last_child);
          p = nullptr;
        }
        child = next;
      }
      if (has_single_tag_inside(node, GUMBO_TAG_P) && link_density(node) < 0.25) {
        Node* only = node->first_element_child();
        // Keep the wrapper's class/id hints on the paragraph: they are what
        // later tells a comment or a promo from a story paragraph.
        for (std::string_view hint : {"class", "id"}) {
          if (node->has_attr(hint) && !only->has_attr(hint)) only->set_attr(hint, node->attr(hint));
        }
        replace_node(node, only);
        node = only;
        to_score.push_back(node);
      } else if (!has_child_block_element(node)) {
        set_tag(node, GUMBO_TAG_P);
        to_score.push_back(node);
      }
    }
    node = next_element(node, page);
  }

  // Score paragraphs and propagate to ancestors.
  std::vector<Node*> candidates;
  for (Node* e : to_score) {
    if (!e->parent || !e->parent->is_element()) continue;
    if (!is_ancestor(page, e) && e != page) continue;
    std::string text = inner_text(e);
    std::size_t len = char_count(text);
    if (len < 25) continue;
    double score = 1.0 + static_cast<double>(comma_pieces(text)) + std::min(std::floor(static_cast<double>(len) / 100.0), 3.0);
    Node* ancestor = e->parent;
    for (int level = 0; ancestor && level < 5; ++level, ancestor = ancestor->parent) {
      if (!ancestor->is_element() || !ancestor->parent || !ancestor->parent->is_element()) continue;
      if (!ancestor->scored) {
        initialize(ancestor);
        candidates.push_back(ancestor);
      }
      double divider = level == 0 ? 1.0 : level == 1 ? 2.0 : level * 3.0;
      ancestor->score += score / divider;
    }
  }

  std::vector<Node*> top;
  for (Node* c : candidates) {
    c->score *= 1.0 - link_density(c);
    auto pos = std::find_if(top.begin(), top.end(), [&](const Node* t) { return c->score > t->score; });
    if (static_cast<std::size_t>(pos - top.begin()) < options_.top_candidates) {
      top.insert(pos, c);
      if (top.size() > options_.top_candidates) top.pop_back();
    }
  }

  Node* top_candidate = top.empty() ? nullptr : top.front();
  bool created = false;
  if (!top_candidate || top_candidate->is(GUMBO_TAG_BODY)) {
    top_candidate = doc_.create_element(GUMBO_TAG_DIV);
    created = true;
    move_children(page, top_candidate);
    append_child(page, top_candidate);
    initialize(top_candidate);
  } else {
    std::vector<std::vector<Node*>> alternatives;
    for (std::size_t i = 1; i < top.size(); ++i) {
      if (top[i]->score / top_candidate->score >= 0.75) {
        std::vector<Node*> ancestors;
        for (Node* a = top[i]->parent; a; a = a->parent) ancestors.push_back(a);
        alternatives.push_back(std::move(ancestors));
      }
    }
    constexpr std::size_t kMinimumTopCandidates = 3;
    if (alternatives.size() >= kMinimumTopCandidates) {
      Node* parent = top_candidate->parent;
      while (parent && !parent->is(GUMBO_TAG_BODY) && parent->is_element()) {
        std::size_t containing = 0;
        for (const auto& list : alternatives) {
          if (std::find(list.begin(), list.end(), parent) != list.end()) ++containing;
          if (containing >= kMinimumTopCandidates) break;
        }
        if (containing >= kMinimumTopCandidates) {
          top_candidate = parent;
          break;
        }
        parent = parent->parent;
      }
    }
    if (!top_candidate->scored) initialize(top_candidate);

    // A parent whose score goes up is a sign that more content lives in it.
    Node* parent = top_candidate->parent;
    double last_score = top_candidate->score;
    double threshold = last_score / 3;
    while (parent && parent->is_element() && !parent->is(GUMBO_TAG_BODY)) {
      if (!parent->scored) {
        parent = parent->parent;
        continue;
      }
      if (parent->score < threshold) break;
      if (parent->score > last_score) {
        top_candidate = parent;
        break;
      }
      last_score = parent->score;
      parent = parent->parent;
    }
    parent = top_candidate->parent;
    while (parent && parent->is_element() && !parent->is(GUMBO_TAG_BODY) && parent->element_child_count() == 1) {
      top_candidate = parent;
      parent = top_candidate->parent;
    }
    if (!top_candidate->scored) initialize(top_candidate);
  }

  // Siblings of the top candidate that look like content join it.
  Node* article = doc_.create_element(GUMBO_TAG_DIV);
  double sibling_threshold = std::max(10.0, top_candidate->score * 0.2);
  Node* parent = top_candidate->parent;
  std::string top_class(top_candidate->attr("class"));
  std::vector<Node*> siblings;
  for (Node* s = parent->first_element_child(); s; s = s->next_element_sibling()) siblings.push_back(s);
  for (Node* sibling : siblings) {
    bool append = sibling == top_candidate;
    if (!append) {
      double bonus = 0;
      if (!top_class.empty() && sibling->attr("class") == top_class) bonus += top_candidate->score * 0.2;
      if (sibling->scored && sibling->score + bonus >= sibling_threshold) {
        append = true;
      } else if (sibling->is(GUMBO_TAG_P)) {
        double density = link_density(sibling);
        std::string content = inner_text(sibling);
        std::size_t len = char_count(content);
        if (len > 80 && density < 0.25) {
          append = true;
        } else if (len < 80 && len > 0 && density == 0) {
          std::size_t dot = content.find('.');
          while (dot != std::string::npos) {
            if (dot + 1 == content.size() || content[dot + 1] == ' ') {
              append = true;
              break;
            }
            dot = content.find('.', dot + 1);
          }
        }
      }
    }
    if (append) {
      switch (sibling->tag) {
        case GUMBO_TAG_DIV: case GUMBO_TAG_ARTICLE: case GUMBO_TAG_SECTION: case GUMBO_TAG_P: break;
        default: set_tag(sibling, GUMBO_TAG_DIV);
      }
      append_child(article, sibling);
    }
  }

  prep_article(article);

  // Text direction: the nearest ancestor that states one.
  dir_.clear();
  std::vector<Node*> dir_chain;
  if (!created) dir_chain.push_back(parent);
  dir_chain.push_back(top_candidate);
  for (Node* a = parent ? parent->parent : nullptr; a; a = a->parent) dir_chain.push_back(a);
  for (Node* a : dir_chain) {
    if (a && a->is_element() && a->has_attr("dir")) {
      dir_ = std::string(a->attr("dir"));
      break;
    }
  }
  return article;
}

void Grabber::mark_data_tables(Node* root) {
  for (Node* table : elements_by_tag(root, GUMBO_TAG_TABLE)) {
    table->data_table = false;
    if (table->attr("role") == "presentation") continue;
    if (table->attr("datatable") == "0") continue;
    if (!table->attr("summary").empty()) {
      table->data_table = true;
      continue;
    }
    auto captions = elements_by_tag(table, GUMBO_TAG_CAPTION);
    if (!captions.empty() && captions.front()->first_child) {
      table->data_table = true;
      continue;
    }
    bool data_descendant = false;
    for (GumboTag t : {GUMBO_TAG_COL, GUMBO_TAG_COLGROUP, GUMBO_TAG_TFOOT, GUMBO_TAG_THEAD, GUMBO_TAG_TH}) {
      if (count_tag(table, t) > 0) {
        data_descendant = true;
        break;
      }
    }
    if (data_descendant) {
      table->data_table = true;
      continue;
    }
    if (count_tag(table, GUMBO_TAG_TABLE) > 0) continue;
    std::size_t rows = 0;
    std::size_t columns = 0;
    for (Node* tr : elements_by_tag(table, GUMBO_TAG_TR)) {
      int rowspan = std::atoi(std::string(tr->attr("rowspan")).c_str());
      rows += rowspan > 0 ? static_cast<std::size_t>(rowspan) : 1;
      std::size_t in_row = 0;
      for (Node* td : elements_by_tag(tr, GUMBO_TAG_TD)) {
        int colspan = std::atoi(std::string(td->attr("colspan")).c_str());
        in_row += colspan > 0 ? static_cast<std::size_t>(colspan) : 1;
      }
      columns = std::max(columns, in_row);
    }
    if (columns == 1 || rows == 1) continue;
    if (rows >= 10 || columns > 4) {
      table->data_table = true;
      continue;
    }
    table->data_table = rows * columns > 10;
  }
}

void Grabber::clean(Node* e, GumboTag tag) {
  bool embed = tag == GUMBO_TAG_OBJECT || tag == GUMBO_TAG_EMBED || tag == GUMBO_TAG_IFRAME;
  auto nodes = elements_by_tag(e, tag);
  for (auto it = nodes.rbegin(); it != nodes.rend(); ++it) {
    Node* n = *it;
    if (embed) {
      bool video = std::any_of(n->attrs.begin(), n->attrs.end(), [](const Attribute& a) { return is_video_url(a.value); });
      if (!video && n->is(GUMBO_TAG_OBJECT)) video = is_video_url(inner_html(n));
      if (video) continue;
    }
    remove_node(n);
  }
}

bool is_heading_tag(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6:
      return true;
    default:
      return false;
  }
}

bool is_textish_tag(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_SPAN: case GUMBO_TAG_LI: case GUMBO_TAG_TD: case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_DL:
    case GUMBO_TAG_DIV: case GUMBO_TAG_IMG: case GUMBO_TAG_OL: case GUMBO_TAG_P: case GUMBO_TAG_PRE:
    case GUMBO_TAG_TABLE: case GUMBO_TAG_UL:
      return true;
    default:
      return false;
  }
}

// What conditional cleaning counts in a subtree, in one walk. Readability
// sums the text length of every matching descendant, so text inside nested
// lists counts once per enclosing list; the walk reproduces that by
// weighting each text node by the number of matching ancestors below the
// root, instead of measuring every descendant's text again (which is cubic
// on deeply nested markup).
struct SubtreeCounts {
  std::size_t p = 0, img = 0, li = 0, input = 0, embeds = 0;
  std::size_t list_chars = 0, heading_chars = 0, textish_chars = 0;
  bool video = false;
};

SubtreeCounts count_subtree(const Node* root) {
  SubtreeCounts c;
  std::size_t lists = 0, headings = 0, textish = 0;
  auto enter = [&](const Node* d, int sign) {
    auto step = [sign](std::size_t& v) { v = sign > 0 ? v + 1 : v - 1; };
    if (d->is(GUMBO_TAG_UL) || d->is(GUMBO_TAG_OL)) step(lists);
    if (is_heading_tag(d->tag)) step(headings);
    if (is_textish_tag(d->tag)) step(textish);
  };
  const Node* d = root->first_child;
  while (d) {
    if (d->is_text()) {
      std::size_t len = char_count(normalize_space(d->text));
      c.list_chars += len * lists;
      c.heading_chars += len * headings;
      c.textish_chars += len * textish;
    } else if (d->is_element()) {
      switch (d->tag) {
        case GUMBO_TAG_P: ++c.p; break;
        case GUMBO_TAG_IMG: ++c.img; break;
        case GUMBO_TAG_LI: ++c.li; break;
        case GUMBO_TAG_INPUT: ++c.input; break;
        case GUMBO_TAG_OBJECT: case GUMBO_TAG_EMBED: case GUMBO_TAG_IFRAME: {
          bool video = std::any_of(d->attrs.begin(), d->attrs.end(),
                                   [](const Attribute& a) { return is_video_url(a.value); });
          if (!video && d->is(GUMBO_TAG_OBJECT)) video = is_video_url(inner_html(d));
          c.video = c.video || video;
          ++c.embeds;
          break;
        }
        default: break;
      }
      if (d->first_child) {
        enter(d, +1);
        d = d->first_child;
        continue;
      }
    }
    // Leave finished elements on the way up.
    while (d != root && !d->next) {
      d = d->parent;
      if (d != root) enter(d, -1);
    }
    if (d == root) break;
    d = d->next;
  }
  return c;
}

bool Grabber::should_remove_conditionally(Node* node, GumboTag tag) {
  bool is_list = tag == GUMBO_TAG_UL || tag == GUMBO_TAG_OL;
  std::string text = inner_text(node);
  std::size_t content_length = char_count(text);
  SubtreeCounts counts = count_subtree(node);
  if (!is_list) {
    std::size_t list_length = counts.list_chars;
    is_list = content_length > 0 && static_cast<double>(list_length) / static_cast<double>(content_length) > 0.9;
  }
  if (tag == GUMBO_TAG_TABLE && node->data_table) return false;
  if (has_ancestor_tag(node, GUMBO_TAG_TABLE, -1, is_data_table)) return false;
  if (has_ancestor_tag(node, GUMBO_TAG_CODE)) return false;
  for (Node* t : elements_by_tag(node, GUMBO_TAG_TABLE)) {
    if (t->data_table) return false;
  }
  int w = weight(node);
  if (w < 0) return true;
  if (comma_pieces(text) - 1 >= 10) return false;
  if (counts.video) return false;

  std::size_t p = counts.p, img = counts.img, li = counts.li, input = counts.input, embeds = counts.embeds;
  std::size_t heading_chars = counts.heading_chars, textish_chars = counts.textish_chars;
  // Nodes whose whole text is an "ad" or "loading" label go.
  static constexpr std::array<std::string_view, 12> kAdWords = {
      "ad", "advertising", "advertisement", "pub", "publicité", "werb", "werbung", "广告", "Реклама", "anuncio",
      "реклама", "publicite"};
  static constexpr std::array<std::string_view, 10> kLoadingWords = {
      "loading", "loading...", "loading…", "正在加载", "Загрузка", "загрузка", "chargement", "cargando",
      "chargement...", "cargando..."};
  std::string lowered = lower(text);
  if (std::find(kAdWords.begin(), kAdWords.end(), lowered) != kAdWords.end() ||
      std::find(kLoadingWords.begin(), kLoadingWords.end(), lowered) != kLoadingWords.end()) {
    return true;
  }
  double density = link_density(node);
  double heading_density = content_length ? static_cast<double>(heading_chars) / static_cast<double>(content_length) : 0;
  double text_density = content_length ? static_cast<double>(textish_chars) / static_cast<double>(content_length) : 0;
  bool figure_child = has_ancestor_tag(node, GUMBO_TAG_FIGURE);
  double li_adjusted = static_cast<double>(li) - 100.0;

  bool remove = false;
  if (!figure_child && img > 1 && static_cast<double>(p) / static_cast<double>(img) < 0.5) remove = true;
  if (!is_list && li_adjusted > static_cast<double>(p)) remove = true;
  if (input > p / 3) remove = true;
  if (!is_list && !figure_child && heading_density < 0.9 && content_length < 25 && (img == 0 || img > 2) &&
      density > 0) {
    remove = true;
  }
  if (!is_list && w < 25 && density > 0.2) remove = true;
  if (w >= 25 && density > 0.5) remove = true;
  if ((embeds == 1 && content_length < 75) || embeds > 1) remove = true;
  if (img == 0 && text_density == 0) remove = true;

  if (is_list && remove) {
    // Keep simple image lists.
    for (Node* c = node->first_element_child(); c; c = c->next_element_sibling()) {
      if (c->element_child_count() > 1) return true;
    }
    if (img == count_tag(node, GUMBO_TAG_LI)) return false;
  }
  return remove;
}

void Grabber::clean_conditionally(Node* e, GumboTag tag) {
  if (!clean_conditionally_) return;
  auto nodes = elements_by_tag(e, tag);
  for (auto it = nodes.rbegin(); it != nodes.rend(); ++it) {
    if (!(*it)->parent) continue;
    if (should_remove_conditionally(*it, tag)) remove_node(*it);
  }
}

void Grabber::prep_article(Node* article) {
  // Presentational attributes go (the sanitizer would drop most anyway).
  static constexpr std::array<std::string_view, 12> kPresentational = {
      "align", "background", "bgcolor", "border", "cellpadding", "cellspacing", "frame", "hspace", "rules",
      "style", "valign", "vspace"};
  for (Node* n = article->first_child; n; n = next_in_tree(n, article)) {
    if (!n->is_element() || n->tag == GUMBO_TAG_SVG || n->tag == GUMBO_TAG_UNKNOWN) continue;
    std::erase_if(n->attrs, [](const Attribute& a) {
      return std::find(kPresentational.begin(), kPresentational.end(), a.name) != kPresentational.end();
    });
    switch (n->tag) {
      case GUMBO_TAG_TABLE: case GUMBO_TAG_TH: case GUMBO_TAG_TD: case GUMBO_TAG_HR: case GUMBO_TAG_PRE:
        n->remove_attr("width");
        n->remove_attr("height");
        break;
      default: break;
    }
  }
  mark_data_tables(article);
  fix_lazy_images(doc_, article);
  clean_conditionally(article, GUMBO_TAG_FORM);
  clean_conditionally(article, GUMBO_TAG_FIELDSET);
  clean(article, GUMBO_TAG_OBJECT);
  clean(article, GUMBO_TAG_EMBED);
  clean(article, GUMBO_TAG_FOOTER);
  clean(article, GUMBO_TAG_LINK);
  clean(article, GUMBO_TAG_ASIDE);

  // Small share bars inside the content (never a top-level child itself).
  for (Node* child = article->first_element_child(); child; child = child->next_element_sibling()) {
    Node* n = next_element(child, child);
    while (n) {
      if (is_share_element(match_string(n)) && text_length(n) < options_.char_threshold) {
        Node* next = next_element(n, child, true);
        remove_node(n);
        n = next;
      } else {
        n = next_element(n, child);
      }
    }
  }

  clean(article, GUMBO_TAG_IFRAME);
  clean(article, GUMBO_TAG_INPUT);
  clean(article, GUMBO_TAG_TEXTAREA);
  clean(article, GUMBO_TAG_SELECT);
  clean(article, GUMBO_TAG_BUTTON);
  for (GumboTag h : {GUMBO_TAG_H1, GUMBO_TAG_H2}) {
    for (Node* n : elements_by_tag(article, h)) {
      if (weight(n) < 0) remove_node(n);
    }
  }
  clean_conditionally(article, GUMBO_TAG_TABLE);
  clean_conditionally(article, GUMBO_TAG_UL);
  clean_conditionally(article, GUMBO_TAG_DIV);

  for (Node* h1 : elements_by_tag(article, GUMBO_TAG_H1)) set_tag(h1, GUMBO_TAG_H2);

  auto paragraphs = elements_by_tag(article, GUMBO_TAG_P);
  for (auto it = paragraphs.rbegin(); it != paragraphs.rend(); ++it) {
    Node* p = *it;
    std::size_t media = count_tag(p, GUMBO_TAG_IMG) + count_tag(p, GUMBO_TAG_EMBED) + count_tag(p, GUMBO_TAG_OBJECT) +
                        count_tag(p, GUMBO_TAG_IFRAME);
    if (media == 0 && text_length(p) == 0) remove_node(p);
  }
  for (Node* br : elements_by_tag(article, GUMBO_TAG_BR)) {
    Node* next = br->next;
    while (next && !next->is_element() && is_whitespace_node(next)) next = next->next;
    if (next && next->is(GUMBO_TAG_P)) remove_node(br);
  }
  for (Node* table : elements_by_tag(article, GUMBO_TAG_TABLE)) {
    if (!table->parent) continue;
    Node* tbody = has_single_tag_inside(table, GUMBO_TAG_TBODY) ? table->first_element_child() : table;
    if (!has_single_tag_inside(tbody, GUMBO_TAG_TR)) continue;
    Node* row = tbody->first_element_child();
    if (!has_single_tag_inside(row, GUMBO_TAG_TD)) continue;
    Node* cell = row->first_element_child();
    bool all_phrasing = true;
    for (Node* c = cell->first_child; c; c = c->next) all_phrasing = all_phrasing && is_phrasing(c);
    set_tag(cell, all_phrasing ? GUMBO_TAG_P : GUMBO_TAG_DIV);
    replace_node(table, cell);
  }
}

GrabResult Grabber::run() {
  GrabResult result;
  Node* body = doc_.body();
  if (!body) return result;
  Node* pristine = clone_subtree(doc_, body);
  struct Attempt {
    Node* content;
    std::size_t length;
    std::string byline;
    std::string dir;
  };
  std::vector<Attempt> attempts;
  Node* page = body;
  while (true) {
    byline_.clear();
    for (Node* n = page; n; n = next_in_tree(n, page)) {
      n->scored = false;
      n->score = 0;
    }
    Node* article = attempt(page);
    std::size_t length = text_length(article);
    if (length >= options_.char_threshold) {
      // Boilerplate goes after the length check, so that it never pushes a
      // short article under the threshold and into a weaker retry.
      if (options_.strip_boilerplate) strip_boilerplate(article);
      result.content = article;
      result.byline = byline_;
      result.dir = dir_;
      return result;
    }
    attempts.push_back({article, length, byline_, dir_});
    if (strip_unlikely_) {
      strip_unlikely_ = false;
    } else if (weight_classes_) {
      weight_classes_ = false;
    } else if (clean_conditionally_) {
      clean_conditionally_ = false;
    } else {
      break;
    }
    page = clone_subtree(doc_, pristine);
  }
  auto best = std::max_element(attempts.begin(), attempts.end(),
                               [](const Attempt& a, const Attempt& b) { return a.length < b.length; });
  if (best == attempts.end() || best->length == 0) return result;
  if (options_.strip_boilerplate) strip_boilerplate(best->content);
  result.content = best->content;
  result.byline = best->byline;
  result.dir = best->dir;
  return result;
}

// The candidates of a srcset value: each URL with its descriptor ("640w",
// "2x", or "" when it has none), whitespace normalized.
struct SrcsetCandidate {
  std::string_view url;
  std::string descriptor;
};
std::vector<SrcsetCandidate> srcset_candidates(std::string_view srcset) {
  std::vector<SrcsetCandidate> out;
  std::size_t i = 0;
  while (i < srcset.size()) {
    while (i < srcset.size() && (is_html_space(srcset[i]) || srcset[i] == ',')) ++i;
    std::size_t start = i;
    while (i < srcset.size() && !is_html_space(srcset[i])) ++i;
    std::string_view url = srcset.substr(start, i - start);
    bool trailing_comma = !url.empty() && url.back() == ',';
    if (trailing_comma) url.remove_suffix(1);
    if (url.empty()) break;
    std::size_t desc_start = i;
    if (!trailing_comma) {
      while (i < srcset.size() && srcset[i] != ',') ++i;
    }
    out.push_back({url, normalize_space(srcset.substr(desc_start, i - desc_start))});
  }
  return out;
}

// A srcset value whose candidate URLs are resolved against `base`.
std::string resolve_srcset(std::string_view base, std::string_view srcset) {
  std::string out;
  for (const auto& c : srcset_candidates(srcset)) {
    if (!out.empty()) out += ", ";
    out += resolve_url(base, c.url);
    if (!c.descriptor.empty()) {
      out += ' ';
      out += c.descriptor;
    }
  }
  return out;
}

// The URL of a srcset's largest candidate (by its w or x descriptor; one
// without a descriptor is 1x), or "" for an empty srcset.
std::string largest_candidate(std::string_view srcset) {
  std::string best;
  double best_size = -1;
  for (const auto& c : srcset_candidates(srcset)) {
    double size = 1;
    if (!c.descriptor.empty() && (c.descriptor.back() == 'w' || c.descriptor.back() == 'x')) {
      size = std::strtod(c.descriptor.c_str(), nullptr);
    }
    if (size > best_size) {
      best_size = size;
      best = std::string(c.url);
    }
  }
  return best;
}

bool is_tiny_data_uri(std::string_view src) {
  std::string l = lower(src.substr(0, std::min<std::size_t>(src.size(), 64)));
  if (!l.starts_with("data:")) return false;
  std::size_t b64 = l.find("base64");
  if (b64 == std::string::npos || l.find("image/svg+xml") != std::string::npos) return false;
  return src.size() - (b64 + 7) < 133;
}

}  // namespace

double link_density(const Node* node) {
  std::size_t total = text_length(node);
  if (total == 0) return 0;
  double links = 0;
  const Node* d = node->first_child;
  while (d) {
    if (d->is(GUMBO_TAG_A)) {
      std::string_view href = d->attr("href");
      double coefficient = href.size() > 1 && href[0] == '#' ? 0.3 : 1.0;
      links += static_cast<double>(text_length(d)) * coefficient;
      d = next_in_tree(d, node, true);
      continue;
    }
    d = next_in_tree(d, node);
  }
  return links / static_cast<double>(total);
}

int class_weight(const Node* e) {
  int w = 0;
  std::string cls = lower(e->attr("class"));
  if (!cls.empty()) {
    if (is_negative(cls)) w -= 25;
    if (contains_any(cls, kPositive)) w += 25;
  }
  std::string id = lower(e->attr("id"));
  if (!id.empty()) {
    if (is_negative(id)) w -= 25;
    if (contains_any(id, kPositive)) w += 25;
  }
  return w;
}

void unwrap_noscript_images(Document& doc, Node* root) {
  (void)doc;
  // Placeholder images without any source go first, so that a <noscript>
  // fallback can take their place.
  for (Node* img : elements_by_tag(root, GUMBO_TAG_IMG)) {
    bool has_source = false;
    for (const auto& a : img->attrs) {
      if (a.name == "src" || a.name == "srcset" || a.name == "data-src" || a.name == "data-srcset" ||
          image_like(a.value)) {
        has_source = true;
        break;
      }
    }
    if (!has_source) remove_node(img);
  }
  auto single_image = [](Node* n) -> Node* {
    while (n) {
      if (n->is(GUMBO_TAG_IMG)) return n;
      if (n->element_child_count() != 1 || text_length(n) != 0) return nullptr;
      n = n->first_element_child();
    }
    return nullptr;
  };
  for (Node* noscript : elements_by_tag(root, GUMBO_TAG_NOSCRIPT)) {
    if (!noscript->parent) continue;
    Node* new_img = single_image(noscript);
    if (!new_img) continue;
    Node* prev = noscript->prev_element_sibling();
    Node* prev_img = prev ? single_image(prev) : nullptr;
    if (!prev_img) continue;
    for (const auto& a : prev_img->attrs) {
      if (a.value.empty()) continue;
      if (a.name == "src" || a.name == "srcset" || image_like(a.value)) {
        if (new_img->attr(a.name) == a.value) continue;
        std::string name = new_img->has_attr(a.name) ? "data-old-" + a.name : a.name;
        new_img->set_attr(name, a.value);
      }
    }
    remove_node(new_img);
    replace_node(prev, new_img);
    remove_node(noscript);
  }
}

void fix_lazy_images(Document& doc, Node* root) {
  std::vector<Node*> media;
  for (Node* n = root->first_child; n; n = next_in_tree(n, root)) {
    if (n->is(GUMBO_TAG_IMG) || is_picture(n) || n->is(GUMBO_TAG_FIGURE) || n->is(GUMBO_TAG_SOURCE)) {
      media.push_back(n);
    }
  }
  for (Node* elem : media) {
    std::string_view src = elem->attr("src");
    if (!src.empty() && is_tiny_data_uri(src)) {
      bool other = std::any_of(elem->attrs.begin(), elem->attrs.end(),
                               [](const Attribute& a) { return a.name != "src" && image_like(a.value); });
      if (other) elem->remove_attr("src");
    }
    src = elem->attr("src");
    std::string_view srcset = elem->attr("srcset");
    bool lazy_class = lower(elem->attr("class")).find("lazy") != std::string::npos;
    if ((!src.empty() || (!srcset.empty() && srcset != "null")) && !lazy_class) continue;
    std::vector<std::pair<std::string, std::string>> copies;
    for (const auto& a : elem->attrs) {
      if (a.name == "src" || a.name == "srcset" || a.name == "alt") continue;
      std::string l = lower(a.value);
      std::string copy_to;
      // "x.jpg 2x" / "x.jpg 640w" lists are srcsets, a lone image URL a src.
      for (std::string_view ext : {".jpg", ".jpeg", ".png", ".webp"}) {
        std::size_t pos = l.find(ext);
        while (pos != std::string::npos) {
          std::size_t after = pos + ext.size();
          std::size_t k = after;
          while (k < l.size() && is_html_space(l[k])) ++k;
          if (k > after && k < l.size() && std::isdigit(static_cast<unsigned char>(l[k]))) {
            copy_to = "srcset";
            break;
          }
          pos = l.find(ext, pos + 1);
        }
        if (!copy_to.empty()) break;
      }
      if (copy_to.empty()) {
        std::string t = normalize_space(a.value);
        if (!t.empty() && t.find(' ') == std::string::npos && image_like(t)) copy_to = "src";
      }
      if (!copy_to.empty()) copies.emplace_back(copy_to, a.value);
    }
    for (auto& [name, value] : copies) {
      if (elem->is(GUMBO_TAG_SOURCE)) {
        elem->set_attr("srcset", value);  // a <picture>'s <source> has no src
      } else if (elem->is(GUMBO_TAG_IMG) || is_picture(elem)) {
        elem->set_attr(name, value);
      } else if (elem->is(GUMBO_TAG_FIGURE) && count_tag(elem, GUMBO_TAG_IMG) == 0 &&
                 !has_picture(elem)) {
        Node* img = doc.create_element(GUMBO_TAG_IMG);
        img->set_attr(name, value);
        append_child(elem, img);
      }
    }
  }
  // An image with a srcset and no src shows nothing in readers that drop
  // srcset (many do): it gets the srcset's largest candidate as its src.
  for (Node* elem : media) {
    if (!elem->is(GUMBO_TAG_IMG) || !elem->attr("src").empty()) continue;
    if (std::string best = largest_candidate(elem->attr("srcset")); !best.empty()) elem->set_attr("src", best);
  }
}

void absolutize_urls(Document& doc, Node* root, std::string_view base) {
  for (Node* a : elements_by_tag(root, GUMBO_TAG_A)) {
    std::string_view href = a->attr("href");
    if (href.empty()) continue;
    if (lower(href.substr(0, std::min<std::size_t>(href.size(), 11))) == "javascript:") {
      // Scripts are gone; keep the link's text.
      Node* span = doc.create_element(GUMBO_TAG_SPAN);
      move_children(a, span);
      replace_node(a, span);
      continue;
    }
    if (href[0] == '#') continue;
    a->set_attr("href", resolve_url(base, href));
  }
  for (Node* n = root->first_child; n; n = next_in_tree(n, root)) {
    if (!n->is_element()) continue;
    switch (n->tag) {
      case GUMBO_TAG_IMG: case GUMBO_TAG_FIGURE: case GUMBO_TAG_VIDEO: case GUMBO_TAG_UNKNOWN:
      case GUMBO_TAG_AUDIO: case GUMBO_TAG_SOURCE: case GUMBO_TAG_IFRAME: {
        if (std::string_view src = n->attr("src"); !src.empty()) n->set_attr("src", resolve_url(base, src));
        if (std::string_view poster = n->attr("poster"); !poster.empty()) {
          n->set_attr("poster", resolve_url(base, poster));
        }
        if (std::string_view srcset = n->attr("srcset"); !srcset.empty()) {
          n->set_attr("srcset", resolve_srcset(base, srcset));
        }
        break;
      }
      default: break;
    }
  }
}

GrabResult grab_article(Document& doc, std::string_view title, bool have_byline, const GrabOptions& options) {
  return Grabber(doc, title, have_byline, options).run();
}

}  // namespace tributary::feeds::html
