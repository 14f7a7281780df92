// σ² of every path from the dynamical matrix of the cluster (docs/debye_waller.md).
#include "core/scattering/force_constant_dw.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include <Eigen/Eigenvalues>

#include "core/elements/element.hpp"
#include "core/error.hpp"
#include "core/units.hpp"

namespace xasforge::scattering {

namespace {

// CODATA 2014 (the set of core/units.hpp).
constexpr double kHbarJs = 1.054571800e-34;
constexpr double kBoltzmannJK = 1.38064852e-23;
constexpr double kAmuKg = 1.660539040e-27;

// Modes with λ below this fraction of the top of the spectrum count as zero modes.
constexpr double kZeroModeFraction = 1e-9;
// A path is "floppy" when more than this fraction of its weight sits on zero modes.
constexpr double kFloppyWeight = 1e-6;

}  // namespace

ForceConstantModel::ForceConstantModel(Sigma2Method method, const DebyeWallerSettings& s) : method_(method), settings_(s) {
  const std::string n(name());
  if (!(s.temperature_K >= 0.0)) throw InputError(n + ": temperature " + std::to_string(s.temperature_K) + " K must be ≥ 0");
  if (s.recursion_levels < 1) throw InputError(n + ": recursion levels must be ≥ 1");
  if (!(s.force_constant_scale > 0.0)) throw InputError(n + ": force-constant scale must be > 0");
  if (!(s.force_constant_radius_A >= 0.0)) throw InputError(n + ": force-constant radius must be ≥ 0");
}

std::string_view ForceConstantModel::name() const {
  switch (method_) {
    case Sigma2Method::kEquationOfMotion: return "equation-of-motion";
    case Sigma2Method::kRecursion: return "recursion";
    case Sigma2Method::kNormalModes: return "normal-modes";
  }
  return "";
}

void ForceConstantModel::set_cluster(const std::vector<PathAtom>& atoms) {
  std::size_t abs_input = atoms.size();
  for (std::size_t i = 0; i < atoms.size(); ++i) {
    if (atoms[i].ipot == 0) {
      abs_input = i;
      break;
    }
  }
  if (abs_input == atoms.size()) throw InputError(std::string(name()) + ": the cluster has no absorber (potential 0)");
  const Eigen::Vector3d origin = atoms[abs_input].position_A;
  std::vector<Eigen::Vector3d> pos;
  std::vector<int> z;
  std::vector<double> m;
  std::vector<int> local(atoms.size(), -1);
  for (std::size_t i = 0; i < atoms.size(); ++i) {
    const Eigen::Vector3d r = atoms[i].position_A - origin;
    if (settings_.force_constant_radius_A > 0.0 && r.norm() > settings_.force_constant_radius_A + 1e-9) continue;
    local[i] = static_cast<int>(pos.size());
    pos.push_back(r);
    z.push_back(atoms[i].z);
    m.push_back(atoms[i].mass_amu > 0.0 ? atoms[i].mass_amu : elements::element(atoms[i].z).mass_amu);
  }
  ForceConstantOptions fo;
  fo.scale = settings_.force_constant_scale;
  SpringNetwork net = uff_spring_network(pos, z, m, fo);
  const auto abs_local = static_cast<std::size_t>(local[abs_input]);
  set_network(std::move(net), abs_local);
  local_of_input_ = std::move(local);
}

void ForceConstantModel::set_network(SpringNetwork network, std::size_t absorber_index) {
  if (absorber_index >= network.position_A.size()) throw InputError(std::string(name()) + ": absorber index outside the network");
  net_ = std::move(network);
  absorber_ = absorber_index;
  // Positions relative to the absorber, as the paths give them.
  const Eigen::Vector3d origin = net_.position_A[absorber_];
  for (auto& r : net_.position_A) r -= origin;
  d_ = dynamical_matrix(net_);
  lambda_top_ = 0.0;
  for (Eigen::Index r = 0; r < d_.outerSize(); ++r) {
    double row = 0.0;
    for (decltype(d_)::InnerIterator it(d_, r); it; ++it) row += std::abs(it.value());
    lambda_top_ = std::max(lambda_top_, row);
  }
  if (!(lambda_top_ > 0.0)) throw InputError(std::string(name()) + ": the cluster has no springs (no bonded pairs)");
  local_of_input_.clear();
  eigen_ready_ = false;
  ready_ = true;
  diag_ = {};
  diag_.atoms = net_.position_A.size();
  diag_.stretches = net_.stretches.size();
  diag_.bends = net_.bends.size();
}

Eigen::VectorXd ForceConstantModel::path_vector(const std::vector<int>& seq) const {
  // δR_Γ = ½ Σ_j ê_j·(u_{a_j} − u_{a_{j−1}}) over the legs of the closed path (Poiarkova & Rehr
  // 1999, Eq. 4), so c_Γ gets +½ê_j on the atom a leg ends at and −½ê_j on the atom it starts from.
  const std::size_t n = net_.position_A.size();
  Eigen::VectorXd c = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(3 * n));
  std::vector<int> atoms;
  atoms.push_back(static_cast<int>(absorber_));
  atoms.insert(atoms.end(), seq.begin(), seq.end());
  atoms.push_back(static_cast<int>(absorber_));
  for (std::size_t j = 1; j < atoms.size(); ++j) {
    const auto a = static_cast<std::size_t>(atoms[j - 1]), b = static_cast<std::size_t>(atoms[j]);
    if (a >= n || b >= n) throw InputError(std::string(name()) + ": path atom outside the force-constant cluster");
    const Eigen::Vector3d leg = net_.position_A[b] - net_.position_A[a];
    if (leg.norm() < 1e-6) throw InputError(std::string(name()) + ": path has a leg of zero length");
    const Eigen::Vector3d e = leg.normalized();
    c.segment<3>(static_cast<Eigen::Index>(3 * b)) += 0.5 * e;
    c.segment<3>(static_cast<Eigen::Index>(3 * a)) -= 0.5 * e;
  }
  for (std::size_t i = 0; i < n; ++i) c.segment<3>(static_cast<Eigen::Index>(3 * i)) /= std::sqrt(net_.mass_amu[i]);
  return c;
}

