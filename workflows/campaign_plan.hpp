#pragma once
/// Planning: a campaign expanded into work items, structure × absorber class × edge × ensemble
/// member, with stable ids (the position in a deterministic order that depends only on the
/// campaign file and the structure files, never on the rank count).
///
/// Cost model (docs/campaign.md, "Planning at scale"): planning is one structure read plus ONE
/// symmetry analysis (operations only, core/structure/site_orbits.hpp) per structure, whatever
/// the number of absorber elements, and nothing for a structure without any absorber element.
/// Under MPI the structures are dealt round-robin over the ranks (structure i to rank i mod size),
/// each rank plans its share, and rank 0 gathers the per-structure results and puts them back in
/// structure order, so the plan is the same bytes for any rank count.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <boost/mpi/communicator.hpp>

#include "core/structure/structure.hpp"
#include "core/structure/symmetry.hpp"
#include "mpi/results_layout.hpp"
#include "workflows/campaign_config.hpp"

namespace xasforge::workflows {

struct CampaignPlan {
  std::vector<mpi::StructureEntry> structures;  ///< sorted by path
  std::vector<mpi::ItemEntry> items;            ///< item id = index
};

/// One structure's share of a plan: its /structures row and its items, in plan order.
struct PlannedStructure {
  mpi::StructureEntry entry;
  std::vector<mpi::ItemEntry> items;
};

/// Called on rank 0 while planning: structures planned so far by rank 0 and rank 0's share
/// (the other ranks plan shares of the same size at the same rate).
using PlanProgressFunction = std::function<void(std::size_t planned, std::size_t share, std::size_t total)>;

/// Files matched by the globs, sorted and without duplicates. A glob that matches nothing is an
/// InputError naming it (a campaign over no files is almost always a typo in the path).
std::vector<std::string> expand_structure_globs(const CampaignConfig& config);

/// Every site's symmetry class, ordered by representative (lowest) site: the classes of
/// core/structure/symmetry.hpp (spglib as pymatgen calls it), found by the operations-only search
/// of core/structure/site_orbits.hpp and by spglib where that search declines. If spglib cannot
/// analyse a structure either, every site is its own class (correct, only slower).
std::vector<structure::AbsorberClass> all_absorber_classes(const structure::Structure& s);

/// The classes of element z only (all_absorber_classes filtered).
std::vector<structure::AbsorberClass> absorber_classes_of(const structure::Structure& s, int z);

/// Plans structure number `index` (file `path`): reads it, analyses its symmetry once, and lists
/// its items. A file that cannot be read or has more than structures.max_sites sites gives one
/// failed item carrying the reason. Never throws for a bad structure file.
PlannedStructure plan_structure(const CampaignConfig& config, const std::vector<int>& absorber_z,
                                const std::string& path, std::int32_t index);

/// Order: structures by path; absorber elements in the YAML's order; classes by representative
/// site; edges in the YAML's order; ensemble members 0..members-1. A structure that cannot be
/// read or has more than structures.max_sites sites becomes one failed item carrying the reason,
/// so the rest of the campaign proceeds. Serial (one process).
CampaignPlan plan_campaign(const CampaignConfig& config, const PlanProgressFunction& progress = {});

/// Collective over `comm`: the same plan, computed by every rank on its round-robin share of the
/// structures and gathered on rank 0 (the other ranks return an empty plan). Rank 0 expands the
/// globs; a glob error is thrown as InputError on every rank.
CampaignPlan plan_campaign(const CampaignConfig& config, const boost::mpi::communicator& comm,
                           const PlanProgressFunction& progress = {});

}  // namespace xasforge::workflows
