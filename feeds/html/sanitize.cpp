#include "feeds/html/sanitize.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "feeds/byte_scan.h"
#include "feeds/html/css.h"
#include "feeds/html/sanitize_tables.h"
#include "feeds/decode.h"
#include "feeds/html/tokenizer.h"
#include "feeds/url.h"

// How the pass works. The tokenizer splits the input as a browser would; this
// file plays a much reduced HTML tree builder over it. It keeps a stack of the
// elements it has written and not yet closed (only allowed ones ever get
// there), closes them as the HTML parser's implied-end-tag rules would, and
// writes every token at once. Invariants of the output, which make it
// re-parse into the tree it describes (no mutation XSS):
//  - every '<' in it starts a tag written here; text and attribute values
//    have & < > " escaped; attribute values are double-quoted;
//  - no element whose content a browser reads as raw text is written except
//    <textarea> and <noscript> (raw text when scripting is on), whose content
//    is escaped text and tags written here, never their own end tag (no
//    attribute value holds one, a <noscript> is not nested); no comments;
//  - inside <svg>/<math> only SVG/MathML elements are written, so no HTML
//    element can break out of foreign content on re-parse, except in the
//    integration points (SVG desc and title, MathML mi, mo, mn, ms, mtext),
//    where the browser reads start tags as HTML too.

namespace tributary::feeds::html {
namespace {

using tables::AttributeInfo;
using tables::ElementInfo;
using tables::Tag;

enum class Ns : std::uint8_t { html, svg, math };

constexpr std::string_view kSvgNamespace = "http://www.w3.org/2000/svg";
constexpr std::string_view kMathNamespace = "http://www.w3.org/1998/Math/MathML";
constexpr std::string_view kXlinkNamespace = "http://www.w3.org/1999/xlink";

constexpr bool is_space(char c) {
  return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f';
}
constexpr char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

// ---------------------------------------------------------------- URL checks

// Code points a browser (or a careful filter such as DOMPurify) ignores
// inside a URL scheme: controls, spaces and the Unicode spaces.
constexpr bool is_ignored_in_url(char32_t cp) {
  return cp <= 0x20 || (cp >= 0x7F && cp <= 0xA0) || cp == 0x1680 || cp == 0x180E ||
         (cp >= 0x2000 && cp <= 0x2029) || cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
}

// The first `kCompact` code points of `url` with the ignored ones removed and
// ASCII lower-cased (non-ASCII letters become '?': they cannot be part of a
// scheme). This is what the scheme check looks at: "jav&#x09;ascript:",
// " java\nscript:" and "\xA0javascript:" all compact to "javascript:".
constexpr std::size_t kCompact = 48;
struct Compact {
  std::array<char, kCompact> chars{};
  std::size_t size = 0;
  std::string_view view() const { return {chars.data(), size}; }
};

Compact compact(std::string_view url) {
  Compact c;
  std::size_t i = 0;
  while (i < url.size() && c.size < kCompact) {
    auto b = static_cast<unsigned char>(url[i]);
    char32_t cp = b;
    std::size_t len = 1;
    if (b >= 0x80) {  // decode just enough to recognise the Unicode spaces
      if (b >= 0xE0 && b < 0xF0 && i + 2 < url.size()) {
        cp = (char32_t{b & 0x0Fu} << 12) | (char32_t{static_cast<unsigned char>(url[i + 1]) & 0x3Fu} << 6) |
             (static_cast<unsigned char>(url[i + 2]) & 0x3Fu);
        len = 3;
      } else if (b >= 0xC0 && b < 0xE0 && i + 1 < url.size()) {
        cp = (char32_t{b & 0x1Fu} << 6) | (static_cast<unsigned char>(url[i + 1]) & 0x3Fu);
        len = 2;
      } else {
        cp = 0xFFFD;
      }
    }
    i += len;
    if (is_ignored_in_url(cp)) continue;
    c.chars[c.size++] = cp < 0x80 ? lower(static_cast<char>(cp)) : '?';
  }
  return c;
}

// The scheme at the start of a compacted URL ("" for a relative reference).
// Leading quotes and backticks are skipped: old IE treated them as quotes.
std::string_view scheme_of(std::string_view compacted, std::size_t* rest = nullptr) {
  std::size_t i = 0;
  while (i < compacted.size() && (compacted[i] == '"' || compacted[i] == '\'' || compacted[i] == '`')) ++i;
  const std::size_t begin = i;
  if (i >= compacted.size() || compacted[i] < 'a' || compacted[i] > 'z') return {};
  while (i < compacted.size()) {
    const char c = compacted[i];
    if (c == ':') {
      if (rest != nullptr) *rest = i + 1;
      return compacted.substr(begin, i - begin);
    }
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')) {
      return {};
    }
    ++i;
  }
  // Ran out of compacted characters without a ':' or an illegal one: a
  // scheme-like run this long is treated as an unknown scheme.
  return compacted.size() == kCompact ? compacted.substr(begin) : std::string_view{};
}

bool is_raster_data(std::string_view after_colon) {
  for (std::string_view type : {"image/png", "image/gif", "image/jpeg", "image/jpg", "image/webp"}) {
    if (after_colon.starts_with(type) && after_colon.size() > type.size() &&
        (after_colon[type.size()] == ';' || after_colon[type.size()] == ',')) {
      return true;
    }
  }
  return false;
}

// True when `url` certainly has no scheme: it reaches '/', '?', '#' or its
// end before any ':' through printable ASCII only (so nothing compact()
// would drop can hide a scheme).
bool plainly_relative(std::string_view url) {
  for (char ch : url) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '/' || c == '?' || c == '#') return true;
    if (c == ':' || c <= 0x20 || c >= 0x7F) return false;
  }
  return true;
}

