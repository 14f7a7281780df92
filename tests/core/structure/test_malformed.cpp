// Every malformed input under tests/reference/structure/malformed/ gives its own clear error:
// an InputError that names the file and contains the substring listed in MANIFEST.tsv.
#include <catch2/catch.hpp>

#include <fstream>
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
