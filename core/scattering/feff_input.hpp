#pragma once
/// FEFF 8.5L input (feff.inp) for one absorber of a structure: unique potentials by element
/// (absorber = potential 0; then the absorber's element if other atoms of it exist; then the
/// other elements by ascending Z), the ATOMS block from build_cluster(), and the cards xasforge
/// uses. FEFF's limits are checked here: at most 11 unique potentials besides the absorber's
/// (FEFF nphx = 11) and at most 1000 atoms (natx). Also satisfies issue 2's "writer for FEFF
/// feff.inp ATOMS/POTENTIALS blocks".
#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/scattering/path_finder.hpp"
#include "core/scattering/phase_shifts.hpp"
#include "core/structure/cluster.hpp"
#include "core/structure/structure.hpp"

namespace xasforge::scattering::feff {

inline constexpr int kMaxPotentialIndex = 11;   ///< FEFF nphx: ipot 0..11
inline constexpr std::size_t kMaxAtoms = 1000;  ///< FEFF natx / nattx

/// The cluster of one absorber with FEFF potential indices.
struct FeffCluster {
  std::vector<structure::ClusterAtom> atoms;  ///< absorber first, at the origin
  std::vector<int> ipot;                      ///< potential of each atom (0 for the absorber)
  std::vector<int> z_of_ipot;                 ///< Z of each potential, index = ipot
};

/// build_cluster() + potentials by element. Throws InputError beyond FEFF's limits, naming the
/// structure, the count and the limit.
FeffCluster make_feff_cluster(const structure::Structure& structure, std::size_t absorber_site, double radius_A);

/// Potentials by element for an existing cluster (absorber = atoms[0]); same rule and checks.
FeffCluster assign_potentials(std::vector<structure::ClusterAtom> atoms, const std::string& what = "cluster");

/// The cluster as path-finder atoms (positions relative to the absorber, ipot, Z, standard mass).
std::vector<PathAtom> path_atoms(const FeffCluster& cluster);

struct FeffCards {
  std::string title = "xasforge";
  Edge edge = Edge::kK;
  double s02 = 1.0;
  std::string control = "1 1 1 1 1 1";  ///< CONTROL pot xsph fms paths genfmt ff2x
  std::string print = "0 2 0 1 0 3";    ///< PRINT levels (docs/physics.md §0: phaseNN.dat, crit.dat, feffNNNN.dat)
  int exchange = 0;                     ///< EXCHANGE ixc (0 = Hedin–Lundqvist)
  double exchange_vr0_eV = 0.0, exchange_vi0_eV = 0.0;
  std::optional<double> rpath_A;        ///< RPATH
  std::optional<int> nleg;              ///< NLEG
  std::optional<double> critcw, critpw; ///< CRITERIA
  std::optional<double> debye_temperature_K, debye_theta_K;  ///< DEBYE T Θ 0
  std::optional<double> sig2_A2;        ///< SIG2
};

/// Writes feff.inp. Atom coordinates are printed with 5 decimals (Å).
void write_feff_inp(std::ostream& out, const FeffCluster& cluster, const FeffCards& cards);
std::string feff_inp_text(const FeffCluster& cluster, const FeffCards& cards);

const char* edge_name(Edge edge);  ///< "K", "L1", "L2", "L3"
/// The edge named "K", "L1", "L2" or "L3"; InputError naming the value otherwise.
Edge parse_edge(const std::string& name);

}  // namespace xasforge::scattering::feff
