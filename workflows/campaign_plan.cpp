#include "workflows/campaign_plan.hpp"

#include <glob.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include <boost/mpi/collectives.hpp>
#include <boost/serialization/array.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>

#include "core/elements/element.hpp"
#include "core/error.hpp"
#include "core/structure/readers.hpp"
#include "core/structure/site_orbits.hpp"

// Boost.Serialization of the plan rows, for gathering the ranks' shares on rank 0. Non-intrusive
// (free functions), so mpi/results_file.hpp stays free of Boost.
namespace boost::serialization {
template <class Archive>
void serialize(Archive& ar, xasforge::mpi::StructureEntry& s, unsigned) {
  ar & s.path & s.name & s.formula & s.n_sites & s.lattice_A & s.error;
}
template <class Archive>
void serialize(Archive& ar, xasforge::mpi::ItemEntry& it, unsigned) {
  auto status = static_cast<std::int8_t>(it.status);
  ar & it.structure & it.site & it.z & it.multiplicity & it.edge & it.member & it.key & status & it.error;
  it.status = static_cast<xasforge::mpi::ItemStatus>(status);
}
template <class Archive>
void serialize(Archive& ar, xasforge::workflows::PlannedStructure& p, unsigned) {
  ar & p.entry & p.items;
}
}  // namespace boost::serialization

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

std::vector<structure::AbsorberClass> all_absorber_classes(const structure::Structure& s) {
  // The operations alone (core/structure/site_orbits.hpp, ~0.1 ms) give the classes spglib's
  // full data set gives (~6 ms, up to 50 ms for cubic groups, most of it Wyckoff letters that a
  // plan does not use); spglib only where that search declines a structure at the tolerance's edge.
  if (s.is_periodic() && s.size() > 0)
    if (auto classes = structure::site_orbit_classes(s)) return std::move(*classes);
  try {
    return structure::absorber_classes(s);
  } catch (const InputError&) {
    std::vector<structure::AbsorberClass> all;
    for (std::size_t i = 0; i < s.size(); ++i) {
      structure::AbsorberClass c;
      c.z = s.site(i).z;
      c.sites = {i};
      all.push_back(c);
    }
    return all;
  }
}

std::vector<structure::AbsorberClass> absorber_classes_of(const structure::Structure& s, int z) {
  std::vector<structure::AbsorberClass> out;
  for (auto& c : all_absorber_classes(s))
    if (c.z == z) out.push_back(std::move(c));
  return out;
}

PlannedStructure plan_structure(const CampaignConfig& config, const std::vector<int>& absorber_z,
                                const std::string& path, std::int32_t index) {
  PlannedStructure out;
  auto& entry = out.entry;
  entry.path = path;
  entry.name = std::filesystem::path(path).stem().string();
  entry.lattice_A.fill(std::numeric_limits<double>::quiet_NaN());
  auto fail_structure = [&](const std::string& why) {
    entry.error = why;
    mpi::ItemEntry item;
    item.structure = index;
    item.edge = config.edges.front();
    item.key = entry.name + "/-/-/-";
    item.status = mpi::ItemStatus::kFailed;
    item.error = why;
    out.items.push_back(item);
  };
  structure::Structure s;
  try {
    s = structure::read_structure(path);
  } catch (const std::exception& e) {
    fail_structure(e.what());
    return out;
  }
  entry.formula = s.reduced_formula();
  entry.n_sites = static_cast<std::int32_t>(s.size());
  if (s.is_periodic())
    for (int r = 0; r < 3; ++r)
      for (int c = 0; c < 3; ++c) entry.lattice_A[static_cast<std::size_t>(3 * r + c)] = s.lattice().matrix_A()(r, c);
  if (static_cast<int>(s.size()) > config.max_sites) {
    fail_structure(path + ": " + std::to_string(s.size()) + " sites, more than structures.max_sites = " +
                   std::to_string(config.max_sites));
    return out;
  }
  // The symmetry analysis: once per structure, and only where it can matter (0.08 ms mean over
  // the bundled structures with the operations-only search; spglib's full data set took 6 ms). Classes partition the sites of
  // one element, so an absorber element with a single site is a class of its own whatever the
  // symmetry; if no absorber element has two sites (a quarter of the bundled structures), or none
  // has any, spglib is not called.
  std::map<int, std::size_t> absorber_sites;
  for (const auto& site : s.sites())
    if (std::find(absorber_z.begin(), absorber_z.end(), site.z) != absorber_z.end()) ++absorber_sites[site.z];
  if (absorber_sites.empty()) return out;
  const bool needs_symmetry = std::any_of(absorber_sites.begin(), absorber_sites.end(), [](const auto& e) { return e.second > 1; });
  std::vector<structure::AbsorberClass> classes;
  if (needs_symmetry) {
    classes = all_absorber_classes(s);
  } else {
    for (std::size_t i = 0; i < s.size(); ++i)
      if (absorber_sites.count(s.site(i).z)) {
        structure::AbsorberClass c;
        c.z = s.site(i).z;
        c.sites = {i};
        classes.push_back(std::move(c));
      }
  }
  const int members = config.ensemble.kind == "none" ? 1 : config.ensemble.members;
  for (std::size_t ei = 0; ei < absorber_z.size(); ++ei) {
    const int z = absorber_z[ei];
    for (const auto& cls : classes) {
      if (cls.z != z) continue;
      const auto rep = static_cast<std::int32_t>(cls.sites.front());
      for (const auto& edge : config.edges) {
        for (int m = 0; m < members; ++m) {
          mpi::ItemEntry item;
          item.structure = index;
          item.site = rep;
          item.z = z;
          item.multiplicity = static_cast<std::int32_t>(cls.sites.size());
          item.edge = edge;
          item.member = m;
          item.key = entry.name + "/" + config.absorber_elements[ei] + std::to_string(rep) + "/" + edge + "/" +
                     std::to_string(m);
          out.items.push_back(std::move(item));
        }
      }
    }
  }
  return out;
}

