#pragma once
/// Settings of one ensemble kind each (campaign YAML ensemble.md.*, ensemble.trajectory.*,
/// ensemble.rmc.*; docs/campaign.md, "Ensembles"). The member initialisers below are THE defaults:
/// the campaign schema prints them as its defaults (workflows/campaign_schema.cpp), the config
/// parser starts from them, and the core member functions (ensemble_members.hpp) take them as
/// they are. Change a default here and nowhere else.
#include <string>
#include <vector>

namespace xasforge::ensemble {

/// The defaults that the campaign member settings below and the engines' own option structs
/// (MdOptions in md_engine.hpp, RmcOptions and RmcDataset in rmc.hpp) share, so a library caller
/// and a campaign start from the same values.
namespace defaults {
inline constexpr double kMdTemperature_K = 300.0;
inline constexpr double kMdTimestep_fs = 1.0;
inline constexpr long long kRmcMoves = 10000;
inline constexpr double kRmcMaxStep_A = 0.1;
inline constexpr double kRmcRMin_A = 1.0, kRmcRMax_A = 5.0;
inline constexpr double kRmcTemperature = 1e-5;
}  // namespace defaults

/// Kind md: one independent NVT chain per member from the ideal supercell.
struct MdMemberSettings {
  double temperature_K = defaults::kMdTemperature_K;  ///< thermostat temperature
  double timestep_fs = defaults::kMdTimestep_fs;      ///< velocity-Verlet step
  long long equilibration_steps = 1000; ///< the member's snapshot is the state after these steps
  long long sample_every = 100;         ///< kept in the schema for old campaign files; not used
  double supercell_min_A = 12.0;        ///< smallest perpendicular width of the supercell
  std::string potential = "auto";       ///< auto | sutton_chen | einstein
  double einstein_temperature_K = 300.0;  ///< Θ_E of the harmonic Einstein-crystal potential
  std::string thermostat = "langevin";  ///< langevin | bussi
  std::string cell = "structure";       ///< structure | relaxed (isotropic static-energy minimum)
};

/// Kind trajectory: member m is frame m·stride of a file.
struct TrajectoryMemberSettings {
  std::string file;                ///< resolved against the YAML folder; no default (required)
  int stride = 1;
  std::vector<std::string> types;  ///< elements of LAMMPS types 1, 2, ... (empty: from the file)
};

/// Kind rmc: one reverse Monte Carlo chain per member fitted to a measured χ(k).
struct RmcMemberSettings {
  std::string target;                  ///< k, chi file; resolved against the YAML folder; required
  long long moves = defaults::kRmcMoves;
  double max_step_A = defaults::kRmcMaxStep_A;
  std::string space = "r";             ///< k | r | wavelet
  double r_min_A = defaults::kRmcRMin_A, r_max_A = defaults::kRmcRMax_A;  ///< R range of the misfit (r and wavelet space)
  double temperature = defaults::kRmcTemperature;  ///< Metropolis temperature (misfit units), annealed to 0
  double supercell_min_A = 12.0;
  double start_displacement_A = 0.07;  ///< Gaussian σ per Cartesian component of the start
};

}  // namespace xasforge::ensemble
