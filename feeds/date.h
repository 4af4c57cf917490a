#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace tributary::feeds {

// Parses a date as feeds write it and returns the instant it names, in UTC
// whole seconds (fractional seconds are truncated). Returns nullopt when the
// text cannot be understood or names no real instant (month 13, 31 February,
// 25:61:00, 0000-00-00, a zone offset beyond ±23:59, a year outside
// 1..9999); it never guesses from the clock or the locale, never throws and
// never allocates.
//
// Accepted, with surrounding whitespace ignored (the set feedparser accepts,
// minus its garbage-in-garbage-out cases, plus common real-world variants):
//
//  * RFC 822 / RFC 2822 and their real-world variants:
//      "Wed, 31 Dec 2003 10:14:55 +0000", "31 Dec 03 10:14 EST",
//      "Thu,  5 Apr 2012 10:00:00 GMT-01:00", "Sunday, 06-Nov-94 08:49:37 GMT",
//      "Thu Aug 30 2012 17:26:16 +0200", "Dec 31, 2003 10:14 PM",
//      "Mi, 31 Dezember 2003 10:14:55 +0100", "Ср, 31 дек 2003 10:14:55 +0300".
//    The weekday is optional and ignored (a wrong weekday does not matter).
//    Month and weekday names may be English, German, French, Spanish,
//    Italian, Portuguese, Dutch, Scandinavian, Russian, Greek or Hungarian,
//    full or abbreviated, any case. Years have 4 digits, 2 digits (00-89 are
//    20xx, 90-99 are 19xx, as feedparser does) or 3 digits (+1900, RFC 2822
//    §4.3). Seconds, time and zone are optional (midnight, UTC). Zones:
//    ±hhmm, ±hh:mm, ±hh, GMT±hh[:mm], UT/UTC/GMT/Z, North American and
//    European abbreviations (EST, PDT, CET, MSK, ...) and RFC 822 military
//    letters; an unknown zone name counts as UTC. A 12-hour clock with
//    AM/PM is honoured. Text after the zone is ignored.
//  * asctime: "Sun Jan  4 16:29:06 2004", "Sun Jul 15 01:16:00 +0000 2012".
//  * ISO 8601 / W3C-DTF / RFC 3339: "2003-12-31T10:14:55Z",
//    "2003-12-31T10:14:55.538-08:00", "2003-12-31", "2003-12", "2003",
//    basic format "20031231T101455Z", ordinal "2003-365", week "2004-W01-1",
//    two-digit-year forms "03-12-31"/"031231" (taken as 20xx), a space for
//    the "T" ("2004-07-08 23:56:58.0", MSSQL), and "24:00:00" as the end of
//    the day. A missing zone means UTC.
//  * "2006/09/15 08:19:53 EDT" (Perforce), Korean OnBlog/Nate forms
//    ("2004년 05월 28일 01:31:15", "2004-05-25 오후 11:23:17", +09:00), and
//    Hungarian "2004-július-13T9:15-05:00".
//
// Rejected: slash dates with the year last ("06/01/2024": US and European
// readers disagree on which number is the month), dates without a year.
std::optional<std::chrono::sys_seconds> parse_date(std::string_view text);

// Formats `t` as RFC 3339 in UTC: "2003-12-31T10:14:55Z".
std::string format_rfc3339(std::chrono::sys_seconds t);

// Formats `t` as RFC 822 (RFC 2822 date-time) in UTC:
// "Wed, 31 Dec 2003 10:14:55 +0000".
std::string format_rfc822(std::chrono::sys_seconds t);

// Formats `t` as an RFC 9110 IMF-fixdate: "Wed, 31 Dec 2003 10:14:55 GMT".
std::string format_http_date(std::chrono::sys_seconds t);

// Parses an HTTP-date (RFC 9110 §5.6.7): the preferred IMF-fixdate
// "Sun, 06 Nov 1994 08:49:37 GMT" and the obsolete rfc850-date
// "Sunday, 06-Nov-94 08:49:37 GMT" and asctime-date "Sun Nov  6 08:49:37 1994".
// Stricter than parse_date: the zone must be GMT and the layout exact (names
// are matched without regard to case; the weekday must be a weekday name but
// need not match the date). A two-digit rfc850 year 70-99 is 19xx, 00-69 is
// 20xx (RFC 9110 asks for "the most recent year with those digits", which
// needs a clock this pure function does not read).
std::optional<std::chrono::sys_seconds> parse_http_date(std::string_view text);

}  // namespace tributary::feeds
