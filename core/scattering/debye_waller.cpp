// Debye–Waller models (Sevillano, Meuth & Rehr, PRB 20, 4908 (1979); docs/physics.md §4).
#include "core/scattering/debye_waller.hpp"

#include <array>
#include <cmath>
#include <string>

#include "core/elements/element.hpp"
#include "core/error.hpp"
#include "core/scattering/force_constant_dw.hpp"
#include "core/units.hpp"

namespace xasforge::scattering {

namespace {

// ħ²/(k_B·amu) in Å² K (docs/physics.md §4.1); half of it is Larch's 24.25436 (§4.2).
constexpr double kHbar2OverKbAmu = 48.50875;

double mass_of(const ScatteringPath& path, std::size_t j) {
  if (j < path.mass_amu.size() && path.mass_amu[j] > 0.0) return path.mass_amu[j];
  if (j < path.z.size()) return elements::element(path.z[j]).mass_amu;
  throw InputError("path " + std::to_string(path.index) + ": scatterer " + std::to_string(j + 1) +
                   " has neither a mass nor an atomic number");
}

// Gauss–Kronrod 7/15 nodes and weights on [−1, 1] (Piessens et al., QUADPACK qk15).
constexpr std::array<double, 8> kXgk = {0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
                                        0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
                                        0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
                                        0.207784955007898467600689403773245, 0.000000000000000000000000000000000};
constexpr std::array<double, 8> kWgk = {0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
                                        0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
                                        0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
                                        0.204432940075298892414161999234649, 0.209482141084727828012999174891714};
constexpr std::array<double, 4> kWg = {0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
                                       0.381830050505118944950369775488975, 0.417959183673469387755102040816327};

template <class F>
double gk15(const F& f, double a, double b, double& err) {
  const double c = 0.5 * (a + b), h = 0.5 * (b - a);
  const double fc = f(c);
  double rk = fc * kWgk[7], rg = fc * kWg[3];
  for (int j = 0; j < 7; ++j) {
    const double x = h * kXgk[static_cast<std::size_t>(j)];
    const double s = f(c - x) + f(c + x);
    rk += kWgk[static_cast<std::size_t>(j)] * s;
    if (j % 2 == 1) rg += kWg[static_cast<std::size_t>(j / 2)] * s;
  }
  err = std::abs((rk - rg) * h);
  return rk * h;
}

template <class F>
double adaptive_gk(const F& f, double a, double b, double tol, int depth) {
  double err = 0.0;
  const double v = gk15(f, a, b, err);
  if (err <= tol * std::max(std::abs(v), 1e-300) || depth >= 30) return v;
  const double m = 0.5 * (a + b);
  return adaptive_gk(f, a, m, tol, depth + 1) + adaptive_gk(f, m, b, tol, depth + 1);
}

}  // namespace

double path_reduced_mass_amu(const ScatteringPath& path, int absorber_z) {
  double inv = 1.0 / elements::element(absorber_z).mass_amu;
  for (std::size_t j = 0; j < path.scatterers_A.size(); ++j) inv += 1.0 / mass_of(path, j);
  return 1.0 / inv;
}

CorrelatedDebyeModel::CorrelatedDebyeModel(const DebyeWallerSettings& s)
    : t_K_(s.temperature_K), theta_K_(s.debye_temperature_K) {
  if (!(s.temperature_K >= 0.0)) throw InputError("correlated-debye: temperature " + std::to_string(s.temperature_K) + " K must be ≥ 0");
  if (!(s.debye_temperature_K > 0.0)) {
    throw InputError("correlated-debye: Debye temperature " + std::to_string(s.debye_temperature_K) + " K must be > 0");
  }
  if (!(s.rnorm_avg_A > 0.0)) {
    throw InputError("correlated-debye: average Norman radius r_norm,av must be > 0 (it comes from the phase-shift provider)");
  }
  kd_invA_ = std::cbrt(4.5 * units::kPi) / s.rnorm_avg_A;  // k_D = (6π²n)^{1/3}, n = 3/(4π r_s³)
}

double CorrelatedDebyeModel::integral(double x) const {
  const long long key = std::llround(x * 1e9);
  if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  const double a = theta_K_ / (2.0 * t_K_);  // T = 0 gives a = ∞: coth → 1
  auto f = [x, a, this](double w) {
    const double s = x < 1e-12 ? w : std::sin(w * x) / x;                 // r → 0 limit: w
    if (t_K_ <= 0.0) return s;
    const double arg = w * a;
    if (arg < 1e-8) return x < 1e-12 ? 1.0 / a : s / arg;                 // w → 0: 2T/Θ (s ≈ w)
    return s / std::tanh(arg);
  };
  const double v = adaptive_gk(f, 0.0, 1.0, 1e-10, 0);
  cache_.emplace(key, v);
  return v;
}

double CorrelatedDebyeModel::correlation_A2(double r_A, double ma, double mb) const {
  // C_ab(r) = 3ħ²/(2 k_B Θ_D sqrt(m_a m_b)) ∫_0^1 dw sin(w k_D r)/(k_D r) coth(wΘ_D/2T)
  return 3.0 * kHbar2OverKbAmu / (2.0 * theta_K_ * std::sqrt(ma * mb)) * integral(kd_invA_ * r_A);
}

double CorrelatedDebyeModel::sigma2_A2(const ScatteringPath& path, int absorber_z) const {
  const std::size_t n = path.scatterers_A.size() + 1;  // legs
  std::vector<Eigen::Vector3d> r(n + 1, Eigen::Vector3d::Zero());
  std::vector<double> m(n + 1, elements::element(absorber_z).mass_amu);
  for (std::size_t j = 0; j + 1 < n; ++j) {
    r[j + 1] = path.scatterers_A[j];
    m[j + 1] = path.ipot.size() > j && path.ipot[j] == 0 ? m[0] : mass_of(path, j);
  }
  std::vector<Eigen::Vector3d> e(n + 1);
  for (std::size_t j = 1; j <= n; ++j) e[j] = (r[j] - r[j - 1]).normalized();
  auto c = [&](std::size_t a, std::size_t b) { return correlation_A2((r[a] - r[b]).norm(), m[a], m[b]); };
  double sum = 0.0;
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = i; j <= n; ++j) {
      const double term = e[i].dot(e[j]) * (c(i, j) + c(i - 1, j - 1) - c(i, j - 1) - c(i - 1, j));
      sum += (i == j ? 1.0 : 2.0) * term;  // FEFF sums i ≤ j and doubles i ≠ j
    }
  }
  return 0.25 * sum;
}

