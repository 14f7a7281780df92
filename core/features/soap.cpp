#include "core/features/soap.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <set>
#include <string>

#include "core/elements/element.hpp"
#include "core/error.hpp"
#include "core/features/real_spherical_harmonics.hpp"

namespace xasforge::features {
namespace {

const SoapOptions& validated(const SoapOptions& o) {
  if (!(o.sigma_A > 0.0) || !std::isfinite(o.sigma_A))
    throw InputError("SOAP: sigma must be a positive number of Å, got " + std::to_string(o.sigma_A));
  if (!(o.r_cut_A > 0.0))
    throw InputError("SOAP: r_cut must be > 0 Å (and > 1 Å for the GTO basis), got " + std::to_string(o.r_cut_A));
  if (o.species.empty()) throw InputError("SOAP: the species list is empty");
  std::set<int> seen;
  for (int z : o.species) {
    if (z < 1 || z > elements::kMaxZ)
      throw InputError("SOAP: species Z = " + std::to_string(z) + " is not an element (1.." +
                       std::to_string(elements::kMaxZ) + ")");
    if (!seen.insert(z).second)
      throw InputError("SOAP: species " + std::string(elements::element(z).symbol) + " is listed twice");
  }
  return o;
}

/// ln of the closed-form radial integral ∫ r^{l+2} e^{−A r²} i_l(b r) dr = √π b^l e^{b²/4A} / (2^{l+2} A^{l+3/2}),
/// plus the −r_i²/(2σ²) of the Gaussian's own prefactor.
double log_radial(int l, double a, double b, double r2_over_2sigma2) {
  double v = -r2_over_2sigma2 + b * b / (4.0 * a) + 0.5 * std::log(std::numbers::pi) - (l + 2) * std::numbers::ln2 -
             (l + 1.5) * std::log(a);
  if (l > 0) v += l * std::log(b);
  return v;
}

}  // namespace

Soap::Soap(SoapOptions options)
    : options_(std::move(options)),
      basis_(validated(options_).r_cut_A, options_.n_max, options_.l_max) {
  species_ = options_.species;
  std::sort(species_.begin(), species_.end());
}

std::size_t Soap::n_features() const {
  const std::size_t s = species_.size(), n = static_cast<std::size_t>(options_.n_max),
                    l1 = static_cast<std::size_t>(options_.l_max + 1);
  return s * n * (n + 1) / 2 * l1 + s * (s - 1) / 2 * n * n * l1;
}

void Soap::check_structure(const structure::Structure& s) const {
  std::string missing;
  for (int z : s.species())
    if (!std::binary_search(species_.begin(), species_.end(), z)) {
      if (!missing.empty()) missing += ", ";
      missing += std::string(elements::element(z).symbol);
    }
  if (!missing.empty())
    throw InputError("SOAP: structure '" + s.name + "' contains species not in the SOAP species list: " + missing);
  if (options_.periodic && !s.is_periodic())
    throw InputError("SOAP: periodic = true but structure '" + s.name + "' has no lattice");
}

SoapCoefficients Soap::coefficients(const structure::Structure& s, const Eigen::Vector3d& centre_A) const {
  check_structure(s);
  const int n_max = options_.n_max, l_max = options_.l_max;
  const int n_species = static_cast<int>(species_.size());
  const int n_lm = (l_max + 1) * (l_max + 1);
  const double sigma2 = options_.sigma_A * options_.sigma_A;
  // Atoms whose Gaussian is above 10⁻³ of its peak at r_cut (DScribe's cutoff padding).
  const double r_include = options_.r_cut_A + options_.sigma_A * std::sqrt(-2.0 * std::log(1e-3));
  const double r2_include = r_include * r_include;

  // Unorthonormalised accumulators: raw(s, l, n', m) = Σ_i 4π e^{…} Y_lm(r̂_i) radial_{n′l}(r_i).
  SoapCoefficients raw{n_species, n_max, l_max, std::vector<double>(static_cast<std::size_t>(n_species * n_max * n_lm), 0.0)};
  std::vector<double> ylm;
  auto add_atom = [&](int species_index, const Eigen::Vector3d& d) {
    const double r2 = d.squaredNorm();
    const double r = std::sqrt(r2);
    const bool at_centre = r < 1e-12;
    real_spherical_harmonics(l_max, d, ylm);
    const double b = r / sigma2;
    for (int l = 0; l <= (at_centre ? 0 : l_max); ++l)
      for (int k = 0; k < n_max; ++k) {
        const double a = basis_.alpha(k, l) + 1.0 / (2.0 * sigma2);
        const double radial = 4.0 * std::numbers::pi * std::exp(log_radial(l, a, b, r2 / (2.0 * sigma2)));
        for (int m = -l; m <= l; ++m) raw(species_index, l, k, m) += radial * ylm[static_cast<std::size_t>(lm_index(l, m))];
      }
  };
  auto species_index = [&](int z) {
    return static_cast<int>(std::lower_bound(species_.begin(), species_.end(), z) - species_.begin());
  };

  if (options_.periodic) {
    const auto& lat = s.lattice();
    const Eigen::Matrix3d recip = lat.matrix_A().inverse();
    int n[3];
    for (int i = 0; i < 3; ++i) n[i] = static_cast<int>(std::ceil(r_include * recip.col(i).norm())) + 1;
    // Centre's own cell offset so that images are enumerated around it.
    const Eigen::Vector3d fc = lat.to_fractional(centre_A);
    const Eigen::Vector3d shift(std::floor(fc.x()), std::floor(fc.y()), std::floor(fc.z()));
    for (std::size_t j = 0; j < s.size(); ++j) {
      const Eigen::Vector3d fj = s.site(j).fractional;
      const Eigen::Vector3d base(std::floor(fj.x()), std::floor(fj.y()), std::floor(fj.z()));
      const int si = species_index(s.site(j).z);
      for (int a = -n[0]; a <= n[0]; ++a)
        for (int b = -n[1]; b <= n[1]; ++b)
          for (int c = -n[2]; c <= n[2]; ++c) {
            const Eigen::Vector3d t = Eigen::Vector3d(a, b, c) + shift - base;
            const Eigen::Vector3d d = s.site(j).cartesian_A + lat.to_cartesian_A(t) - centre_A;
            if (d.squaredNorm() <= r2_include) add_atom(si, d);
          }
    }
  } else {
    for (const auto& site : s.sites()) {
      const Eigen::Vector3d d = site.cartesian_A - centre_A;
      if (d.squaredNorm() <= r2_include) add_atom(species_index(site.z), d);
    }
  }

  // Löwdin orthonormalisation: c_{nlm} = Σ_{n′} β^(l)_{nn′} raw_{n′lm}.
  SoapCoefficients c = raw;
  for (int sp = 0; sp < n_species; ++sp)
    for (int l = 0; l <= l_max; ++l) {
      const auto& beta = basis_.beta(l);
      for (int n = 0; n < n_max; ++n)
        for (int m = -l; m <= l; ++m) {
          double sum = 0.0;
          for (int k = 0; k < n_max; ++k) sum += beta(n, k) * raw(sp, l, k, m);
          c(sp, l, n, m) = sum;
        }
    }
  return c;
}

Eigen::VectorXd Soap::power_spectrum(const SoapCoefficients& c) const {
  Eigen::VectorXd p(static_cast<Eigen::Index>(n_features()));
  const int n_species = static_cast<int>(species_.size());
  Eigen::Index k = 0;
  for (int s1 = 0; s1 < n_species; ++s1)
    for (int s2 = s1; s2 < n_species; ++s2)
      for (int l = 0; l <= options_.l_max; ++l) {
        const double prefactor = std::numbers::pi * std::sqrt(8.0 / (2.0 * l + 1.0));
        for (int n1 = 0; n1 < options_.n_max; ++n1)
          for (int n2 = (s1 == s2 ? n1 : 0); n2 < options_.n_max; ++n2) {
            double sum = 0.0;
            for (int m = -l; m <= l; ++m) sum += c(s1, l, n1, m) * c(s2, l, n2, m);
            p(k++) = prefactor * sum;
          }
      }
  return p;
}

Eigen::MatrixXd Soap::create_at(const structure::Structure& s, const std::vector<Eigen::Vector3d>& centres_A) const {
  check_structure(s);
  if (centres_A.empty()) throw InputError("SOAP: no centres given for structure '" + s.name + "'");
  const auto n_feat = static_cast<Eigen::Index>(n_features());
  if (options_.average == SoapAverage::kInner) {
    SoapCoefficients mean;
    for (std::size_t i = 0; i < centres_A.size(); ++i) {
      const auto c = coefficients(s, centres_A[i]);
      if (i == 0)
        mean = c;
      else
        for (std::size_t k = 0; k < c.data.size(); ++k) mean.data[k] += c.data[k];
    }
    for (auto& v : mean.data) v /= static_cast<double>(centres_A.size());
    Eigen::MatrixXd out(1, n_feat);
    out.row(0) = power_spectrum(mean).transpose();
    return out;
  }
  Eigen::MatrixXd rows(static_cast<Eigen::Index>(centres_A.size()), n_feat);
  for (std::size_t i = 0; i < centres_A.size(); ++i)
    rows.row(static_cast<Eigen::Index>(i)) = power_spectrum(coefficients(s, centres_A[i])).transpose();
  if (options_.average == SoapAverage::kOuter) {
    Eigen::MatrixXd out(1, n_feat);
    out.row(0) = rows.colwise().mean();
    return out;
  }
  return rows;
}

Eigen::MatrixXd Soap::create(const structure::Structure& s, const std::vector<std::size_t>& sites) const {
  std::vector<Eigen::Vector3d> centres;
  if (sites.empty()) {
    for (const auto& site : s.sites()) centres.push_back(site.cartesian_A);
  } else {
    for (std::size_t i : sites) {
      if (i >= s.size())
        throw InputError("SOAP: centre site " + std::to_string(i) + " is out of range (structure '" + s.name +
                         "' has " + std::to_string(s.size()) + " sites)");
      centres.push_back(s.site(i).cartesian_A);
    }
  }
  return create_at(s, centres);
}

}  // namespace xasforge::features