// True when a URL whose compacted form has scheme `scheme` may be written.
bool scheme_allowed(const Compact& c, std::string_view scheme, std::size_t rest, bool raster_data_ok) {
  if (scheme == "data") return raster_data_ok && is_raster_data(c.view().substr(rest));
  return feeds::is_safe_url(c.view());  // the compacted URL: what a browser would read
}

// ---------------------------------------------------------------- the pass

struct OutAttribute {
  std::string_view name;
  std::size_t begin, end;  // value, in Sanitizer::values_
};

struct Open {
  const ElementInfo* info;
  Ns ns;
  bool root;  // an <svg> or <math> entered from HTML
};

// One Sanitizer per thread serves every call: its buffers keep their
// capacity, so a fragment costs no allocation but its output.
class Sanitizer {
 public:
  Sanitizer() { stack_.reserve(kMaxSanitizeDepth); }

  void run(std::string_view html, std::string_view base, bool valid_utf8, std::string& out) {
    tokenizer_.reset(html);
    base_ = base;
    valid_utf8_ = valid_utf8;
    out_ = &out;
    stack_.clear();
    suppress_ = nullptr;
    suppress_ns_ = Ns::html;
    suppress_depth_ = 0;
    for (;;) {
      if (suppress_ == nullptr) {
        // The text up to the next '<', written as it is scanned (the
        // tokenizer would otherwise look for its end first).
        tokenizer_.skip(append_text(*out_, tokenizer_.remaining(),
                                    TextMode{.valid_utf8 = valid_utf8_, .stop_at_lt = true}));
      }
      const Token token = tokenizer_.next();
      switch (token.kind) {
        case TokenKind::eof:
          close_to(0);
          return;
        case TokenKind::text:
          if (suppress_ == nullptr) append_text(*out_, token.data, TextMode{.valid_utf8 = valid_utf8_});
          break;
        case TokenKind::start_tag:
          start_tag(token);
          break;
        case TokenKind::end_tag:
          end_tag(token);
          break;
      }
    }
  }

 private:
  Ns context() const {
    if (suppress_ != nullptr) return suppress_ns_;
    return stack_.empty() ? Ns::html : stack_.back().ns;
  }

