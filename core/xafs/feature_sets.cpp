#include "core/xafs/feature_sets.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "core/error.hpp"
#include "core/xafs/cauchy_wavelet.hpp"
#include "core/xafs/fourier_transform.hpp"
#include "core/xafs/ft_window.hpp"
#include "core/xafs/spectral_features.hpp"

namespace xasforge::xafs {
namespace {

constexpr double kTransformStep = 0.05;  // xftf kstep (Larch default; the campaign's k grid step)

bool known_block(const std::string& n) {
  return n == "chir_mag" || n == "chir_re" || n == "chir_im" || n == "chik" || n == "wavelet" || n == "peaks";
}

std::vector<double> r_grid(const FeatureSetSpec& s) {
  const auto n = static_cast<std::size_t>(std::floor((s.rmax_A - s.rmin_A) / s.r_step_A + 1e-9)) + 1;
  std::vector<double> r(n);
  for (std::size_t i = 0; i < n; ++i) r[i] = s.rmin_A + static_cast<double>(i) * s.r_step_A;
  return r;
}

std::vector<double> k_grid(const FeatureSetSpec& s) {
  const auto n = static_cast<std::size_t>(std::floor((s.kmax_invA - s.kmin_invA) / s.k_step_invA + 1e-9)) + 1;
  std::vector<double> k(n);
  for (std::size_t i = 0; i < n; ++i) k[i] = s.kmin_invA + static_cast<double>(i) * s.k_step_invA;
  return k;
}

std::size_t block_size(const FeatureSetSpec& s, const FeatureBlock& b) {
  if (b.name == "chik") return k_grid(s).size();
  if (b.name == "wavelet") return r_grid(s).size() + k_grid(s).size();
  if (b.name == "peaks") return 2 * static_cast<std::size_t>(s.n_peaks);
  return r_grid(s).size();
}

/// Linear interpolation of values v on the ascending grid x at the points q, as the campaign's
/// xftf stage samples |chi(R)| (nearest interval, fraction clamped to [0, 1]).
std::vector<double> sample(const std::vector<double>& x, const std::vector<double>& v, const std::vector<double>& q) {
  std::vector<double> out(q.size());
  for (std::size_t i = 0, j = 0; i < q.size(); ++i) {
    while (j + 2 < x.size() && x[j + 1] < q[i]) ++j;
    const double t = std::clamp((q[i] - x[j]) / (x[j + 1] - x[j]), 0.0, 1.0);
    out[i] = v[j] + t * (v[j + 1] - v[j]);
  }
  return out;
}

}  // namespace

std::string FeatureSetSpec::blocks_text() const {
  std::string out;
  for (const auto& b : blocks) {
    if (!out.empty()) out += ',';
    out += b.name + ':' + std::to_string(b.kweight);
  }
  return out;
}

FeatureSetSpec parse_feature_set(std::string_view text, int default_kweight) {
  FeatureSetSpec spec;
  std::stringstream in{std::string(text)};
  std::string part;
  while (std::getline(in, part, ',')) {
    part.erase(std::remove_if(part.begin(), part.end(), [](unsigned char c) { return std::isspace(c); }), part.end());
    if (part.empty()) continue;
    FeatureBlock b;
    b.kweight = default_kweight;
    const auto colon = part.find(':');
    b.name = part.substr(0, colon);
    if (!known_block(b.name))
      throw InputError("feature set: unknown block '" + b.name +
                       "'; expected chir_mag, chir_re, chir_im, chik, wavelet or peaks (each optionally :kweight)");
    if (colon != std::string::npos) {
      const std::string w = part.substr(colon + 1);
      if (w.size() != 1 || w[0] < '0' || w[0] > '3')
        throw InputError("feature set: block '" + part + "': the k-weight must be 0, 1, 2 or 3");
      b.kweight = w[0] - '0';
    }
    if (b.kweight < 0 || b.kweight > 3) throw InputError("feature set: k-weight " + std::to_string(b.kweight) + " outside 0..3");
    if (std::find(spec.blocks.begin(), spec.blocks.end(), b) != spec.blocks.end())
      throw InputError("feature set: block '" + b.name + ":" + std::to_string(b.kweight) + "' is listed twice");
    spec.blocks.push_back(b);
  }
  if (spec.blocks.empty()) throw InputError("feature set: '" + std::string(text) + "' names no block");
  return spec;
}

void check_feature_set(const FeatureSetSpec& s) {
  if (s.blocks.empty()) throw InputError("feature set: no block");
  if (!(s.kmin_invA >= 0 && s.kmax_invA > s.kmin_invA)) throw InputError("feature set: k range must satisfy 0 <= kmin < kmax");
  if (!(s.rmin_A >= 0 && s.rmax_A > s.rmin_A)) throw InputError("feature set: R range must satisfy 0 <= rmin < rmax");
  if (!(s.r_step_A > 0) || !(s.k_step_invA > 0) || !(s.dk_invA >= 0)) throw InputError("feature set: steps must be > 0, dk >= 0");
  if (s.n_peaks < 1 || s.n_peaks > 20) throw InputError("feature set: n_peaks must be 1..20");
  (void)parse_window(s.window);
}

std::size_t feature_set_size(const FeatureSetSpec& spec) {
  std::size_t n = 0;
  for (const auto& b : spec.blocks) n += block_size(spec, b);
  return n;
}

std::vector<double> feature_set_abscissae(const FeatureSetSpec& spec) {
  std::vector<double> out;
  const auto r = r_grid(spec), k = k_grid(spec);
  for (const auto& b : spec.blocks) {
    if (b.name == "chik") out.insert(out.end(), k.begin(), k.end());
    else if (b.name == "wavelet") {
      out.insert(out.end(), r.begin(), r.end());
      out.insert(out.end(), k.begin(), k.end());
    } else if (b.name == "peaks") {
      for (int p = 0; p < spec.n_peaks; ++p) out.insert(out.end(), {-1.0 - p, -1.0 - p});  // no fixed R
    } else
      out.insert(out.end(), r.begin(), r.end());
  }
  return out;
}

std::vector<std::string> feature_set_labels(const FeatureSetSpec& spec) {
  std::vector<std::string> out;
  const auto r = r_grid(spec), k = k_grid(spec);
  char buf[96];
  for (const auto& b : spec.blocks) {
    const std::string head = b.name + ":" + std::to_string(b.kweight);
    auto push = [&](const char* what, double x) {
      std::snprintf(buf, sizeof buf, "%s%s@%.3f", head.c_str(), what, x);
      out.emplace_back(buf);
    };
    if (b.name == "chik") for (double x : k) push("", x);
    else if (b.name == "wavelet") {
      for (double x : r) push("_r", x);
      for (double x : k) push("_k", x);
    } else if (b.name == "peaks") {
      for (int p = 0; p < spec.n_peaks; ++p) {
        out.push_back(head + "_position" + std::to_string(p + 1));
        out.push_back(head + "_height" + std::to_string(p + 1));
      }
    } else
      for (double x : r) push("", x);
  }
  return out;
}

std::vector<double> compute_feature_set(const FeatureSetSpec& spec, const std::vector<double>& k_all,
                                        const std::vector<double>& chi_all, const std::string& where) {
  check_feature_set(spec);
  if (k_all.size() != chi_all.size())
    throw InputError(where + ": k has " + std::to_string(k_all.size()) + " points, chi " + std::to_string(chi_all.size()));
  // As the campaign's xftf stage: leading non-finite values (a spectrum that starts late) become
  // 0 when the window is 0 there anyway (k <= kmin - dk/2); the finite run that follows is used
  // (a simulated spectrum ends, NaN, where its phase-shift grid ends).
  std::vector<double> chi_filled = chi_all;
  std::size_t first = 0;
  while (first < chi_filled.size() && !std::isfinite(chi_filled[first])) ++first;
  if (first > 0 && first < chi_filled.size() && k_all[first] <= spec.kmin_invA - 0.5 * spec.dk_invA + 1e-9)
    std::fill(chi_filled.begin(), chi_filled.begin() + static_cast<std::ptrdiff_t>(first), 0.0);
  else if (first > 0)
    throw InputError(where + ": chi(k) is not finite up to k = " + std::to_string(k_all[first < k_all.size() ? first : 0]) +
                     " Å⁻¹, inside the transform window");
  std::size_t end = 0;
  while (end < chi_filled.size() && std::isfinite(chi_filled[end]) && std::isfinite(k_all[end])) ++end;
  if (end < 4) throw InputError(where + ": chi(k) has fewer than 4 finite points");
  const std::vector<double> k(k_all.begin(), k_all.begin() + static_cast<std::ptrdiff_t>(end));
  const std::vector<double> chi(chi_filled.begin(), chi_filled.begin() + static_cast<std::ptrdiff_t>(end));
  for (std::size_t i = 1; i < k.size(); ++i)
    if (!(k[i] > k[i - 1])) throw InputError(where + ": k is not increasing at point " + std::to_string(i + 1));

  const std::vector<double> r = r_grid(spec), kq = k_grid(spec);
  XftfOptions o;
  o.kmin_invA = spec.kmin_invA;
  o.kmax_invA = spec.kmax_invA;
  o.dk_invA = spec.dk_invA;
  o.window = parse_window(spec.window);
  o.rmax_out_A = spec.rmax_A + 1.0;
  o.kstep_invA = kTransformStep;

  std::vector<double> out;
  out.reserve(feature_set_size(spec));
  for (const auto& b : spec.blocks) {
    if (b.name == "chik") {
      const auto v = chi_k_features(k, chi, spec.kmin_invA, spec.kmax_invA, spec.k_step_invA, b.kweight);
      out.insert(out.end(), v.begin(), v.end());
      continue;
    }
    if (b.name == "wavelet") {
      // chi(k) on the uniform grid 0, 0.05, … kmax, zero below kmin (the XANES-dominated part).
      std::vector<double> ku;
      for (double x = 0.0; x <= spec.kmax_invA + 1e-9; x += kTransformStep) ku.push_back(x);
      std::vector<double> cu = linear_interpolate(ku, k, chi);
      for (std::size_t i = 0; i < ku.size(); ++i)
        if (ku[i] < spec.kmin_invA - 1e-9 || ku[i] > k.back() + 1e-9) cu[i] = 0.0;
      const CauchyWavelet w = cauchy_wavelet(ku, cu, b.kweight, spec.rmax_A + 1.0);
      const std::size_t nr = w.r_A.size(), nk = w.k_invA.size();
      std::vector<double> rproj(nr, 0.0), kproj(nk, 0.0);
      for (std::size_t i = 0; i < nr; ++i)
        for (std::size_t m = 0; m < nk; ++m) {
          const double a = std::abs(w.at(i, m));
          rproj[i] = std::max(rproj[i], a);
          if (w.r_A[i] <= spec.rmax_A + 1e-9) kproj[m] = std::max(kproj[m], a);
        }
      std::vector<double> wr = w.r_A;
      wr[0] = 0.0;
      const auto a = sample(wr, rproj, r), c = sample(w.k_invA, kproj, kq);
      out.insert(out.end(), a.begin(), a.end());
      out.insert(out.end(), c.begin(), c.end());
      continue;
    }
    o.kweight = b.kweight;
    const ChiR chir = xftf(k, chi, o);
    if (b.name == "peaks") {
      const auto mag = chir.magnitude();
      struct Peak { double r, h; };
      std::vector<Peak> peaks;
      for (std::size_t j = 1; j + 1 < mag.size() && chir.r_A[j] <= spec.rmax_A; ++j) {
        if (chir.r_A[j] < spec.peak_rmin_A || !(mag[j] > mag[j - 1] && mag[j] >= mag[j + 1])) continue;
        // Parabola through the three points: vertex position and height.
        const double d = mag[j - 1] - 2 * mag[j] + mag[j + 1];
        const double step = chir.r_A[j + 1] - chir.r_A[j];
        double off = d < 0 ? 0.5 * (mag[j - 1] - mag[j + 1]) / d : 0.0;
        off = std::clamp(off, -0.5, 0.5);
        peaks.push_back({chir.r_A[j] + off * step, mag[j] - 0.25 * (mag[j - 1] - mag[j + 1]) * off});
      }
      std::stable_sort(peaks.begin(), peaks.end(), [](const Peak& a, const Peak& c) { return a.h > c.h; });
      peaks.resize(std::min(peaks.size(), static_cast<std::size_t>(spec.n_peaks)));
      std::stable_sort(peaks.begin(), peaks.end(), [](const Peak& a, const Peak& c) { return a.r < c.r; });
      for (int p = 0; p < spec.n_peaks; ++p) {
        const bool have = static_cast<std::size_t>(p) < peaks.size();
        out.push_back(have ? peaks[static_cast<std::size_t>(p)].r : spec.rmax_A);
        out.push_back(have ? peaks[static_cast<std::size_t>(p)].h : 0.0);
      }
      continue;
    }
    const std::vector<double> v = b.name == "chir_mag" ? chir.magnitude() : b.name == "chir_re" ? chir.real() : chir.imag();
    const auto s = sample(chir.r_A, v, r);
    out.insert(out.end(), s.begin(), s.end());
  }
  return out;
}

}  // namespace xasforge::xafs
