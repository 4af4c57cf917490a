#include "feeds/html/text.h"

#include <cctype>
#include <vector>

namespace tributary::feeds::html {

bool is_html_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

namespace {

// Length of the whitespace sequence at `i`: 1 for ASCII space, 2 for the
// UTF-8 encoding of U+00A0, 0 otherwise.
std::size_t space_at(std::string_view s, std::size_t i) {
  if (is_html_space(s[i])) return 1;
  if (static_cast<unsigned char>(s[i]) == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0) {
    return 2;
  }
  return 0;
}

void append_normalized(std::string_view text, std::string& out, bool& pending_space) {
  std::size_t i = 0;
  while (i < text.size()) {
    if (std::size_t w = space_at(text, i)) {
      pending_space = true;
      i += w;
      continue;
    }
    std::size_t end = i + 1;  // a run of non-space bytes is appended at once
    while (end < text.size() && !space_at(text, end)) ++end;
    if (pending_space && !out.empty()) out += ' ';
    pending_space = false;
    out.append(text.substr(i, end - i));
    i = end;
  }
}

}  // namespace

std::string normalize_space(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending = false;
  append_normalized(text, out, pending);
  return out;
}

std::string inner_text(const Node* node) {
  std::string out;
  bool pending = false;
  if (node->is_text()) {
    append_normalized(node->text, out, pending);
    return out;
  }
  for (const Node* n = node->first_child; n; n = next_in_tree(n, node)) {
    if (n->is_text()) append_normalized(n->text, out, pending);
  }
  return out;
}

std::size_t text_length(const Node* node) {
  std::size_t count = 0;
  bool pending = false;
  bool started = false;
  auto add = [&](std::string_view text) {  // counts what append_normalized would append
    for (std::size_t i = 0; i < text.size();) {
      if (std::size_t w = space_at(text, i)) {
        pending = true;
        i += w;
        continue;
      }
      count += (pending && started) + ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80);
      pending = false;
      started = true;
      ++i;
    }
  };
  if (node->is_text()) add(node->text);
  for (const Node* n = node->first_child; n; n = next_in_tree(n, node)) {
    if (n->is_text()) add(n->text);
  }
  return count;
}

