#pragma once

#include <string>
#include <string_view>

namespace tributary::feeds {

// A document converted to UTF-8, with how it was done.
struct Decoded {
  std::string text;       // UTF-8, BOM removed
  std::string encoding;   // IANA name actually used, lower case ("utf-8", "windows-1251")
  bool bozo = false;      // declared and actual encodings disagreed, or bytes were invalid
  std::string bozo_reason;
};

// The `charset` parameter of a Content-Type header value, lower case; "" if none.
std::string content_type_charset(std::string_view content_type);

// The media type of a Content-Type header value, lower case, no parameters.
std::string media_type(std::string_view content_type);

// Detects the encoding of an XML (or JSON) feed document and converts it to
// UTF-8. Order of evidence: byte order mark, then the XML declaration, then
// the HTTP charset (`content_type`, may be empty), then UTF-8. Bytes that are
// invalid in the chosen encoding become U+FFFD and set `bozo`; if a document
// declared as UTF-8 is not valid UTF-8, windows-1252 is tried instead (the
// commonest mislabel), again setting `bozo`.
Decoded decode_xml(std::string_view bytes, std::string_view content_type);

// Converts `bytes` from `charset` (any name ICU knows) to UTF-8. Returns false
// when the charset is unknown; sets `had_errors` when bytes were replaced.
bool convert_to_utf8(std::string_view bytes, std::string_view charset, std::string& out,
                     bool& had_errors);

// True when `text` is entirely valid UTF-8.
bool is_valid_utf8(std::string_view text);

}  // namespace tributary::feeds
