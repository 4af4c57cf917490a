#pragma once

#include <string>
#include <string_view>

namespace tributary::feeds::html {

// Sanitizes an HTML fragment by allowlist, in one streaming pass (no DOM):
// elements and attributes not on the list are dropped (the text of dropped
// harmless elements is kept; script/style/... are removed with their
// content), event handlers and unsafe URL schemes are removed, CSS is
// filtered to safe properties, and relative URLs are resolved against `base`
// (may be empty). The output is serialized canonically: attributes sorted by
// name and double-quoted, void elements written `<br />`, every open element
// closed. Never fails; any input yields well-formed, inert HTML.
//
// In detail (see sanitize.cpp for the tables):
//  - Elements: feedparser's acceptable elements (less form; plus picture,
//    main, mark, summary, wbr, bdi, bdo, hgroup), SVG-Tiny and MathML subsets
//    inside <svg>/<math> (written with their xmlns), HTML again inside their
//    integration points (SVG desc and title, MathML mi, mo, mn, ms, mtext);
//    a <noscript> inside another is dropped (its content kept). script,
//    style, applet and template are removed with their content; the raw
//    text of title, xmp, iframe, noembed, noframes and plaintext is kept as
//    text (textarea keeps its tag); comments, DOCTYPE, processing
//    instructions and CDATA sections are dropped.
//  - Attributes: an allowlist per namespace; never on*, srcdoc or xml:base.
//    URL attributes (href, src, cite, action, poster, background, longdesc,
//    xlink:href, srcset and ping candidates, ...) are entity-decoded, stripped
//    of the characters browsers ignore, and removed when their scheme is not
//    a safe one (data: is kept only for PNG/GIF/JPEG/WebP images in img and
//    source); relative ones are resolved with feeds::resolve_url.
//    `style` keeps only what feeds::html::sanitize_style keeps. An attribute
//    value that would close a raw-text element or comment (`</style`, `-->`)
//    is dropped.
//  - Text: character references decoded, invalid UTF-8 replaced by U+FFFD,
//    C0 controls other than TAB/LF removed, CR/CRLF written as LF, and only
//    & < > " escaped (as &amp; &lt; &gt; &quot;, or in text as the numeric
//    reference they were written as: "&#38;" stays "&#38;").
//  - Structure: tags are balanced with the HTML tree builder's implied end
//    tags (a block start closes an open <p>, <li> closes <li>, <td> closes
//    <td>, ...); stray end tags are dropped; an unterminated tag at the end
//    is dropped; nesting deeper than kMaxSanitizeDepth drops the inner tags
//    (their text is kept).
// sanitize(sanitize(x)) == sanitize(x) for every x.
//
// The input is parsed as HTML, the way a browser would: a caller holding
// XHTML (Atom type="xhtml") must serialize it as HTML first, writing empty
// non-void elements as <div></div>, since <script/> or <div/> open an
// element in HTML (a stray <script/> hides the rest of the fragment).
//
// `known_valid_utf8`: the caller guarantees `html` is valid UTF-8 (the feed
// parser's text comes from a document decode_xml made valid UTF-8), which
// spares sanitize its own check. Invalid bytes would then be copied as they
// are, so pass true only on that guarantee.
std::string sanitize(std::string_view html, std::string_view base, bool known_valid_utf8 = false);

// Open elements allowed at once in sanitize's output.
inline constexpr int kMaxSanitizeDepth = 256;

// The plain text of an HTML fragment, for summaries and duplicate detection
// (streaming, like sanitize): tags removed, character references decoded,
// invalid UTF-8 replaced by U+FFFD, control characters removed, the content
// of script, style, template, title, noscript, iframe, noembed, noframes,
// svg and math dropped. Runs of whitespace (including U+00A0) collapse to one
// space; block elements (p, div, br, li, h1-h6, blockquote, tr, table, pre,
// hr, ...) end a paragraph, and paragraphs are separated by one blank line
// ("\n\n"). No leading or trailing whitespace.
std::string html_to_text(std::string_view html);

}  // namespace tributary::feeds::html
