#include "core/ensemble/potential.hpp"

#include "core/ensemble/einstein_crystal.hpp"
#include "core/ensemble/pair_potentials.hpp"
#include "core/ensemble/sutton_chen.hpp"
#include "core/error.hpp"

namespace xasforge::ensemble {

namespace {
double need(const std::map<std::string, double>& params, std::string_view potential, const std::string& key) {
  const auto it = params.find(key);
  if (it == params.end())
    throw InputError("potential '" + std::string(potential) + "': missing parameter '" + key + "'");
  return it->second;
}
double get(const std::map<std::string, double>& params, const std::string& key, double fallback) {
  const auto it = params.find(key);
  return it == params.end() ? fallback : it->second;
}
}  // namespace

std::unique_ptr<Potential> make_potential(std::string_view name, const std::map<std::string, double>& params,
                                          const MdSystem& reference) {
  if (name == "lennard_jones") {
    LennardJonesEvaluator e{need(params, name, "epsilon_eV"), need(params, name, "sigma_A"), 0.0};
    e.cutoff_A = get(params, "cutoff_A", 2.5 * e.sigma_A);
    return std::make_unique<PairPotential<LennardJonesEvaluator>>(e);
  }
  if (name == "morse") {
    MorseEvaluator e{need(params, name, "d_eV"), need(params, name, "alpha_invA"), need(params, name, "r0_A"), 0.0};
    e.cutoff_A = get(params, "cutoff_A", e.r0_A + 5.0 / e.alpha_invA);
    return std::make_unique<PairPotential<MorseEvaluator>>(e);
  }
  if (name == "sutton_chen") {  // Sutton & Chen, Phil. Mag. Lett. 61, 139 (1990)
    SuttonChenParameters p;
    if (params.count("element")) {
      const int z = static_cast<int>(params.at("element"));
      const auto table = sutton_chen_parameters(z);
      if (!table)
        throw InputError("potential 'sutton_chen': no published parameters for Z = " + std::to_string(z) +
                         "; available: Al, Ni, Cu, Rh, Pd, Ag, Ir, Pt, Au, Pb (or give epsilon_eV, a_A, c, n, m)");
      p = *table;
    } else {
      p.epsilon_eV = need(params, name, "epsilon_eV");
      p.a_A = need(params, name, "a_A");
      p.c = need(params, name, "c");
      p.n = static_cast<int>(need(params, name, "n"));
      p.m = static_cast<int>(need(params, name, "m"));
    }
    p.cutoff_A = get(params, "cutoff_A", 0.0);
    p.smooth = get(params, "smooth", 1.0) != 0.0;
    return std::make_unique<SuttonChenPotential>(p);
  }
  if (name == "einstein") return std::make_unique<EinsteinCrystalPotential>(reference, need(params, name, "theta_K"));
  throw InputError("unknown potential '" + std::string(name) +
                   "'; expected one of: lennard_jones, morse, sutton_chen, einstein");
}

}  // namespace xasforge::ensemble
