#include "html/html_text.hpp"

#include <doctest/doctest.h>

using vigil::html::html_escape;

TEST_CASE("a patient's name with markup in it reads as typed, and opens no element or attribute") {
  CHECK(html_escape("O'Brien <b>\"Jo\"</b> & co") == "O'Brien &lt;b&gt;&quot;Jo&quot;&lt;/b&gt; &amp; co");
}

TEST_CASE("plain text and UTF-8 such as SpO₂ pass unchanged") {
  CHECK(html_escape("SpO₂ 84 % · NIBP 220/120 mmHg") == "SpO₂ 84 % · NIBP 220/120 mmHg");
  CHECK(html_escape("").empty());
}
