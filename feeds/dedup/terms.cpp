#include "feeds/dedup/terms.h"

#include <algorithm>

#include <boost/unordered/unordered_flat_set.hpp>

#include "feeds/html/entities.h"

namespace tributary::feeds::dedup {
namespace {

bool is_stop_word(std::string_view w) {
  // Sorted; function words of news headlines plus verbs of reporting.
  static constexpr std::string_view kStop[] = {
      "a", "about", "after", "amid", "an", "and", "are", "as", "at", "be", "been", "before", "being",
      "but", "by", "can", "could", "did", "do", "does", "down", "for", "from", "had", "has", "have",
      "he", "her", "his", "how", "i", "if", "in", "into", "is", "it", "its", "may", "might", "more",
      "most", "new", "news", "no", "not", "of", "on", "or", "out", "over", "s", "said", "say", "says",
      "she", "should", "than", "that", "the", "their", "then", "these", "they", "this", "those", "to",
      "under", "up", "us", "via", "vs", "was", "we", "were", "what", "whats", "when", "where", "who",
      "why", "will", "with", "would", "you", "your"};
  static_assert(std::is_sorted(std::begin(kStop), std::end(kStop)));
  if (std::binary_search(std::begin(kStop), std::end(kStop), w)) return true;
  // Articles, pronouns, prepositions and auxiliaries of other languages: a
  // German feed's "der", "die", "und" would make all its headlines one
  // story. Words that are also English headline words ("war", "hat", "son",
  // "un", "al", "met", "door", "em") are left out.
  static const boost::unordered_flat_set<std::string_view> kOther = {
      // German
      "der", "die", "das", "den", "dem", "des", "ein", "eine", "einer", "eines", "einem", "einen", "und",
      "oder", "aber", "zu", "zum", "zur", "von", "vom", "mit", "für", "auf", "im", "ist", "sind", "haben",
      "wird", "werden", "nicht", "sich", "als", "auch", "es", "aus", "er", "sie", "nach", "bei", "um", "am",
      "noch", "wie", "über", "so", "nur", "dass", "daß", "bis", "vor", "durch", "gegen", "ohne", "unter",
      "wir", "ihr", "ich", "du", "was", "wer", "wo", "wenn", "doch", "schon", "sein", "seine", "ihre", "kein",
      "keine", "mehr",
      // French
      "le", "la", "les", "de", "des", "du", "une", "et", "à", "au", "aux", "en", "est", "sont", "que", "qui",
      "qu", "dans", "pour", "pas", "sur", "avec", "il", "elle", "ils", "elles", "ne", "se", "ce", "cette",
      "ces", "par", "plus", "ou", "mais", "comme", "été", "être", "fait", "très", "après", "aussi", "où",
      "entre", "sans", "sous", "leur", "leurs", "sa", "ses", "nous", "vous", "on", "y",
      // Spanish
      "el", "la", "los", "las", "lo", "una", "unos", "unas", "y", "o", "de", "del", "en", "es", "que", "por",
      "para", "con", "no", "se", "su", "sus", "como", "más", "pero", "sin", "sobre", "entre", "ha", "han",
      "fue", "ser", "está", "este", "esta", "estos", "estas", "ese", "esa", "le", "les", "ya", "muy",
      "también", "hasta", "desde", "cuando",
      // Italian
      "il", "lo", "la", "gli", "le", "una", "uno", "di", "del", "della", "dei", "delle", "e", "ed", "o",
      "alla", "nel", "nella", "è", "sono", "che", "per", "con", "non", "si", "più", "ma", "da", "dal", "su",
      "tra", "fra", "anche",
      // Portuguese
      "o", "os", "as", "um", "uma", "de", "do", "da", "dos", "das", "e", "ou", "no", "na", "nos", "nas",
      "é", "são", "que", "por", "para", "não", "se", "como", "mais", "mas", "ao", "à", "sem", "sobre",
      "entre", "também",
      // Dutch
      "de", "het", "een", "en", "of", "van", "op", "te", "voor", "zijn", "niet", "dat", "die", "aan", "er",
      "als", "bij", "om", "ook", "naar", "uit", "over", "maar", "dan", "nog", "wel",
      // Russian
      "и", "в", "во", "не", "на", "что", "с", "со", "по", "как", "это", "он", "она", "они", "к", "из", "за",
      "от", "для", "о", "об", "у", "же", "все", "так", "его", "ее", "её", "но", "да", "ты", "бы", "только",
      "мне", "было", "вот", "меня", "еще", "ещё", "нет", "ему", "теперь", "когда", "даже", "ну", "вдруг",
      "ли", "если", "уже", "или", "быть", "был", "была", "были", "до", "при",
  };
  return kOther.contains(w);
}

// A light English plural/possessive stemmer: only endings whose removal
// rarely changes the meaning of a headline word.
std::string stem(std::string w) {
  auto ascii_word = std::all_of(w.begin(), w.end(), [](char c) { return c >= 'a' && c <= 'z'; });
  if (!ascii_word) return w;
  if (w.size() > 4 && w.ends_with("ies")) {
    w.resize(w.size() - 3);
    w += 'y';
  } else if (w.size() > 3 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") &&
             !w.ends_with("is")) {
    w.pop_back();
  }
  return w;
}

}  // namespace

std::string story_term(std::string_view word) {
  if (is_stop_word(word)) return {};
  std::string s = stem(std::string(word));
  if (s.empty() || is_stop_word(s)) return {};
  return s;
}

std::vector<std::string> story_terms(std::span<const std::string> words) {
  std::vector<std::string> terms;
  terms.reserve(words.size());
  for (const std::string& w : words) {
    std::string s = story_term(w);
    if (s.empty()) continue;
    if (std::find(terms.begin(), terms.end(), s) == terms.end()) terms.push_back(std::move(s));
  }
  return terms;
}

std::string summary_text(std::string_view html) {
  std::string text;
  text.reserve(html.size());
  for (std::size_t i = 0; i < html.size(); ++i) {
    char c = html[i];
    if (c == '<') {
      if (html.substr(i).starts_with("<!--")) {
        auto end = html.find("-->", i + 4);
        i = end == std::string_view::npos ? html.size() : end + 2;
      } else {
        auto end = html.find('>', i + 1);
        i = end == std::string_view::npos ? html.size() : end;
      }
      text += ' ';
    } else {
      text += c;
    }
  }
  if (text.find('&') != std::string::npos) text = html::decode_entities(text);
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
    if (space) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace tributary::feeds::dedup
