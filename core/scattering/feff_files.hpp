#pragma once
/// Readers for FEFF 8.5L output files (phaseNN.dat, pot.pad header, pot.json, paths.dat, crit.dat,
/// feffNNNN.dat, list.dat, chi.dat) and the ATOMS/POTENTIALS blocks of feff.inp, plus a writer of
/// FEFF-style paths.dat. Every reader converts FEFF's code units (bohr, Hartree) to xasforge's
/// (Å, eV) here, at the edge (docs/physics.md §0, §1.3, §5); values printed in Å by FEFF stay in Å.
/// Malformed files throw InputError naming the file and line.
#include <complex>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "core/scattering/phase_shifts.hpp"
#include "core/scattering/scattering_path.hpp"

namespace xasforge::scattering::feff {

// ----------------------------------------------------------------------------------------------
// phaseNN.dat, pot.pad, pot.json

/// One phaseNN.dat, EXAFS-grid rows only (the first ne1 rows: reading stops where Re E stops
/// increasing; the complex-contour rows that follow are dropped, docs/physics.md §5).
struct PhaseFile {
  int ipot = 0;
  int lmax = 0;                      ///< header lmax (2(lmax+1) numbers per energy)
  int ne_total = 0;                  ///< header ne (all rows, EXAFS grid + contour)
  std::vector<double> energy_eV;     ///< Re E, absolute (FEFF's origin), eV
  std::vector<std::complex<double>> eref_eV;  ///< complex e_ref, eV
  std::vector<std::complex<double>> p_invA;   ///< complex p, Å⁻¹
  std::vector<std::vector<std::complex<double>>> delta;  ///< [energy][l], l = 0..lmax, radians
  /// From the title block: Z of every potential listed ("Abs Z=29", "Pot 1 Z=29"), index = ipot.
  std::vector<int> z_of_ipot;
  /// From the title block: Norman radius of every potential (Å, 3 decimals as printed).
  std::vector<double> rnorm_of_ipot_A;
};

PhaseFile read_phase_file(const std::filesystem::path& path);

/// First PAD records of pot.pad (written by feff8l_pot): the values FEFF passes to later modules.
struct PotPadHeader {
  double rnorm_avg_A = 0.0;  ///< rnrmav (converted from bohr)
  double mu_eV = 0.0;        ///< xmu, Fermi level
  double vint_eV = 0.0;      ///< interstitial potential
  int ntitle = 0, nph = 0, ihole = 0;
};
/// Reads the header and the first PAD records of pot.pad (a truncated copy works).
PotPadHeader read_pot_pad_header(const std::filesystem::path& path);

/// Decodes one FEFF "packed ascii data" number of npack characters (padlib's format).
double unpad(std::string_view packed);

/// Selected values of pot.json (written by feff8l_pot in FEFF 8.5L): hole, Γ_ch, atom counts.
struct PotJson {
  int ihole = 0;                     ///< 1 = K, 2 = L1, 3 = L2, 4 = L3
  double core_hole_width_eV = 0.0;   ///< gamach
  std::vector<int> z_of_ipot;        ///< iz (nph+1 entries)
  std::vector<double> atoms_of_ipot; ///< xnatph
};
PotJson read_pot_json(const std::filesystem::path& path);

/// All phase shifts of a FEFF run folder: phase00.dat … phaseNN.dat (consecutive from 00), plus
/// pot.pad (or pot_head.pad) and pot.json when present for the exact mu, r_norm,av and Γ_ch.
/// Without them: mu = Re E of row 1, Γ_ch = 2(Im p²/2 + Im e_ref) at row 1, r_norm,av from
/// feff0001.dat's header if present, else 0. Throws InputError if phase00.dat is missing or the
/// files disagree on the grid.
PhaseShifts read_phase_shifts(const std::filesystem::path& dir);

// ----------------------------------------------------------------------------------------------
// feff.inp (ATOMS / POTENTIALS and a few cards)

struct FeffInpAtom {
  Eigen::Vector3d position_A;
  int ipot = 0;
};
struct FeffInp {
  std::vector<std::pair<int, int>> potentials;  ///< (ipot, Z) as listed
  std::vector<FeffInpAtom> atoms;               ///< as listed (absorber = first atom with ipot 0)
  std::optional<double> rpath_A;
  std::optional<int> nleg;
  std::optional<double> critcw, critpw;        ///< CRITERIA card
  std::optional<double> debye_temperature_K, debye_theta_K;  ///< DEBYE card
  std::optional<double> sig2_A2;                ///< SIG2 card
  std::string edge = "K";
  int z_of(int ipot) const;                     ///< Z of a listed potential; InputError if unknown
};
FeffInp read_feff_inp(const std::filesystem::path& path);

// ----------------------------------------------------------------------------------------------
// paths.dat, crit.dat

struct PathsDatAtom {
  Eigen::Vector3d position_A;
  int ipot = 0;
  std::string label;
  double rleg_A = 0.0, beta_deg = 0.0, eta_deg = 0.0;
};
struct PathsDatEntry {
  int index = 0;
  int nleg = 0;
  double degeneracy = 0.0;
  double reff_A = 0.0;  ///< printed to 4 decimals
  /// The nleg atoms as printed: scatterers in path order, then the absorber (last).
  std::vector<PathsDatAtom> atoms;
};
struct PathsDat {
  double rmax_A = 0.0;
  double critpw = 0.0;
  std::vector<PathsDatEntry> paths;
};
PathsDat read_paths_dat(const std::filesystem::path& path);

struct CritDatEntry {
  int index = 0, nleg = 0;
  double degeneracy = 0.0, reff_A = 0.0, pw_importance = 0.0, xkeep = 0.0;
};
std::vector<CritDatEntry> read_crit_dat(const std::filesystem::path& path);

// ----------------------------------------------------------------------------------------------
// feffNNNN.dat, list.dat, chi.dat

struct FeffDatAtom {
  Eigen::Vector3d position_A;
  int ipot = 0;
  int z = 0;
  std::string label;
};
struct FeffDat {
  int index = 0;
  int nleg = 0;
  double degeneracy = 0.0;
  double reff_A = 0.0;       ///< header, 4 decimals
  double rnorm_avg_A = 0.0;  ///< header rnrmav (converted from bohr)
  double edge_eV = 0.0;      ///< header "edge" = mu
  std::vector<FeffDatAtom> atoms;  ///< absorber first, then the scatterers in path order
  std::vector<double> k_invA, central_phase, mag_A, phase, reduction, lambda_A, real_p_invA;
};
FeffDat read_feff_dat(const std::filesystem::path& path);

struct ListDatEntry {
  int index = 0;
  double sigma2_A2 = 0.0, cw_ratio = 0.0, degeneracy = 0.0;
  int nleg = 0;
  double reff_A = 0.0;
};
std::vector<ListDatEntry> read_list_dat(const std::filesystem::path& path);

struct ChiDatPath {
  int index = 0;
  double sigma2_A2 = 0.0, cw_ratio = 0.0, degeneracy = 0.0;
  int nleg = 0;
  double reff_A = 0.0;
};
struct ChiDat {
  std::vector<ChiDatPath> paths;  ///< from the header table, if present
  double s02 = 1.0, temperature_K = 0.0, debye_theta_K = 0.0, global_sigma2_A2 = 0.0;
  std::vector<double> k_invA, chi, mag, phase;
};
ChiDat read_chi_dat(const std::filesystem::path& path);

// ----------------------------------------------------------------------------------------------
// writer

/// FEFF-style paths.dat for xasforge paths: per path a header line `index nleg degeneracy
/// index, nleg, degeneracy, r= reff`, a column line, then the scatterers and the absorber with
/// x, y, z (Å), ipot, label (element symbol), leg length, β and η (degrees; η is the
/// dihedral angle between consecutive scattering planes, print-only: FEFF prints an η from its own
/// routine, docs/physics.md §3.1). An extra `pw=` field gives pw_importance. The
/// absorber's label is its element symbol when absorber_z > 0, else "abs".
void write_paths_dat(std::ostream& out, const std::vector<ScatteringPath>& paths, double rmax_A,
                     double critpw, int absorber_z = 0);

}  // namespace xasforge::scattering::feff
