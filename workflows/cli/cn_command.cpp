// `xasforge cn STRUCTURE [--site N] [--json]`: CrystalNN coordination numbers (pymatgen 2022.11
// defaults) of each symmetry-unique site, or of one site.
#include <chrono>
#include <ctime>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "core/elements/element.hpp"
#include "core/error.hpp"
#include "core/features/crystal_nn.hpp"
#include "core/structure/readers.hpp"
#include "core/structure/symmetry.hpp"
#include "workflows/cli/commands.hpp"

namespace xasforge::cli {
namespace {

struct CnOptions {
  std::vector<std::string> files;
  std::optional<long long> site;
  bool json = false;
  bool timing = false;
};

struct Timing {
  std::size_t sites = 0;
  double seconds = 0.0;
  double cpu_seconds = 0.0;
};

struct SiteRequest {
  std::size_t site = 0;
  std::size_t multiplicity = 1;
};

std::string symbol(int z) { return std::string(elements::element(z).symbol); }

nlohmann::ordered_json site_json(const structure::Structure& s, const SiteRequest& req, const features::CrystalNNResult& r) {
  nlohmann::ordered_json j;
  j["site"] = req.site;
  j["element"] = symbol(s.site(req.site).z);
  j["multiplicity"] = req.multiplicity;
  j["cn"] = r.cn;
  nlohmann::ordered_json probs = nlohmann::ordered_json::object();
  for (const auto& [cn, p] : r.cn_probabilities) probs[std::to_string(cn)] = p;
  j["cn_probabilities"] = probs;
  nlohmann::ordered_json nbs = nlohmann::ordered_json::array();
  for (const auto& n : r.neighbors)
    nbs.push_back({{"site", n.site},
                   {"element", symbol(n.z)},
                   {"image", {n.image.x(), n.image.y(), n.image.z()}},
                   {"distance_A", n.distance_A},
                   {"weight", n.weight}});
  j["neighbors"] = nbs;
  return j;
}

void print_text(const structure::Structure& s, const SiteRequest& req, const features::CrystalNNResult& r) {
  std::map<std::string, int> counts;
  double d_min = 0.0, d_max = 0.0;
  for (std::size_t k = 0; k < r.neighbors.size(); ++k) {
    const auto& n = r.neighbors[k];
    ++counts[symbol(n.z)];
    if (k == 0 || n.distance_A < d_min) d_min = n.distance_A;
    if (k == 0 || n.distance_A > d_max) d_max = n.distance_A;
  }
  std::string composition;
  for (const auto& [el, c] : counts) composition += (composition.empty() ? "" : " ") + el + std::to_string(c);
  char line[256];
  std::snprintf(line, sizeof line, "site %3zu  %-2s  x%-3zu  CN %2d  P=%.3f", req.site, symbol(s.site(req.site).z).c_str(),
                req.multiplicity, r.cn, r.cn_probabilities.count(r.cn) ? r.cn_probabilities.at(r.cn) : 0.0);
  std::cout << line;
  if (!r.neighbors.empty()) {
    std::snprintf(line, sizeof line, "  %s  %.3f-%.3f A", composition.c_str(), d_min, d_max);
    std::cout << line;
  }
  std::cout << '\n';
}

void run_cn(const CnOptions& o, const std::string& file, Timing& timing) {
  const auto s = structure::read_structure(file);
  std::vector<SiteRequest> requests;
  if (o.site) {
    if (*o.site < 0 || static_cast<std::size_t>(*o.site) >= s.size())
      throw InputError(file + ": --site " + std::to_string(*o.site) + " is out of range (the structure has " +
                       std::to_string(s.size()) + " sites, 0.." + std::to_string(s.size() - 1) + ")");
    requests.push_back({static_cast<std::size_t>(*o.site), 1});
  } else {
    for (const auto& c : structure::absorber_classes(s)) requests.push_back({c.sites.front(), c.multiplicity()});
  }
  nlohmann::ordered_json sites = nlohmann::ordered_json::array();
  if (!o.json) std::cout << s.source << "  " << s.reduced_formula() << "  (" << s.size() << " sites)\n";
  for (const auto& req : requests) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::clock_t c0 = std::clock();
    const auto r = features::crystal_nn(s, req.site);
    timing.cpu_seconds += static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
    timing.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ++timing.sites;
    if (o.json)
      sites.push_back(site_json(s, req, r));
    else
      print_text(s, req, r);
  }
  if (o.json) {
    nlohmann::ordered_json out;
    out["file"] = s.source;
    out["formula"] = s.reduced_formula();
    out["sites"] = sites;
    std::cout << out.dump() << '\n';
  }
}

}  // namespace

void add_cn_command(CLI::App& app) {
  auto opts = std::make_shared<CnOptions>();
  CLI::App* cmd = app.add_subcommand(
      "cn", "CrystalNN coordination numbers (pymatgen 2022.11 defaults) of each symmetry-unique site (one JSON line per file with --json)");
  cmd->add_option("structure", opts->files, "Structure file(s) (MP JSON, CIF, POSCAR, XYZ with lattice)")->required();
  cmd->add_option("--site", opts->site, "Only this site (0-based index into the file's sites)");
  cmd->add_flag("--json", opts->json,
                "Print {\"sites\": [{\"site\", \"element\", \"cn\", \"cn_probabilities\", \"neighbors\": [...]}]}");
  cmd->add_flag("--timing", opts->timing, "Report the time spent in CrystalNN itself (stderr)");
  cmd->callback([opts] {
    Timing timing;
    for (const auto& f : opts->files) run_cn(*opts, f, timing);
    if (opts->timing) {
      char line[200];
      std::snprintf(line, sizeof line, "cn timing: %zu sites in %.6f s wall, %.6f s CPU (%.4f ms/site wall)\n",
                    timing.sites, timing.seconds, timing.cpu_seconds,
                    timing.sites ? 1e3 * timing.seconds / static_cast<double>(timing.sites) : 0.0);
      std::cerr << line;
    }
  });
}

}  // namespace xasforge::cli
