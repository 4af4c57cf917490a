#include "feeds/date.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

// Dates in feeds come in two families: ISO 8601 (Atom, W3C-DTF dc:date,
// RFC 3339) and RFC 822 (RSS pubDate, HTTP). Producers bend both: localized
// names, missing parts, 12-hour clocks, 2-digit years, zone abbreviations.
//
// parse_date runs three stages, cheapest first:
//   1. fast paths for the exact shapes nearly every feed uses
//      ("2003-12-31T10:14:55Z", "Wed, 31 Dec 2003 10:14:55 +0000");
//   2. an ISO 8601 scanner over the characters (digit counts matter there:
//      "031231" is not "0312-31");
//   3. a token grammar for everything with words in it (RFC 822 variants,
//      asctime, localized and Korean forms).
// A stage that recognises the layout decides: if the fields it read name no
// real instant, the answer is nullopt and later stages are not consulted.
//
// Invariant: nothing here allocates, reads a clock or a locale, or throws.

namespace tributary::feeds {
namespace {

using std::chrono::days;
using std::chrono::seconds;
using std::chrono::sys_days;
using std::chrono::sys_seconds;

constexpr int kMinYear = 1;
constexpr int kMaxYear = 9999;
constexpr int kSecondsPerHour = 3600;
constexpr int kNoValue = -1;

// Date and time as written, before the zone is applied.
struct Fields {
  int year = 0;
  int month = 0;  // 1..12
  int day = 0;    // 1..31
  int hour = 0;
  int minute = 0;
  int second = 0;
  int offset = 0;  // seconds east of UTC
};

sys_days civil_days(int year, int month, int day) {
  return sys_days{std::chrono::year{year} / static_cast<unsigned>(month) / static_cast<unsigned>(day)};
}

bool valid_civil_date(int year, int month, int day) {
  if (year < kMinYear || year > kMaxYear || month < 1 || month > 12 || day < 1 || day > 31) return false;
  const std::chrono::year_month_day ymd{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                                        std::chrono::day{static_cast<unsigned>(day)}};
  return ymd.ok();
}

void set_civil(sys_days d, Fields& f) {
  const std::chrono::year_month_day ymd{d};
  f.year = static_cast<int>(ymd.year());
  f.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  f.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
}

// The instant `f` names, or nullopt when a field is out of range. 24:00:00 is
// the end of the day (ISO 8601 §4.2.3); second 60 is a leap second, which
// POSIX time counts as the first second of the next minute.
std::optional<sys_seconds> to_instant(const Fields& f) {
  if (!valid_civil_date(f.year, f.month, f.day)) return std::nullopt;
  if (f.hour < 0 || f.minute < 0 || f.second < 0) return std::nullopt;
  if (f.hour == 24) {
    if (f.minute != 0 || f.second != 0) return std::nullopt;
  } else if (f.hour > 23) {
    return std::nullopt;
  }
  if (f.minute > 59 || f.second > 60) return std::nullopt;
  const sys_seconds t = sys_seconds{civil_days(f.year, f.month, f.day)} +
                        seconds{f.hour * kSecondsPerHour + f.minute * 60 + f.second - f.offset};
  const sys_seconds first{civil_days(kMinYear, 1, 1)};
  const sys_seconds last = sys_seconds{civil_days(kMaxYear, 12, 31)} + seconds{86399};
  if (t < first || t > last) return std::nullopt;
  return t;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
int digit(char c) { return c - '0'; }
int two_digits(std::string_view s, std::size_t i) { return digit(s[i]) * 10 + digit(s[i + 1]); }
int four_digits(std::string_view s, std::size_t i) { return two_digits(s, i) * 100 + two_digits(s, i + 2); }

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Length of the whitespace at s[i]: ASCII blanks and U+00A0 (which feeds
// produce from &nbsp;).
std::size_t space_length(std::string_view s, std::size_t i) {
  if (is_space(s[i])) return 1;
  if (s[i] == '\xC2' && i + 1 < s.size() && s[i + 1] == '\xA0') return 2;
  return 0;
}

std::string_view trim(std::string_view s) {
  std::size_t begin = 0;
  while (begin < s.size()) {
    const std::size_t n = space_length(s, begin);
    if (n == 0) break;
    begin += n;
  }
  std::size_t end = s.size();
  while (end > begin) {
    if (is_space(s[end - 1])) {
      --end;
    } else if (end - begin >= 2 && s[end - 2] == '\xC2' && s[end - 1] == '\xA0') {
      end -= 2;
    } else {
      break;
    }
  }
  return s.substr(begin, end - begin);
}

// English month from a 3-letter abbreviation at s[i], any case; 0 if none.
int english_month(std::string_view s, std::size_t i) {
  const auto key = static_cast<std::uint32_t>(static_cast<unsigned char>(ascii_lower(s[i]))) << 16 |
                   static_cast<std::uint32_t>(static_cast<unsigned char>(ascii_lower(s[i + 1]))) << 8 |
                   static_cast<std::uint32_t>(static_cast<unsigned char>(ascii_lower(s[i + 2])));
  constexpr auto k = [](const char (&m)[4]) {
    return static_cast<std::uint32_t>(m[0]) << 16 | static_cast<std::uint32_t>(m[1]) << 8 |
           static_cast<std::uint32_t>(m[2]);
  };
  switch (key) {
    case k("jan"): return 1;
    case k("feb"): return 2;
    case k("mar"): return 3;
    case k("apr"): return 4;
    case k("may"): return 5;
    case k("jun"): return 6;
    case k("jul"): return 7;
    case k("aug"): return 8;
    case k("sep"): return 9;
    case k("oct"): return 10;
    case k("nov"): return 11;
    case k("dec"): return 12;
    default: return 0;
  }
}

// ---------------------------------------------------------------------------
// Names. Words are compared after folding: ASCII and Latin-1/Latin-A letters
// lowered with accents dropped ("März" -> "marz", "févr" -> "fevr"), Cyrillic
// and Greek lowered, Greek tonos and final sigma normalized. Tables hold the
// folded spellings.

constexpr std::size_t kMaxWordBytes = 48;

// A folded word: a view into storage the caller owns.
struct Folded {
  std::string_view text;
  std::size_t chars = 0;  // characters (code points)
  bool fits = false;      // false: too long, or bytes no name contains
};

// Appends UTF-8 to out[0, cap).
struct FoldWriter {
  char* out;
  std::size_t cap;
  std::size_t size = 0;
  std::size_t chars = 0;
  bool fits = true;

  void push(char c) {
    if (size < cap) {
      out[size++] = c;
    } else {
      fits = false;
    }
  }
  void push_code_point(std::uint32_t cp) {
    ++chars;
    if (cp < 0x80) {
      push(static_cast<char>(cp));
    } else if (cp < 0x800) {
      push(static_cast<char>(0xC0 | (cp >> 6)));
      push(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      push(static_cast<char>(0xE0 | (cp >> 12)));
      push(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      push(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }
};

// ASCII base letters of U+00C0..U+00FF ('*' where there is none).
constexpr std::string_view kLatin1Base = "aaaaaaaceeeeiiiidnooooo*ouuuuyts"
                                         "aaaaaaaceeeeiiiidnooooo*ouuuuyty";

std::uint32_t fold_code_point(std::uint32_t cp) {
  if (cp >= 'A' && cp <= 'Z') return cp - 'A' + 'a';
  if (cp >= 0xC0 && cp <= 0xFF) return static_cast<unsigned char>(kLatin1Base[cp - 0xC0]);
  if (cp == 0x150 || cp == 0x151) return 'o';  // Hungarian ő
  if (cp == 0x170 || cp == 0x171) return 'u';  // Hungarian ű
  if (cp >= 0x410 && cp <= 0x42F) return cp + 0x20;  // Cyrillic А..Я
  if (cp >= 0x400 && cp <= 0x40F) return cp + 0x50;  // Cyrillic Ѐ..Џ
  if (cp >= 0x391 && cp <= 0x3A9) cp += 0x20;        // Greek Α..Ω
  switch (cp) {
    case 0x386: case 0x3AC: return 0x3B1;                          // Ά ά -> α
    case 0x388: case 0x3AD: return 0x3B5;                          // Έ έ -> ε
    case 0x389: case 0x3AE: return 0x3B7;                          // Ή ή -> η
    case 0x38A: case 0x3AA: case 0x3AF: case 0x3CA: case 0x390: return 0x3B9;  // Ί Ϊ ί ϊ ΐ -> ι
    case 0x38C: case 0x3CC: return 0x3BF;                          // Ό ό -> ο
    case 0x38E: case 0x3AB: case 0x3CD: case 0x3CB: case 0x3B0: return 0x3C5;  // Ύ Ϋ ύ ϋ ΰ -> υ
    case 0x38F: case 0x3CE: return 0x3C9;                          // Ώ ώ -> ω
    case 0x3C2: return 0x3C3;                                      // ς -> σ
    default: return cp;
  }
}

// Folds `word` into out[0, cap).
Folded fold_into(std::string_view word, char* buffer, std::size_t cap) {
  FoldWriter out{buffer, cap};
  std::size_t i = 0;
  while (i < word.size() && out.fits) {
    const auto b0 = static_cast<unsigned char>(word[i]);
    std::uint32_t cp = b0;
    std::size_t n = 1;
    if (b0 >= 0xC0 && b0 < 0xE0 && i + 1 < word.size()) {
      cp = (b0 & 0x1Fu) << 6 | (static_cast<unsigned char>(word[i + 1]) & 0x3Fu);
      n = 2;
    } else if (b0 >= 0xE0 && b0 < 0xF0 && i + 2 < word.size()) {
      cp = (b0 & 0x0Fu) << 12 | (static_cast<unsigned char>(word[i + 1]) & 0x3Fu) << 6 |
           (static_cast<unsigned char>(word[i + 2]) & 0x3Fu);
      n = 3;
    } else if (b0 >= 0x80) {
      out.fits = false;  // 4-byte or broken sequence: no date word looks like this
      break;
    }
    const std::uint32_t folded = fold_code_point(cp);
    if (folded == '*') {
      out.fits = false;
      break;
    }
    out.push_code_point(folded);
    i += n;
  }
  if (!out.fits) return {};
  return Folded{std::string_view(buffer, out.size), out.chars, true};
}

// A word folded into its own storage.
struct FoldedWord {
  std::array<char, kMaxWordBytes> bytes;
  Folded word;

  explicit FoldedWord(std::string_view text) : word(fold_into(text, bytes.data(), bytes.size())) {}
  FoldedWord(const FoldedWord&) = delete;
  FoldedWord& operator=(const FoldedWord&) = delete;
};

struct Name {
  std::string_view text;
  int value;
};

// Month names, full (prefixes of three or more letters match too, e.g.
// "sept", "janv", "dez", "сент") and the abbreviations that are no prefix.
constexpr Name kMonthNames[] = {
    // English
    {"january", 1}, {"february", 2}, {"march", 3}, {"april", 4}, {"may", 5}, {"june", 6},
    {"july", 7}, {"august", 8}, {"september", 9}, {"october", 10}, {"november", 11}, {"december", 12},
    // German (Mrz is the DIN abbreviation)
    {"januar", 1}, {"februar", 2}, {"marz", 3}, {"mrz", 3}, {"mai", 5}, {"juni", 6}, {"juli", 7},
    {"oktober", 10}, {"dezember", 12}, {"janner", 1},
    // French
    {"janvier", 1}, {"fevrier", 2}, {"mars", 3}, {"avril", 4}, {"juin", 6}, {"juillet", 7},
    {"aout", 8}, {"septembre", 9}, {"octobre", 10}, {"novembre", 11}, {"decembre", 12},
    // Spanish
    {"enero", 1}, {"febrero", 2}, {"marzo", 3}, {"abril", 4}, {"mayo", 5}, {"junio", 6}, {"julio", 7},
    {"agosto", 8}, {"septiembre", 9}, {"setiembre", 9}, {"octubre", 10}, {"noviembre", 11},
    {"diciembre", 12},
    // Italian
    {"gennaio", 1}, {"febbraio", 2}, {"aprile", 4}, {"maggio", 5}, {"giugno", 6}, {"luglio", 7},
    {"settembre", 9}, {"ottobre", 10}, {"dicembre", 12},
    // Portuguese
    {"janeiro", 1}, {"fevereiro", 2}, {"marco", 3}, {"maio", 5}, {"junho", 6}, {"julho", 7},
    {"setembro", 9}, {"outubro", 10}, {"novembro", 11}, {"dezembro", 12},
    // Dutch
    {"januari", 1}, {"februari", 2}, {"maart", 3}, {"mei", 5}, {"augustus", 8},
    // Scandinavian
    {"marts", 3}, {"maj", 5}, {"augusti", 8}, {"desember", 12},
    // Hungarian
    {"marcius", 3}, {"aprilis", 4}, {"majus", 5}, {"junius", 6}, {"julius", 7}, {"augusztus", 8},
    {"szeptember", 9},
    // Russian: nominative and genitive ("31 декабря")
    {"январь", 1}, {"февраль", 2}, {"март", 3}, {"апрель", 4}, {"май", 5}, {"июнь", 6}, {"июль", 7},
    {"август", 8}, {"сентябрь", 9}, {"октябрь", 10}, {"ноябрь", 11}, {"декабрь", 12},
    {"января", 1}, {"февраля", 2}, {"марта", 3}, {"апреля", 4}, {"мая", 5}, {"июня", 6}, {"июля", 7},
    {"августа", 8}, {"сентября", 9}, {"октября", 10}, {"ноября", 11}, {"декабря", 12},
    // Greek: nominative, genitive and the abbreviations feedparser knows
    {"ιανουαριος", 1}, {"φεβρουαριος", 2}, {"μαρτιος", 3}, {"απριλιος", 4}, {"μαιος", 5},
    {"ιουνιος", 6}, {"ιουλιος", 7}, {"αυγουστος", 8}, {"σεπτεμβριος", 9}, {"οκτωβριος", 10},
    {"νοεμβριος", 11}, {"δεκεμβριος", 12},
    {"ιανουαριου", 1}, {"φεβρουαριου", 2}, {"μαρτιου", 3}, {"απριλιου", 4}, {"μαιου", 5},
    {"ιουνιου", 6}, {"ιουλιου", 7}, {"αυγουστου", 8}, {"σεπτεμβριου", 9}, {"οκτωβριου", 10},
    {"νοεμβριου", 11}, {"δεκεμβριου", 12},
    {"μαω", 3}, {"ιον", 6}, {"ιολ", 7}, {"αυγ", 8}, {"νοε", 11},
};

// Weekday names; only used to recognise a leading word to skip, so a prefix
// of two or more letters is enough.
constexpr std::string_view kWeekdayNames[] = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonnabend", "sonntag",
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    "lunes", "martes", "miercoles", "jueves", "viernes", "sabado", "domingo",
    "lunedi", "martedi", "mercoledi", "giovedi", "venerdi", "sabato", "domenica",
    "segunda", "terca", "quarta", "quinta", "sexta",
    "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag",
    "mandag", "tirsdag", "tisdag", "onsdag", "torsdag", "fredag", "lordag", "sondag",
    "hetfo", "kedd", "szerda", "csutortok", "pentek", "szombat", "vasarnap",
    "понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье",
    "пн", "вт", "ср", "чт", "пт", "сб", "вс",
    "δευτερα", "τριτη", "τεταρτη", "πεμπτη", "παρασκευη", "σαββατο", "κυριακη",
};

// Zone abbreviations, in minutes east of UTC. Ambiguous ones take the
// reading feedparser takes (CST is US Central, AST Atlantic, BST British);
// IST (India/Israel/Ireland) is deliberately absent and counts as UTC.
constexpr Name kZoneNames[] = {
    {"ut", 0}, {"utc", 0}, {"gmt", 0}, {"z", 0}, {"uct", 0}, {"wet", 0},
    {"est", -300}, {"edt", -240}, {"et", -300}, {"cst", -360}, {"cdt", -300}, {"ct", -360},
    {"mst", -420}, {"mdt", -360}, {"mt", -420}, {"pst", -480}, {"pdt", -420}, {"pt", -480},
    {"ast", -240}, {"adt", -180}, {"at", -240}, {"nst", -210}, {"ndt", -150},
    {"akst", -540}, {"akdt", -480}, {"hst", -600},
    {"bst", 60}, {"ist", 0}, {"west", 60}, {"cet", 60}, {"cest", 120}, {"met", 60}, {"mest", 120},
    {"eet", 120}, {"eest", 180}, {"msk", 180}, {"msd", 240},
    {"jst", 540}, {"kst", 540}, {"hkt", 480}, {"sgt", 480},
    {"awst", 480}, {"acst", 570}, {"acdt", 630}, {"aest", 600}, {"aedt", 660}, {"nzst", 720}, {"nzdt", 780},
};

int month_from_name(const Folded& w) {
  if (!w.fits || w.text.empty()) return 0;
  const std::string_view v = w.text;
  int prefix_month = 0;
  for (const Name& name : kMonthNames) {
    if (name.text[0] != v[0]) continue;
    if (name.text == v) return name.value;
    if (w.chars >= 3 && name.text.size() > v.size() && name.text.substr(0, v.size()) == v) {
      if (prefix_month != 0 && prefix_month != name.value) return 0;  // "jui": juin or juillet
      prefix_month = name.value;
    }
  }
  return prefix_month;
}

bool is_weekday_name(const Folded& w) {
  if (!w.fits || w.chars < 2) return false;
  const std::string_view v = w.text;
  for (const std::string_view name : kWeekdayNames) {
    if (name[0] == v[0] && name.substr(0, v.size()) == v) return true;
  }
  return false;
}

// Minutes east of UTC for a zone word; kNoValue if unknown. RFC 822 §5
// military letters: A..M (not J) are -1..-12 hours, N..Y +1..+12, Z is UTC.
int zone_from_name(const Folded& w) {
  if (!w.fits || w.text.empty()) return kNoValue;
  const std::string_view v = w.text;
  if (v.size() == 1 && v[0] >= 'a' && v[0] <= 'z' && v[0] != 'j') {
    const char c = v[0];
    if (c == 'z') return 0;
    if (c <= 'i') return -(c - 'a' + 1) * 60;
    if (c <= 'm') return -(c - 'a') * 60;
    return (c - 'n' + 1) * 60;
  }
  for (const Name& name : kZoneNames) {
    if (name.text[0] == v[0] && name.text == v) return name.value;
  }
  return kNoValue;
}

// ---------------------------------------------------------------------------
// Stage 1: the two shapes nearly every feed writes.

// "2003-12-31T10:14:55Z", "2003-12-31T10:14:55.538-08:00": RFC 3339 §5.6
// with a 'T', 't' or ' ' between date and time. Returns false when `s` has
// another shape; `f` is then unspecified.
bool fast_rfc3339(std::string_view s, Fields& f) {
  if (s.size() < 20) return false;
  for (const std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18}) {
    if (!is_digit(s[i])) return false;
  }
  if (s[4] != '-' || s[7] != '-' || s[13] != ':' || s[16] != ':') return false;
  if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return false;
  f.year = four_digits(s, 0);
  f.month = two_digits(s, 5);
  f.day = two_digits(s, 8);
  f.hour = two_digits(s, 11);
  f.minute = two_digits(s, 14);
  f.second = two_digits(s, 17);
  std::size_t i = 19;
  if (s[i] == '.') {
    ++i;
    if (i >= s.size() || !is_digit(s[i])) return false;
    while (i < s.size() && is_digit(s[i])) ++i;
  }
  if (i + 1 == s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    f.offset = 0;
    return true;
  }
  if (i + 6 == s.size() && (s[i] == '+' || s[i] == '-') && is_digit(s[i + 1]) && is_digit(s[i + 2]) &&
      s[i + 3] == ':' && is_digit(s[i + 4]) && is_digit(s[i + 5])) {
    const int hours = two_digits(s, i + 1);
    const int minutes = two_digits(s, i + 4);
    if (hours > 23 || minutes > 59) return false;  // let the general scanner reject it
    f.offset = (s[i] == '-' ? -1 : 1) * (hours * kSecondsPerHour + minutes * 60);
    return true;
  }
  return false;
}

// "Wed, 31 Dec 2003 10:14:55 +0000", "... GMT", "... EST" (RFC 822 §5 as
// RFC 2822 §3.3 writes it), with a one- or two-digit day, optional seconds
// and English names.
bool fast_rfc822(std::string_view s, Fields& f) {
  if (s.size() < 26 || !is_ascii_alpha(s[0]) || !is_ascii_alpha(s[1]) || !is_ascii_alpha(s[2]) || s[3] != ',' ||
      s[4] != ' ' || !is_digit(s[5])) {
    return false;
  }
  std::size_t i = 6;
  f.day = digit(s[5]);
  if (is_digit(s[i])) f.day = f.day * 10 + digit(s[i++]);
  if (s[i] != ' ' || s.size() < i + 20) return false;  // " Dec 2003 10:14:55 Z"
  f.month = english_month(s, i + 1);
  if (f.month == 0 || s[i + 4] != ' ') return false;
  i += 5;
  for (const std::size_t k : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!is_digit(s[i + k])) return false;
  }
  if (s[i + 4] != ' ' || s[i + 7] != ':') return false;
  f.year = four_digits(s, i);
  f.hour = two_digits(s, i + 5);
  f.minute = two_digits(s, i + 8);
  f.second = 0;
  i += 10;
  if (s[i] == ':') {  // seconds are optional (RFC 822 §5.1)
    if (s.size() < i + 5 || !is_digit(s[i + 1]) || !is_digit(s[i + 2])) return false;
    f.second = two_digits(s, i + 1);
    i += 3;
  }
  if (s[i] != ' ') return false;
  const std::string_view zone = s.substr(i + 1);
  if (zone.size() == 5 && (zone[0] == '+' || zone[0] == '-') && is_digit(zone[1]) && is_digit(zone[2]) &&
      is_digit(zone[3]) && is_digit(zone[4])) {
    const int hours = two_digits(zone, 1);
    const int minutes = two_digits(zone, 3);
    if (hours > 23 || minutes > 59) return false;
    f.offset = (zone[0] == '-' ? -1 : 1) * (hours * kSecondsPerHour + minutes * 60);
    return true;
  }
  // A zone abbreviation ("GMT", "EST", "CEST"); unknown ones take the
  // general path, which decides for them.
  if (zone.empty() || zone.size() > 4) return false;
  std::array<char, 4> lower;
  for (std::size_t k = 0; k < zone.size(); ++k) {
    if (!is_ascii_alpha(zone[k])) return false;
    lower[k] = ascii_lower(zone[k]);
  }
  const int minutes = zone_from_name(Folded{std::string_view(lower.data(), zone.size()), zone.size(), true});
  if (minutes == kNoValue) return false;
  f.offset = minutes * 60;
  return true;
}

// ---------------------------------------------------------------------------
// Stage 2: ISO 8601 over characters.

struct Scan {
  std::string_view s;
  std::size_t i = 0;

  bool done() const { return i >= s.size(); }
  char peek(std::size_t ahead = 0) const { return i + ahead < s.size() ? s[i + ahead] : '\0'; }
  std::size_t digit_run() const {
    std::size_t n = 0;
    while (i + n < s.size() && is_digit(s[i + n])) ++n;
    return n;
  }
  int take_number(std::size_t n) {
    int v = 0;
    for (std::size_t k = 0; k < n; ++k) v = v * 10 + digit(s[i++]);
    return v;
  }
  bool take(char c) {
    if (peek() != c) return false;
    ++i;
    return true;
  }
  void skip_spaces() {
    while (!done()) {
      const std::size_t n = space_length(s, i);
      if (n == 0) return;
      i += n;
    }
  }
};

enum class Match { no, yes };

// ISO 8601 week date: Monday of week 1 is the Monday on or before 4 January.
bool set_week_date(int year, int week, int weekday, Fields& f) {
  if (year < kMinYear || year > kMaxYear || week < 1 || week > 53 || weekday < 1 || weekday > 7) return false;
  const sys_days jan4 = civil_days(year, 1, 4);
  const sys_days week1 = jan4 - days{std::chrono::weekday{jan4}.iso_encoding() - 1};
  const sys_days date = week1 + days{(week - 1) * 7 + weekday - 1};
  if (week == 53) {
    const sys_days next_week1 = civil_days(year + 1, 1, 4) -
                                days{std::chrono::weekday{civil_days(year + 1, 1, 4)}.iso_encoding() - 1};
    if (date >= next_week1) return false;
  }
  set_civil(date, f);
  return true;
}

bool set_ordinal_date(int year, int ordinal, Fields& f) {
  if (year < kMinYear || year > kMaxYear || ordinal < 1) return false;
  const bool leap = std::chrono::year{year}.is_leap();
  if (ordinal > (leap ? 366 : 365)) return false;
  set_civil(civil_days(year, 1, 1) + days{ordinal - 1}, f);
  return true;
}

// Reads the date part. `complete` says whether the date names a day (a time
// may follow) rather than a month or year. Returns false when the text has
// another layout; `valid` is false when it has this layout with impossible
// numbers (week 54, day 400 of a year).
bool iso_date(Scan& c, Fields& f, bool& complete, bool& valid) {
  complete = true;
  valid = true;
  f.day = 1;
  f.month = 1;
  const std::size_t n = c.digit_run();
  if (n == 0) {
    // "-YYMM", "-YY-MM" (ISO 8601:1988 truncated forms, as feedparser reads them)
    if (!c.take('-') || c.digit_run() < 2) return false;
    f.year = 2000 + c.take_number(2);
    c.take('-');
    if (c.digit_run() != 2) return false;
    f.month = c.take_number(2);
    complete = false;
    return true;
  }
  switch (n) {
    case 8:  // YYYYMMDD
      f.year = c.take_number(4);
      f.month = c.take_number(2);
      f.day = c.take_number(2);
      return true;
    case 7:  // YYYYDDD
      f.year = c.take_number(4);
      valid = set_ordinal_date(f.year, c.take_number(3), f);
      return true;
    case 6:  // YYMMDD
      f.year = 2000 + c.take_number(2);
      f.month = c.take_number(2);
      f.day = c.take_number(2);
      return true;
    case 2:  // YY-MM-DD, YY-DDD
      f.year = 2000 + c.take_number(2);
      if (!c.take('-')) return false;
      if (c.digit_run() == 3) {
        valid = set_ordinal_date(f.year, c.take_number(3), f);
        return true;
      }
      if (c.digit_run() != 2) return false;
      f.month = c.take_number(2);
      if (!c.take('-') || c.digit_run() != 2) return false;
      f.day = c.take_number(2);
      return true;
    case 4:
      break;
    default:
      return false;
  }
  f.year = c.take_number(4);
  const bool extended = c.take('-');
  if (c.peek() == 'W' || c.peek() == 'w') {  // YYYY-Www-D, YYYYWwwD
    ++c.i;
    if (c.digit_run() < 2) return false;
    const int week = c.take_number(2);
    int weekday = 1;
    if (extended ? c.take('-') : c.digit_run() == 1) {
      if (c.digit_run() != 1) return false;
      weekday = c.take_number(1);
    }
    if (c.digit_run() != 0) return false;
    valid = set_week_date(f.year, week, weekday, f);
    return true;
  }
  if (!extended) {  // "2003": year only
    complete = false;
    return c.done();
  }
  const std::size_t m = c.digit_run();
  if (m == 3 && c.peek() == '0' && c.peek(3) == '-') {
    // "2003-012-31": a zero-padded month some Google feeds wrote
    f.month = c.take_number(3);
  } else if (m == 3) {  // YYYY-DDD
    valid = set_ordinal_date(f.year, c.take_number(3), f);
    return true;
  } else if (m == 1 || m == 2) {
    f.month = c.take_number(m);
  } else if (m == 0 && c.peek() != '\0' && !is_digit(c.peek()) && c.peek() != '-' && !is_space(c.peek())) {
    // "2004-július-13": a month name (feedparser's Hungarian format)
    const std::size_t begin = c.i;
    while (!c.done() && c.peek() != '-' && !is_digit(c.peek()) && !is_space(c.peek())) ++c.i;
    const FoldedWord name(c.s.substr(begin, c.i - begin));
    f.month = month_from_name(name.word);
    if (f.month == 0 || c.peek() != '-') return false;
  } else {
    return false;
  }
  if (!c.take('-')) {  // "2003-12": year and month
    complete = false;
    return true;
  }
  const std::size_t d = c.digit_run();
  if (d != 1 && d != 2) return false;
  f.day = c.take_number(d);
  return true;
}

// Reads "HH:MM[:SS][.fff]" (hours may have one digit, as W3C-DTF producers
// write "9:15"), or with `basic`, "HH[MM[SS]][.fff]".
bool iso_time(Scan& c, Fields& f, bool basic) {
  const std::size_t n = c.digit_run();
  if ((n == 1 || n == 2) && c.peek(n) == ':') {
    f.hour = c.take_number(n);
    ++c.i;
    std::size_t m = c.digit_run();
    if (m != 2) return false;
    f.minute = c.take_number(2);
    if (c.take(':')) {
      if (c.digit_run() != 2) return false;
      f.second = c.take_number(2);
    }
  } else if (basic && (n == 2 || n == 4 || n == 6)) {
    f.hour = c.take_number(2);
    if (n >= 4) f.minute = c.take_number(2);
    if (n == 6) f.second = c.take_number(2);
  } else {
    return false;
  }
  if ((c.peek() == '.' || c.peek() == ',') && is_digit(c.peek(1))) {
    ++c.i;
    while (is_digit(c.peek())) ++c.i;
  }
  return true;
}

// Reads "+hh", "+hhmm" or "+hh:mm" at c (the sign included).
bool numeric_offset(Scan& c, Fields& f, bool& valid) {
  const int sign = c.peek() == '-' ? -1 : 1;
  ++c.i;
  const std::size_t n = c.digit_run();
  int hours = 0;
  int minutes = 0;
  if (n == 4) {
    hours = c.take_number(2);
    minutes = c.take_number(2);
  } else if (n == 2) {
    hours = c.take_number(2);
    if (c.take(':')) {
      if (c.digit_run() != 2) return false;
      minutes = c.take_number(2);
    }
  } else {
    return false;
  }
  if (hours > 23 || minutes > 59) valid = false;
  f.offset = sign * (hours * kSecondsPerHour + minutes * 60);
  return true;
}

// Reads the zone after an ISO time or date, then requires the end of the text
// or whitespace (text after whitespace is ignored, as for RFC 822).
bool iso_zone(Scan& c, Fields& f, bool& valid) {
  f.offset = 0;
  const std::size_t start = c.i;
  c.skip_spaces();
  if (c.done()) return true;
  const bool spaced = c.i != start;
  const char ch = c.peek();
  if (ch == '+' || ch == '-') {
    if (!numeric_offset(c, f, valid)) return false;
  } else if (is_ascii_alpha(ch)) {
    const std::size_t begin = c.i;
    while (is_ascii_alpha(c.peek())) ++c.i;
    const FoldedWord name(c.s.substr(begin, c.i - begin));
    const int minutes = zone_from_name(name.word);
    if ((name.word.text == "gmt" || name.word.text == "utc") && (c.peek() == '+' || c.peek() == '-')) {
      if (!numeric_offset(c, f, valid)) return false;
    } else if (minutes != kNoValue) {
      f.offset = minutes * 60;
    } else if (!spaced) {
      return false;  // "...-06:00Textra", "2003-12-31T10:14:55EXTRA"
    }
    // An unknown word after a space counts as UTC, as in RFC 822 dates.
  } else if (spaced) {
    return true;  // "2004-07-08 23:56:58 (local)": trailing text
  } else {
    return false;
  }
  return c.done() || space_length(c.s, c.i) != 0;
}

// Parses `s` if it has an ISO 8601 layout.
Match parse_iso(std::string_view s, std::optional<sys_seconds>& out) {
  Scan c{s};
  Fields f;
  bool complete = true;
  bool valid = true;
  if (!iso_date(c, f, complete, valid)) return Match::no;
  if (!c.done()) {
    const char ch = c.peek();
    if (ch == 'T' || ch == 't') {
      if (!complete) return Match::no;
      ++c.i;
      if (!iso_time(c, f, true) || !iso_zone(c, f, valid)) return Match::no;
    } else if (space_length(s, c.i) != 0) {
      if (!complete) return Match::no;
      c.skip_spaces();
      if (!iso_time(c, f, false) || !iso_zone(c, f, valid)) return Match::no;
    } else if (ch == 'Z' || ch == 'z' || ch == '+' || ch == '-') {
      // XML Schema xs:date "2002-10-10+13:00", "2002-10-10Z": midnight in
      // that zone. Only these exact zone forms: "2013-01-27-01" is junk.
      const std::size_t left = s.size() - c.i;
      const bool zone_ok = left == 1 ? (ch == 'Z' || ch == 'z')
                                     : left == 6 && ch != 'Z' && ch != 'z' && is_digit(c.peek(1)) &&
                                           is_digit(c.peek(2)) && c.peek(3) == ':' && is_digit(c.peek(4)) &&
                                           is_digit(c.peek(5));
      if (!complete || !zone_ok || !iso_zone(c, f, valid)) return Match::no;
    } else {
      return Match::no;
    }
  }
  out = valid ? to_instant(f) : std::nullopt;
  return Match::yes;
}

// ---------------------------------------------------------------------------
// Stage 3: a token grammar for dates with words.
//
//   date     = [weekday [","]] (day-first | month-first | year-first) rest
//   day-first   = day [sep] month [sep] year          "31 Dec 2003", "06-Nov-94",
//                                                     "31. Dezember 2003", "31 de diciembre de 2003"
//   month-first = month [sep] day [","] year          "Dec 31, 2003", "Aug 30 2012"
//               | month day time [zone] year          asctime
//   year-first  = year sep month sep day              "2006/09/15", "2004년 05월 28일"
//   rest     = [["," | "at"] [ampm] time [ampm] [zone]] [anything]

enum class Kind : unsigned char { number, word, punct };

struct Token {
  Kind kind = Kind::punct;
  bool spaced = false;  // whitespace precedes the token
  std::string_view text;
  int value = 0;  // numbers only; saturates
  Folded word;    // words only: the folded spelling
};

constexpr std::size_t kMaxTokens = 24;

struct Tokens {
  std::array<Token, kMaxTokens> items;
  std::size_t size = 0;
  std::array<char, 384> folded;  // storage for Token::word
  std::size_t folded_size = 0;

  const Token* at(std::size_t i) const { return i < size ? &items[i] : nullptr; }
};

bool is_word_byte(char c) { return is_ascii_alpha(c) || static_cast<unsigned char>(c) >= 0x80; }

// Splits `s` into numbers, words (letters and any non-ASCII) and single
// punctuation characters. Tokens past kMaxTokens are dropped: a date never
// needs that many, and trailing text is ignored anyway.
Tokens tokenize(std::string_view s) {
  Tokens t;
  std::size_t i = 0;
  bool spaced = false;
  while (i < s.size() && t.size < kMaxTokens) {
    if (const std::size_t n = space_length(s, i); n != 0) {
      i += n;
      spaced = true;
      continue;
    }
    Token& tok = t.items[t.size++];
    tok = Token{};
    tok.spaced = spaced;
    spaced = false;
    const std::size_t begin = i;
    if (is_digit(s[i])) {
      tok.kind = Kind::number;
      while (i < s.size() && is_digit(s[i])) {
        if (tok.value < 100'000'000) tok.value = tok.value * 10 + digit(s[i]);
        ++i;
      }
    } else if (is_word_byte(s[i])) {
      tok.kind = Kind::word;
      while (i < s.size() && is_word_byte(s[i]) && space_length(s, i) == 0) ++i;
      const std::size_t room = std::min(kMaxWordBytes, t.folded.size() - t.folded_size);
      tok.word = fold_into(s.substr(begin, i - begin), t.folded.data() + t.folded_size, room);
      t.folded_size += tok.word.text.size();
    } else {
      tok.kind = Kind::punct;
      ++i;
    }
    tok.text = s.substr(begin, i - begin);
  }
  return t;
}

bool is_punct(const Token* t, char c) { return t != nullptr && t->kind == Kind::punct && t->text[0] == c; }
bool is_number(const Token* t) { return t != nullptr && t->kind == Kind::number; }
bool is_word(const Token* t) { return t != nullptr && t->kind == Kind::word; }
bool word_is(const Token* t, std::string_view folded) { return is_word(t) && t->word.text == folded; }

// Year from its digits: 2 digits as feedparser reads them (00-89 -> 20xx,
// 90-99 -> 19xx), 3 digits +1900 (RFC 2822 §4.3, "104" from Perl's tm_year).
int year_from(const Token& t) {
  switch (t.text.size()) {
    case 4: return t.value;
    case 3: return 1900 + t.value;
    case 2: return t.value < 90 ? 2000 + t.value : 1900 + t.value;
    default: return kNoValue;
  }
}

int day_from(const Token* t) {
  return is_number(t) && t->text.size() <= 2 ? t->value : kNoValue;
}

class TextParser {
 public:
  explicit TextParser(const Tokens& tokens) : t_(tokens) {}

  std::optional<sys_seconds> parse() {
    Fields f;
    if (!from(0, true, f)) return std::nullopt;
    return to_instant(f);
  }

 private:
  bool from(std::size_t i, bool may_skip_weekday, Fields& f) {
    const Token* first = t_.at(i);
    if (first == nullptr) return false;
    if (first->kind == Kind::number) {
      return first->text.size() == 4 ? year_first(i, f) : day_first(i, f);
    }
    if (first->kind != Kind::word) return false;
    const Folded& w = first->word;
    if (const int month = month_from_name(w); month != 0) {
      Fields g = f;
      if (month_first(i + 1, month, g)) {
        f = g;
        return true;
      }
    }
    if (!may_skip_weekday) return false;
    // A leading weekday, in any language, or any word set off by a comma:
    // "Wed,", "Mi,", "Ср,", "mar.", "Segunda-feira,". Its value is ignored.
    std::size_t j = i + 1;
    while (is_punct(t_.at(j), '-') && is_word(t_.at(j + 1))) j += 2;
    bool comma = false;
    while (is_punct(t_.at(j), ',') || is_punct(t_.at(j), '.')) comma |= t_.items[j++].text[0] == ',';
    if (!w.fits || (!comma && !is_weekday_name(w))) return false;  // binary junk is no weekday
    return from(j, false, f);
  }

  // Separators between day, month and year.
  std::size_t skip_separators(std::size_t i) const {
    for (;;) {
      const Token* t = t_.at(i);
      if (t == nullptr) return i;
      if (t->kind == Kind::punct && (t->text[0] == '.' || t->text[0] == ',' || t->text[0] == '-' ||
                                     t->text[0] == '/')) {
        ++i;
      } else if (word_is(t, "de") || word_is(t, "del") || word_is(t, "of")) {
        ++i;
      } else {
        return i;
      }
    }
  }

  // An ordinal suffix glued to a day: "1st", "1th", "1er", "1º".
  std::size_t skip_ordinal_suffix(std::size_t i) const {
    const Token* t = t_.at(i);
    if (!is_word(t) || t->spaced) return i;
    const std::string_view v = t->word.text;
    if (v == "st" || v == "nd" || v == "rd" || v == "th" || v == "er" || v == "e" || v == "o" ||
        t->text == "\xC2\xBA") {
      return i + 1;
    }
    return i;
  }

  bool day_first(std::size_t i, Fields& f) {
    f.day = day_from(t_.at(i));
    if (f.day == kNoValue) return false;
    i = skip_separators(skip_ordinal_suffix(i + 1));
    const Token* month = t_.at(i);
    if (!is_word(month)) return false;
    f.month = month_from_name(month->word);
    if (f.month == 0) return false;
    i = skip_separators(i + 1);
    const Token* year = t_.at(i);
    if (!is_number(year)) return false;
    f.year = year_from(*year);
    return f.year != kNoValue && rest(i + 1, false, f);
  }

  bool month_first(std::size_t i, int month, Fields& f) {
    f.month = month;
    i = skip_separators(i);
    f.day = day_from(t_.at(i));
    if (f.day == kNoValue) return false;
    i = skip_ordinal_suffix(i + 1);
    if (is_punct(t_.at(i), ':')) return false;  // "Mar 10:00": no day
    if (is_number(t_.at(i)) && is_punct(t_.at(i + 1), ':')) return rest(i, true, f);  // asctime
    while (is_punct(t_.at(i), ',') || is_punct(t_.at(i), '.')) ++i;
    const Token* year = t_.at(i);
    if (!is_number(year)) return false;
    f.year = year_from(*year);
    return f.year != kNoValue && rest(i + 1, false, f);
  }

  bool year_first(std::size_t i, Fields& f) {
    f.year = t_.items[i].value;
    const Token* sep = t_.at(i + 1);
    if (sep == nullptr) return false;
    const bool korean = sep->text == "\xEB\x85\x84";  // 년
    if (!korean && !(sep->kind == Kind::punct && (sep->text[0] == '/' || sep->text[0] == '-' ||
                                                  sep->text[0] == '.'))) {
      return false;
    }
    f.month = day_from(t_.at(i + 2));
    const Token* sep2 = t_.at(i + 3);
    if (f.month == kNoValue || sep2 == nullptr) return false;
    if (korean ? sep2->text != "\xEC\x9B\x94" : sep2->text != sep->text) return false;  // 월
    f.day = day_from(t_.at(i + 4));
    if (f.day == kNoValue) return false;
    i += 5;
    if (korean) {
      if (t_.at(i) == nullptr || t_.items[i].text != "\xEC\x9D\xBC") return false;  // 일
      ++i;
    }
    korean_ = korean;
    return rest(i, false, f);
  }

  // Reads "H:MM[:SS][.fff]" whose parts touch each other.
  bool clock_time(std::size_t& i, Fields& f) const {
    const Token* h = t_.at(i);
    const Token* m = t_.at(i + 2);
    if (!is_number(h) || h->text.size() > 2 || !is_punct(t_.at(i + 1), ':') || t_.items[i + 1].spaced ||
        !is_number(m) || m->spaced || m->text.size() > 2) {
      return false;
    }
    f.hour = h->value;
    f.minute = m->value;
    i += 3;
    if (is_punct(t_.at(i), ':') && !t_.items[i].spaced) {
      const Token* s = t_.at(i + 1);
      if (!is_number(s) || s->spaced || s->text.size() > 2) return false;
      f.second = s->value;
      i += 2;
      if (is_punct(t_.at(i), ':') && !t_.items[i].spaced) return false;  // "1:2:3:4"
    }
    if ((is_punct(t_.at(i), '.') || is_punct(t_.at(i), ',')) && !t_.items[i].spaced && is_number(t_.at(i + 1)) &&
        !t_.items[i + 1].spaced) {
      i += 2;  // fractional seconds
    }
    return true;
  }

  // 0 for none, 1 for AM, 2 for PM.
  int meridiem(std::size_t i) const {
    const Token* t = t_.at(i);
    if (!is_word(t)) return 0;
    if (t->text == "\xEC\x98\xA4\xEC\xA0\x84") return 1;  // 오전
    if (t->text == "\xEC\x98\xA4\xED\x9B\x84") return 2;  // 오후
    const std::string_view v = t->word.text;
    if (v == "am") return 1;
    if (v == "pm") return 2;
    return 0;
  }

  // AM/PM applies to hours 1-12 ("12:05 AM" is 00:05); an hour of 0 or
  // 13-23 is already on the 24-hour clock and the marker is redundant.
  static void apply_meridiem(int meridiem, Fields& f) {
    if (meridiem == 0 || f.hour < 1 || f.hour > 12) return;
    if (f.hour == 12) f.hour = 0;
    if (meridiem == 2) f.hour += 12;
  }

  // Reads an optional zone. Returns false only for a zone that is present
  // but impossible ("+2500", "-9999").
  bool zone(std::size_t& i, Fields& f) const {
    const Token* t = t_.at(i);
    if (t == nullptr) return true;
    if (t->kind == Kind::punct && (t->text[0] == '+' || t->text[0] == '-')) {
      // A sign must start an offset: "+zz:00" is a broken zone, not text to skip.
      if (!is_number(t_.at(i + 1)) || t_.items[i + 1].spaced) return false;
      return offset(i, f);
    }
    if (t->kind != Kind::word) return true;
    Folded w = t->word;
    ++i;
    if (w.text == "etc" && is_punct(t_.at(i), '/') && is_word(t_.at(i + 1))) {  // "Etc/GMT"
      w = t_.items[i + 1].word;
      i += 2;
    }
    if ((w.text == "gmt" || w.text == "utc" || w.text == "ut") && t_.at(i) != nullptr &&
        !t_.items[i].spaced && (is_punct(t_.at(i), '+') || is_punct(t_.at(i), '-')) && is_number(t_.at(i + 1))) {
      return offset(i, f);  // "GMT-01:01", "UTC+2"
    }
    const int minutes = zone_from_name(w);
    f.offset = minutes == kNoValue ? 0 : minutes * 60;  // unknown names count as UTC, as in feedparser
    return true;
  }

  // "+hhmm", "+hmm", "+hh", "+h", "+hh:mm" starting at the sign.
  bool offset(std::size_t& i, Fields& f) const {
    const int sign = t_.items[i].text[0] == '-' ? -1 : 1;
    const Token& n = t_.items[i + 1];
    i += 2;
    int hours = 0;
    int minutes = 0;
    if (n.text.size() <= 2) {
      hours = n.value;
      if (is_punct(t_.at(i), ':') && !t_.items[i].spaced) {
        const Token* m = t_.at(i + 1);
        if (!is_number(m) || m->spaced || m->text.size() != 2) return false;  // "+00:zz"
        minutes = m->value;
        i += 2;
      }
    } else if (n.text.size() <= 4) {
      hours = n.value / 100;
      minutes = n.value % 100;
    } else {
      return false;
    }
    if (hours > 23 || minutes > 59) return false;
    f.offset = sign * (hours * kSecondsPerHour + minutes * 60);
    return true;
  }

  // Everything after the date. With `asctime`, the year follows the time.
  bool rest(std::size_t i, bool asctime, Fields& f) {
    f.hour = f.minute = f.second = 0;
    f.offset = korean_ ? 9 * kSecondsPerHour : 0;
    if (t_.at(i) == nullptr) return !asctime;
    if (is_punct(t_.at(i), ',')) ++i;
    if (word_is(t_.at(i), "at") || word_is(t_.at(i), "um") || word_is(t_.at(i), "a") || word_is(t_.at(i), "om") ||
        word_is(t_.at(i), "alle") || word_is(t_.at(i), "as") || word_is(t_.at(i), "в")) {
      ++i;
    }
    int half = meridiem(i);
    if (half != 0) {
      if (t_.items[i].text[0] == '\xEC') korean_ = true;  // 오전/오후: Korean, +09:00
      ++i;
    }
    if (!clock_time(i, f)) return false;  // text where the time belongs
    if (half == 0) {
      half = meridiem(i);
      if (half != 0) ++i;
    }
    apply_meridiem(half, f);
    f.offset = korean_ ? 9 * kSecondsPerHour : 0;
    if (!zone(i, f)) return false;
    if (asctime) {
      const Token* year = t_.at(i);
      if (!is_number(year) || year->text.size() != 4) return false;
      f.year = year->value;
    }
    return true;  // anything after this is ignored
  }

  const Tokens& t_;
  bool korean_ = false;
};

// ---------------------------------------------------------------------------
// Formatting.

constexpr std::string_view kWeekdayAbbrev[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::string_view kMonthAbbrev[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

struct Broken {
  long long year;
  unsigned month, day, weekday;
  long long hour, minute, second;
};

Broken broken_down(sys_seconds t) {
  const sys_days d = std::chrono::floor<days>(t);
  const std::chrono::year_month_day ymd{d};
  const long long secs = (t - d).count();
  return Broken{static_cast<int>(ymd.year()),       static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()),   std::chrono::weekday{d}.c_encoding(),
                secs / 3600,                        secs / 60 % 60,
                secs % 60};
}

void append_number(std::string& out, long long v, int width) {
  if (v < 0) {
    out += '-';
    v = -v;
  }
  char buf[24];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  for (int k = n; k < width; ++k) out += '0';
  while (n > 0) out += buf[--n];
}

// "Wed, 31 Dec 2003 10:14:55 " followed by `zone`.
std::string format_imf(sys_seconds t, std::string_view zone) {
  const Broken b = broken_down(t);
  std::string out;
  out.reserve(32);
  out += kWeekdayAbbrev[b.weekday];
  out += ", ";
  append_number(out, b.day, 2);
  out += ' ';
  out += kMonthAbbrev[b.month - 1];
  out += ' ';
  append_number(out, b.year, 4);
  out += ' ';
  append_number(out, b.hour, 2);
  out += ':';
  append_number(out, b.minute, 2);
  out += ':';
  append_number(out, b.second, 2);
  out += ' ';
  out += zone;
  return out;
}

// ---------------------------------------------------------------------------
// HTTP-date.

bool weekday_abbrev_at(std::string_view s, std::size_t i) {
  for (const std::string_view d : kWeekdayAbbrev) {
    if (ascii_lower(s[i]) == ascii_lower(d[0]) && ascii_lower(s[i + 1]) == d[1] && ascii_lower(s[i + 2]) == d[2]) {
      return true;
    }
  }
  return false;
}

bool all_digits(std::string_view s, std::size_t i, std::size_t n) {
  for (std::size_t k = 0; k < n; ++k) {
    if (!is_digit(s[i + k])) return false;
  }
  return true;
}

// "HH:MM:SS" at s[i].
bool http_time(std::string_view s, std::size_t i, Fields& f) {
  if (!all_digits(s, i, 2) || s[i + 2] != ':' || !all_digits(s, i + 3, 2) || s[i + 5] != ':' ||
      !all_digits(s, i + 6, 2)) {
    return false;
  }
  f.hour = two_digits(s, i);
  f.minute = two_digits(s, i + 3);
  f.second = two_digits(s, i + 6);
  return f.hour <= 23;  // RFC 9110 allows second 60; to_instant checks the rest
}

bool ends_with_gmt(std::string_view s, std::size_t i) {
  return s.size() == i + 4 && s[i] == ' ' && ascii_lower(s[i + 1]) == 'g' && ascii_lower(s[i + 2]) == 'm' &&
         ascii_lower(s[i + 3]) == 't';
}

// IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
bool imf_fixdate(std::string_view s, Fields& f) {
  if (s.size() != 29 || !weekday_abbrev_at(s, 0) || s[3] != ',' || s[4] != ' ' || !all_digits(s, 5, 2) ||
      s[7] != ' ' || s[11] != ' ' || !all_digits(s, 12, 4) || s[16] != ' ') {
    return false;
  }
  f.day = two_digits(s, 5);
  f.month = english_month(s, 8);
  f.year = four_digits(s, 12);
  return f.month != 0 && http_time(s, 17, f) && ends_with_gmt(s, 25);
}

// rfc850-date: "Sunday, 06-Nov-94 08:49:37 GMT".
bool rfc850_date(std::string_view s, Fields& f) {
  const std::size_t comma = s.find(',');
  if (comma == std::string_view::npos || comma < 6 || comma > 9 || s.size() != comma + 24) return false;
  static constexpr std::string_view kLong[] = {"sunday", "monday", "tuesday", "wednesday",
                                               "thursday", "friday", "saturday"};
  bool named = false;
  for (const std::string_view d : kLong) {
    if (d.size() != comma) continue;
    bool same = true;
    for (std::size_t k = 0; k < comma; ++k) same &= ascii_lower(s[k]) == d[k];
    named |= same;
  }
  const std::size_t i = comma + 2;
  if (!named || s[comma + 1] != ' ' || !all_digits(s, i, 2) || s[i + 2] != '-' || s[i + 6] != '-' ||
      !all_digits(s, i + 7, 2) || s[i + 9] != ' ') {
    return false;
  }
  f.day = two_digits(s, i);
  f.month = english_month(s, i + 3);
  const int yy = two_digits(s, i + 7);
  f.year = yy < 70 ? 2000 + yy : 1900 + yy;
  return f.month != 0 && http_time(s, i + 10, f) && ends_with_gmt(s, i + 18);
}

// asctime-date: "Sun Nov  6 08:49:37 1994".
bool asctime_date(std::string_view s, Fields& f) {
  if (s.size() != 24 || !weekday_abbrev_at(s, 0) || s[3] != ' ' || s[7] != ' ' || s[10] != ' ' ||
      !is_digit(s[9]) || !(s[8] == ' ' || is_digit(s[8])) || s[19] != ' ' || !all_digits(s, 20, 4)) {
    return false;
  }
  f.month = english_month(s, 4);
  f.day = (s[8] == ' ' ? 0 : digit(s[8]) * 10) + digit(s[9]);
  f.year = four_digits(s, 20);
  return f.month != 0 && http_time(s, 11, f);
}

}  // namespace

std::optional<sys_seconds> parse_date(std::string_view text) {
  const std::string_view s = trim(text);
  if (s.empty()) return std::nullopt;
  Fields f;
  if (fast_rfc3339(s, f) || fast_rfc822(s, f)) return to_instant(f);
  std::optional<sys_seconds> iso;
  if (parse_iso(s, iso) == Match::yes) return iso;
  const Tokens tokens = tokenize(s);
  return TextParser(tokens).parse();
}

std::string format_rfc3339(sys_seconds t) {
  const Broken b = broken_down(t);
  std::string out;
  out.reserve(24);
  append_number(out, b.year, 4);
  out += '-';
  append_number(out, b.month, 2);
  out += '-';
  append_number(out, b.day, 2);
  out += 'T';
  append_number(out, b.hour, 2);
  out += ':';
  append_number(out, b.minute, 2);
  out += ':';
  append_number(out, b.second, 2);
  out += 'Z';
  return out;
}

std::string format_rfc822(sys_seconds t) { return format_imf(t, "+0000"); }

std::string format_http_date(sys_seconds t) { return format_imf(t, "GMT"); }

std::optional<sys_seconds> parse_http_date(std::string_view text) {
  const std::string_view s = trim(text);
  Fields f;
  if (imf_fixdate(s, f) || rfc850_date(s, f) || asctime_date(s, f)) return to_instant(f);
  return std::nullopt;
}

}  // namespace tributary::feeds