  // The namespace a start tag is read in. HTML §13.2.6 (tree construction
  // dispatcher): in an SVG <desc>/<title> (HTML integration points) and a
  // MathML <mi>/<mo>/<mn>/<ms>/<mtext> (text integration points, except for
  // <mglyph> and <malignmark>), start tags are HTML.
  Ns start_tag_context(const ElementInfo* info) const {
    const Ns ns = context();
    if (ns == Ns::html || suppress_ != nullptr || (stack_.back().info->flags & tables::kIntegration) == 0) {
      return ns;
    }
    if (ns == Ns::math && info != nullptr && (info->name == "mglyph" || info->name == "malignmark")) return ns;
    return Ns::html;
  }

  void start_tag(const Token& token) {
    const ElementInfo* info = tables::find_element(token.data, token.hash);
    const Ns ns = start_tag_context(info);
    const std::uint32_t f = info != nullptr ? info->flags : 0;

    // Raw text and RCDATA: the browser reads the content as text, so must we.
    if (ns == Ns::html && (f & (tables::kRawText | tables::kRcdata | tables::kPlaintext)) != 0) {
      const bool write = suppress_ == nullptr && (f & tables::kDropContent) == 0;
      // <textarea> is the one kept: an element whose content is only text. It
      // is opened before its content is read: reading the end tag replaces
      // the start tag's attributes.
      const bool keep = write && (f & tables::kHtml) != 0 && open_html(info);
      std::string_view content =
          (f & tables::kPlaintext) != 0 ? tokenizer_.rest() : tokenizer_.raw_text(info->name);
      if (!write) return;
      const TextMode mode{
          .decode = (f & tables::kRcdata) != 0, .attribute = false, .escape = true, .valid_utf8 = valid_utf8_};
      append_text(*out_, content, mode);
      if (keep) close_to(stack_.size() - 1);
      return;
    }

    if (suppress_ != nullptr) {
      if (info == suppress_ && !(token.self_closing && suppress_ns_ != Ns::html)) ++suppress_depth_;
      return;
    }
    if (info == nullptr) return;
    if ((f & tables::kDropContent) != 0) {
      if (token.self_closing && ns != Ns::html) return;
      suppress_ = info;
      suppress_ns_ = ns;
      suppress_depth_ = 1;
      return;
    }
    switch (ns) {
      case Ns::html:
        if (info->tag == Tag::svg) {
          open_foreign(info, Ns::svg, token.self_closing, /*root=*/true);
        } else if (info->tag == Tag::math) {
          open_foreign(info, Ns::math, token.self_closing, /*root=*/true);
        } else if ((f & tables::kHtml) != 0 && !(info->tag == Tag::noscript && noscript_open())) {
          open_html(info);
        }
        break;
      case Ns::svg:
        if ((f & tables::kSvg) != 0) open_foreign(info, Ns::svg, token.self_closing, false);
        break;
      case Ns::math:
        if ((f & tables::kMath) != 0) open_foreign(info, Ns::math, token.self_closing, false);
        break;
    }
  }

  // To a browser with scripting, <noscript> content is raw text up to the
  // first </noscript>: one inside another would end it early.
  bool noscript_open() const {
    return std::any_of(stack_.begin(), stack_.end(), [](const Open& o) { return o.info->tag == Tag::noscript; });
  }

  // Writes an HTML start tag; returns true when the element was opened
  // (pushed on the stack).
  bool open_html(const ElementInfo* info) {
    close_implied(info);
    const bool is_void = (info->flags & tables::kVoid) != 0;
    if (!is_void && stack_.size() >= kMaxSanitizeDepth) return false;
    if (!collect_attributes(info, Ns::html, false)) return false;
    write_start_tag(info->name, is_void);
    if (is_void) return false;
    stack_.push_back({info, Ns::html, false});
    return true;
  }

  void open_foreign(const ElementInfo* info, Ns ns, bool self_closing, bool root) {
    if (!self_closing && stack_.size() >= kMaxSanitizeDepth) return;
    if (!collect_attributes(info, ns, root)) return;
    write_start_tag(info->out_name, self_closing);
    if (!self_closing) stack_.push_back({info, ns, root});
  }