double ForceConstantModel::mode_term(double lambda) const {
  // ħ/(2 m ω) coth(ħω/2k_BT) (Poiarkova & Rehr 1999, Eq. 7) with m = 1 amu, ω² = λ (N/m)/amu.
  const double omega = std::sqrt(lambda / kAmuKg);  // rad/s
  const double base = kHbarJs / (2.0 * omega * kAmuKg) * 1e20;  // Å²
  if (settings_.temperature_K <= 0.0) return base;
  const double x = kHbarJs * omega / (2.0 * kBoltzmannJK * settings_.temperature_K);
  return base / std::tanh(x);
}

double ForceConstantModel::normal_modes(const Eigen::VectorXd& q) const {
  if (!eigen_ready_) {
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es{Eigen::MatrixXd(d_)};
    if (es.info() != Eigen::Success) throw PhysicsError("normal-modes: diagonalisation of the dynamical matrix failed");
    eval_ = es.eigenvalues();
    evec_ = es.eigenvectors();
    eigen_ready_ = true;
  }
  const Eigen::VectorXd p = evec_.transpose() * q;
  const double cut = kZeroModeFraction * lambda_top_;
  double s = 0.0, zero_weight = 0.0;
  for (Eigen::Index i = 0; i < p.size(); ++i) {
    const double w = p(i) * p(i);
    if (eval_(i) <= cut) {
      zero_weight += w;
      continue;
    }
    s += w * mode_term(eval_(i));
  }
  if (zero_weight > kFloppyWeight * q.squaredNorm()) ++diag_.floppy_paths;
  return s;
}

