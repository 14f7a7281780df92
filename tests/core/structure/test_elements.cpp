#include <cmath>

#include <catch2/catch.hpp>

#include "core/elements/element.hpp"
#include "core/error.hpp"

using namespace xasforge;
using Catch::Matchers::WithinAbs;

TEST_CASE("periodic table covers Z = 1..96 in order", "[elements]") {
  for (int z = 1; z <= elements::kMaxZ; ++z) {
    const auto& e = elements::element(z);
    INFO("Z = " << z);
    CHECK(e.z == z);
    CHECK(elements::atomic_number(e.symbol) == z);
    CHECK(e.mass_amu > 0.0);
  }
  CHECK_THROWS_AS(elements::element(0), InputError);
  CHECK_THROWS_AS(elements::element(97), InputError);
}

TEST_CASE("published values of a few elements", "[elements]") {
  // IUPAC standard atomic weights (4-5 significant digits suffice to catch a shifted table).
  CHECK_THAT(elements::element(26).mass_amu, WithinAbs(55.845, 1e-3));
  CHECK_THAT(elements::element(29).mass_amu, WithinAbs(63.546, 1e-3));
  CHECK_THAT(elements::element(8).mass_amu, WithinAbs(15.9994, 1e-3));
  // Cordero et al. 2008 covalent radii (Å) as pymatgen tabulates them: Cu 1.32, O 0.66.
  CHECK_THAT(elements::element(29).covalent_radius_A, WithinAbs(1.32, 1e-9));
  CHECK_THAT(elements::element(8).covalent_radius_A, WithinAbs(0.66, 1e-9));
  // Pauling electronegativities.
  CHECK_THAT(elements::element(8).electronegativity, WithinAbs(3.44, 1e-9));
  CHECK_THAT(elements::element(26).electronegativity, WithinAbs(1.83, 1e-9));
  CHECK(std::isnan(elements::element(2).electronegativity));  // He: undefined
}

TEST_CASE("symbols with oxidation states and unknown symbols", "[elements]") {
  CHECK(elements::atomic_number("Fe2+") == 26);
  CHECK(elements::atomic_number("O2-") == 8);
  CHECK(elements::atomic_number("Fe+") == 26);
  CHECK_FALSE(elements::atomic_number("Xx").has_value());
  CHECK_FALSE(elements::atomic_number("Fe2+x").has_value());
  CHECK_FALSE(elements::atomic_number("").has_value());
  CHECK_THROWS_WITH(elements::atomic_number_or_throw("Qq"), Catch::Contains("unknown element 'Qq'"));
}
