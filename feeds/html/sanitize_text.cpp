#include <string>
#include <string_view>

#include "feeds/html/sanitize.h"
#include "feeds/html/sanitize_tables.h"
#include "feeds/html/tokenizer.h"

namespace tributary::feeds::html {
namespace {

using tables::ElementInfo;

// Collects text with whitespace collapsed and paragraph breaks deferred, so
// that nothing is ever written at the start or the end.
class TextWriter {
 public:
  explicit TextWriter(std::string& out) : out_(out) {}

  void space() { pending_space_ = true; }
  void paragraph() { pending_break_ = !out_.empty(); }

  // `text` is clean UTF-8 (already decoded).
  void text(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
      const std::size_t w = space_at(text, i);
      if (w != 0) {
        pending_space_ = true;
        i += w;
        continue;
      }
      std::size_t run = i;
      while (i < text.size() && space_at(text, i) == 0) ++i;
      if (!out_.empty()) {
        if (pending_break_) {
          out_ += "\n\n";
        } else if (pending_space_) {
          out_ += ' ';
        }
      }
      pending_break_ = pending_space_ = false;
      out_.append(text.substr(run, i - run));
    }
  }

 private:
  // Length of the whitespace at text[i]: ASCII whitespace, or U+00A0.
  static std::size_t space_at(std::string_view s, std::size_t i) {
    const char c = s[i];
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f') return 1;
    if (static_cast<unsigned char>(c) == 0xC2 && i + 1 < s.size() &&
        static_cast<unsigned char>(s[i + 1]) == 0xA0) {
      return 2;
    }
    return 0;
  }

  std::string& out_;
  bool pending_space_ = false;
  bool pending_break_ = false;
};

}  // namespace

std::string html_to_text(std::string_view html) {
  std::string out;
  out.reserve(html.size() / 2);
  TextWriter writer(out);
  Tokenizer tokenizer(html);
  std::string decoded;
  const TextMode mode{.decode = true, .attribute = false, .escape = false};

  // While skip is set, everything up to its matching end tag is dropped.
  const ElementInfo* skip = nullptr;
  int skip_depth = 0;
  bool skip_foreign = false;  // skipping <svg>/<math>: no raw-text elements inside

  for (;;) {
    const Token token = tokenizer.next();
    if (token.kind == TokenKind::eof) break;
    if (token.kind == TokenKind::text) {
      if (skip != nullptr) continue;
      decoded.clear();
      append_text(decoded, token.data, mode);
      writer.text(decoded);
      continue;
    }
    const ElementInfo* info = tables::find_element(token.data, token.hash);
    const std::uint32_t f = info != nullptr ? info->flags : 0;
    if (token.kind == TokenKind::end_tag) {
      if (skip != nullptr) {
        if (info == skip && --skip_depth == 0) {
          skip = nullptr;
          skip_foreign = false;
        }
        continue;
      }
      if ((f & tables::kBlock) != 0) writer.paragraph();
      if ((f & tables::kCell) != 0) writer.space();
      continue;
    }
    if (!skip_foreign && (f & (tables::kRawText | tables::kRcdata | tables::kPlaintext)) != 0) {
      std::string_view content =
          (f & tables::kPlaintext) != 0 ? tokenizer.rest() : tokenizer.raw_text(info->name);
      if (skip != nullptr || (f & tables::kTextSkip) != 0) continue;
      decoded.clear();
      append_text(decoded, content,
                  TextMode{.decode = (f & tables::kRcdata) != 0, .attribute = false, .escape = false});
      writer.text(decoded);
      continue;
    }
    if (skip != nullptr) {
      if (info == skip && !(token.self_closing && skip_foreign)) ++skip_depth;
      continue;
    }
    if ((f & tables::kTextSkip) != 0) {
      const bool foreign = info->tag == tables::Tag::svg || info->tag == tables::Tag::math;
      if (foreign && token.self_closing) continue;
      skip = info;
      skip_depth = 1;
      skip_foreign = foreign;
      continue;
    }
    if ((f & tables::kBlock) != 0) writer.paragraph();
    if ((f & tables::kCell) != 0) writer.space();
  }
  return out;
}

}  // namespace tributary::feeds::html
