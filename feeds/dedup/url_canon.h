#pragma once

#include <string>
#include <string_view>

namespace tributary::feeds::dedup {

// Returns the canonical form of an item link, the key two copies of one
// article share however a feed, a re-poll or a tracker decorated the link:
//
//   - whitespace trimmed, `&amp;` and other character references decoded
//     (a feed parser would have done that; raw input may still carry them);
//   - scheme and host lower-cased, `http` folded into `https`, a trailing
//     dot and the `www.`, `m.`, `mobile.` and `amp.` host labels dropped
//     (when at least two labels remain), default ports removed;
//   - in path and query, percent-encoding normalized (RFC 3986 §6.2.2.2:
//     unreserved characters decoded, other escapes upper-cased, raw spaces
//     and non-ASCII bytes escaped); dot segments removed (§5.2.4);
//     repeated slashes collapsed; a trailing `/amp` segment and a trailing
//     slash dropped (the empty path is "/");
//   - query parameters that only track the reader (see
//     is_tracking_parameter) removed, the rest sorted by name then value;
//   - the fragment dropped, except an AJAX `#!` route, which names content.
//
// Non-http(s) absolute URLs keep their scheme and only get the generic steps.
// Text that does not parse as an absolute URI is returned trimmed, so the
// result is always usable as a key. Empty in, empty out.
std::string canonical_url(std::string_view url);

// canonical_url into `out` (replacing its contents, reusing its storage).
void canonical_url_into(std::string_view url, std::string& out);

// True when a query parameter named `name` (matched case-insensitively, after
// percent-decoding) only tracks the reader: campaign tags (utm_*, mtm_*,
// ga_*, itm_*, ...), click ids (fbclid, gclid, msclkid, yclid, ...), mail
// tracking (mc_cid, mc_eid, _hsenc, mkt_tok, ...), referral markers (ref,
// ref_src, referrer) and feed markers some sites append (rss, ocid, ...).
// Written for tributary, informed by the global rules of the ClearURLs
// project (LGPL-3.0); no ClearURLs data is copied or compiled in.
bool is_tracking_parameter(std::string_view name);

}  // namespace tributary::feeds::dedup
