// `xasforge info FILE...`: what a structure file holds — formula, lattice, space group, the
// symmetry-unique absorber classes and their first neighbour shells. One failing file does not
// stop the others; the command exits non-zero if any failed.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "core/elements/element.hpp"
#include "core/error.hpp"
#include "core/structure/cluster.hpp"
#include "core/structure/readers.hpp"
#include "core/structure/symmetry.hpp"
#include "workflows/cli/commands.hpp"

namespace xasforge::cli {
namespace {

struct InfoOptions {
  std::vector<std::string> files;
  bool json = false;
  int n_shells = 3;
  double shell_width_A = 0.05;
  std::vector<std::string> elements;  ///< only classes of these elements (all when empty)
  double symprec_A = 0.01;
  double angle_tolerance_deg = 5.0;
};

/// Atoms around the absorber grouped into shells: a shell holds the atoms within shell_width_A
/// of its nearest atom.
struct Shell {
  double min_A = 0.0;
  double max_A = 0.0;
  std::map<int, int> count_by_z;
  int count() const {
    int n = 0;
    for (const auto& [z, c] : count_by_z) n += c;
    return n;
  }
};

std::vector<Shell> neighbour_shells(const structure::Structure& s, std::size_t absorber, int n_shells, double width_A) {
  std::vector<Shell> shells;
  if (n_shells <= 0) return shells;
  // Grow the radius until n_shells are complete (the last shell must not be cut by the radius).
  for (double radius_A = 4.0; radius_A <= 16.0; radius_A *= 1.5) {
    shells.clear();
    const auto atoms = structure::build_cluster(s, absorber, radius_A);
    for (std::size_t k = 1; k < atoms.size(); ++k) {
      const auto& a = atoms[k];
      if (shells.empty() || a.distance_A > shells.back().min_A + width_A) {
        if (static_cast<int>(shells.size()) == n_shells) break;
        shells.push_back({a.distance_A, a.distance_A, {}});
      }
      shells.back().max_A = a.distance_A;
      ++shells.back().count_by_z[a.z];
    }
    const bool complete = static_cast<int>(shells.size()) == n_shells && shells.back().max_A + width_A < radius_A;
    if (complete || !s.is_periodic()) break;
  }
  if (static_cast<int>(shells.size()) > n_shells) shells.resize(static_cast<std::size_t>(n_shells));
  return shells;
}

std::string shell_text(const Shell& sh) {
  std::ostringstream out;
  bool first = true;
  for (const auto& [z, c] : sh.count_by_z) {
    out << (first ? "" : " + ") << c << " " << elements::element(z).symbol;
    first = false;
  }
  char d[64];
  if (sh.max_A - sh.min_A < 5e-4)
    std::snprintf(d, sizeof d, " at %.3f Å", sh.min_A);
  else
    std::snprintf(d, sizeof d, " at %.3f-%.3f Å", sh.min_A, sh.max_A);
  return out.str() + d;
}

struct FileInfo {
  structure::Structure structure;
  std::optional<structure::SymmetryInfo> symmetry;
  std::vector<structure::AbsorberClass> classes;
  std::vector<std::vector<Shell>> shells;  ///< per class
};

FileInfo analyse(const std::string& file, const InfoOptions& opts) {
  FileInfo info{structure::read_structure(file), std::nullopt, {}, {}};
  const auto& s = info.structure;
  structure::SymmetryOptions sym_opts{opts.symprec_A, opts.angle_tolerance_deg};
  if (s.is_periodic()) {
    info.symmetry = structure::analyze_symmetry(s, sym_opts);
    info.classes = structure::absorber_classes(s, *info.symmetry);
  } else {
    info.classes = structure::absorber_classes(s, sym_opts);
  }
  if (!opts.elements.empty())
    std::erase_if(info.classes, [&](const auto& c) {
      return std::find(opts.elements.begin(), opts.elements.end(), c.element) == opts.elements.end();
    });
  for (const auto& c : info.classes)
    info.shells.push_back(neighbour_shells(s, c.sites.front(), opts.n_shells, opts.shell_width_A));
  return info;
}

void print_text(const FileInfo& info) {
  const auto& s = info.structure;
  std::cout << s.source << '\n'
            << "  formula      " << s.reduced_formula() << "  (" << s.formula() << ", " << s.size() << " sites)\n";
  char line[256];
  if (s.is_periodic()) {
    const auto l = s.lattice().lengths_A();
    const auto a = s.lattice().angles_deg();
    std::snprintf(line, sizeof line,
                  "  lattice      a=%.4f b=%.4f c=%.4f Å  alpha=%.3f beta=%.3f gamma=%.3f°  V=%.3f Å³%s\n", l[0], l[1],
                  l[2], a[0], a[1], a[2], s.lattice().volume_A3(), s.lattice().is_right_handed() ? "" : "  (left-handed)");
    std::cout << line;
    std::cout << "  space group  " << info.symmetry->international_symbol << " (" << info.symmetry->spacegroup_number
              << ")\n";
  } else {
    std::cout << "  cluster      no lattice, no space group (each atom its own class)\n";
  }
  std::cout << "  absorber classes (" << info.classes.size() << "):\n";
  for (std::size_t k = 0; k < info.classes.size(); ++k) {
    const auto& c = info.classes[k];
    std::ostringstream sites;
    for (std::size_t i = 0; i < c.sites.size() && i < 12; ++i) sites << (i ? "," : "") << c.sites[i];
    if (c.sites.size() > 12) sites << ",...";
    std::snprintf(line, sizeof line, "    %-2s x%-3zu sites %s", c.element.c_str(), c.multiplicity(), sites.str().c_str());
    std::cout << line;
    if (c.wyckoff_letter != '?') std::cout << "  (Wyckoff " << c.wyckoff_letter << ")";
    std::cout << '\n';
    for (const auto& sh : info.shells[k]) std::cout << "        " << shell_text(sh) << '\n';
  }
}

nlohmann::json to_json(const FileInfo& info) {
  const auto& s = info.structure;
  nlohmann::json j;
  j["file"] = s.source;
  j["name"] = s.name;
  j["formula"] = s.reduced_formula();
  j["full_formula"] = s.formula();
  j["n_sites"] = s.size();
  j["periodic"] = s.is_periodic();
  if (s.is_periodic()) {
    const auto& lat = s.lattice();
    nlohmann::json m = nlohmann::json::array();
    for (int r = 0; r < 3; ++r) m.push_back({lat.matrix_A()(r, 0), lat.matrix_A()(r, 1), lat.matrix_A()(r, 2)});
    const auto l = lat.lengths_A();
    const auto a = lat.angles_deg();
    j["lattice"] = {{"matrix_A", m}, {"a_A", l[0]}, {"b_A", l[1]}, {"c_A", l[2]}, {"alpha_deg", a[0]},
                    {"beta_deg", a[1]}, {"gamma_deg", a[2]}, {"volume_A3", lat.volume_A3()}};
    j["spacegroup_number"] = info.symmetry->spacegroup_number;
    j["spacegroup_symbol"] = info.symmetry->international_symbol;
  } else {
    j["lattice"] = nullptr;
    j["spacegroup_number"] = nullptr;
    j["spacegroup_symbol"] = nullptr;
  }
  nlohmann::json classes = nlohmann::json::array();
  for (std::size_t k = 0; k < info.classes.size(); ++k) {
    const auto& c = info.classes[k];
    nlohmann::json shells = nlohmann::json::array();
    for (const auto& sh : info.shells[k]) {
      nlohmann::json counts = nlohmann::json::object();
      for (const auto& [z, n] : sh.count_by_z) counts[std::string(elements::element(z).symbol)] = n;
      shells.push_back({{"count", sh.count()}, {"elements", counts}, {"min_distance_A", sh.min_A},
                        {"max_distance_A", sh.max_A}});
    }
    nlohmann::json cj = {{"element", c.element}, {"sites", c.sites}, {"multiplicity", c.multiplicity()},
                         {"shells", shells}};
    cj["wyckoff"] = c.wyckoff_letter == '?' ? nlohmann::json(nullptr) : nlohmann::json(std::string(1, c.wyckoff_letter));
    classes.push_back(cj);
  }
  j["absorber_classes"] = classes;
  return j;
}

}  // namespace

void add_info_command(CLI::App& app) {
  auto opts = std::make_shared<InfoOptions>();
  CLI::App* cmd = app.add_subcommand(
      "info", "Print formula, lattice, space group, symmetry-unique absorber classes and neighbour shells of structure files");
  cmd->add_option("files", opts->files, "Structure files (MP/pymatgen JSON, CIF, POSCAR/CONTCAR, XYZ/extended XYZ)")
      ->required();
  cmd->add_flag("--json", opts->json, "Print one JSON object per file (one per line)");
  cmd->add_option("--shells", opts->n_shells, "Neighbour shells to print per class")->check(CLI::Range(0, 20))
      ->capture_default_str();
  cmd->add_option("--shell-width", opts->shell_width_A, "Atoms within this many Å of a shell's nearest atom belong to it")
      ->check(CLI::Range(0.0, 2.0))->capture_default_str();
  cmd->add_option("--elements", opts->elements, "Only classes of these elements (e.g. --elements Fe Co)");
  cmd->add_option("--symprec", opts->symprec_A, "spglib distance tolerance in Å (pymatgen default)")
      ->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--angle-tolerance", opts->angle_tolerance_deg, "spglib angle tolerance in degrees (pymatgen default)")
      ->capture_default_str();
  cmd->callback([opts] {
    std::size_t failed = 0;
    for (const auto& f : opts->files) {
      try {
        const FileInfo info = analyse(f, *opts);
        if (opts->json)
          std::cout << to_json(info).dump() << '\n';
        else
          print_text(info);
      } catch (const Error& e) {
        ++failed;
        std::cout.flush();
        std::cerr << "xasforge info: error: " << e.what() << '\n';
        if (opts->json) std::cout << nlohmann::json{{"file", f}, {"error", e.what()}}.dump() << '\n';
      }
      std::cout.flush();
    }
    if (failed > 0)
      throw InputError("info: " + std::to_string(failed) + " of " + std::to_string(opts->files.size()) +
                       " files could not be read (see the errors above)");
  });
}

}  // namespace xasforge::cli