  void end_tag(const Token& token) {
    const ElementInfo* info = tables::find_element(token.data, token.hash);
    if (suppress_ != nullptr) {
      if (info == suppress_ && --suppress_depth_ == 0) suppress_ = nullptr;
      return;
    }
    if (info == nullptr || stack_.empty()) return;
    if (stack_.back().ns != Ns::html) {
      // Foreign content: close the nearest open element of that name in the
      // current <svg>/<math> subtree; anything else is ignored.
      for (std::size_t i = stack_.size(); i-- > 0;) {
        if (stack_[i].ns == Ns::html) break;
        if (stack_[i].info == info) {
          close_to(i);
          return;
        }
        if (stack_[i].root) break;
      }
      return;
    }
    if ((info->flags & tables::kHtml) == 0) return;
    // HTML §13.2.6.4.7, reduced: an end tag closes the nearest open element
    // of its name unless a scope boundary comes first; a non-special,
    // non-formatting end tag (</span>) also stops at a special element.
    const bool ordinary = (info->flags & (tables::kSpecial | tables::kFormatting)) == 0;
    const Scope scope = scope_for(info);
    for (std::size_t i = stack_.size(); i-- > 0;) {
      const Open& o = stack_[i];
      if (o.info == info) {
        close_to(i);
        return;
      }
      if (o.ns != Ns::html || is_scope_boundary(o.info, scope)) return;
      if (ordinary && (o.info->flags & tables::kSpecial) != 0) return;
    }
  }

  // The parser's scopes (HTML §13.2.4.2), reduced to what can be on our
  // stack: which open elements hide the ones below them from a search.
  enum class Scope {
    element,    // table, td, th, caption, button (the "button scope")
    list_item,  // the same, plus ul and ol
    table,      // table only
    all,        // nothing
  };

  // The scope an end tag of `target` searches in.
  static Scope scope_for(const ElementInfo* target) {
    if (target->tag == Tag::table) return Scope::all;
    if ((target->flags & tables::kTablePart) != 0) return Scope::table;
    if (target->tag == Tag::li) return Scope::list_item;
    return Scope::element;
  }

  static bool is_scope_boundary(const ElementInfo* open, Scope scope) {
    switch (scope) {
      case Scope::all: return false;
      case Scope::table: return open->tag == Tag::table;
      case Scope::list_item:
        if (open->tag == Tag::ul || open->tag == Tag::ol) return true;
        [[fallthrough]];
      case Scope::element: return (open->flags & tables::kScopeBoundary) != 0;
    }
    return true;
  }

  // Index of the nearest open HTML element for which `match` holds, looking
  // down to a boundary of `scope` (or to foreign content); -1 when none.
  template <class Match>
  std::ptrdiff_t find_in_scope(Scope scope, Match match) const {
    for (std::size_t i = stack_.size(); i-- > 0;) {
      const Open& o = stack_[i];
      if (o.ns != Ns::html) return -1;
      if (match(o.info)) return static_cast<std::ptrdiff_t>(i);
      if (is_scope_boundary(o.info, scope)) return -1;
    }
    return -1;
  }

  // Applies the implied-end rules until none applies. Iterating to a fixed
  // point is what makes sanitize idempotent: the state the output leaves
  // behind before each start tag is one where the rules change nothing.
  void close_implied(const ElementInfo* info) {
    while (close_implied_once(info)) {
    }
  }

