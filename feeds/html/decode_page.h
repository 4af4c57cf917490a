#pragma once

#include <string>
#include <string_view>

// Web pages as bytes off the wire -> UTF-8 text for extract(). Pure: the
// caller passes the body and the HTTP Content-Type header value.
namespace tributary::feeds::html {

// A page converted to UTF-8, with how it was done.
struct DecodedPage {
  std::string text;      // always valid UTF-8, BOM removed
  std::string encoding;  // the encoding used, lower case ("utf-8", "windows-1251")
  // What decided the encoding: "bom", "http" (the Content-Type charset),
  // "meta" (a <meta> in the page), "utf-8" (the bytes are valid UTF-8 and
  // that won over a declaration, or nothing was declared), "detected"
  // (nothing declared, the bytes read as ICU guessed), "default"
  // (nothing usable was declared and the bytes are not UTF-8: windows-1252).
  std::string source;
  bool had_errors = false;  // undecodable bytes were replaced with U+FFFD
};

// The encoding a <meta> element declares in the first 1024 bytes of `bytes`,
// found with the HTML Standard's prescan ("prescan a byte stream to determine
// its encoding", WHATWG HTML §13.2.3.2): comments and other tags are skipped,
// `<meta charset=X>` and `<meta http-equiv="content-type" content="...;
// charset=X">` count, the first one wins. The label is returned as written,
// trimmed and lower case; "" when there is none.
std::string meta_charset(std::string_view bytes);

// The encoding to decode with for a charset label, following the WHATWG
// Encoding Standard where browsers differ from the IANA names: latin1,
// iso-8859-1 and us-ascii are windows-1252; gb2312 and gbk are gb18030;
// euc-kr is windows-949; tis-620 is windows-874; and so on. Other labels come
// back trimmed and lower-cased (ICU knows most of them). "" for an empty
// label.
std::string encoding_for_label(std::string_view label);

// Converts page bytes to UTF-8. The evidence is weighed like this:
//  1. a byte order mark (UTF-8, UTF-16LE, UTF-16BE) decides;
//  2. a UTF-16/UTF-32 charset in the Content-Type, or a stateful 7-bit
//     encoding (ISO-2022-*, UTF-7) declared by Content-Type or <meta>, is
//     used as declared (such bytes can pass as UTF-8 by accident);
//  3. bytes that are valid UTF-8 are UTF-8, whatever is declared (pages that
//     lie about their charset are mostly UTF-8 ones, and ASCII is the same
//     in every other declared encoding);
//  4. otherwise the Content-Type charset, else the <meta> prescan's, when
//     the converter knows it (a <meta> claiming UTF-16 means UTF-8, as in
//     the HTML Standard);
//  5. otherwise, when nothing is declared, ICU's guess from the bytes
//     (feeds::detect_charset) if every byte is valid in it, as browsers
//     guess (windows-1251 and KOI8-R Russian pages);
//  6. otherwise windows-1252 (the HTML Standard's default for most locales),
//     or UTF-8 with replacement characters when UTF-8 was declared.
// Never fails; the result is always valid UTF-8.
DecodedPage decode_page(std::string_view bytes, std::string_view content_type);

// The media type of a binary format that `bytes` start with, by the
// signatures of the WHATWG MIME Sniffing Standard ("%PDF-" is
// application/pdf, "\x89PNG" image/png, JPEG, GIF, WebP, MP4, MP3, Ogg,
// ZIP, gzip); "" for anything else.
std::string_view binary_media_type(std::string_view bytes);

// True when a response is an HTML page worth extracting: its media type is
// text/html or application/xhtml+xml; or it has no useful type (none,
// application/octet-stream, text/plain) and its first bytes look like HTML
// (a doctype, <html>, <head>, <body>, or a comment, after a BOM and
// whitespace). Never when the bytes are a binary format
// (binary_media_type): servers send PDFs as text/html too.
bool is_html_response(std::string_view content_type, std::string_view bytes);

}  // namespace tributary::feeds::html
