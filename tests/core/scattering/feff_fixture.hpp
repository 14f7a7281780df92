#pragma once
// Fixture readers for the F_eff / chi tests. feffNNNN.dat and chi.dat go through the library's
// parsers (core/scattering/feff_files.hpp); the phase-file, POTENTIALS and paths.dat helpers below
// build the test inputs in Å / eV.
#include <cctype>
#include <cmath>
#include <cstdio>
#include <complex>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/scattering/feff_files.hpp"
#include "core/scattering/phase_shifts.hpp"
#include "core/scattering/scattering_path.hpp"
#include "core/units.hpp"

namespace xasforge::test {

namespace fs = std::filesystem;

inline std::vector<std::string> read_lines(const fs::path& p) {
  std::ifstream in(p);
  if (!in) throw std::runtime_error("cannot open " + p.string());
  std::vector<std::string> lines;
  std::string s;
  while (std::getline(in, s)) lines.push_back(s);
  return lines;
}

inline double to_double(std::string s) {
  for (auto& c : s) if (c == 'D' || c == 'd') c = 'E';
  return std::stod(s);
}

/// phaseNN.dat → PotentialPhases (first ne1 rows, where Re E increases) plus the grid.
inline scattering::PotentialPhases read_phase_file(const fs::path& p, std::vector<double>* energy_ha,
                                                   std::vector<std::complex<double>>* p_bohr,
                                                   std::vector<std::complex<double>>* eref_ha) {
  const auto lines = read_lines(p);
  std::vector<double> nums;
  int ipot = 0, lmax = 0, ne = 0;
  std::size_t i = 0;
  for (; i < lines.size(); ++i) {
    if (lines[i].find("unique pot") != std::string::npos) {
      std::istringstream ss(lines[i].substr(1));
      ss >> ipot >> lmax >> ne;
      ++i;
      break;
    }
  }
  scattering::PotentialPhases pot;
  pot.ipot = ipot;
  pot.lmax = lmax;
  double last_e = -1e300;
  for (int ie = 0; ie < ne; ++ie) {
    while (i < lines.size() && lines[i].rfind("#", 0) == 0) ++i;
    std::istringstream head(lines[i++]);
    std::string tok;
    std::vector<double> h;
    while (head >> tok) h.push_back(to_double(tok));
    std::vector<double> d;
    while (static_cast<int>(d.size()) < 2 * (lmax + 1)) {
      std::istringstream ss(lines[i++]);
      while (ss >> tok) d.push_back(to_double(tok));
    }
    if (h[1] <= last_e) break;  // the complex contour after the EXAFS grid
    last_e = h[1];
    std::vector<std::complex<double>> row;
    for (int l = 0; l <= lmax; ++l) row.emplace_back(d[2 * l], d[2 * l + 1]);
    pot.delta.push_back(row);
    if (energy_ha) energy_ha->push_back(h[1]);
    if (eref_ha) eref_ha->emplace_back(h[2], h[3]);
    if (p_bohr) p_bohr->emplace_back(h[4], h[5]);
  }
  return pot;
}

/// All phaseNN.dat of a fixture folder → PhaseShifts (K edge, l0 = 1).
inline scattering::PhaseShifts read_fixture_phases(const fs::path& dir) {
  using namespace xasforge::units;
  scattering::PhaseShifts ph;
  ph.edge = scattering::Edge::kK;
  ph.l0 = 1;
  std::vector<double> e;
  std::vector<std::complex<double>> pb, er;
  for (int ip = 0;; ++ip) {
    char name[32];
    std::snprintf(name, sizeof name, "phase%02d.dat", ip);
    if (!fs::exists(dir / name)) break;
    auto pot = read_phase_file(dir / name, ip == 0 ? &e : nullptr, ip == 0 ? &pb : nullptr, ip == 0 ? &er : nullptr);
    ph.potentials.push_back(pot);
  }
  for (std::size_t ie = 0; ie < e.size(); ++ie) {
    ph.k_invA.push_back(std::sqrt(std::max(0.0, 2.0 * (e[ie] - e[0]))) / kAngstromPerBohr);
    ph.p_invA.push_back(pb[ie] / kAngstromPerBohr);
    ph.energy_eV.push_back(e[ie] * kEvPerHartree);
    ph.eref_eV.push_back(er[ie] * kEvPerHartree);
  }
  ph.mu_eV = e.front() * kEvPerHartree;
  ph.kf_invA = pb.front().real() / kAngstromPerBohr;
  ph.vint_eV = er.front().real() * kEvPerHartree;
  // r_norm,av from a feffNNNN.dat header or chi.dat-free source: files.dat lacks it, take feff0001.
  for (const auto& entry : fs::directory_iterator(dir)) {
    const auto fn = entry.path().filename().string();
    if (fn.rfind("feff0", 0) == 0 && fn.size() == 12) {
      for (const auto& l : read_lines(entry.path())) {
        if (l.find("rnrmav") != std::string::npos) {
          std::istringstream ss(l);
          double a, b, c, rn;
          ss >> a >> b >> c >> rn;
          ph.rnorm_avg_A = rn * kAngstromPerBohr;
          break;
        }
      }
      break;
    }
  }
  return ph;
}

/// POTENTIALS card of feff.inp: ipot → Z.
inline std::map<int, int> read_potentials_card(const fs::path& feff_inp) {
  std::map<int, int> z;
  bool in = false;
  for (const auto& l : read_lines(feff_inp)) {
    std::istringstream ss(l);
    std::string first;
    if (!(ss >> first)) continue;
    if (first == "POTENTIALS") {
      in = true;
      continue;
    }
    if (!in || first[0] == '*') continue;
    if (!std::isdigit(static_cast<unsigned char>(first[0]))) break;
    int zz;
    ss >> zz;
    z[std::stoi(first)] = zz;
  }
  return z;
}

/// paths.dat (parsed by the library's reader) → ScatteringPath list: coordinates relative to the
/// absorber (Å), Z from z_of_ipot, reff_A the exact half length of the printed coordinates (the
/// file's own reff has 4 decimals).
inline std::vector<scattering::ScatteringPath> read_paths_dat(const fs::path& p, const std::map<int, int>& z_of_ipot) {
  const auto parsed = scattering::feff::read_paths_dat(p);
  std::vector<scattering::ScatteringPath> out;
  for (const auto& e : parsed.paths) {
    scattering::ScatteringPath path;
    path.index = e.index;
    path.degeneracy = e.degeneracy;
    const Eigen::Vector3d origin = e.atoms.back().position_A;
    double total = 0;
    Eigen::Vector3d prev = origin;
    for (std::size_t j = 0; j + 1 < e.atoms.size(); ++j) {
      path.scatterers_A.push_back(e.atoms[j].position_A - origin);
      path.ipot.push_back(e.atoms[j].ipot);
      path.z.push_back(z_of_ipot.at(e.atoms[j].ipot));
      total += (e.atoms[j].position_A - prev).norm();
      prev = e.atoms[j].position_A;
    }
    total += (origin - prev).norm();
    path.reff_A = total / 2;
    out.push_back(path);
  }
  return out;
}

/// The paths of a FEFF run folder (paths.dat with Z from feff.inp's POTENTIALS card).
inline std::vector<scattering::ScatteringPath> read_run_paths(const fs::path& dir) {
  return read_paths_dat(dir / "paths.dat", read_potentials_card(dir / "feff.inp"));
}

/// feffNNNN.dat through the library's reader (core/scattering/feff_files.hpp).
using FeffDat = scattering::feff::FeffDat;
inline FeffDat read_feff_dat(const fs::path& p) { return scattering::feff::read_feff_dat(p); }

/// chi.dat through the library's reader, with the header's per-path σ² and cw ratios keyed by
/// file index for the tests' look-ups.
struct ChiDat {
  std::vector<double> k, chi;               ///< data columns k (Å⁻¹) and chi
  std::map<int, double> sig2_A2, cw_ratio;  ///< header table: file index → σ² (Å²), cw ratio (%)
};

inline ChiDat read_chi_dat(const fs::path& p) {
  const scattering::feff::ChiDat f = scattering::feff::read_chi_dat(p);
  ChiDat c;
  c.k = f.k_invA;
  c.chi = f.chi;
  for (const auto& e : f.paths) {
    c.sig2_A2[e.index] = e.sigma2_A2;
    c.cw_ratio[e.index] = e.cw_ratio;
  }
  return c;
}

}  // namespace xasforge::test
