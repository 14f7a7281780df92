// pymatgen Structure.as_dict() / Molecule.as_dict() JSON writer (pymatgen 2022.11 key layout).
#include "core/structure/mp_json_writer.hpp"


#include <nlohmann/json.hpp>

#include "core/elements/element.hpp"
#include "core/error.hpp"

namespace xasforge::structure {
namespace {

using nlohmann::json;

json vec(const Eigen::Vector3d& v) { return json::array({v[0], v[1], v[2]}); }

json species(int z) {
  return json::array({json{{"element", std::string(elements::element(z).symbol)}, {"occu", 1}}});
}

}  // namespace

std::string to_mp_json(const Structure& s, int indent) {
  json doc;
  doc["@module"] = "pymatgen.core.structure";
  json sites = json::array();
  if (s.is_periodic()) {
    const Lattice& lat = s.lattice();
    const auto l = lat.lengths_A();
    const auto a = lat.angles_deg();
    doc["@class"] = "Structure";
    doc["charge"] = 0;
    json matrix = json::array();
    for (int r = 0; r < 3; ++r) matrix.push_back(vec(lat.vector_A(r)));
    doc["lattice"] = {{"matrix", matrix}, {"pbc", {true, true, true}}, {"a", l[0]}, {"b", l[1]}, {"c", l[2]},
                      {"alpha", a[0]}, {"beta", a[1]}, {"gamma", a[2]}, {"volume", lat.volume_A3()}};
    for (const Site& site : s.sites())
      sites.push_back({{"species", species(site.z)}, {"abc", vec(site.fractional)}, {"xyz", vec(site.cartesian_A)},
                       {"label", site.label}, {"properties", json::object()}});
  } else {
    doc["@class"] = "Molecule";
    doc["charge"] = 0;
    for (const Site& site : s.sites())
      sites.push_back({{"name", std::string(elements::element(site.z).symbol)}, {"species", species(site.z)},
                       {"xyz", vec(site.cartesian_A)}, {"label", site.label}, {"properties", json::object()}});
  }
  doc["sites"] = sites;
  return doc.dump(indent);
}

}  // namespace xasforge::structure