std::size_t char_count(std::string_view text) {
  std::size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

namespace {

bool is_block(const Node* n) {
  switch (n->tag) {
    case GUMBO_TAG_ADDRESS: case GUMBO_TAG_ARTICLE: case GUMBO_TAG_ASIDE: case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_BODY: case GUMBO_TAG_CAPTION: case GUMBO_TAG_CENTER: case GUMBO_TAG_DD:
    case GUMBO_TAG_DETAILS: case GUMBO_TAG_DIR: case GUMBO_TAG_DIV:
    case GUMBO_TAG_DL: case GUMBO_TAG_DT: case GUMBO_TAG_FIELDSET: case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_FIGURE: case GUMBO_TAG_FOOTER: case GUMBO_TAG_FORM: case GUMBO_TAG_FRAMESET:
    case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5:
    case GUMBO_TAG_H6: case GUMBO_TAG_HEADER: case GUMBO_TAG_HGROUP: case GUMBO_TAG_HR:
    case GUMBO_TAG_HTML: case GUMBO_TAG_LEGEND: case GUMBO_TAG_LI: case GUMBO_TAG_MAIN:
    case GUMBO_TAG_MENU: case GUMBO_TAG_NAV: case GUMBO_TAG_OL: case GUMBO_TAG_P: case GUMBO_TAG_PRE:
    case GUMBO_TAG_SECTION: case GUMBO_TAG_SUMMARY: case GUMBO_TAG_TABLE: case GUMBO_TAG_TBODY:
    case GUMBO_TAG_TFOOT: case GUMBO_TAG_THEAD: case GUMBO_TAG_TR: case GUMBO_TAG_UL:
    case GUMBO_TAG_OPTION: case GUMBO_TAG_NOFRAMES:
      return true;
    default:
      return false;
  }
}

bool is_skipped(const Node* n) {
  switch (n->tag) {
    case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE: case GUMBO_TAG_TEMPLATE: case GUMBO_TAG_TITLE:
    case GUMBO_TAG_NOSCRIPT: case GUMBO_TAG_HEAD:
      return true;
    default:
      return false;
  }
}

class TextRenderer {
 public:
  void text(std::string_view t) {
    if (pre_ > 0) {
      line_ += t;
      return;
    }
    append_normalized(t, line_, pending_space_);
  }
  void line_break() {
    if (pre_ > 0) {
      line_ += '\n';
      return;
    }
    end_line();
  }
  void cell_gap() { pending_space_ = true; }
  void block_boundary() {
    end_line();
    if (!para_.empty()) {
      if (!out_.empty()) out_ += "\n\n";
      out_ += para_;
      para_.clear();
    }
  }
  void enter_pre() {
    block_boundary();
    ++pre_;
  }
  void leave_pre() {
    // A <pre> keeps its own lines; blank leading and trailing lines go.
    --pre_;
    std::string block = std::move(line_);
    line_.clear();
    std::size_t b = 0;
    while (b < block.size() && block[b] == '\n') ++b;
    std::size_t e = block.size();
    while (e > b && (block[e - 1] == '\n' || block[e - 1] == ' ' || block[e - 1] == '\t')) --e;
    if (e > b) {
      if (!out_.empty()) out_ += "\n\n";
      out_.append(block, b, e - b);
    }
    pending_space_ = false;
  }
  std::string finish() {
    block_boundary();
    return std::move(out_);
  }

 private:
  void end_line() {
    if (!line_.empty()) {
      if (!para_.empty()) para_ += '\n';
      para_ += line_;
      line_.clear();
    }
    pending_space_ = false;
  }

  std::string out_;
  std::string para_;
  std::string line_;
  bool pending_space_ = false;
  int pre_ = 0;
};

}  // namespace

bool is_caption(const Node* n) {
  if (!n->is_element()) return false;
  if (n->is(GUMBO_TAG_FIGCAPTION)) return true;
  for (std::string_view v : {n->attr("class"), n->attr("id")}) {
    std::size_t i = 0;
    while (i < v.size()) {
      while (i < v.size() && !std::isalnum(static_cast<unsigned char>(v[i]))) ++i;
      std::size_t start = i;
      while (i < v.size() && std::isalnum(static_cast<unsigned char>(v[i]))) ++i;
      std::string token(v.substr(start, i - start));
      for (char& c : token) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (token == "caption" || token == "credit" || token == "credits" || token == "captions" ||
          token == "figcaption") {
        return true;
      }
    }
  }
  return false;
}

std::string render_text(const Node* root, bool include_captions) {
  TextRenderer r;
  const Node* n = root->is_text() ? root : root->first_child;
  if (root->is_text()) {
    r.text(root->text);
    return r.finish();
  }
  // Iterative walk with explicit enter/leave events.
  while (n) {
    bool descend = false;
    if (n->is_text()) {
      r.text(n->text);
    } else if (n->is_element() && !is_skipped(n) && (include_captions || !is_caption(n))) {
      if (n->is(GUMBO_TAG_BR)) {
        r.line_break();
      } else if (n->is(GUMBO_TAG_PRE)) {
        r.enter_pre();
        descend = n->first_child != nullptr;
        if (!descend) r.leave_pre();
      } else {
        if (is_block(n)) r.block_boundary();
        if (n->is(GUMBO_TAG_TD) || n->is(GUMBO_TAG_TH)) r.cell_gap();
        descend = n->first_child != nullptr;
        if (!descend) {
          if (is_block(n)) r.block_boundary();
          if (n->is(GUMBO_TAG_TD) || n->is(GUMBO_TAG_TH)) r.cell_gap();
        }
      }
    }
    if (descend) {
      n = n->first_child;
      continue;
    }
    while (n && n != root && !n->next) {
      n = n->parent;
      if (!n || n == root) break;
      if (n->is(GUMBO_TAG_PRE)) {
        r.leave_pre();
      } else {
        if (is_block(n)) r.block_boundary();
        if (n->is(GUMBO_TAG_TD) || n->is(GUMBO_TAG_TH)) r.cell_gap();
      }
    }
    if (!n || n == root) break;
    n = n->next;
  }
  return r.finish();
}

}  // namespace tributary::feeds::html
