#pragma once

#include <string>
#include <string_view>

namespace tributary::feeds {

// A document converted to UTF-8, with how it was done.
struct Decoded {
  std::string text;       // UTF-8, BOM removed (empty when `borrowed`)
  std::string encoding;   // name of the encoding actually used, lower case ("utf-8", "windows-1251")
  bool bozo = false;      // the declared and actual encodings disagreed, bytes were invalid,
                          // or the HTTP media type is not an XML one
  std::string bozo_reason;
  // With decode_xml(..., borrow = true): the input needed no conversion and
  // the text is this view of it instead of a copy in `text`.
  bool borrowed = false;
  std::string_view borrowed_text;

  std::string_view utf8() const { return borrowed ? borrowed_text : std::string_view(text); }
};

// The `charset` parameter of a Content-Type header value, lower case; "" if none.
std::string content_type_charset(std::string_view content_type);

// The media type of a Content-Type header value, lower case, no parameters.
std::string media_type(std::string_view content_type);

// Detects the encoding of an XML feed document and converts it to UTF-8,
// reconciling the evidence as RFC 3023 and feedparser do:
//  - the byte order mark (or the UTF-16/32 shape of "<?xml") says how to
//    read the XML declaration;
//  - `content_type` (the HTTP header, "" when the document did not come
//    over HTTP) decides which declaration counts: application/xml and
//    application/*+xml take the HTTP charset, else the XML declaration, else
//    UTF-8; text/xml, text/*+xml and other text/* take the HTTP charset or
//    US-ASCII (the XML declaration is ignored); no header means the XML
//    declaration, else UTF-8. gb2312 is read as its superset gb18030.
//  - if the bytes are not valid in that encoding, the XML declaration, the
//    BOM, a statistical guess (ICU's charset detector), UTF-8,
//    windows-1252 and ISO-8859-2 are tried in turn; using any of them sets
//    `bozo`. A document that is UTF-8 except for a few stray bytes is read
//    as UTF-8 with those bytes taken as windows-1252 (also `bozo`).
//  - a document declared (in its XML declaration only) in a single-byte
//    legacy charset whose bytes are valid UTF-8 with multi-byte sequences is
//    read as UTF-8 (`bozo`: the declaration is wrong).
//  - a Content-Type that is not an XML media type sets `bozo`.
// Never fails: the last resort replaces undecodable bytes with U+FFFD.
// `borrow`: when the bytes are used as they are (UTF-8 or ASCII, after the
// BOM), return a view of them (Decoded::borrowed) rather than a copy.
Decoded decode_xml(std::string_view bytes, std::string_view content_type, bool borrow = false);

// ICU's statistical guess at the charset of `bytes` ("windows-1251",
// "koi8-r", "shift_jis", ... lower case; Thai text is checked apart), "" when
// it has none. `markup`: text inside <...> does not count (HTML pages).
std::string detect_charset(std::string_view bytes, bool markup = false);

// Converts `bytes` from `charset` (any name ICU knows) to UTF-8. Returns false
// when the charset is unknown; sets `had_errors` when bytes were replaced.
bool convert_to_utf8(std::string_view bytes, std::string_view charset, std::string& out,
                     bool& had_errors);

// True when `text` is entirely valid UTF-8.
bool is_valid_utf8(std::string_view text);

}  // namespace tributary::feeds
