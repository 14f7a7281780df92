#pragma once
/// SOAP power spectrum (Bartók, Kondor & Csányi, PRB 87, 184115 (2013)) with DScribe 2.1's GTO
/// radial basis, normalisation and feature order; definitions in docs/physics.md §7.2
/// (Bartók, Kondor & Csányi, PRB 87, 184115 (2013); (E7.4)–(E7.7)).
#include <cstddef>
#include <vector>

#include <Eigen/Dense>

#include "core/features/gto_radial_basis.hpp"
#include "core/structure/structure.hpp"

namespace xasforge::features {

enum class SoapAverage {
  kOff,    ///< one vector per centre
  kInner,  ///< average the expansion coefficients over centres, then form the power spectrum
  kOuter,  ///< average the power spectra of the centres
};

struct SoapOptions {
  double r_cut_A = 5.0;
  int n_max = 8;
  int l_max = 6;
  double sigma_A = 0.5;      ///< width of the atomic Gaussians (Å)
  std::vector<int> species;  ///< atomic numbers, any order (the features use ascending Z)
  bool periodic = true;      ///< include periodic images (structures with a lattice only)
  SoapAverage average = SoapAverage::kOff;
};

/// Expansion coefficients of one centre: value(s, l, n, m) = c^{Z_s}_{nlm}, s indexing the species
/// in ascending Z.
struct SoapCoefficients {
  int n_species = 0, n_max = 0, l_max = 0;
  std::vector<double> data;
  double& operator()(int s, int l, int n, int m) { return data[index(s, l, n, m)]; }
  double operator()(int s, int l, int n, int m) const { return data[index(s, l, n, m)]; }
  std::size_t index(int s, int l, int n, int m) const {
    const int n_lm = (l_max + 1) * (l_max + 1);
    return static_cast<std::size_t>(((s * n_max + n) * n_lm) + l * l + l + m);
  }
};

class Soap {
 public:
  /// Validates the options: r_cut > 1 Å, n_max >= 1, 0 <= l_max <= 20, sigma > 0, species
  /// non-empty, known and distinct (InputError otherwise).
  explicit Soap(SoapOptions options);

  const SoapOptions& options() const { return options_; }
  /// Species in feature order (ascending Z).
  const std::vector<int>& species() const { return species_; }
  const GtoRadialBasis& basis() const { return basis_; }
  /// Length of one power-spectrum vector: S·n(n+1)/2·(l+1) + S(S−1)/2·n²·(l+1).
  std::size_t n_features() const;

  /// Power spectra centred on the given sites (all sites when empty): one row per centre, or a
  /// single row when averaged. Throws InputError for a site out of range, an element of the
  /// structure missing from the species list, or periodic requested for a structure without a lattice.
  Eigen::MatrixXd create(const structure::Structure& structure, const std::vector<std::size_t>& sites = {}) const;
  /// The same for arbitrary centre positions (Cartesian, Å).
  Eigen::MatrixXd create_at(const structure::Structure& structure, const std::vector<Eigen::Vector3d>& centres_A) const;

  /// Expansion coefficients c^Z_{nlm} around one centre (closed form).
  SoapCoefficients coefficients(const structure::Structure& structure, const Eigen::Vector3d& centre_A) const;
  /// Power spectrum of one set of coefficients, in feature order.
  Eigen::VectorXd power_spectrum(const SoapCoefficients& c) const;

 private:
  void check_structure(const structure::Structure& s) const;
  SoapOptions options_;
  std::vector<int> species_;
  GtoRadialBasis basis_;
};

}  // namespace xasforge::features
