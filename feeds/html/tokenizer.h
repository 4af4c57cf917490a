#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::feeds::html {

// FNV-1a over the bytes of a (lower-case) name: the tokenizer hands it out
// with every tag and attribute name, so that table lookups need no second pass.
constexpr std::uint32_t name_hash(std::string_view s) {
  std::uint32_t h = 2166136261u;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 16777619u;
  }
  return h;
}

// One token of an HTML fragment. Comments, DOCTYPEs, processing instructions,
// CDATA sections and bogus comments are skipped by the tokenizer and never
// produce a token.
enum class TokenKind { text, start_tag, end_tag, eof };

// An attribute as written: `name` is lower-cased ASCII, `value` is the raw
// slice of the input between the quotes (character references NOT decoded).
struct TagAttribute {
  std::string_view name;
  std::string_view value;
  std::uint32_t hash;  // name_hash(name)
};

struct Token {
  TokenKind kind = TokenKind::eof;
  // text: the raw slice of input (character references not decoded);
  // start_tag/end_tag: the tag name, lower-cased ASCII.
  std::string_view data;
  bool self_closing = false;  // start tags written `<x/>`
  std::uint32_t hash = 0;     // tags: name_hash(data)
};

// A streaming HTML5 tokenizer for fragments, following the states of the WHATWG
// tokenizer (HTML §13.2.5) closely enough that a browser splits the same input
// into the same tags: attribute names may contain quotes, `/` separates
// attributes, `<!-->` closes a comment, a tag cut off by the end of input is
// dropped. It does not switch to RAWTEXT/RCDATA on its own: the tree builder,
// which knows the namespace, calls `raw_text` right after a start tag whose
// content is not markup (script, style, title, textarea, ...).
//
// Views returned stay valid until the next call of `next` (tag and attribute
// names live in the tokenizer) or as long as the input (text and values).
class Tokenizer {
 public:
  explicit Tokenizer(std::string_view input = {}) : in_(input) {}

  // Starts over on `input`, keeping the buffers' capacity.
  void reset(std::string_view input) {
    in_ = input;
    pos_ = 0;
  }

  Token next();

  // Attributes of the last start tag, in source order (duplicates kept).
  std::span<const TagAttribute> attributes() const { return attrs_; }

  // Consumes the content of a RAWTEXT/RCDATA element named `name` up to its end
  // tag (`</name` followed by whitespace, `/` or `>`, any case) and the end tag
  // itself; returns the raw content. Without an end tag, returns the rest.
  std::string_view raw_text(std::string_view name);

  // Consumes and returns everything left (the PLAINTEXT state).
  std::string_view rest();

  // The input not yet consumed, and a way to consume `n` bytes of it that a
  // caller has read as text (it must stop at a '<': the tokenizer resumes
  // there). Text may be split at any '<' (no reference or UTF-8 sequence
  // contains one), so a caller can write text while scanning it once
  // (append_text with TextMode::stop_at_lt) instead of letting `next` find
  // its end first.
  std::string_view remaining() const { return in_.substr(pos_); }
  void skip(std::size_t n) { pos_ += n; }

 private:
  // A lower-case name: a view of the input, or (when the input has upper
  // case) the bytes [begin, end) of names_.
  struct NameRef {
    std::string_view input;
    std::size_t begin, end;
    std::uint32_t hash;  // name_hash of the lower-case name
    bool lowered;
  };

  Token read_tag(bool end_tag);
  NameRef read_name(std::size_t& i, std::uint8_t stop, bool first_is_name = false);
  std::string_view name_of(const NameRef& r) const {
    return r.lowered ? std::string_view(names_).substr(r.begin, r.end - r.begin) : r.input;
  }

  std::string_view in_;
  std::size_t pos_ = 0;
  struct PendingAttribute {
    NameRef name;
    std::string_view value;
  };

  std::string names_;  // names with upper case, lower-cased
  std::vector<PendingAttribute> pending_;
  std::vector<TagAttribute> attrs_;
};

// How `append_text` treats its input.
struct TextMode {
  bool decode = true;      // resolve character references (false: RAWTEXT/PLAINTEXT)
  bool attribute = false;  // attribute-value rules: "&copy=1" stays literal
  bool escape = true;      // write & < > " as &amp; &lt; &gt; &quot;
  bool valid_utf8 = false;  // the caller knows `raw` is valid UTF-8: its
                            // bytes >= 0x80 are copied without a second look
  bool stop_at_lt = false;  // with `escape`: stop at the first '<' instead of
                            // escaping it
};

// Appends `raw` to `out` as clean UTF-8 text: character references decoded
// (HTML §13.2.5.72, legacy names without ';', numeric C1 references mapped per
// windows-1252, noncharacters and out-of-range values to U+FFFD), invalid UTF-8
// replaced by U+FFFD (one per maximal invalid subsequence, as the WHATWG
// decoder does), CR and CRLF turned into LF, other C0 controls except TAB and
// LF removed, and, when `mode.escape`, the four markup characters escaped.
// Returns the bytes of `raw` consumed: all of them, or with `mode.stop_at_lt`
// those before the first '<'.
std::size_t append_text(std::string& out, std::string_view raw, TextMode mode);

}  // namespace tributary::feeds::html
