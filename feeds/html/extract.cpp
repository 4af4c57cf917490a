#include "feeds/html/extract.h"

#include <algorithm>
#include <cctype>
#include <utility>
#include <vector>

#include "feeds/date.h"
#include "feeds/html/boilerplate.h"
#include "feeds/html/dom.h"
#include "feeds/html/entities.h"
#include "feeds/html/metadata.h"
#include "feeds/html/readability.h"
#include "feeds/html/sanitize.h"
#include "feeds/html/text.h"
#include "feeds/html/xpath.h"
#include "feeds/url.h"

namespace tributary::feeds::html {
namespace {

bool is_whitespace_text(const Node* n) {
  return n->is_text() && std::all_of(n->text.begin(), n->text.end(), is_html_space);
}

// The next sibling that is an element or non-blank text.
Node* next_significant(Node* n) {
  while (n && is_whitespace_text(n)) n = n->next;
  return n;
}

bool is_phrasing_for_br(const Node* n) {
  if (n->is_text()) return true;
  switch (n->tag) {
    case GUMBO_TAG_A: case GUMBO_TAG_ABBR: case GUMBO_TAG_B: case GUMBO_TAG_BDO: case GUMBO_TAG_BR:
    case GUMBO_TAG_CITE: case GUMBO_TAG_CODE: case GUMBO_TAG_DFN: case GUMBO_TAG_EM: case GUMBO_TAG_I:
    case GUMBO_TAG_IMG: case GUMBO_TAG_KBD: case GUMBO_TAG_MARK: case GUMBO_TAG_Q: case GUMBO_TAG_S:
    case GUMBO_TAG_SAMP: case GUMBO_TAG_SMALL: case GUMBO_TAG_SPAN: case GUMBO_TAG_STRONG: case GUMBO_TAG_SUB:
    case GUMBO_TAG_SUP: case GUMBO_TAG_TIME: case GUMBO_TAG_U: case GUMBO_TAG_VAR: case GUMBO_TAG_WBR:
    case GUMBO_TAG_DEL: case GUMBO_TAG_INS: case GUMBO_TAG_FONT:
      return true;
    default:
      return false;
  }
}

// Readability's _replaceBrs: a chain of two or more <br> becomes a paragraph
// break; the phrasing content after it moves into a new <p>.
void replace_br_chains(Document& doc, Node* root) {
  for (Node* br : elements_by_tag(root, GUMBO_TAG_BR)) {
    if (!br->parent) continue;
    bool replaced = false;
    Node* next = next_significant(br->next);
    while (next && next->is(GUMBO_TAG_BR)) {
      replaced = true;
      Node* after = next->next;
      remove_node(next);
      next = next_significant(after);
    }
    if (!replaced) continue;
    Node* p = doc.create_element(GUMBO_TAG_P);
    replace_node(br, p);
    next = p->next;
    while (next) {
      if (next->is(GUMBO_TAG_BR)) {
        Node* following = next_significant(next->next);
        if (following && following->is(GUMBO_TAG_BR)) break;
      }
      if (!is_phrasing_for_br(next)) break;
      Node* sibling = next->next;
      append_child(p, next);
      next = sibling;
    }
    while (p->last_child && (is_whitespace_text(p->last_child) || p->last_child->is(GUMBO_TAG_BR))) {
      remove_node(p->last_child);
    }
    if (p->parent && p->parent->is(GUMBO_TAG_P)) set_tag(p->parent, GUMBO_TAG_DIV);
  }
}

void prepare_document(Document& doc) {
  Node* root = doc.root();
  unwrap_noscript_images(doc, root);
  std::vector<Node*> doomed;
  for (Node* n = root->first_child; n; n = next_in_tree(n, root)) {
    if (n->is(GUMBO_TAG_NOSCRIPT) || n->is(GUMBO_TAG_SCRIPT) || n->is(GUMBO_TAG_STYLE) ||
        n->is(GUMBO_TAG_TEMPLATE)) {
      doomed.push_back(n);
    }
  }
  for (Node* n : doomed) remove_node(n);
  replace_br_chains(doc, doc.body());
  for (Node* font : elements_by_tag(root, GUMBO_TAG_FONT)) set_tag(font, GUMBO_TAG_SPAN);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string first_string(const Document& doc, const std::vector<std::string>& expressions) {
  for (const auto& e : expressions) {
    auto x = XPath::compile(e);
    if (!x) continue;
    auto items = x->select(doc);
    for (const auto& it : items) {
      std::string v = normalize_space(string_value(it));
      if (!v.empty()) return v;
    }
    if (items.empty()) {
      std::string v = normalize_space(x->evaluate_string(doc));
      if (!v.empty()) return v;
    }
  }
  return {};
}

void apply_strip_rules(Document& doc, const SiteRules& rules) {
  for (const auto& e : rules.strip) {
    auto x = XPath::compile(e);
    if (!x) continue;
    for (const auto& it : x->select(doc)) {
      if (!it.attribute && it.node != doc.root() && it.node != doc.body() && it.node != doc.html()) {
        remove_node(it.node);
      }
    }
  }
  for (const auto& e : rules.strip_attr) {
    auto x = XPath::compile(e);
    if (!x) continue;
    for (const auto& it : x->select(doc)) {
      if (it.attribute) it.node->remove_attr(std::string(it.attribute->name));
    }
  }
  if (!rules.strip_id_or_class.empty() || !rules.strip_image_src.empty()) {
    std::vector<Node*> doomed;
    Node* root = doc.root();
    Node* n = root->first_child;
    while (n) {
      bool remove = false;
      if (n->is_element() && n != doc.body() && n != doc.html()) {
        for (const auto& needle : rules.strip_id_or_class) {
          if (n->attr("id").find(needle) != std::string_view::npos ||
              n->attr("class").find(needle) != std::string_view::npos) {
            remove = true;
            break;
          }
        }
        if (!remove && n->is(GUMBO_TAG_IMG)) {
          for (const auto& needle : rules.strip_image_src) {
            if (n->attr("src").find(needle) != std::string_view::npos) {
              remove = true;
              break;
            }
          }
        }
      }
      if (remove) {
        doomed.push_back(n);
        n = next_in_tree(n, root, true);
      } else {
        n = next_in_tree(n, root);
      }
    }
    for (Node* d : doomed) remove_node(d);
  }
}

// The site's body expressions, first that matches: the selected elements
// move into a new <div>.
Node* body_from_rules(Document& doc, const SiteRules& rules) {
  for (const auto& e : rules.body) {
    auto x = XPath::compile(e);
    if (!x) continue;
    auto items = x->select(doc);
    std::vector<Node*> nodes;
    for (const auto& it : items) {
      if (it.attribute || !it.node->is_element()) continue;
      // Skip nodes inside an already selected one.
      bool nested = std::any_of(nodes.begin(), nodes.end(), [&](Node* n) { return is_ancestor(n, it.node); });
      if (!nested) nodes.push_back(it.node);
    }
    if (nodes.empty()) continue;
    Node* div = doc.create_element(GUMBO_TAG_DIV);
    for (Node* n : nodes) append_child(div, n);
    return div;
  }
  return nullptr;
}

std::string apply_replacements(std::string_view html, const SiteRules& rules) {
  std::string out(html);
  for (const auto& [find, replace] : rules.replacements) {
    if (find.empty()) continue;
    std::string next;
    next.reserve(out.size());
    std::size_t pos = 0;
    while (true) {
      std::size_t hit = out.find(find, pos);
      if (hit == std::string::npos) break;
      next.append(out, pos, hit - pos);
      next += replace;
      pos = hit + find.size();
    }
    next.append(out, pos, std::string::npos);
    out = std::move(next);
  }
  return out;
}

// Drops a leading heading that repeats the title: the text output carries
// no headline.
void drop_title_heading(Node* content, std::string_view title) {
  if (title.empty()) return;
  for (Node* n = content->first_child; n; n = next_in_tree(n, content)) {
    if (n->is_text() && !is_whitespace_text(n)) return;
    if (n->is(GUMBO_TAG_H1) || n->is(GUMBO_TAG_H2)) {
      if (text_similarity(title, text_content(n)) > 0.75) remove_node(n);
      return;
    }
    if (n->is(GUMBO_TAG_P) || n->is(GUMBO_TAG_IMG)) return;
  }
}

std::string first_image(const Node* content) {
  for (const Node* n = content->first_child; n; n = next_in_tree(n, content)) {
    if (n->is(GUMBO_TAG_IMG)) {
      std::string_view src = n->attr("src");
      if (!src.empty() && is_safe_url(src)) return std::string(src);
    }
  }
  return {};
}

// Embedded players (<iframe>, <embed>: a video, a map, a chart) are dropped
// by the sanitizer, which lets no other page run inside an entry; a link to
// what was embedded stays in their place, so the reader learns that it was
// there and can open it. Called after the text is rendered: the text keeps
// only the article's words.
void link_embeds(Document& doc, Node* content, std::string_view base) {
  std::vector<Node*> embeds;
  for (Node* n = content->first_child; n; n = next_in_tree(n, content)) {
    if (n->is(GUMBO_TAG_IFRAME) || n->is(GUMBO_TAG_EMBED)) embeds.push_back(n);
  }
  for (Node* n : embeds) {
    std::string src = resolve_url(base, n->attr("src"));
    std::string scheme = url_scheme(src);
    if (n->attr("src").empty() || (scheme != "http" && scheme != "https")) continue;
    Node* a = doc.create_element(GUMBO_TAG_A);
    a->set_attr("href", src);
    append_child(a, doc.create_text(src));
    replace_node(n, a);
  }
}

// The HTML output's whitespace as the text's: outside <pre>, each run of
// spaces, tabs and newlines in a text node becomes one space, or one newline
// when it held a line break (the page's indentation and blank lines go;
// rendering is the same).
void normalize_html_whitespace(Node* content) {
  Node* n = content->first_child;
  while (n) {
    if (n->is(GUMBO_TAG_PRE) || n->is(GUMBO_TAG_TEXTAREA)) {
      n = next_in_tree(n, content, true);
      continue;
    }
    if (!n->is_text()) {
      n = next_in_tree(n, content);
      continue;
    }
    std::string out;
    out.reserve(n->text.size());
    for (std::size_t i = 0; i < n->text.size();) {
      if (!is_html_space(n->text[i])) {
        out += n->text[i++];
        continue;
      }
      bool newline = false;
      for (; i < n->text.size() && is_html_space(n->text[i]); ++i) newline = newline || n->text[i] == '\n';
      out += newline ? '\n' : ' ';
    }
    // Text nodes next to each other (an element between them was removed)
    // share one run.
    Node* prev = n->prev;
    while (prev && prev->is_text() && prev->text.empty()) prev = prev->prev;
    if (prev && prev->is_text() && !prev->text.empty() && is_html_space(prev->text.back()) && !out.empty() &&
        is_html_space(out.front())) {
      if (out.front() == '\n') prev->text.back() = '\n';
      out.erase(0, 1);
    }
    n->text = std::move(out);
    n = next_in_tree(n, content);
  }
}

// JSON-LD articleBody shorter than this is a teaser, not a fallback.
constexpr std::size_t kMinJsonLdBody = 500;

// A <div> of paragraphs from plain text: each non-blank line (JSON-LD bodies
// separate paragraphs by newlines, sometimes blank lines) becomes a <p>.
Node* content_from_plain_text(Document& doc, std::string_view text) {
  Node* div = doc.create_element(GUMBO_TAG_DIV);
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view raw = text.substr(pos, end - pos);
    std::string line = normalize_space(raw.find('&') == std::string_view::npos ? std::string(raw) : decode_entities(raw));
    if (!line.empty()) {
      Node* p = doc.create_element(GUMBO_TAG_P);
      append_child(p, doc.create_text(line));
      append_child(div, p);
    }
    pos = end + 1;
  }
  return div;
}

}  // namespace

Result<Article> extract(std::string_view html, std::string_view url, const SiteRules* rules) {
  std::string replaced;
  if (rules && !rules->replacements.empty()) {
    replaced = apply_replacements(html, *rules);
    html = replaced;
  }
  ParsedHtml parsed = parse_html(html);
  Document& doc = parsed.document;
  PageMetadata meta = read_metadata(doc, parsed.json_ld, url);
  prepare_document(doc);

  Article article;
  Node* content = nullptr;
  std::string found_byline;
  std::string dir;
  if (rules) {
    if (std::string t = first_string(doc, rules->title); !t.empty()) meta.title = t;
    if (std::string a = first_string(doc, rules->author); !a.empty()) meta.byline = a;
    if (std::string d = first_string(doc, rules->date); !d.empty()) {
      meta.published_text = d;
      meta.published = parse_date(d);
    }
    apply_strip_rules(doc, *rules);
    content = body_from_rules(doc, *rules);
    if (content) {
      fix_lazy_images(doc, content);
      if (rules->prune.value_or(true)) strip_boilerplate(content);
    } else if (!rules->autodetect_on_failure.value_or(true)) {
      return fail(Errc::invalid_input, "extract: site rules matched no article body");
    }
  }
  if (!content) {
    GrabResult grabbed = grab_article(doc, meta.title, !meta.byline.empty(), GrabOptions{});
    content = grabbed.content;
    found_byline = std::move(grabbed.byline);
    dir = std::move(grabbed.dir);
  }
  // JSON-LD articleBody is the publisher's own statement of the text: when
  // the page markup yields much less (script-rendered pages), use it.
  if (char_count(meta.json_ld_body) >= kMinJsonLdBody &&
      (!content || 2 * text_length(content) < char_count(meta.json_ld_body))) {
    content = content_from_plain_text(doc, meta.json_ld_body);
  }
  if (!content) return fail(Errc::invalid_input, "extract: no article content found");

  drop_title_heading(content, meta.title);
  absolutize_urls(doc, content, meta.base_url);
  article.text = render_text(content, /*include_captions=*/false);
  if (article.text.empty()) return fail(Errc::invalid_input, "extract: no article text found");
  link_embeds(doc, content, meta.base_url);
  normalize_html_whitespace(content);
  // Sanitizing is always the last step.
  article.html = sanitize(inner_html(content), meta.base_url);

  article.title = std::move(meta.title);
  article.byline = !meta.byline.empty() ? std::move(meta.byline) : std::move(found_byline);
  article.published = meta.published;
  article.lead_image = !meta.image.empty() ? std::move(meta.image) : first_image(content);
  article.lang = std::move(meta.lang);
  article.dir = !dir.empty() ? lower(dir) : std::move(meta.dir);
  article.site_name = std::move(meta.site_name);
  article.excerpt = std::move(meta.excerpt);
  return article;
}

std::string single_page_url(std::string_view html, std::string_view url, const SiteRules& rules) {
  if (rules.single_page_link.empty()) return {};
  ParsedHtml parsed = parse_html(html);
  const Document& doc = parsed.document;
  PageMetadata meta = read_metadata(parsed.document, parsed.json_ld, url);
  for (const auto& e : rules.single_page_link) {
    auto x = XPath::compile(e);
    if (!x) continue;
    std::string href;
    auto items = x->select(doc);
    for (const auto& it : items) {
      href = normalize_space(it.attribute || !it.node->is_element() ? string_value(it) : std::string(it.node->attr("href")));
      if (!href.empty()) break;
    }
    if (items.empty()) href = normalize_space(x->evaluate_string(doc));
    if (href.empty()) continue;
    std::string resolved = resolve_url(meta.base_url, href);
    std::string scheme = url_scheme(resolved);
    if ((scheme == "http" || scheme == "https") && resolved != url) return resolved;
  }
  return {};
}

}  // namespace tributary::feeds::html