namespace {

std::vector<int> absorber_numbers(const CampaignConfig& config) {
  std::vector<int> z;
  for (const auto& e : config.absorber_elements) z.push_back(elements::atomic_number_or_throw(e));
  return z;
}

void append(CampaignPlan& plan, PlannedStructure&& ps) {
  plan.structures.push_back(std::move(ps.entry));
  for (auto& it : ps.items) plan.items.push_back(std::move(it));
}

}  // namespace

CampaignPlan plan_campaign(const CampaignConfig& config, const PlanProgressFunction& progress) {
  CampaignPlan plan;
  const auto files = expand_structure_globs(config);
  const auto absorber_z = absorber_numbers(config);
  for (std::size_t si = 0; si < files.size(); ++si) {
    append(plan, plan_structure(config, absorber_z, files[si], static_cast<std::int32_t>(si)));
    if (progress) progress(si + 1, files.size(), files.size());
  }
  return plan;
}

CampaignPlan plan_campaign(const CampaignConfig& config, const boost::mpi::communicator& comm,
                           const PlanProgressFunction& progress) {
  const int rank = comm.rank();
  const int size = comm.size();
  // Rank 0 alone touches the file system's directories (a glob from every rank of a large job
  // would hammer a parallel file system's metadata server); the list, or the error, is broadcast.
  std::vector<std::string> files;
  std::string error;
  if (rank == 0) {
    try {
      files = expand_structure_globs(config);
    } catch (const std::exception& e) {
      error = e.what();
    }
  }
  boost::mpi::broadcast(comm, error, 0);
  if (!error.empty()) throw InputError(error);
  boost::mpi::broadcast(comm, files, 0);
  const auto absorber_z = absorber_numbers(config);

  // Round-robin: structure i on rank i mod size. Neighbouring files (often similar sizes) land on
  // different ranks, which balances the shares without any communication.
  std::vector<PlannedStructure> mine;
  const std::size_t share = files.size() / static_cast<std::size_t>(size) +
                            (static_cast<std::size_t>(rank) < files.size() % static_cast<std::size_t>(size) ? 1 : 0);
  mine.reserve(share);
  for (std::size_t si = static_cast<std::size_t>(rank); si < files.size(); si += static_cast<std::size_t>(size)) {
    mine.push_back(plan_structure(config, absorber_z, files[si], static_cast<std::int32_t>(si)));
    if (rank == 0 && progress) progress(mine.size(), share, files.size());
  }

  CampaignPlan plan;
  if (rank != 0) {
    boost::mpi::gather(comm, mine, 0);
    return plan;
  }
  std::vector<std::vector<PlannedStructure>> shares;
  boost::mpi::gather(comm, mine, shares, 0);
  plan.structures.reserve(files.size());
  // Back into structure order: structure i is element i / size of rank (i mod size)'s share.
  for (std::size_t si = 0; si < files.size(); ++si) {
    auto& ps = shares[si % static_cast<std::size_t>(size)][si / static_cast<std::size_t>(size)];
    if (ps.entry.path != files[si])
      throw Error("planning: rank " + std::to_string(si % static_cast<std::size_t>(size)) + " returned " +
                  ps.entry.path + " in the place of " + files[si]);
    append(plan, std::move(ps));
  }
  return plan;
}

}  // namespace xasforge::workflows