double ForceConstantModel::recursion(const Eigen::VectorXd& q) const {
  // Lanczos tridiagonalisation of D from |0⟩ = q/|q| (Poiarkova & Rehr 2001, Eqs. 5–8): the
  // continued fraction of ⟨0|(z − D)⁻¹|0⟩ truncated at n levels is n poles λ_i (eigenvalues of the
  // tridiagonal matrix) with weights = squared first components of its eigenvectors.
  const double norm2 = q.squaredNorm();
  const int levels = std::min<int>(settings_.recursion_levels, static_cast<int>(q.size()));
  std::vector<Eigen::VectorXd> basis;
  std::vector<double> alpha, beta;
  basis.push_back(q / std::sqrt(norm2));
  for (int j = 0; j < levels; ++j) {
    Eigen::VectorXd w = d_ * basis.back();
    const double a = basis.back().dot(w);
    alpha.push_back(a);
    if (j + 1 == levels) break;
    // Full re-orthogonalisation keeps the few vectors orthogonal in floating point.
    for (const auto& v : basis) w -= v.dot(w) * v;
    for (const auto& v : basis) w -= v.dot(w) * v;
    const double b = w.norm();
    if (b <= 1e-12 * lambda_top_) break;  // invariant subspace: the fraction is exact
    beta.push_back(b);
    basis.push_back(w / b);
  }
  const auto n = static_cast<Eigen::Index>(alpha.size());
  Eigen::MatrixXd t = Eigen::MatrixXd::Zero(n, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    t(i, i) = alpha[static_cast<std::size_t>(i)];
    if (i + 1 < n) t(i, i + 1) = t(i + 1, i) = beta[static_cast<std::size_t>(i)];
  }
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(t);
  const double cut = kZeroModeFraction * lambda_top_;
  double s = 0.0, zero_weight = 0.0;
  for (Eigen::Index i = 0; i < n; ++i) {
    const double w = es.eigenvectors()(0, i) * es.eigenvectors()(0, i);
    if (es.eigenvalues()(i) <= cut) {
      zero_weight += w;
      continue;
    }
    s += w * mode_term(es.eigenvalues()(i));
  }
  if (zero_weight > kFloppyWeight) ++diag_.floppy_paths;
  return norm2 * s;
}

double ForceConstantModel::equation_of_motion(const Eigen::VectorXd& q) const {
  // Poiarkova & Rehr 1999, Eqs. 10–13: integrate d²x/dt² = −D x from x(0) = |0⟩ = q/|q|,
  // ẋ(0) = 0, record G(t) = ⟨0|x(t)⟩ = ∫ρ(ω) cos ωt dω, and recover the projected density ρ(ω) by a
  // damped cosine transform. The step is h = 2π/(15 ω_max) as in the paper. With the central-
  // difference (Verlet) integrator x_{n+1} = 2x_n − x_{n−1} − h²D x_n, every mode advances by the
  // exact phase θ = arccos(1 − h²ω²/2) per step, so G_n = Σ_s w_s cos nθ_s: the density is taken
  // in θ and mapped back with ω = (2/h) sin(θ/2), which removes the integrator's dispersion error.
  const double norm2 = q.squaredNorm();
  const Eigen::VectorXd q0 = q / std::sqrt(norm2);
  const double omega_top = std::sqrt(lambda_top_);            // ≥ the largest mode frequency
  const double h = 2.0 * units::kPi / (15.0 * omega_top);
  const double theta_top = 2.0 * std::asin(std::min(1.0, 0.5 * h * omega_top));
  // Gaussian resolution of the density: 1.5 % of the band (damping e^{−(nσ)²/2} of G_n).
  const double sig = 0.015 * theta_top;
  const int nsteps = static_cast<int>(std::ceil(6.0 / sig));
  std::vector<double> g(static_cast<std::size_t>(nsteps) + 1);
  Eigen::VectorXd prev = q0, cur = q0 - 0.5 * h * h * (d_ * q0), next;
  g[0] = 1.0;
  g[1] = q0.dot(cur);
  for (int n = 1; n < nsteps; ++n) {
    next = 2.0 * cur - prev - h * h * (d_ * cur);
    prev.swap(cur);
    cur.swap(next);
    g[static_cast<std::size_t>(n) + 1] = q0.dot(cur);
  }
  for (int n = 0; n <= nsteps; ++n) g[static_cast<std::size_t>(n)] *= std::exp(-0.5 * (n * sig) * (n * sig));
  // ρ(θ) = (1/π)[G_0 + 2 Σ_n G_n cos nθ] = Σ_s w_s [N(θ − θ_s) + N(θ + θ_s)], N of width sig.
  auto rho = [&](double theta) {
    const double c1 = std::cos(theta);
    double cm1 = c1, c0 = 1.0, sum = g[0];  // cos(−θ), cos 0
    for (int n = 1; n <= nsteps; ++n) {
      const double cn = 2.0 * c1 * c0 - cm1;
      cm1 = c0;
      c0 = cn;
      sum += 2.0 * g[static_cast<std::size_t>(n)] * cn;
    }
    return sum / units::kPi;
  };
  // Below θ_c the density is the tails of the lowest modes' Gaussians, which the 1/ω² of the
  // weight would blow up; there ρ is continued as A θ⁴, the small-ω law of a relative-displacement
  // density (Poiarkova & Rehr 1999, Sec. II B).
  const double theta_c = 3.0 * sig;
  const double rho_c = rho(theta_c);
  const double step = 0.25 * sig;
  const double theta_end = std::min(units::kPi, theta_top + 6.0 * sig);
  const int ng = static_cast<int>(std::ceil(theta_end / step));
  double s = 0.0, sum_rule = 0.0;
  for (int i = 1; i <= ng; ++i) {  // θ = 0 contributes nothing (ρ ∝ θ⁴ against 1/θ²)
    const double theta = i * step;
    const double r = theta < theta_c ? rho_c * std::pow(theta / theta_c, 4) : rho(theta);
    const double wgt = (i == ng ? 0.5 : 1.0) * step;
    const double omega = 2.0 / h * std::sin(0.5 * theta);
    s += wgt * r * mode_term(omega * omega);
    sum_rule += wgt * r;
  }
  diag_.max_sum_rule_error = std::max(diag_.max_sum_rule_error, std::abs(sum_rule - 1.0));
  return norm2 * s;
}

