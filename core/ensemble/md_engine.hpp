#pragma once
/// Molecular dynamics: velocity Verlet (NVE) or NVT with a Langevin or Bussi thermostat,
/// a Verlet neighbour list, equilibration then snapshot sampling. Reproducible: every random
/// number comes from RandomStream(seed, purpose).
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "core/ensemble/md_system.hpp"
#include "core/ensemble/member_settings.hpp"
#include "core/ensemble/neighbor_list.hpp"
#include "core/ensemble/potential.hpp"
#include "core/ensemble/random_stream.hpp"
#include "core/ensemble/thermostat.hpp"

namespace xasforge::ensemble {

struct MdOptions {
  double timestep_fs = defaults::kMdTimestep_fs;
  double temperature_K = defaults::kMdTemperature_K;
  ThermostatKind thermostat = ThermostatKind::kLangevin;
  double friction_per_fs = 0.01;  ///< Langevin γ
  double tau_fs = 100.0;          ///< Bussi relaxation time
  double skin_A = 0.5;
  std::uint64_t seed = 1;
};

class MdEngine {
 public:
  /// Validates the options (InputError naming the field). Initial velocities are zero; call
  /// initialize_velocities() for a Maxwell–Boltzmann start.
  MdEngine(MdSystem system, std::unique_ptr<Potential> potential, MdOptions options);

  /// Maxwell–Boltzmann velocities at temperature_K, zero total momentum, rescaled to exactly
  /// temperature_K (stream "md.velocities").
  void initialize_velocities(double temperature_K);
  /// One time step.
  void step();
  void run(std::size_t n_steps);
  /// Equilibrates for `equilibration_steps`, then takes `n_snapshots` snapshots `every` steps
  /// apart (the first `every` steps after equilibration).
  std::vector<MdSystem> sample(std::size_t equilibration_steps, std::size_t n_snapshots, std::size_t every);

  const MdSystem& system() const { return system_; }
  MdSystem& system() { return system_; }
  double potential_energy_eV() const { return potential_energy_eV_; }
  double kinetic_energy_eV() const { return system_.kinetic_energy_eV(); }
  double total_energy_eV() const { return potential_energy_eV_ + kinetic_energy_eV(); }
  /// Degrees of freedom used for the temperature: 3N for Langevin (momentum not conserved),
  /// 3N − 3 otherwise.
  std::size_t degrees_of_freedom() const;
  double temperature_K() const { return system_.temperature_K(degrees_of_freedom()); }
  const NeighborList& neighbor_list() const { return neighbors_; }
  /// Recomputes forces and energy for the current positions.
  void compute_forces();

 private:
  void bussi_rescale();
  MdSystem system_;
  std::unique_ptr<Potential> potential_;
  MdOptions options_;
  NeighborList neighbors_;
  RandomStream thermostat_rng_;
  double potential_energy_eV_ = 0.0;
};

}  // namespace xasforge::ensemble