  // The start-tag rules of HTML §13.2.6.4.7 that end open elements, applied
  // once; returns whether an element was closed.
  bool close_implied_once(const ElementInfo* info) {
    const std::size_t depth = stack_.size();
    const std::uint32_t f = info->flags;
    const Tag tag = info->tag;
    auto close_if_found = [&](std::ptrdiff_t i) {
      if (i >= 0) close_to(static_cast<std::size_t>(i));
    };
    auto top_is = [&](auto pred) { return !stack_.empty() && pred(stack_.back().info->tag); };
    auto is_item = [](Tag t) { return t == Tag::dd || t == Tag::dt; };
    auto is_cell = [](Tag t) { return t == Tag::td || t == Tag::th; };
    auto is_section = [](Tag t) { return t == Tag::tbody || t == Tag::thead || t == Tag::tfoot; };

    if ((f & tables::kClosesP) != 0) {
      close_if_found(find_in_scope(Scope::element, [](const ElementInfo* o) { return o->tag == Tag::p; }));
    }
    if (tag == Tag::li || is_item(tag)) {
      // Close the nearest list item of the same kind, stopping at a special
      // element other than address, div and p.
      for (std::size_t i = stack_.size(); i-- > 0;) {
        const ElementInfo* o = stack_[i].info;
        if (stack_[i].ns != Ns::html) break;
        if (tag == Tag::li ? o->tag == Tag::li : is_item(o->tag)) {
          close_to(i);
          break;
        }
        if ((o->flags & tables::kSpecial) != 0 && o->tag != Tag::address && o->tag != Tag::div &&
            o->tag != Tag::p) {
          break;
        }
      }
    }
    if ((f & tables::kHeading) != 0 && !stack_.empty() &&
        (stack_.back().info->flags & tables::kHeading) != 0) {
      close_to(stack_.size() - 1);
    }
    switch (tag) {
      case Tag::a:
      case Tag::button:
        close_if_found(find_in_scope(Scope::element, [&](const ElementInfo* o) { return o == info; }));
        break;
      case Tag::td:
      case Tag::th:
        close_if_found(find_in_scope(Scope::table, [&](const ElementInfo* o) { return is_cell(o->tag); }));
        break;
      case Tag::tr:
        close_if_found(find_in_scope(Scope::table, [](const ElementInfo* o) { return o->tag == Tag::tr; }));
        break;
      case Tag::tbody:
      case Tag::thead:
      case Tag::tfoot:
        close_if_found(find_in_scope(Scope::table, [&](const ElementInfo* o) { return is_section(o->tag); }));
        break;
      case Tag::option:
      case Tag::optgroup:
        if (top_is([](Tag t) { return t == Tag::option; })) close_to(stack_.size() - 1);
        if (tag == Tag::optgroup && top_is([](Tag t) { return t == Tag::optgroup; })) {
          close_to(stack_.size() - 1);
        }
        break;
      case Tag::rp:
      case Tag::rt:
        if (top_is([](Tag t) { return t == Tag::rp || t == Tag::rt; })) close_to(stack_.size() - 1);
        break;
      default:
        break;
    }
    return stack_.size() != depth;
  }

  // Writes end tags for stack_[index..] (innermost first) and pops them.
  void close_to(std::size_t index) {
    while (stack_.size() > index) {
      const Open& o = stack_.back();
      std::string& out = *out_;
      out += "</";
      out += o.ns == Ns::html ? o.info->name : o.info->out_name;
      out += '>';
      stack_.pop_back();
    }
  }

  // ------------------------------------------------------------ attributes

