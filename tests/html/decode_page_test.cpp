#include "feeds/html/decode_page.h"

#include <gtest/gtest.h>

#include <string>

#include "feeds/decode.h"

namespace tributary::feeds::html {
namespace {

TEST(MetaCharset, FindsTheFirstDeclarationByThePrescan) {
  struct Case {
    std::string html;
    std::string expected;
  };
  const Case cases[] = {
      {"<meta charset=\"windows-1251\">", "windows-1251"},
      {"<META CHARSET=KOI8-R>", "koi8-r"},
      {"<meta charset='  Shift_JIS '>", "shift_jis"},
      {"<meta/charset=euc-jp>", "euc-jp"},
      {"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=ISO-8859-2\">", "iso-8859-2"},
      {"<meta content=\"text/html; charset=iso-8859-2\" http-equiv=content-type>", "iso-8859-2"},
      {"<meta content='text/html;charset=\"gbk\"' http-equiv='Content-Type'>", "gbk"},
      // content= without http-equiv=content-type does not count.
      {"<meta content=\"text/html; charset=iso-8859-2\">", ""},
      {"<meta name=\"description\" content=\"charset=big5\">", ""},
      // The first declaration wins; later ones are ignored.
      {"<meta charset=utf-8><meta charset=windows-1252>", "utf-8"},
      // Comments, other tags' attributes and processing instructions are skipped.
      {"<!-- <meta charset=koi8-r> --><meta charset=windows-1250>", "windows-1250"},
      {"<!--><meta charset=koi8-r>", "koi8-r"},
      {"<div title=\"<meta charset=koi8-r>\"><meta charset=iso-8859-5>", "iso-8859-5"},
      {"<?xml version=\"1.0\" encoding=\"koi8-r\"?><meta charset=iso-8859-7>", "iso-8859-7"},
      {"<metadata charset=koi8-r>", ""},
      {"<p>no declaration</p>", ""},
      {"", ""},
      // Only the first 1024 bytes are looked at.
      {std::string(1100, ' ') + "<meta charset=koi8-r>", ""},
      // An unterminated comment ends the scan.
      {"<!-- <meta charset=koi8-r>", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.html);
    EXPECT_EQ(meta_charset(c.html), c.expected);
  }
}

TEST(EncodingForLabel, MapsLabelsAsBrowsersDo) {
  struct Case {
    std::string label;
    std::string expected;
  };
  const Case cases[] = {
      {"ISO-8859-1", "windows-1252"}, {" latin1 ", "windows-1252"}, {"us-ascii", "windows-1252"},
      {"gb2312", "gb18030"},          {"GBK", "gb18030"},           {"euc-kr", "windows-949"},
      {"Shift_JIS", "windows-31j"},   {"tis-620", "windows-874"},   {"iso-8859-9", "windows-1254"},
      {"utf8", "utf-8"},              {"UTF-8", "utf-8"},           {"windows-1251", "windows-1251"},
      {"koi8-r", "koi8-r"},           {"", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.label);
    EXPECT_EQ(encoding_for_label(c.label), c.expected);
  }
}

TEST(DecodePage, WeighsBomHttpMetaAndTheBytes) {
  struct Case {
    std::string name;
    std::string bytes;
    std::string content_type;
    std::string text;      // expected UTF-8 (a substring when `contains`)
    std::string encoding;
    std::string source;
  };
  const std::string cyrillic_1251 = "\xCF\xF0\xE8\xE2\xE5\xF2";        // "Привет" in windows-1251
  const std::string cyrillic_koi8 = "\xF0\xD2\xC9\xD7\xC5\xD4";        // "Привет" in KOI8-R
  const std::string privet = "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82";
  const Case cases[] = {
      {"utf-8 BOM wins over a wrong declaration", "\xEF\xBB\xBF<meta charset=koi8-r><p>caf\xC3\xA9</p>",
       "text/html; charset=windows-1251", "<meta charset=koi8-r><p>caf\xC3\xA9</p>", "utf-8", "bom"},
      {"utf-16le BOM", std::string("\xFF\xFE<\0p\0>\0h\0i\0", 12), "text/html", "<p>hi", "utf-16le", "bom"},
      {"utf-16be BOM", std::string("\xFE\xFF\0<\0p\0>\0h\0i", 12), "", "<p>hi", "utf-16be", "bom"},
      {"HTTP charset", "<p>" + cyrillic_1251 + "</p>", "text/html; charset=windows-1251",
       "<p>" + privet + "</p>", "windows-1251", "http"},
      {"HTTP charset over meta", "<meta charset=koi8-r><p>" + cyrillic_1251 + "</p>",
       "text/html; charset=\"windows-1251\"", "<meta charset=koi8-r><p>" + privet + "</p>", "windows-1251", "http"},
      {"meta charset", "<meta charset=koi8-r><p>" + cyrillic_koi8 + "</p>", "text/html",
       "<meta charset=koi8-r><p>" + privet + "</p>", "koi8-r", "meta"},
      {"meta http-equiv", "<meta http-equiv=content-type content='text/html; charset=koi8-r'>" + cyrillic_koi8,
       "", "<meta http-equiv=content-type content='text/html; charset=koi8-r'>" + privet, "koi8-r", "meta"},
      {"valid UTF-8 wins over a meta that lies", "<meta charset=shift_jis><p>caf\xC3\xA9</p>", "text/html",
       "<meta charset=shift_jis><p>caf\xC3\xA9</p>", "utf-8", "utf-8"},
      {"valid UTF-8 wins over an HTTP charset that lies", "<p>" + privet + "</p>",
       "text/html; charset=iso-8859-1", "<p>" + privet + "</p>", "utf-8", "utf-8"},
      {"declared UTF-8 that is UTF-8", "<p>" + privet + "</p>", "text/html; charset=UTF-8",
       "<p>" + privet + "</p>", "utf-8", "http"},
      {"latin1 means windows-1252 (curly quotes)", "<p>\x93quoted\x94 \x96 it\x92s</p>",
       "text/html; charset=ISO-8859-1", "<p>\xE2\x80\x9Cquoted\xE2\x80\x9D \xE2\x80\x93 it\xE2\x80\x99s</p>",
       "windows-1252", "http"},
      {"nothing declared, not UTF-8: windows-1252", "<p>caf\xE9</p>", "text/html", "<p>caf\xC3\xA9</p>",
       "windows-1252", "default"},
      {"unknown charset falls back", "<p>caf\xE9</p>", "text/html; charset=x-no-such-thing",
       "<p>caf\xC3\xA9</p>", "windows-1252", "default"},
      {"declared UTF-8 with stray bytes gets replacement characters", "<p>caf\xE9!</p>",
       "text/html; charset=utf-8", "<p>caf\xEF\xBF\xBD!</p>", "utf-8", "http"},
      {"meta claiming UTF-16 means UTF-8", "<meta charset=utf-16><p>caf\xC3\xA9</p>", "",
       "<meta charset=utf-16><p>caf\xC3\xA9</p>", "utf-8", "meta"},
      {"HTTP UTF-16 without BOM is honoured", std::string("<\0p\0>\0", 6), "text/html; charset=utf-16le",
       "<p>", "utf-16le", "http"},
      {"ISO-2022-JP is 7-bit and must not pass as UTF-8",
       "<meta charset=iso-2022-jp><p>\x1B$B$3$s$K$A$O\x1B(B</p>", "",
       "<meta charset=iso-2022-jp><p>\xE3\x81\x93\xE3\x82\x93\xE3\x81\xAB\xE3\x81\xA1\xE3\x81\xAF</p>",
       "iso-2022-jp", "meta"},
      {"ASCII", "<p>plain</p>", "", "<p>plain</p>", "utf-8", "utf-8"},
      {"empty", "", "", "", "utf-8", "utf-8"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    DecodedPage page = decode_page(c.bytes, c.content_type);
    EXPECT_EQ(page.text, c.text);
    EXPECT_EQ(page.encoding, c.encoding);
    EXPECT_EQ(page.source, c.source);
  }
}

TEST(DecodePage, GuessesTheCharsetOfAnUndeclaredPage) {
  // A news paragraph without any declaration (none in the page, none or no
  // charset in the Content-Type): Russian in either legacy charset, French
  // in windows-1252.
  struct Case {
    std::string encoding;
    std::string bytes;
    std::string utf8;
  };
  const Case cases[] = {
      {"windows-1251", "\xcf\xf0\xe5\xe7\xe8\xe4\xe5\xed\xf2 \xe7\xe0\xff\xe2\xe8\xeb \xe2 \xf7\xe5\xf2\xe2\xe5\xf0\xe3, \xf7\xf2\xee \xef\xe5\xf0\xe5\xe3\xee\xe2\xee\xf0\xfb \xe2\xee\xe7\xec\xee\xe6\xed\xfb \xed\xe0 \xf3\xf1\xeb\xee\xe2\xe8\xff\xf5 \xcc\xee\xf1\xea\xe2\xfb.", "Президент заявил в четверг, что переговоры возможны на условиях Москвы."},
      {"koi8-r", "\xf0\xd2\xc5\xda\xc9\xc4\xc5\xce\xd4 \xda\xc1\xd1\xd7\xc9\xcc \xd7 \xde\xc5\xd4\xd7\xc5\xd2\xc7, \xde\xd4\xcf \xd0\xc5\xd2\xc5\xc7\xcf\xd7\xcf\xd2\xd9 \xd7\xcf\xda\xcd\xcf\xd6\xce\xd9 \xce\xc1 \xd5\xd3\xcc\xcf\xd7\xc9\xd1\xc8 \xed\xcf\xd3\xcb\xd7\xd9.", "Президент заявил в четверг, что переговоры возможны на условиях Москвы."},
      {"windows-1252", "Le pr\xe9sident a d\xe9""clar\xe9 jeudi que les n\xe9gociations \xe9taient possibles \xe0 certaines conditions.", "Le président a déclaré jeudi que les négociations étaient possibles à certaines conditions."},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.encoding);
    auto page_of = [](const std::string& text) {
      std::string p = "<p>" + text + "</p>\n";
      return "<html><head><title>t</title></head><body>" + p + p + p + "</body></html>";
    };
    for (const char* type : {"", "text/html"}) {
      DecodedPage page = decode_page(page_of(c.bytes), type);
      EXPECT_EQ(page.text, page_of(c.utf8));
      EXPECT_EQ(page.encoding, c.encoding);
    }
  }
}

TEST(DecodePage, AlwaysReturnsValidUtf8) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  for (const char* type : {"", "text/html; charset=utf-8", "text/html; charset=shift_jis",
                           "text/html; charset=utf-16be", "text/html; charset=iso-2022-jp"}) {
    SCOPED_TRACE(type);
    DecodedPage page = decode_page(bytes, type);
    EXPECT_TRUE(feeds::is_valid_utf8(page.text));
    EXPECT_FALSE(page.text.empty());
  }
}

TEST(IsHtmlResponse, AcceptsHtmlTypesAndSniffsUntypedBodies) {
  struct Case {
    std::string content_type;
    std::string bytes;
    bool expected;
  };
  const Case cases[] = {
      {"text/html; charset=utf-8", "anything", true},
      {"TEXT/HTML", "", true},
      {"application/xhtml+xml", "<?xml version='1.0'?><html/>", true},
      {"application/pdf", "<!DOCTYPE html><html>", false},
      {"image/png", "\x89PNG", false},
      {"application/rss+xml", "<rss/>", false},
      {"application/json", "{}", false},
      {"", "<!DOCTYPE html><html><p>x", true},
      {"", "\xEF\xBB\xBF  \n<html lang=en>", true},
      {"application/octet-stream", "<HTML>", true},
      {"text/plain", "<!-- generated --><html>", true},
      {"text/plain", "just words", false},
      {"", "<header>not a document start</header>", false},
      {"", "%PDF-1.7", false},
      {"", "", false},
      // Servers send other formats as text/html too.
      {"text/html", "%PDF-1.7\n<html>", false},
      {"text/html; charset=utf-8", "\x89PNG\r\n\x1A\n<html>", false},
      {"text/html", "\xFF\xD8\xFF\xE0", false},
      {"text/html", "<p>%PDF-1.7 is a file format</p>", true},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.content_type + " | " + c.bytes);
    EXPECT_EQ(is_html_response(c.content_type, c.bytes), c.expected);
  }
}

}  // namespace
}  // namespace tributary::feeds::html