CorrelatedEinsteinModel::CorrelatedEinsteinModel(const DebyeWallerSettings& s)
    : t_K_(s.temperature_K), theta_K_(s.einstein_temperature_K) {
  if (!(s.temperature_K >= 0.0)) throw InputError("correlated-einstein: temperature " + std::to_string(s.temperature_K) + " K must be ≥ 0");
  if (!(s.einstein_temperature_K > 0.0)) {
    throw InputError("correlated-einstein: Einstein temperature " + std::to_string(s.einstein_temperature_K) +
                     " K must be > 0");
  }
}

double CorrelatedEinsteinModel::sigma2_for_reduced_mass(double mu_amu) const {
  const double coth = t_K_ <= 0.0 ? 1.0 : 1.0 / std::tanh(theta_K_ / (2.0 * t_K_));
  return 0.5 * kHbar2OverKbAmu / (mu_amu * theta_K_) * coth;
}

double CorrelatedEinsteinModel::sigma2_A2(const ScatteringPath& path, int absorber_z) const {
  return sigma2_for_reduced_mass(path_reduced_mass_amu(path, absorber_z));
}

ConstantSigma2Model::ConstantSigma2Model(double sigma2_A2) : sigma2_(sigma2_A2) {
  if (!(sigma2_A2 >= 0.0)) throw InputError("constant: σ² = " + std::to_string(sigma2_A2) + " Å² must be ≥ 0");
}

std::vector<std::string> debye_waller_model_names() {
  return {"correlated-debye", "correlated-einstein", "constant", "none", "equation-of-motion", "recursion", "normal-modes", "hybrid"};
}

std::unique_ptr<DebyeWallerModel> make_debye_waller_model(std::string_view name, const DebyeWallerSettings& settings) {
  if (name == "correlated-debye") return std::make_unique<CorrelatedDebyeModel>(settings);  // Sevillano, Meuth & Rehr 1979
  if (name == "correlated-einstein") return std::make_unique<CorrelatedEinsteinModel>(settings);
  if (name == "constant") return std::make_unique<ConstantSigma2Model>(settings.sigma2_A2);
  if (name == "none") return std::make_unique<NoDebyeWallerModel>();
  // Poiarkova & Rehr, PRB 59, 948 (1999) and J. Synchrotron Rad. 8, 313 (2001).
  if (name == "equation-of-motion") return std::make_unique<ForceConstantModel>(Sigma2Method::kEquationOfMotion, settings);
  if (name == "recursion") return std::make_unique<ForceConstantModel>(Sigma2Method::kRecursion, settings);
  if (name == "normal-modes") return std::make_unique<ForceConstantModel>(Sigma2Method::kNormalModes, settings);
  // Recursion for paths with a non-metal atom, correlated Debye for all-metal paths.
  if (name == "hybrid") return std::make_unique<HybridDebyeWallerModel>(settings);
  std::string valid;
  for (const auto& n : debye_waller_model_names()) valid += (valid.empty() ? "" : ", ") + n;
  throw InputError("sigma2 model: unknown model '" + std::string(name) + "'; expected one of: " + valid);
}

}  // namespace xasforge::scattering
