#pragma once
/// Pair potentials as inlined evaluators and the loop that applies them.
///
/// Each evaluator returns, for a squared distance r² < r_c², the energy V(r) − V(r_c) (shifted so
/// the energy is continuous at the cut-off) and f/r = −(1/r) dV/dr, so that the force on j is
/// (f/r)·r_ij and on i the opposite.
#include <cmath>
#include <string>
#include <vector>

#include "core/ensemble/potential.hpp"

namespace xasforge::ensemble {

/// V(r) = 4ε[(σ/r)¹² − (σ/r)⁶]; −(1/r)dV/dr = (24ε/r²)[2(σ/r)¹² − (σ/r)⁶].
struct LennardJonesEvaluator {
  double epsilon_eV = 0.0;
  double sigma_A = 1.0;
  double cutoff_A = 2.5;
  double raw(double r2) const {
    const double s6 = std::pow(sigma_A * sigma_A / r2, 3);
    return 4.0 * epsilon_eV * (s6 * s6 - s6);
  }
  void evaluate(double r2, double& energy_eV, double& f_over_r) const {
    const double s6 = std::pow(sigma_A * sigma_A / r2, 3);
    energy_eV = 4.0 * epsilon_eV * (s6 * s6 - s6) - raw(cutoff_A * cutoff_A);
    f_over_r = 24.0 * epsilon_eV * (2.0 * s6 * s6 - s6) / r2;
  }
  static std::string name() { return "lennard_jones"; }
};

/// Morse: V(r) = D[e^{−2α(r−r0)} − 2e^{−α(r−r0)}] (minimum −D at r0);
/// dV/dr = 2αD[e^{−α(r−r0)} − e^{−2α(r−r0)}].
struct MorseEvaluator {
  double d_eV = 0.0;
  double alpha_invA = 1.0;
  double r0_A = 1.0;
  double cutoff_A = 5.0;
  double raw(double r) const {
    const double e = std::exp(-alpha_invA * (r - r0_A));
    return d_eV * (e * e - 2.0 * e);
  }
  void evaluate(double r2, double& energy_eV, double& f_over_r) const {
    const double r = std::sqrt(r2);
    const double e = std::exp(-alpha_invA * (r - r0_A));
    energy_eV = d_eV * (e * e - 2.0 * e) - raw(cutoff_A);
    f_over_r = -2.0 * alpha_invA * d_eV * (e - e * e) / r;
  }
  static std::string name() { return "morse"; }
};

template <class Evaluator>
class PairPotential final : public Potential {
 public:
  explicit PairPotential(Evaluator evaluator) : evaluator_(evaluator) {}
  double cutoff_A() const override { return evaluator_.cutoff_A; }
  std::string name() const override { return Evaluator::name(); }
  double compute(MdSystem& system, const std::vector<NeighborPair>& pairs) const override {
    for (auto& f : system.force_eVPerA) f.setZero();
    const double rc2 = evaluator_.cutoff_A * evaluator_.cutoff_A;
    double energy = 0.0;
    for (const auto& p : pairs) {
      const Eigen::Vector3d d = system.position_A[p.j] + p.shift_A - system.position_A[p.i];
      const double r2 = d.squaredNorm();
      if (r2 >= rc2) continue;
      double e = 0.0;
      double f_over_r = 0.0;
      evaluator_.evaluate(r2, e, f_over_r);
      energy += e;
      const Eigen::Vector3d f = f_over_r * d;
      system.force_eVPerA[p.j] += f;
      system.force_eVPerA[p.i] -= f;
    }
    return energy;
  }
  const Evaluator& evaluator() const { return evaluator_; }

 private:
  Evaluator evaluator_;
};

}  // namespace xasforge::ensemble