  // Fills attrs_/values_ with the element's allowed, cleaned attributes,
  // sorted by name. Returns false when the element itself must be dropped.
  bool collect_attributes(const ElementInfo* element, Ns ns, bool root) {
    attrs_.clear();
    values_.clear();
    const std::uint32_t need = ns == Ns::html  ? tables::kAttrHtml
                               : ns == Ns::svg ? tables::kAttrSvg
                                               : tables::kAttrMath;
    const bool animation = (element->flags & tables::kAnimation) != 0;
    bool xlink = false;
    for (const TagAttribute& a : tokenizer_.attributes()) {
      const AttributeInfo* info = tables::find_attribute(a.name, a.hash);
      if (info == nullptr || (info->flags & need) == 0) continue;
      // Names come from the table: the same attribute has the same pointer.
      if (std::any_of(attrs_.begin(), attrs_.end(),
                      [&](const OutAttribute& o) { return o.name.data() == info->out_name.data(); })) {
        continue;  // HTML §13.2.5.33: a repeated attribute is ignored
      }
      constexpr std::uint32_t kAnimationOnly = tables::kAnimationValue | tables::kAnimationTarget;
      if ((info->flags & kAnimationOnly) != 0 && !animation) continue;
      constexpr std::uint32_t kTransformed =
          tables::kStyle | tables::kUrl | tables::kSrcset | tables::kUrlList | kAnimationOnly;
      if ((info->flags & kTransformed) == 0) {
        // The common case: decoded straight into place, kept as is.
        const std::size_t begin = values_.size();
        append_text(values_, a.value, attribute_mode());
        if (closes_raw_text(std::string_view(values_).substr(begin))) {
          values_.resize(begin);
          continue;
        }
        attrs_.push_back({info->out_name, begin, values_.size()});
        xlink = xlink || info->out_name.starts_with("xlink:");
        continue;
      }
      decoded_.clear();
      append_text(decoded_, a.value, attribute_mode());
      std::string_view value = decoded_;

      if ((info->flags & tables::kAnimationTarget) != 0) {
        // <set attributeName="onclick" to="..."> writes an event handler;
        // <animate attributeName="href" values="javascript:..."> a link.
        const Compact c = compact(value);
        const std::string_view target = c.view();
        if (target.starts_with("on") || target == "href" || target == "xlink:href" ||
            target == "style" || target == "src") {
          return false;
        }
      }
      if ((info->flags & tables::kAnimationValue) != 0 && carries_script(value)) continue;

      if ((info->flags & tables::kStyle) != 0) {
        cleaned_ = sanitize_style(value);
        if (cleaned_.empty()) continue;
        value = cleaned_;
      } else if ((info->flags & tables::kUrl) != 0) {
        if (!clean_url(value, raster_data_ok(element, info), (info->flags & tables::kNoResolve) == 0,
                       cleaned_)) {
          continue;
        }
        value = cleaned_;
      } else if ((info->flags & tables::kSrcset) != 0) {
        if (!clean_srcset(value, raster_data_ok(element, info))) continue;
        value = cleaned_;
      } else if ((info->flags & tables::kUrlList) != 0) {
        if (!clean_url_list(value)) continue;
        value = cleaned_;
      }
      if (closes_raw_text(value)) continue;
      add_attribute(info->out_name, value);
      xlink = xlink || info->out_name.starts_with("xlink:");
    }
    if (root) add_attribute("xmlns", ns == Ns::svg ? kSvgNamespace : kMathNamespace);
    if (xlink) add_attribute("xmlns:xlink", kXlinkNamespace);
    // Few attributes per tag: insertion sort, stable.
    for (std::size_t i = 1; i < attrs_.size(); ++i) {
      for (std::size_t j = i; j > 0 && name_less(attrs_[j].name, attrs_[j - 1].name); --j) {
        std::swap(attrs_[j], attrs_[j - 1]);
      }
    }
    return true;
  }

  // Byte order, as std::string_view's operator<, without a call to memcmp
  // for these few short names.
  static bool name_less(std::string_view a, std::string_view b) {
    const std::size_t n = std::min(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i) {
      if (a[i] != b[i]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[i]);
    }
    return a.size() < b.size();
  }

  void add_attribute(std::string_view name, std::string_view value) {
    const std::size_t begin = values_.size();
    values_ += value;
    attrs_.push_back({name, begin, values_.size()});
  }

  static bool raster_data_ok(const ElementInfo* element, const AttributeInfo* attribute) {
    return (element->tag == Tag::img || element->tag == Tag::source) &&
           (attribute->name == "src" || attribute->name == "srcset");
  }

  // Mutation-XSS guard (as DOMPurify's SAFE_FOR_XML): a value that would end
  // a comment or a raw-text element if it were ever written unescaped.
  static bool closes_raw_text(std::string_view v) {
    if (find_escapable(v, 0, '<', '>', '<', '>') == v.size()) return false;  // one pass for both
    if (v.find("-->") != std::string_view::npos || v.find("--!>") != std::string_view::npos ||
        v.find("]]>") != std::string_view::npos) {
      return true;
    }
    static constexpr std::array<std::string_view, 13> kRaw = {
        "iframe", "math",  "noembed", "noframes", "noscript", "plaintext", "script",
        "style",  "svg",   "template", "textarea", "title",   "xmp"};
    for (std::size_t i = v.find("</"); i != std::string_view::npos; i = v.find("</", i + 2)) {
      std::size_t j = i + 2;
      std::string name;
      while (j < v.size() && name.size() < 10 && ((v[j] >= 'a' && v[j] <= 'z') || (v[j] >= 'A' && v[j] <= 'Z'))) {
        name += lower(v[j++]);
      }
      if (std::find(kRaw.begin(), kRaw.end(), name) != kRaw.end()) return true;
    }
    return false;
  }

