// Text helpers shared by the Atom, RSS and JSON Feed writers: escaping,
// cleaning of characters XML forbids, URL and token checks.

#include <algorithm>
#include <array>

#include <boost/url/parse.hpp>

#include "feeds/dedup/title.h"
#include "feeds/html/entities.h"
#include "feeds/html/sanitize.h"
#include "feeds/html/text.h"
#include "feeds/url.h"
#include "feeds/writer.h"

namespace tributary::feeds {
namespace {

// xml and html escape & < > "; html_text only what would make plain text
// read as markup in HTML (see append_html_text).
enum class Escape { none, xml, html, html_text };

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Whether plain text written as HTML text content needs the byte `c`
// (followed by `next`, or 0 at the end) escaped: an & that would start a
// character reference (before a letter or #), and every <, since a < that
// opens no tag makes readers that guess (feedparser) take the whole text as
// plain, references included. ", ' and > mean themselves in HTML text.
bool html_text_escapes(unsigned char c, unsigned char next) {
  if (c == '&') return is_alpha(static_cast<char>(next)) || next == '#';
  return c == '<';
}

// What to do with each ASCII byte: 0 = copy, 1 = drop, 2 = escape.
constexpr std::array<unsigned char, 128> ascii_actions() {
  std::array<unsigned char, 128> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = 1;
  t['\t'] = t['\n'] = t['\r'] = 0;
  t[0x7F] = 1;  // DEL: XML allows it, but it is a control character all the same
  t['&'] = t['<'] = t['>'] = t['"'] = 2;
  return t;
}
constexpr auto kAscii = ascii_actions();

// The length of the valid UTF-8 sequence at `p` (2-4) and its code point,
// or 0 when it is not one (overlong, surrogate, beyond U+10FFFF, truncated).
int utf8_sequence(const unsigned char* p, const unsigned char* end, char32_t& cp) {
  unsigned char c = *p;
  int n = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
  if (n == 0 || end - p < n) return 0;
  cp = c & (0x7F >> n);
  for (int i = 1; i < n; ++i) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (p[i] & 0x3F);
  }
  if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
      cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return n;
}

void append_clean(std::string& out, std::string_view s, Escape escape) {
  const auto* begin = reinterpret_cast<const unsigned char*>(s.data());
  const auto* p = begin;
  const auto* end = p + s.size();
  const auto* run = p;  // start of bytes still to copy verbatim
  auto flush = [&] {
    out.append(reinterpret_cast<const char*>(run), static_cast<std::size_t>(p - run));
  };
  while (p < end) {
    unsigned char c = *p;
    if (c < 0x80) {
      unsigned char action = kAscii[c];
      if (action == 0 || (action == 2 && escape == Escape::none) ||
          (action == 2 && escape == Escape::html_text && !html_text_escapes(c, p + 1 < end ? p[1] : 0))) {
        ++p;
        continue;
      }
      flush();
      if (action == 2) {
        switch (c) {
          case '&': out += "&amp;"; break;
          case '<': out += "&lt;"; break;
          case '>': out += "&gt;"; break;
          default: out += "&quot;"; break;
        }
      }
      run = ++p;
      continue;
    }
    char32_t cp = 0;
    int n = utf8_sequence(p, end, cp);
    if (n == 0) {
      flush();
      html::append_utf8(out, 0xFFFD);
      run = ++p;
      continue;
    }
    // C1 controls and the non-characters U+FFFE/U+FFFF are not allowed.
    if ((cp >= 0x80 && cp <= 0x9F) || cp == 0xFFFE || cp == 0xFFFF) {
      flush();
      p += n;
      run = p;
      continue;
    }
    p += n;
  }
  flush();
}

bool is_utf8_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

void append_xml_escaped(std::string& out, std::string_view s) { append_clean(out, s, Escape::xml); }

void append_html_escaped(std::string& out, std::string_view s) { append_clean(out, s, Escape::html); }

void append_html_text(std::string& out, std::string_view s) { append_clean(out, s, Escape::html_text); }

std::string clean_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  append_clean(out, s, Escape::none);
  return out;
}

std::optional<std::string> writable_url(std::string_view url) {
  while (!url.empty() && (url.front() == ' ' || url.front() == '\t' || url.front() == '\n' ||
                          url.front() == '\r')) {
    url.remove_prefix(1);
  }
  while (!url.empty() && (url.back() == ' ' || url.back() == '\t' || url.back() == '\n' ||
                          url.back() == '\r')) {
    url.remove_suffix(1);
  }
  if (url.empty() || !is_safe_url(url)) return std::nullopt;
  static constexpr std::string_view kHex = "0123456789ABCDEF";
  static constexpr std::string_view kNever = " \"<>\\^`{|}";
  std::string out;
  out.reserve(url.size());
  for (char ch : url) {
    auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7F || kNever.find(ch) != std::string_view::npos) {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    } else {
      out += ch;
    }
  }
  if (!boost::urls::parse_uri(out)) return std::nullopt;
  return out;
}

