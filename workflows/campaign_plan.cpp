#include "workflows/campaign_plan.hpp"

#include <glob.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/elements/element.hpp"
#include "core/error.hpp"
#include "core/structure/readers.hpp"

namespace xasforge::workflows {

std::vector<std::string> expand_structure_globs(const CampaignConfig& config) {
  std::vector<std::string> files;
  for (const auto& pattern : config.structure_globs) {
    glob_t g{};
    const int rc = ::glob(pattern.c_str(), GLOB_ERR, nullptr, &g);
    if (rc == GLOB_NOMATCH || (rc == 0 && g.gl_pathc == 0)) {
      ::globfree(&g);
      throw InputError(config.source + ": structures.paths: '" + pattern + "' matches no file");
    }
    if (rc != 0) {
      ::globfree(&g);
      throw InputError(config.source + ": structures.paths: cannot expand '" + pattern + "'");
    }
    for (std::size_t i = 0; i < g.gl_pathc; ++i) files.emplace_back(g.gl_pathv[i]);
    ::globfree(&g);
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  return files;
}

std::vector<structure::AbsorberClass> absorber_classes_of(const structure::Structure& s, int z) {
  std::vector<structure::AbsorberClass> all;
  try {
    all = structure::absorber_classes(s);
  } catch (const InputError&) {
    for (std::size_t i = 0; i < s.size(); ++i) {
      structure::AbsorberClass c;
      c.z = s.site(i).z;
      c.sites = {i};
      all.push_back(c);
    }
  }
  std::vector<structure::AbsorberClass> out;
  for (auto& c : all)
    if (c.z == z) out.push_back(std::move(c));
  return out;
}

CampaignPlan plan_campaign(const CampaignConfig& config) {
  CampaignPlan plan;
  const auto files = expand_structure_globs(config);
  std::vector<int> absorber_z;
  for (const auto& e : config.absorber_elements) absorber_z.push_back(elements::atomic_number_or_throw(e));
  const int members = config.ensemble.kind == "none" ? 1 : config.ensemble.members;

  for (std::size_t si = 0; si < files.size(); ++si) {
    mpi::StructureEntry entry;
    entry.path = files[si];
    entry.name = std::filesystem::path(files[si]).stem().string();
    entry.lattice_A.fill(std::numeric_limits<double>::quiet_NaN());
    auto fail_structure = [&](const std::string& why) {
      entry.error = why;
      mpi::ItemEntry item;
      item.structure = static_cast<std::int32_t>(si);
      item.edge = config.edges.front();
      item.key = entry.name + "/-/-/-";
      item.status = mpi::ItemStatus::kFailed;
      item.error = why;
      plan.items.push_back(item);
    };
    structure::Structure s;
    try {
      s = structure::read_structure(files[si]);
    } catch (const std::exception& e) {
      fail_structure(e.what());
      plan.structures.push_back(entry);
      continue;
    }
    entry.formula = s.reduced_formula();
    entry.n_sites = static_cast<std::int32_t>(s.size());
    if (s.is_periodic())
      for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 3; ++c) entry.lattice_A[static_cast<std::size_t>(3 * r + c)] = s.lattice().matrix_A()(r, c);
    if (static_cast<int>(s.size()) > config.max_sites) {
      fail_structure(files[si] + ": " + std::to_string(s.size()) + " sites, more than structures.max_sites = " +
                     std::to_string(config.max_sites));
      plan.structures.push_back(entry);
      continue;
    }
    for (std::size_t ei = 0; ei < absorber_z.size(); ++ei) {
      const int z = absorber_z[ei];
      for (const auto& cls : absorber_classes_of(s, z)) {
        const auto rep = static_cast<std::int32_t>(cls.sites.front());
        for (const auto& edge : config.edges) {
          for (int m = 0; m < members; ++m) {
            mpi::ItemEntry item;
            item.structure = static_cast<std::int32_t>(si);
            item.site = rep;
            item.z = z;
            item.multiplicity = static_cast<std::int32_t>(cls.sites.size());
            item.edge = edge;
            item.member = m;
            item.key = entry.name + "/" + config.absorber_elements[ei] + std::to_string(rep) + "/" +
                       edge + "/" + std::to_string(m);
            plan.items.push_back(item);
          }
        }
      }
    }
    plan.structures.push_back(entry);
  }
  return plan;
}

}  // namespace xasforge::workflows