  static bool carries_script(std::string_view v) {
    std::string compacted;
    for (char c : v) {
      if (static_cast<unsigned char>(c) > 0x20) compacted += lower(c);
    }
    return compacted.find("script:") != std::string::npos ||
           compacted.find("mocha:") != std::string::npos ||
           compacted.find("data:") != std::string::npos;
  }

  // Writes the cleaned form of `url` to `out`: leading/trailing controls and
  // spaces removed, TAB/LF/CR removed (the URL parser ignores them), and, for
  // a relative reference, resolved against base_. Returns false when the
  // scheme is not allowed.
  bool clean_url(std::string_view url, bool raster_data_ok, bool resolve, std::string& out) const {
    std::size_t b = 0, e = url.size();
    while (b < e && static_cast<unsigned char>(url[b]) <= 0x20) ++b;
    while (e > b && static_cast<unsigned char>(url[e - 1]) <= 0x20) --e;
    url = url.substr(b, e - b);
    auto ignored = [](char c) { return c == '\t' || c == '\n' || c == '\r'; };
    // (One compare per byte for the usual answer: TAB..CR is 9..13.)
    if (std::none_of(url.begin(), url.end(), [](char c) { return static_cast<unsigned char>(c - 9) <= 4; })) {
      out.assign(url);
    } else {
      out.clear();
      for (char c : url) {
        if (!ignored(c)) out += c;
      }
    }
    // Fast paths: the common absolute web URL, and a reference with no ':'
    // before its first '/', '?' or '#' and nothing a browser would ignore
    // there, need no closer look.
    if (out.starts_with("https://") || out.starts_with("http://")) {
      return true;
    }
    if (!plainly_relative(out)) {
      const Compact c = compact(out);
      std::size_t rest = 0;
      const std::string_view scheme = scheme_of(c.view(), &rest);
      if (!scheme.empty()) return scheme_allowed(c, scheme, rest, raster_data_ok);
    }
    if (!resolve || base_.empty()) return true;
    std::string resolved = feeds::resolve_url(base_, out);
    if (!resolved.starts_with("https://") && !resolved.starts_with("http://")) {
      const Compact rc = compact(resolved);
      std::size_t rest = 0;
      const std::string_view scheme = scheme_of(rc.view(), &rest);
      if (!scheme.empty() && !scheme_allowed(rc, scheme, rest, raster_data_ok)) return false;
    }
    out = std::move(resolved);
    return true;
  }

  // srcset (HTML §4.8.4.3.10): candidates "URL [descriptor]" separated by
  // commas; URLs are cleaned one by one, unsafe candidates dropped, and only
  // well-formed descriptors (100w, 1.5x, 300h) kept.
  bool clean_srcset(std::string_view v, bool raster_data_ok) {
    cleaned_.clear();
    std::size_t i = 0;
    std::size_t kept = 0;
    while (true) {
      while (i < v.size() && (is_space(v[i]) || v[i] == ',')) ++i;
      if (i >= v.size()) break;
      const std::size_t url_begin = i;
      while (i < v.size() && !is_space(v[i])) ++i;
      std::string_view url = v.substr(url_begin, i - url_begin);
      std::string_view descriptors;
      if (url.ends_with(',')) {
        while (!url.empty() && url.back() == ',') url.remove_suffix(1);
      } else {
        const std::size_t d = i;
        int depth = 0;
        while (i < v.size() && (v[i] != ',' || depth > 0)) {
          if (v[i] == '(') ++depth;
          if (v[i] == ')' && depth > 0) --depth;
          ++i;
        }
        descriptors = v.substr(d, i - d);
        if (i < v.size()) ++i;
      }
      if (!clean_url(url, raster_data_ok, true, candidate_) || hides_unsafe_url(candidate_)) continue;
      if (kept++ > 0) cleaned_ += ", ";
      cleaned_ += candidate_;
      std::size_t k = 0;
      while (k < descriptors.size()) {
        while (k < descriptors.size() && is_space(descriptors[k])) ++k;
        const std::size_t db = k;
        while (k < descriptors.size() && !is_space(descriptors[k])) ++k;
        std::string_view word = descriptors.substr(db, k - db);
        if (is_srcset_descriptor(word)) {
          cleaned_ += ' ';
          cleaned_ += word;
        }
      }
    }
    return kept > 0;
  }

