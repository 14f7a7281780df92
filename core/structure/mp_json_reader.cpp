// Reader for pymatgen Structure.as_dict() JSON, the form the Materials Project API returns.
#include <cmath>
#include <string>

#include <nlohmann/json.hpp>

#include "core/elements/element.hpp"
#include "core/error.hpp"
#include "core/structure/readers.hpp"

namespace xasforge::structure {
namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::string& source, const std::string& what) {
  throw InputError(source + ": " + what);
}

double number(const json& v, const std::string& source, const std::string& where) {
  if (!v.is_number()) fail(source, where + " is not a number");
  const double x = v.get<double>();
  if (!std::isfinite(x)) fail(source, where + " is not finite");
  return x;
}

Eigen::Vector3d vec3(const json& v, const std::string& source, const std::string& where) {
  if (!v.is_array() || v.size() != 3) fail(source, where + " must be a list of 3 numbers");
  return {number(v[0], source, where + "[0]"), number(v[1], source, where + "[1]"),
          number(v[2], source, where + "[2]")};
}

// The element of one site: "species": [{"element": "Fe", "occu": 1}] (as_dict) or the older
// "label"/"species_string" forms. Partial or mixed occupancy is rejected.
int site_element(const json& site, const std::string& source, std::size_t i) {
  const std::string where = "sites[" + std::to_string(i) + "]";
  if (site.contains("species")) {
    const json& sp = site["species"];
    if (!sp.is_array() || sp.empty()) fail(source, where + ".species must be a non-empty list");
    if (sp.size() > 1)
      fail(source, where + " has " + std::to_string(sp.size()) +
                       " species (a disordered site); partial occupancy is not supported");
    const json& one = sp[0];
    if (!one.contains("element") || !one["element"].is_string())
      fail(source, where + ".species[0] has no \"element\" string");
    const double occu = one.contains("occu") ? number(one["occu"], source, where + ".species[0].occu") : 1.0;
    if (std::abs(occu - 1.0) > 1e-6)
      fail(source, where + " has occupancy " + std::to_string(occu) + "; partial occupancy is not supported");
    const std::string symbol = one["element"].get<std::string>();
    if (auto z = elements::atomic_number(symbol)) return *z;
    fail(source, where + ": unknown element '" + symbol + "'");
  }
  if (site.contains("label") && site["label"].is_string()) {
    const std::string symbol = site["label"].get<std::string>();
    if (auto z = elements::atomic_number(symbol)) return *z;
    fail(source, where + ": unknown element '" + symbol + "'");
  }
  fail(source, where + " has no \"species\"");
}

// pymatgen Molecule.as_dict(): a finite cluster with Cartesian "xyz" per site.
Structure parse_molecule(const json& doc, const std::string& source) {
  if (!doc.contains("sites") || !doc["sites"].is_array()) fail(source, "no \"sites\" list");
  const json& sites = doc["sites"];
  if (sites.empty()) fail(source, "molecule has no sites");
  std::vector<int> z;
  std::vector<Eigen::Vector3d> xyz;
  std::vector<std::string> labels;
  for (std::size_t i = 0; i < sites.size(); ++i) {
    const json& site = sites[i];
    const std::string where = "sites[" + std::to_string(i) + "]";
    if (!site.is_object()) fail(source, where + " is not an object");
    z.push_back(site_element(site, source, i));
    if (!site.contains("xyz")) fail(source, where + " has no \"xyz\"");
    xyz.push_back(vec3(site["xyz"], source, where + ".xyz"));
    labels.push_back(site.contains("label") && site["label"].is_string() ? site["label"].get<std::string>()
                                                                         : std::string(elements::element(z.back()).symbol));
  }
  Structure s = Structure::cluster(std::move(z), std::move(xyz), std::move(labels));
  s.source = source;
  return s;
}

}  // namespace

Structure parse_mp_json(std::string_view text, const std::string& source) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    // nlohmann reports the byte offset; turn it into a line number.
    std::size_t line = 1;
    for (std::size_t i = 0; i < std::min<std::size_t>(e.byte, text.size()); ++i) line += text[i] == '\n';
    fail(source + ":" + std::to_string(line), std::string("invalid JSON (") + e.what() + ")");
  } catch (const json::exception& e) {  // e.g. out_of_range for a number such as 1e999
    fail(source, std::string("invalid JSON (") + e.what() + ")");
  }
  if (doc.is_object() && doc.contains("structure") && doc["structure"].is_object()) doc = doc["structure"];
  if (!doc.is_object()) fail(source, "expected a JSON object (pymatgen Structure.as_dict())");
  if (doc.contains("@class") && doc["@class"] == "Molecule") return parse_molecule(doc, source);
  if (!doc.contains("lattice")) fail(source, "no \"lattice\" key (not a pymatgen Structure)");
  if (!doc.contains("sites") || !doc["sites"].is_array()) fail(source, "no \"sites\" list");
  const json& jl = doc["lattice"];
  if (!jl.is_object() || !jl.contains("matrix")) fail(source, "lattice has no \"matrix\"");
  const json& jm = jl["matrix"];
  if (!jm.is_array() || jm.size() != 3) fail(source, "lattice.matrix must be 3 rows of 3 numbers");
  Eigen::Matrix3d m;
  for (int r = 0; r < 3; ++r) m.row(r) = vec3(jm[r], source, "lattice.matrix[" + std::to_string(r) + "]").transpose();
  Lattice lattice = [&] {
    try {
      return Lattice(m);
    } catch (const InputError& e) {
      fail(source, e.what());
    }
  }();

  const json& sites = doc["sites"];
  if (sites.empty()) fail(source, "structure has no sites");
  std::vector<int> z;
  std::vector<Eigen::Vector3d> frac;
  std::vector<std::string> labels;
  for (std::size_t i = 0; i < sites.size(); ++i) {
    const json& site = sites[i];
    if (!site.is_object()) fail(source, "sites[" + std::to_string(i) + "] is not an object");
    z.push_back(site_element(site, source, i));
    if (site.contains("abc")) {
      frac.push_back(vec3(site["abc"], source, "sites[" + std::to_string(i) + "].abc"));
    } else if (site.contains("xyz")) {
      frac.push_back(lattice.to_fractional(vec3(site["xyz"], source, "sites[" + std::to_string(i) + "].xyz")));
    } else {
      fail(source, "sites[" + std::to_string(i) + "] has neither \"abc\" nor \"xyz\"");
    }
    if (site.contains("label") && site["label"].is_string())
      labels.push_back(site["label"].get<std::string>());
    else
      labels.emplace_back(elements::element(z.back()).symbol);
  }
  Structure s = Structure::periodic(std::move(lattice), std::move(z), std::move(frac), std::move(labels));
  s.source = source;
  return s;
}

}  // namespace xasforge::structure