bool is_language_tag(std::string_view tag) {
  // RFC 3066 as atom.rnc spells it: [A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*
  std::size_t i = 0;
  bool first = true;
  while (true) {
    std::size_t start = i;
    while (i < tag.size() && (is_alpha(tag[i]) || (!first && is_digit(tag[i])))) ++i;
    std::size_t len = i - start;
    if (len < 1 || len > 8) return false;
    if (i == tag.size()) return true;
    if (tag[i] != '-') return false;
    ++i;
    first = false;
  }
}

bool is_media_type(std::string_view type) {
  auto slash = type.find('/');
  if (slash == 0 || slash == std::string_view::npos || slash + 1 == type.size()) return false;
  for (std::size_t i = 0; i < type.size(); ++i) {
    auto c = static_cast<unsigned char>(type[i]);
    // Spaces only in parameters ("text/html; charset=utf-8").
    if (c < 0x20 || c >= 0x7F || (c == ' ' && (i <= slash + 1 || type.find(';') > i))) return false;
  }
  return true;
}

std::string shorten(std::string_view text, std::size_t max_chars) {
  std::size_t chars = 0;
  std::size_t cut = text.size();
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (is_utf8_continuation(text[i])) continue;
    if (chars == max_chars) {
      cut = i;
      break;
    }
    ++chars;
  }
  if (cut == text.size()) return std::string(text);
  std::string_view kept = text.substr(0, cut);
  // Prefer a word boundary in the second half (none needed when the cut
  // falls on one).
  bool at_boundary = text[cut] == ' ' || text[cut] == '\n' || text[cut] == '\t';
  if (auto space = kept.find_last_of(" \n\t");
      !at_boundary && space != std::string_view::npos && space > cut / 2) {
    kept = kept.substr(0, space);
  }
  while (!kept.empty() && (kept.back() == ' ' || kept.back() == ',' || kept.back() == '\n')) {
    kept.remove_suffix(1);
  }
  return std::string(kept) + "\u2026";
}

std::string plain_text(const Text& t) { return t.is_html() ? html::html_to_text(t.value) : t.value; }

namespace {

// Punctuation and arrows that are left around teaser furniture.
constexpr std::string_view kFurnitureMarks[] = {" ", ".", ":", "-", "|", "(", ")", "[", "]", ">",
                                                "\u2026", "\u00bb", "\u2192", "\u203a", "\u2014"};

std::string_view trim_marks(std::string_view s) {
  for (bool changed = true; changed;) {
    changed = false;
    for (std::string_view m : kFurnitureMarks) {
      if (s.starts_with(m)) {
        s.remove_prefix(m.size());
        changed = true;
      }
      if (s.ends_with(m)) {
        s.remove_suffix(m.size());
        changed = true;
      }
    }
  }
  return s;
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  return out;
}

// `text` without what feeds put at the end of a teaser: WordPress's "The
// post TITLE appeared first on SITE." and a "Read more" / "Continue
// reading" link that starts a sentence and is followed by nothing but an
// arrow or the title.
std::string_view without_teaser_furniture(std::string_view text, std::string_view title) {
  for (bool changed = true; changed;) {
    changed = false;
    std::string lower = ascii_lower(text);
    if (auto on = lower.rfind(" appeared first on "); on != std::string::npos) {
      auto post = lower.rfind("the post ", on);
      if (post != std::string::npos && text.size() - post < 300 && (post == 0 || text[post - 1] == ' ')) {
        text = text.substr(0, post);
        changed = true;
      }
    }
    for (std::string_view phrase : {"read more", "continue reading", "read the full story",
                                    "read the full article", "read full article", "read full story"}) {
      auto at = lower.rfind(phrase);
      if (at == std::string::npos || at >= text.size()) continue;
      std::string_view before = text.substr(0, at);
      while (before.ends_with(' ')) before.remove_suffix(1);
      bool starts_sentence = before.empty() || before.ends_with(".") || before.ends_with("!") ||
                             before.ends_with("?") || before.ends_with("\u2026") || before.ends_with("[") ||
                             before.ends_with("]") || before.ends_with("(") || before.ends_with("|");
      std::string_view tail = trim_marks(text.substr(at + phrase.size()));
      if (starts_sentence && (tail.empty() || tail == title)) {
        text = before;
        changed = true;
        break;
      }
    }
  }
  while (text.ends_with(' ') || text.ends_with('[') || text.ends_with('(') || text.ends_with('|')) {
    text.remove_suffix(1);
  }
  return text;
}

}  // namespace