  // A srcset URL may contain commas ("w_480,c_fill"), but readers that split
  // srcset on every comma would then see "a,javascript:x" as two URLs: refuse
  // a URL any of whose comma-separated pieces has an unsafe scheme.
  static bool hides_unsafe_url(std::string_view url) {
    std::size_t comma = url.find(',');
    while (comma != std::string_view::npos) {
      const std::size_t next = url.find(',', comma + 1);
      const Compact c = compact(url.substr(comma + 1, next == std::string_view::npos ? next : next - comma - 1));
      std::size_t rest = 0;
      const std::string_view scheme = scheme_of(c.view(), &rest);
      if (!scheme.empty() && !scheme_allowed(c, scheme, rest, false)) return true;
      comma = next;
    }
    return false;
  }

  static bool is_srcset_descriptor(std::string_view w) {
    if (w.size() < 2) return false;
    const char unit = w.back();
    if (unit != 'w' && unit != 'x' && unit != 'h') return false;
    bool digit = false;
    for (char c : w.substr(0, w.size() - 1)) {
      if (c >= '0' && c <= '9') {
        digit = true;
      } else if (c != '.' || unit == 'w' || unit == 'h') {
        return false;
      }
    }
    return digit;
  }

  // ping: a space-separated list of URLs; all must be safe.
  bool clean_url_list(std::string_view v) {
    std::string list;
    std::size_t i = 0;
    while (i < v.size()) {
      while (i < v.size() && is_space(v[i])) ++i;
      const std::size_t b = i;
      while (i < v.size() && !is_space(v[i])) ++i;
      if (b == i) break;
      if (!clean_url(v.substr(b, i - b), false, true, candidate_)) return false;
      if (!list.empty()) list += ' ';
      list += candidate_;
    }
    cleaned_ = std::move(list);
    return true;
  }

  void write_start_tag(std::string_view name, bool self_closing) {
    std::string& out = *out_;
    out += '<';
    out += name;
    for (const OutAttribute& a : attrs_) {
      out += ' ';
      out += a.name;
      out += "=\"";
      append_text(out, std::string_view(values_).substr(a.begin, a.end - a.begin),
                  TextMode{.decode = false, .attribute = true, .escape = true, .valid_utf8 = valid_utf8_});
      out += '"';
    }
    out += self_closing ? " />" : ">";
  }

  // How attribute values are decoded into values_ and decoded_.
  TextMode attribute_mode() const {
    return TextMode{.decode = true, .attribute = true, .escape = false, .valid_utf8 = valid_utf8_};
  }

  Tokenizer tokenizer_;
  std::string_view base_;
  bool valid_utf8_ = false;  // the input is valid UTF-8 (checked once, not per text run)
  std::string* out_ = nullptr;
  std::vector<Open> stack_;

  // While suppress_ is set, everything up to its matching end tag is dropped.
  const ElementInfo* suppress_ = nullptr;
  Ns suppress_ns_ = Ns::html;
  int suppress_depth_ = 0;

  // Scratch for the current tag, reused to avoid allocation per tag.
  std::vector<OutAttribute> attrs_;
  std::string values_;
  std::string decoded_;
  std::string cleaned_;
  std::string candidate_;
};

}  // namespace

std::string sanitize(std::string_view html, std::string_view base, bool known_valid_utf8) {
  std::string out;
  out.reserve(html.size() + html.size() / 8 + 16);
  const bool valid_utf8 = known_valid_utf8 || is_valid_utf8(html);
  if (html.find('<') == std::string_view::npos) {
    // No markup (most titles and summaries): one text token, no tree.
    append_text(out, html, TextMode{.valid_utf8 = valid_utf8});
    return out;
  }
  thread_local Sanitizer sanitizer;
  sanitizer.run(html, base, valid_utf8, out);
  return out;
}

}  // namespace tributary::feeds::html
