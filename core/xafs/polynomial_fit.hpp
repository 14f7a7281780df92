#pragma once
/// Least-squares polynomials for the pre-edge line, the post-edge curve and flattening.
#include <cstddef>
#include <vector>

namespace xasforge::xafs {

/// y ≈ Σ_{p in powers} c_p x^p fitted by least squares. The fit is done in the centred, scaled
/// variable (x − x̄)/s, so energies of ~10⁴ eV with x² terms stay well conditioned; the result
/// is the same polynomial numpy.polyfit finds, up to round-off.
class PolynomialFit {
 public:
  /// powers: which monomials are free (e.g. {0, 1, 2}); points with non-finite x or y are
  /// skipped (Larch's remove_nans2). Throws InputError if fewer finite points than powers.
  PolynomialFit(const std::vector<double>& x, const std::vector<double>& y, const std::vector<int>& powers);
  double operator()(double x) const;

 private:
  std::vector<int> powers_;
  std::vector<double> coefficients_;  // in the scaled variable
  double centre_ = 0.0;
  double scale_ = 1.0;
};

}  // namespace xasforge::xafs
