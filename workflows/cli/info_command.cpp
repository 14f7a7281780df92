// `xasforge info FILE...`: what a structure file holds.
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "core/elements/element.hpp"
#include "core/structure/readers.hpp"
#include "workflows/cli/commands.hpp"

namespace xasforge::cli {
namespace {

struct InfoOptions {
  std::vector<std::string> files;
  bool json = false;
};

void print_text(const structure::Structure& s) {
  std::cout << s.source << '\n' << "  formula  " << s.reduced_formula() << "  (" << s.formula() << ", "
            << s.size() << " sites)\n";
  if (s.is_periodic()) {
    const auto l = s.lattice().lengths_A();
    const auto a = s.lattice().angles_deg();
    char line[200];
    std::snprintf(line, sizeof line, "  lattice  a=%.4f b=%.4f c=%.4f Å  alpha=%.3f beta=%.3f gamma=%.3f°  V=%.3f Å³\n",
                  l[0], l[1], l[2], a[0], a[1], a[2], s.lattice().volume_A3());
    std::cout << line;
  } else {
    std::cout << "  cluster  (no lattice)\n";
  }
}

nlohmann::json to_json(const structure::Structure& s) {
  nlohmann::json j;
  j["file"] = s.source;
  j["formula"] = s.reduced_formula();
  j["n_sites"] = s.size();
  return j;
}

}  // namespace

void add_info_command(CLI::App& app) {
  auto opts = std::make_shared<InfoOptions>();
  CLI::App* cmd = app.add_subcommand("info", "Print formula, lattice, space group and absorber classes of structure files");
  cmd->add_option("files", opts->files, "Structure files (MP JSON, CIF, POSCAR, XYZ)")->required();
  cmd->add_flag("--json", opts->json, "Print one JSON object per file");
  cmd->callback([opts] {
    for (const auto& f : opts->files) {
      const auto s = structure::read_structure(f);
      if (opts->json)
        std::cout << to_json(s).dump() << '\n';
      else
        print_text(s);
    }
  });
}

}  // namespace xasforge::cli
