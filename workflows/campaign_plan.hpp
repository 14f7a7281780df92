#pragma once
/// Planning: a campaign expanded into work items, structure × absorber class × edge × ensemble
/// member, with stable ids (the position in a deterministic order that depends only on the
/// campaign file and the structure files, never on the rank count).
#include <string>
#include <vector>

#include "core/structure/structure.hpp"
#include "core/structure/symmetry.hpp"
#include "mpi/results_layout.hpp"
#include "workflows/campaign_config.hpp"

namespace xasforge::workflows {

struct CampaignPlan {
  std::vector<mpi::StructureEntry> structures;  ///< sorted by path
  std::vector<mpi::ItemEntry> items;            ///< item id = index
};

/// Files matched by the globs, sorted and without duplicates. A glob that matches nothing is an
/// InputError naming it (a campaign over no files is almost always a typo in the path).
std::vector<std::string> expand_structure_globs(const CampaignConfig& config);

/// Classes of symmetry-equivalent sites of element z (core/structure/symmetry.hpp, spglib as
/// pymatgen calls it), ordered by representative (lowest) site. If spglib cannot analyse a
/// structure, every site is its own class (correct, only slower).
std::vector<structure::AbsorberClass> absorber_classes_of(const structure::Structure& s, int z);

/// Order: structures by path; absorber elements in the YAML's order; classes by representative
/// site; edges in the YAML's order; ensemble members 0..members-1. A structure that cannot be
/// read or has more than structures.max_sites sites becomes one failed item carrying the reason,
/// so the rest of the campaign proceeds.
CampaignPlan plan_campaign(const CampaignConfig& config);

}  // namespace xasforge::workflows
