// Every malformed input under tests/reference/structure/malformed/ gives its own clear error:
// an InputError that names the file and contains the substring listed in MANIFEST.tsv.
#include <catch2/catch.hpp>

#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/structure/readers.hpp"
#include "tests/test_paths.hpp"

using namespace xasforge;

TEST_CASE("malformed structure files: each gives its specific error", "[structure][malformed]") {
  const auto dir = test::reference_dir() / "structure" / "malformed";
  std::ifstream manifest(dir / "MANIFEST.tsv");
  REQUIRE(manifest);
  std::string line;
  std::size_t cases = 0;
  while (std::getline(manifest, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto tab = line.find('\t');
    REQUIRE(tab != std::string::npos);
    const std::string file = line.substr(0, tab), expected = line.substr(tab + 1);
    ++cases;
    INFO("file " << file << ", expected error containing: " << expected);
    REQUIRE(std::filesystem::exists(dir / file));
    try {
      const auto s = structure::read_structure(dir / file);
      FAIL("no error; read " << s.size() << " sites");
    } catch (const InputError& e) {
      const std::string what = e.what();
      INFO("message: " << what);
      CHECK(what.find(expected) != std::string::npos);
      CHECK(what.find(file) != std::string::npos);  // names the file
    }
  }
  CHECK(cases >= 30);
}

TEST_CASE("a missing file, a directory and an unknown format are clear errors", "[structure][malformed]") {
  CHECK_THROWS_WITH(structure::read_structure("/nonexistent/x.cif"), Catch::Contains("/nonexistent/x.cif: no such file"));
  CHECK_THROWS_WITH(structure::read_structure(test::reference_dir().string() + "/structure.json"),
                    Catch::Contains("no such file"));
  CHECK_THROWS_WITH(structure::read_structure(test::reference_dir() / "structure" / "files"),
                    Catch::Contains("unknown structure format"));
  CHECK_THROWS_WITH(structure::read_text_file(test::reference_dir() / "structure"), Catch::Contains("not a regular file"));
}

TEST_CASE("mutated files: every reader either reads or throws InputError, never anything else", "[structure][malformed][fuzz]") {
  // Deterministic mutations (fixed seed) of every reference file: truncation, a changed byte, a
  // deleted or duplicated line. Run under ASan/UBSan by `scripts/test.sh --sanitize`.
  const auto dir = test::reference_dir() / "structure" / "files";
  std::mt19937 rng(42);
  const std::string alphabet = "0123456789.-+eE ()'\";_#\n\tabcxyzXYZ/,?";
  std::size_t parsed = 0, rejected = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const auto format = structure::format_from_path(entry.path());
    const std::string text = structure::read_text_file(entry.path());
    for (int m = 0; m < 40; ++m) {
      std::string t = text;
      auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };
      switch (m % 4) {
        case 0: t.resize(pick(t.size())); break;
        case 1: t[pick(t.size())] = alphabet[pick(alphabet.size())]; break;
        case 2:
        case 3: {
          std::vector<std::string> lines;
          std::stringstream ss(t);
          for (std::string l; std::getline(ss, l);) lines.push_back(l);
          const std::size_t k = pick(lines.size());
          if (m % 4 == 2)
            lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(k));
          else
            lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(k), lines[k]);
          t.clear();
          for (const auto& l : lines) t += l + "\n";
        }
      }
      INFO(entry.path().filename().string() << ", mutation " << m);
      try {
        const auto s = structure::parse_structure(t, format, "mutated");
        ++parsed;
        CHECK(s.size() > 0);
      } catch (const InputError& e) {
        ++rejected;
        CHECK(std::string(e.what()).rfind("mutated", 0) == 0);  // starts with the source name
      }
    }
  }
  CHECK(parsed + rejected >= 66 * 40);
  CHECK(rejected > 0);
}
