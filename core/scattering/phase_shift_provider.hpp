#pragma once
/// Interface of a source of scattering phase shifts (docs/physics.md §1.1, §5). The first
/// implementation drives FEFF 8.5L (core/scattering/feff_phase_provider.hpp); an own potential
/// code can replace it later behind the same interface.
#include <cstddef>
#include <string>

#include "core/scattering/phase_shifts.hpp"
#include "core/structure/structure.hpp"

namespace xasforge::scattering {

struct PhaseSettings {
  Edge edge = Edge::kK;
  double cluster_radius_A = 8.0;  ///< atoms given to the potential calculation (FEFF ATOMS)
  int exchange = 0;               ///< FEFF EXCHANGE ixc (0 = Hedin–Lundqvist)
  double exchange_vr0_eV = 0.0;   ///< EXCHANGE vr0 (real shift)
  double exchange_vi0_eV = 0.0;   ///< EXCHANGE vi0 (constant imaginary part)
  /// Folder holding the FEFF executables (feff8l_rdinp, feff8l_pot, feff8l_xsph); empty = PATH.
  std::string feff_bin_dir;
  /// Where private scratch folders are made; empty = the system temporary folder.
  std::string scratch_root;
  bool keep_scratch = false;      ///< leave the scratch folder for inspection (debugging)
};

/// Key of the settings that change the physics (for caches).
std::string settings_key(const PhaseSettings& s);

class PhaseShiftProvider {
 public:
  virtual ~PhaseShiftProvider() = default;
  /// Phase shifts of every unique potential for the absorber at `absorber_site`, in Å/eV, on
  /// FEFF's EXAFS grid. Unique potentials are assigned by element (absorber = potential 0,
  /// feff::make_feff_cluster), so the path finder must use feff::path_atoms() of the same cluster.
  virtual PhaseShifts compute(const structure::Structure& structure, std::size_t absorber_site,
                              const PhaseSettings& settings) = 0;
};

}  // namespace xasforge::scattering
