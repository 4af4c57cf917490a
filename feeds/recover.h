#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "feeds/xml.h"

// Error recovery for feed documents that are not well-formed XML. Two tools:
// a repairing pre-pass that fixes the common defects in place before the
// strict parser sees the document, and a tolerant tokenizer that reads what
// is left of a document the strict parser still rejects.
namespace tributary::feeds::recover {

// What the pre-pass did to a document.
struct Repaired {
  std::string text;        // the repaired document; empty when `changed` is false
  bool changed = false;    // `text` replaces the input
  bool bozo = false;       // a well-formedness defect was repaired
  std::string reason;      // the first defect, for Feed::bozo_reason
  bool netscape_doctype = false;  // <!DOCTYPE rss PUBLIC "-//Netscape Communications//...">
  // With `extract_cdata`: the contents of the CDATA sections taken out of
  // `text`, as views of the input. In `text` each such section reads
  // <![CDATA[\x01N]]>, N its index here (the pre-pass removes every \x01
  // of the input, so no section of the document itself can look like that).
  std::vector<std::string_view> cdata;
};

// Repairs a UTF-8 XML document so that a strict parser accepts it, fixing:
//  - leading junk: anything before the first '<', and whitespace before an
//    XML declaration, is removed; a second XML declaration is removed;
//  - characters XML forbids (C0 controls other than TAB, LF and CR) are removed;
//  - a '&' that starts no reference becomes "&amp;"; numeric references to
//    characters XML forbids are removed;
//  - named references that XML does not predefine: an entity the internal
//    DTD subset declares with a plain value, or an HTML5 named character
//    reference (&nbsp; &eacute; ...), becomes its characters (escaped where
//    needed); any other becomes "&amp;name;";
//  - a '<' that starts no markup becomes "&lt;", also inside attribute values.
// `bozo` is set for every repair except references that the document may
// legitimately leave to an external DTD it names (<!DOCTYPE x SYSTEM "...">):
// XML 1.0 §4.1 makes an undeclared entity a well-formedness error only
// without such a DTD. DTDs are never fetched, and declared entities are only
// substituted when their value has no markup and no references, and only
// until the substitutions together have added as many bytes as the document
// has (beyond that a reference becomes "&amp;name;"), so entity expansion
// cannot grow the document more than linearly (no billion laughs, no
// quadratic blowup, no XXE). The markup itself is never restructured: unbalanced tags are left
// to the tolerant tokenizer.
//
// `extract_cdata`: the content of each long CDATA section with nothing to
// repair and no CR (which the XML parser would normalize) is moved out of
// the text into Repaired::cdata, so that the strict parser need not scan it
// byte by byte (xml::walk puts it back); `text` must then outlive the use
// of those views, and `changed` is true whenever a section was moved.
Repaired repair_xml(std::string_view text, bool extract_cdata = false);

// Reads `text` like an HTML tokenizer reads markup and reports what it finds
// to `handler` as well-formed events: an end tag closes the nearest open
// element of that name (and those opened inside it), an end tag with no open
// element is ignored, elements still open at the end are closed; attribute
// values may be unquoted or missing; references are decoded as in
// repair_xml, with unknown ones kept as text; comments, processing
// instructions and DOCTYPEs are skipped; CDATA sections are text.
// Never fails; any input yields balanced events.
void parse_tolerant(std::string_view text, xml::Handler& handler);

}  // namespace tributary::feeds::recover