double ForceConstantModel::sigma2_of_sequence(const std::vector<int>& seq, double* reduced_mass_amu) const {
  if (!ready_) throw InputError(std::string(name()) + ": no cluster given (this model needs the atoms around the absorber)");
  const Eigen::VectorXd q = path_vector(seq);
  if (reduced_mass_amu) *reduced_mass_amu = 1.0 / q.squaredNorm();
  ++diag_.paths;
  switch (method_) {
    case Sigma2Method::kNormalModes: return normal_modes(q);
    case Sigma2Method::kRecursion: return recursion(q);
    case Sigma2Method::kEquationOfMotion: return equation_of_motion(q);
  }
  return 0.0;
}

double ForceConstantModel::sigma2_A2(const ScatteringPath& path, int /*absorber_z*/) const {
  if (!ready_) {
    throw InputError(std::string(name()) + ": path " + std::to_string(path.index) +
                     ": no cluster given (force-constant models need the atoms, not only the paths)");
  }
  std::vector<int> seq;
  for (std::size_t j = 0; j < path.scatterers_A.size(); ++j) {
    int local = -1;
    if (j < path.atom_index.size() && path.atom_index[j] >= 0 &&
        static_cast<std::size_t>(path.atom_index[j]) < local_of_input_.size()) {
      local = local_of_input_[static_cast<std::size_t>(path.atom_index[j])];
    } else {
      // Match by position (0.01 Å, as FEFF matches path atoms to its ATOMS list).
      for (std::size_t a = 0; a < net_.position_A.size(); ++a) {
        if ((net_.position_A[a] - path.scatterers_A[j]).norm() < 0.01) {
          local = static_cast<int>(a);
          break;
        }
      }
    }
    if (local < 0) {
      throw InputError(std::string(name()) + ": path " + std::to_string(path.index) + ": scatterer " + std::to_string(j + 1) +
                       " is not in the force-constant cluster (increase force_constant_radius)");
    }
    seq.push_back(local);
  }
  return sigma2_of_sequence(seq);
}

HybridDebyeWallerModel::HybridDebyeWallerModel(const DebyeWallerSettings& settings)
    : debye_(settings), recursion_(Sigma2Method::kRecursion, settings) {}

bool HybridDebyeWallerModel::metallic_path(const ScatteringPath& path, int absorber_z) {
  if (path.z.size() != path.scatterers_A.size()) {
    throw InputError("hybrid: path " + std::to_string(path.index) + ": the atomic number of every scatterer is needed");
  }
  if (!elements::is_metal(absorber_z)) return false;
  for (const int z : path.z) {
    if (!elements::is_metal(z)) return false;
  }
  return true;
}

void HybridDebyeWallerModel::set_cluster(const std::vector<PathAtom>& atoms) {
  fc_ready_ = false;
  for (const auto& a : atoms) {
    if (!elements::is_metal(a.z)) {
      recursion_.set_cluster(atoms);
      fc_ready_ = true;
      return;
    }
  }
}

double HybridDebyeWallerModel::sigma2_A2(const ScatteringPath& path, int absorber_z) const {
  if (metallic_path(path, absorber_z)) {
    ++debye_paths_;
    return debye_.sigma2_A2(path, absorber_z);
  }
  if (!fc_ready_) {
    throw InputError("hybrid: path " + std::to_string(path.index) +
                     " has a non-metal atom but no cluster with one was given (the model needs the atoms, not only the paths)");
  }
  ++fc_paths_;
  return recursion_.sigma2_A2(path, absorber_z);
}

}  // namespace xasforge::scattering