Entry publishable(Entry e, std::size_t max_summary_chars) {
  constexpr std::size_t kMaxMadeTitleChars = 80;
  // `link` is the first alternate link when there are alternate links
  // (feeds/model.h); a source that made an enclosure the link would
  // otherwise give each format a different link.
  auto alternate = [](const Link& l) { return l.rel == "alternate" || l.rel.empty(); };
  if (std::none_of(e.links.begin(), e.links.end(),
                   [&](const Link& l) { return alternate(l) && l.href == e.link; })) {
    if (auto it = std::find_if(e.links.begin(), e.links.end(), alternate); it != e.links.end()) {
      e.link = it->href;
    }
  }
  if (e.title) {
    e.title = Text{dedup::display_title(html::normalize_space(plain_text(*e.title))), kTextPlain};
  }
  // A feed that carries its text only as the summary (RSS <description>)
  // keeps it whole, markup and links included, as the content; the summary
  // becomes a teaser of it like any other.
  if ((!e.content || e.content->value.empty()) && e.summary && !e.summary->value.empty()) {
    e.content = e.summary;
  }
  if (e.content && e.content->is_html()) {
    e.content->value = html::sanitize(e.content->value, e.link);
    e.content->type = kTextHtml;
  }
  // The summary is a teaser of the text: the feed's summary, else (or when
  // that only repeats the title) the content.
  std::string_view title = e.title ? std::string_view(e.title->value) : std::string_view();
  std::string summary;
  for (const std::optional<Text>* from : {&e.summary, &e.content}) {
    if (!*from || (*from)->value.empty()) continue;
    std::string text = html::normalize_space(plain_text(**from));
    summary = without_teaser_furniture(text, title);
    if (!summary.empty() && trim_marks(summary) != trim_marks(title)) break;
    summary.clear();
  }
  if (summary.empty()) {
    e.summary.reset();
  } else {
    e.summary = Text{shorten(summary, max_summary_chars), kTextPlain};
  }
  // A reader lists entries by title: one without a title is named by the
  // start of its text (as Miniflux and FreshRSS do), or says it has none.
  if (!e.title || e.title->value.empty()) {
    e.title = Text{summary.empty() ? "(untitled)" : shorten(summary, kMaxMadeTitleChars), kTextPlain};
  }
  return e;
}

namespace {

// A link to `url` with plain text `text`, or the text alone when the URL
// is not writable.
void append_html_link(std::string& out, std::string_view url, std::string_view text) {
  auto href = writable_url(url);
  if (href) {
    out += "<a href=\"";
    append_html_escaped(out, *href);
    out += "\">";
  }
  append_html_escaped(out, text);
  if (href) out += "</a>";
}

}  // namespace

void add_provenance(OutputEntry& oe) {
  std::string html;
  // A feed that carried the item twice (under two GUIDs) is one source.
  std::vector<const FeedMeta*> feeds;
  for (const FeedMeta& s : oe.sources) {
    if (std::none_of(feeds.begin(), feeds.end(), [&](const FeedMeta* f) { return f->id == s.id; })) {
      feeds.push_back(&s);
    }
  }
  if (feeds.size() > 1) {
    html += "<p>Sources: ";
    for (std::size_t i = 0; i < feeds.size(); ++i) {
      const FeedMeta& s = *feeds[i];
      if (i > 0) html += ", ";
      append_html_link(html, s.link.empty() ? s.id : s.link,
                       s.title && !s.title->value.empty() ? s.title->value : s.id);
    }
    html += "</p>";
  }
  std::vector<const RelatedStory*> elsewhere;
  for (const RelatedStory& r : oe.related) {
    if (r.source_id.empty() ||
        std::none_of(feeds.begin(), feeds.end(), [&](const FeedMeta* f) { return f->id == r.source_id; })) {
      elsewhere.push_back(&r);
    }
  }
  if (!elsewhere.empty()) {
    html += "<p>Also covered by: ";
    for (std::size_t i = 0; i < elsewhere.size(); ++i) {
      const RelatedStory& r = *elsewhere[i];
      if (i > 0) html += "; ";
      if (!r.source_title.empty()) {
        append_html_escaped(html, r.source_title);
        html += ", ";
      }
      append_html_link(html, r.link, r.title.empty() ? r.link : r.title);
    }
    html += "</p>";
  }
  if (html.empty()) return;
  Entry& e = oe.entry;
  if (!e.content || e.content->value.empty()) {
    std::string body;
    if (e.summary && !e.summary->value.empty()) {
      body = "<p>";
      append_html_escaped(body, e.summary->value);
      body += "</p>";
    }
    e.content = Text{std::move(body), kTextHtml};
  } else if (!e.content->is_html()) {
    std::string body = "<p>";
    append_html_escaped(body, e.content->value);
    e.content = Text{body + "</p>", kTextHtml};
  }
  e.content->value += "\n<hr>";
  e.content->value += html;
}

}  // namespace tributary::feeds
