#include "core/ensemble/md_engine.hpp"

#include <cmath>
#include <string>

#include "core/error.hpp"
#include "core/units.hpp"

namespace xasforge::ensemble {

ThermostatKind parse_thermostat(std::string_view name) {
  if (name == "none" || name == "nve") return ThermostatKind::kNone;
  if (name == "langevin") return ThermostatKind::kLangevin;
  if (name == "bussi") return ThermostatKind::kBussi;
  throw InputError("unknown thermostat '" + std::string(name) + "'; expected one of: none, langevin, bussi");
}

namespace {
double neighbor_cutoff(const Potential& p) { return p.cutoff_A() > 0 ? p.cutoff_A() : 1.0; }
}  // namespace

MdEngine::MdEngine(MdSystem system, std::unique_ptr<Potential> potential, MdOptions options)
    : system_(std::move(system)),
      potential_(std::move(potential)),
      options_(options),
      neighbors_(neighbor_cutoff(*potential_), options.skin_A),
      thermostat_rng_(options.seed, "md.thermostat") {
  if (!(options_.timestep_fs > 0)) throw InputError("md.timestep_fs must be > 0");
  if (!(options_.temperature_K >= 0)) throw InputError("md.temperature_K must be >= 0");
  if (options_.thermostat == ThermostatKind::kLangevin && !(options_.friction_per_fs > 0))
    throw InputError("md.friction_per_fs must be > 0 for the Langevin thermostat");
  if (options_.thermostat == ThermostatKind::kBussi && !(options_.tau_fs > 0))
    throw InputError("md.tau_fs must be > 0 for the Bussi thermostat");
  if (system_.size() == 0) throw InputError("md: the system has no atoms");
  system_.velocity_APerFs.resize(system_.size(), Eigen::Vector3d::Zero());
  system_.force_eVPerA.resize(system_.size(), Eigen::Vector3d::Zero());
  compute_forces();
}

std::size_t MdEngine::degrees_of_freedom() const {
  const std::size_t n = 3 * system_.size();
  return options_.thermostat == ThermostatKind::kLangevin ? n : n - 3;
}

void MdEngine::compute_forces() {
  if (potential_->cutoff_A() > 0) {
    if (neighbors_.update(system_)) {
      // keep positions near the cell so shifts stay small integers of the lattice
    }
    potential_energy_eV_ = potential_->compute(system_, neighbors_.pairs());
  } else {
    static const std::vector<NeighborPair> kNone;
    potential_energy_eV_ = potential_->compute(system_, kNone);
  }
}

void MdEngine::initialize_velocities(double temperature_K) {
  RandomStream rng(options_.seed, "md.velocities");
  for (std::size_t i = 0; i < system_.size(); ++i) {
    const double s = std::sqrt(units::kBoltzmannEvPerK * temperature_K / system_.mass_amu[i] *
                               kAccelerationAPerFs2PerEvPerAAmu);
    system_.velocity_APerFs[i] = s * rng.normal3();
  }
  system_.remove_momentum();
  const std::size_t dof = 3 * system_.size() - 3;
  const double t = system_.temperature_K(dof);
  if (t > 0 && temperature_K > 0) {
    const double scale = std::sqrt(temperature_K / t);
    for (auto& v : system_.velocity_APerFs) v *= scale;
  }
}

void MdEngine::step() {
  const double dt = options_.timestep_fs;
  const std::size_t n = system_.size();
  auto half_kick = [&] {
    for (std::size_t i = 0; i < n; ++i)
      system_.velocity_APerFs[i] += (0.5 * dt * kAccelerationAPerFs2PerEvPerAAmu / system_.mass_amu[i]) *
                                    system_.force_eVPerA[i];
  };
  auto drift = [&](double h) {
    for (std::size_t i = 0; i < n; ++i) system_.position_A[i] += h * system_.velocity_APerFs[i];
  };
  half_kick();
  if (options_.thermostat == ThermostatKind::kLangevin) {
    drift(0.5 * dt);
    const double c1 = std::exp(-options_.friction_per_fs * dt);
    const double c2 = std::sqrt(1.0 - c1 * c1);
    for (std::size_t i = 0; i < n; ++i) {
      const double sigma = std::sqrt(units::kBoltzmannEvPerK * options_.temperature_K / system_.mass_amu[i] *
                                     kAccelerationAPerFs2PerEvPerAAmu);
      system_.velocity_APerFs[i] = c1 * system_.velocity_APerFs[i] + c2 * sigma * thermostat_rng_.normal3();
    }
    drift(0.5 * dt);
  } else {
    drift(dt);
  }
  compute_forces();
  half_kick();
  if (options_.thermostat == ThermostatKind::kBussi) bussi_rescale();
}

void MdEngine::bussi_rescale() {
  // Bussi, Donadio & Parrinello 2007, Eq. (A7).
  const double nf = static_cast<double>(degrees_of_freedom());
  const double k = system_.kinetic_energy_eV();
  if (k <= 0) return;
  const double k_target = 0.5 * nf * units::kBoltzmannEvPerK * options_.temperature_K;
  const double c = std::exp(-options_.timestep_fs / options_.tau_fs);
  const double r1 = thermostat_rng_.normal();
  const double sum_r2 = nf > 1 ? 2.0 * thermostat_rng_.gamma(0.5 * (nf - 1)) : 0.0;
  const double alpha2 = c + (1 - c) * (r1 * r1 + sum_r2) * k_target / (nf * k) +
                        2 * r1 * std::sqrt(c * (1 - c) * k_target / (nf * k));
  double alpha = std::sqrt(std::max(alpha2, 0.0));
  if (r1 + std::sqrt(c * nf * k / ((1 - c) * k_target)) < 0) alpha = -alpha;
  for (auto& v : system_.velocity_APerFs) v *= alpha;
}

void MdEngine::run(std::size_t n_steps) {
  for (std::size_t s = 0; s < n_steps; ++s) step();
}

std::vector<MdSystem> MdEngine::sample(std::size_t equilibration_steps, std::size_t n_snapshots, std::size_t every) {
  if (every == 0) throw InputError("md: snapshot interval must be >= 1 step");
  run(equilibration_steps);
  std::vector<MdSystem> out;
  out.reserve(n_snapshots);
  for (std::size_t s = 0; s < n_snapshots; ++s) {
    run(every);
    out.push_back(system_);
  }
  return out;
}

}  // namespace xasforge::ensemble
