#include "core/scattering/feff_files.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/elements/element.hpp"
#include "core/error.hpp"
#include "core/units.hpp"

namespace xasforge::scattering::feff {
namespace {

namespace fs = std::filesystem;
using units::kAngstromPerBohr;
using units::kEvPerHartree;

std::vector<std::string> read_lines(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw InputError("cannot open FEFF file '" + path.string() + "'");
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
  }
  return lines;
}

[[noreturn]] void fail(const fs::path& path, std::size_t line_index, const std::string& what) {
  throw InputError(path.string() + ":" + std::to_string(line_index + 1) + ": " + what);
}

/// Whitespace-separated tokens; Fortran 'D' exponents are accepted.
std::vector<std::string> tokens(std::string_view s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    std::size_t j = i;
    while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j]))) ++j;
    if (j > i) out.emplace_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

bool to_double(std::string t, double& v) {
  for (char& c : t)
    if (c == 'D' || c == 'd') c = 'E';
  char* end = nullptr;
  v = std::strtod(t.c_str(), &end);
  return end != t.c_str() && *end == '\0' && std::isfinite(v);
}

/// All tokens of a line as numbers; false if any is not a number.
bool numbers(std::string_view s, std::vector<double>& out) {
  out.clear();
  for (const auto& t : tokens(s)) {
    double v = 0;
    if (!to_double(t, v)) return false;
    out.push_back(v);
  }
  return true;
}

std::vector<double> numbers_or_fail(const fs::path& path, const std::vector<std::string>& lines,
                                    std::size_t i, std::size_t min_count, const char* what) {
  std::vector<double> v;
  if (i >= lines.size()) fail(path, i, std::string("unexpected end of file, expected ") + what);
  if (!numbers(lines[i], v) || v.size() < min_count)
    fail(path, i, std::string("expected ") + what + ", got '" + lines[i] + "'");
  return v;
}

std::string strip_comment_marker(const std::string& line) {
  std::size_t i = 0;
  while (i < line.size() && (line[i] == '#' || line[i] == ' ')) ++i;
  return line.substr(i);
}

/// Value following `key` in a line (e.g. "Rnm=" in " Pot 1 Z=29 Rmt= 1.355 Rnm= 1.392").
std::optional<double> value_after(const std::string& line, const std::string& key) {
  auto pos = line.find(key);
  if (pos == std::string::npos) return std::nullopt;
  auto t = tokens(std::string_view(line).substr(pos + key.size()));
  if (t.empty()) return std::nullopt;
  std::string w = t.front();
  while (!w.empty() && (w.back() == ',' || w.back() == '%')) w.pop_back();
  double v = 0;
  if (!to_double(w, v)) return std::nullopt;
  return v;
}

/// Title-block potential lines: "Abs   Z=29 Rmt= 1.449 Rnm= 1.502 K  shell" / "Pot 1 Z=29 ...".
void parse_potential_titles(const std::vector<std::string>& lines, std::size_t end, std::vector<int>& z,
                            std::vector<double>& rnorm) {
  for (std::size_t i = 0; i < end && i < lines.size(); ++i) {
    const std::string s = strip_comment_marker(lines[i]);
    int ipot = -1;
    if (s.rfind("Abs", 0) == 0) {
      ipot = 0;
    } else if (s.rfind("Pot", 0) == 0) {
      auto t = tokens(s);
      if (t.size() >= 2) ipot = std::atoi(t[1].c_str());
    }
    if (ipot < 0) continue;
    auto zv = value_after(s, "Z=");
    auto rn = value_after(s, "Rnm=");
    if (!zv) continue;
    if (static_cast<int>(z.size()) <= ipot) {
      z.resize(static_cast<std::size_t>(ipot) + 1, 0);
      rnorm.resize(static_cast<std::size_t>(ipot) + 1, 0.0);
    }
    z[static_cast<std::size_t>(ipot)] = static_cast<int>(*zv);
    rnorm[static_cast<std::size_t>(ipot)] = rn.value_or(0.0);
  }
}

}  // namespace

// ----------------------------------------------------------------------------------------------

PhaseFile read_phase_file(const fs::path& path) {
  const auto lines = read_lines(path);
  PhaseFile out;
  // header line: "#     1  18  80   unique pot,  lmax, ne"
  std::size_t ih = 0;
  for (; ih < lines.size(); ++ih)
    if (lines[ih].find("unique pot") != std::string::npos) break;
  if (ih == lines.size()) fail(path, 0, "no 'ipot lmax ne   unique pot' header line (not a phaseNN.dat?)");
  parse_potential_titles(lines, ih, out.z_of_ipot, out.rnorm_of_ipot_A);
  {
    auto t = tokens(strip_comment_marker(lines[ih]));
    if (t.size() < 3) fail(path, ih, "expected 'ipot lmax ne'");
    out.ipot = std::atoi(t[0].c_str());
    out.lmax = std::atoi(t[1].c_str());
    out.ne_total = std::atoi(t[2].c_str());
    if (out.lmax < 0 || out.lmax > 60 || out.ne_total <= 0) fail(path, ih, "implausible lmax or ne");
  }
  std::size_t i = ih + 1;
  const std::size_t nvals = 2 * (static_cast<std::size_t>(out.lmax) + 1);
  double last_energy = -1e300;
  std::vector<double> v, row;
  for (int ie = 0; ie < out.ne_total; ++ie) {
    while (i < lines.size() && !lines[i].empty() && lines[i].find('#') != std::string::npos) ++i;  // column titles
    v = numbers_or_fail(path, lines, i, 6, "'ie energy Re(eref) Im(eref) Re(p) Im(p)'");
    if (static_cast<int>(v[0]) != ie + 1) fail(path, i, "energy index " + std::to_string(ie + 1) + " expected");
    ++i;
    row.clear();
    while (row.size() < nvals) {
      auto w = numbers_or_fail(path, lines, i, 1, "phase shifts (Re, Im pairs)");
      row.insert(row.end(), w.begin(), w.end());
      ++i;
    }
    if (row.size() != nvals) fail(path, i - 1, "expected " + std::to_string(nvals) + " phase-shift numbers");
    if (v[1] <= last_energy) {  // end of the EXAFS grid: the complex contour follows
      break;
    }
    last_energy = v[1];
    out.energy_eV.push_back(v[1] * kEvPerHartree);
    out.eref_eV.emplace_back(v[2] * kEvPerHartree, v[3] * kEvPerHartree);
    out.p_invA.emplace_back(v[4] / kAngstromPerBohr, v[5] / kAngstromPerBohr);
    std::vector<std::complex<double>> d(static_cast<std::size_t>(out.lmax) + 1);
    for (std::size_t l = 0; l < d.size(); ++l) d[l] = {row[2 * l], row[2 * l + 1]};
    out.delta.push_back(std::move(d));
  }
  if (out.energy_eV.size() < 2) fail(path, i, "fewer than 2 EXAFS-grid energies");
  return out;
}

double unpad(std::string_view s) {
  // padlib: base 90, offset 37; first char exponent, second sign + leading digit.
  constexpr int kBase = 90, kOff = 37, kHalf = 45;
  if (s.size() <= 2) return 0.0;
  const int iexp = (static_cast<unsigned char>(s[0]) - kOff) - kHalf;
  const int c2 = static_cast<unsigned char>(s[1]) - kOff;
  const int sign = (c2 % 2) * 2 - 1;
  double sum = (c2 / 2) / (double(kBase) * kBase);
  for (std::size_t i = s.size(); i >= 3; --i)
    sum += (static_cast<unsigned char>(s[i - 1]) - kOff) / std::pow(double(kBase), static_cast<double>(i));
  return 2.0 * sign * kBase * sum * std::pow(10.0, iexp);
}

PotPadHeader read_pot_pad_header(const fs::path& path) {
  const auto lines = read_lines(path);
  if (lines.empty()) fail(path, 0, "empty pot.pad");
  PotPadHeader h;
  auto t = tokens(lines[0]);
  if (t.size() < 5) fail(path, 0, "expected 'ntitle nph npadx nohole ihole ...'");
  h.ntitle = std::atoi(t[0].c_str());
  h.nph = std::atoi(t[1].c_str());
  const int npad = std::atoi(t[2].c_str());
  h.ihole = std::atoi(t[4].c_str());
  if (npad < 3 || npad > 40 || h.ntitle < 0) fail(path, 0, "implausible ntitle/npadx");
  std::vector<double> vals;
  for (std::size_t i = 1 + static_cast<std::size_t>(h.ntitle); i < lines.size() && vals.size() < 3; ++i) {
    std::string s = lines[i];
    while (!s.empty() && s.back() == ' ') s.pop_back();
    if (s.empty() || s[0] != '!') fail(path, i, "expected a PAD record starting with '!'");
    for (std::size_t j = 1; j + static_cast<std::size_t>(npad) <= s.size(); j += static_cast<std::size_t>(npad))
      vals.push_back(unpad(std::string_view(s).substr(j, static_cast<std::size_t>(npad))));
  }
  if (vals.size() < 3) fail(path, lines.size(), "pot.pad header holds fewer than 3 values");
  h.rnorm_avg_A = vals[0] * kAngstromPerBohr;
  h.mu_eV = vals[1] * kEvPerHartree;
  h.vint_eV = vals[2] * kEvPerHartree;
  return h;
}

PotJson read_pot_json(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw InputError("cannot open FEFF file '" + path.string() + "'");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
    PotJson p;
    p.ihole = j.at("ihole").get<int>();
    p.core_hole_width_eV = j.at("gamach").get<double>();
    const int nph = j.at("nph").get<int>();
    const auto& iz = j.at("iz");
    const auto& xn = j.at("xnatph");
    for (int ip = 0; ip <= nph; ++ip) {
      p.z_of_ipot.push_back(iz.at(static_cast<std::size_t>(ip)).get<int>());
      p.atoms_of_ipot.push_back(xn.at(static_cast<std::size_t>(ip)).get<double>());
    }
    return p;
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path.string() + ": not a FEFF pot.json (" + e.what() + ")");
  }
}

PhaseShifts read_phase_shifts(const fs::path& dir) {
  PhaseShifts ps;
  std::vector<PhaseFile> files;
  for (int ip = 0; ip < 100; ++ip) {
    char name[32];
    std::snprintf(name, sizeof name, "phase%02d.dat", ip);
    const fs::path f = dir / name;
    if (!fs::exists(f)) {
      if (ip == 0) throw InputError("no phase00.dat in '" + dir.string() + "' (FEFF PRINT level 2 needed, see docs/physics.md §0)");
      break;
    }
    files.push_back(read_phase_file(f));
  }
  const PhaseFile& abs = files.front();
  const std::size_t ne1 = abs.energy_eV.size();
  for (const auto& f : files) {
    if (f.energy_eV.size() != ne1)
      throw InputError("phase files in '" + dir.string() + "' disagree on the EXAFS grid size");
    for (std::size_t i = 0; i < ne1; ++i)
      if (std::abs(f.energy_eV[i] - abs.energy_eV[i]) > 1e-6 * (1 + std::abs(abs.energy_eV[i])))
        throw InputError("phase files in '" + dir.string() + "' disagree on the energy grid");
  }
  // grid: k from the first (Fermi-level) row; docs/physics.md §5
  const double e1_Ha = abs.energy_eV[0] / kEvPerHartree;
  for (std::size_t i = 0; i < ne1; ++i) {
    const double de = abs.energy_eV[i] / kEvPerHartree - e1_Ha;
    ps.k_invA.push_back(std::sqrt(2.0 * std::max(de, 0.0)) / kAngstromPerBohr);
  }
  ps.p_invA = abs.p_invA;
  ps.energy_eV = abs.energy_eV;
  ps.eref_eV = abs.eref_eV;
  ps.mu_eV = abs.energy_eV[0];
  ps.kf_invA = abs.p_invA[0].real();
  ps.vint_eV = abs.eref_eV[0].real();
  {  // Γ_ch/2 = Im E at the edge = Im(p²)/2 + Im e_ref (Hartree); §5
    const std::complex<double> p_bohr = abs.p_invA[0] * kAngstromPerBohr;
    const double im_e_Ha = (p_bohr * p_bohr).imag() / 2.0 + abs.eref_eV[0].imag() / kEvPerHartree;
    ps.core_hole_width_eV = 2.0 * im_e_Ha * kEvPerHartree;
  }
  int ihole = 1;
  if (fs::exists(dir / "pot.json")) {
    const PotJson pj = read_pot_json(dir / "pot.json");
    ps.core_hole_width_eV = pj.core_hole_width_eV;
    ihole = pj.ihole;
  }
  for (const char* padname : {"pot.pad", "pot_head.pad"}) {
    if (fs::exists(dir / padname)) {
      const PotPadHeader h = read_pot_pad_header(dir / padname);
      ps.rnorm_avg_A = h.rnorm_avg_A;
      ihole = h.ihole;
      break;
    }
  }
  if (ps.rnorm_avg_A == 0.0 && fs::exists(dir / "feff0001.dat"))
    ps.rnorm_avg_A = read_feff_dat(dir / "feff0001.dat").rnorm_avg_A;
  switch (ihole) {
    case 1: ps.edge = Edge::kK; ps.l0 = 1; break;
    case 2: ps.edge = Edge::kL1; ps.l0 = 1; break;
    case 3: ps.edge = Edge::kL2; ps.l0 = 2; break;
    case 4: ps.edge = Edge::kL3; ps.l0 = 2; break;
    default: throw InputError("'" + dir.string() + "': unsupported FEFF hole " + std::to_string(ihole));
  }
  const auto& zs = abs.z_of_ipot;
  for (std::size_t ip = 0; ip < files.size(); ++ip) {
    PotentialPhases pp;
    pp.ipot = static_cast<int>(ip);
    if (files[ip].ipot != pp.ipot)
      throw InputError("phase" + std::to_string(ip) + ".dat in '" + dir.string() + "' has ipot " +
                       std::to_string(files[ip].ipot));
    pp.z = ip < zs.size() ? zs[ip] : 0;
    if (ip < files[ip].z_of_ipot.size() && files[ip].z_of_ipot[ip] != 0) pp.z = files[ip].z_of_ipot[ip];
    pp.lmax = files[ip].lmax;
    pp.delta = files[ip].delta;
    ps.potentials.push_back(std::move(pp));
  }
  return ps;
}

// ----------------------------------------------------------------------------------------------

int FeffInp::z_of(int ipot) const {
  for (const auto& [ip, z] : potentials)
    if (ip == ipot) return z;
  throw InputError("feff.inp: potential " + std::to_string(ipot) + " is not in the POTENTIALS list");
}

FeffInp read_feff_inp(const fs::path& path) {
  const auto lines = read_lines(path);
  FeffInp in;
  enum class Block { kNone, kPotentials, kAtoms } block = Block::kNone;
  std::vector<double> v;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string s = lines[i];
    if (auto c = s.find_first_of("*!%"); c != std::string::npos) s = s.substr(0, c);
    auto t = tokens(s);
    if (t.empty()) continue;
    std::string key = t[0];
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::toupper(c); });
    if (key == "END") break;
    if (key == "POTENTIALS") { block = Block::kPotentials; continue; }
    if (key == "ATOMS") { block = Block::kAtoms; continue; }
    double first = 0;
    if (block != Block::kNone && to_double(t[0], first)) {
      if (!numbers(s.substr(0, s.find('\'')), v)) {
        // tags are text: keep the leading numbers
        v.clear();
        for (const auto& tok : t) {
          double x = 0;
          if (!to_double(tok, x)) break;
          v.push_back(x);
        }
      }
      if (block == Block::kPotentials) {
        if (v.size() < 2) fail(path, i, "expected 'ipot Z [tag]'");
        in.potentials.emplace_back(static_cast<int>(v[0]), static_cast<int>(v[1]));
      } else {
        if (v.size() < 4) fail(path, i, "expected 'x y z ipot [tag]'");
        in.atoms.push_back({Eigen::Vector3d(v[0], v[1], v[2]), static_cast<int>(v[3])});
      }
      continue;
    }
    block = Block::kNone;
    auto num = [&](std::size_t k) {
      double x = 0;
      if (t.size() <= k || !to_double(t[k], x)) fail(path, i, "card " + key + ": number expected");
      return x;
    };
    if (key == "RPATH") in.rpath_A = num(1);
    else if (key == "NLEG") in.nleg = static_cast<int>(num(1));
    else if (key == "CRITERIA") { in.critcw = num(1); in.critpw = num(2); }
    else if (key == "DEBYE") { in.debye_temperature_K = num(1); in.debye_theta_K = num(2); }
    else if (key == "SIG2") in.sig2_A2 = num(1);
    else if (key == "EDGE" || key == "HOLE") in.edge = t.size() > 1 ? t[1] : "K";
  }
  if (in.atoms.empty()) throw InputError(path.string() + ": no ATOMS block");
  return in;
}

// ----------------------------------------------------------------------------------------------

PathsDat read_paths_dat(const fs::path& path) {
  const auto lines = read_lines(path);
  PathsDat out;
  std::size_t i = 0;
  for (; i < lines.size(); ++i) {
    if (auto r = value_after(lines[i], "Rmax=")) out.rmax_A = *r;
    if (auto c = value_after(lines[i], "Pwcrit=")) out.critpw = *c;
    if (lines[i].find("-----") != std::string::npos) { ++i; break; }
  }
  while (i < lines.size()) {
    if (tokens(lines[i]).empty()) { ++i; continue; }
    if (lines[i].find("index, nleg") == std::string::npos) fail(path, i, "expected a path header 'index nleg degeneracy ...'");
    PathsDatEntry e;
    auto t = tokens(lines[i]);
    double deg = 0;
    if (t.size() < 3 || !to_double(t[2], deg)) fail(path, i, "bad path header");
    e.index = std::atoi(t[0].c_str());
    e.nleg = std::atoi(t[1].c_str());
    e.degeneracy = deg;
    auto r = value_after(lines[i], "r=");
    if (!r) fail(path, i, "path header without 'r='");
    e.reff_A = *r;
    i += 2;  // column titles
    for (int a = 0; a < e.nleg; ++a, ++i) {
      if (i >= lines.size()) fail(path, i, "missing path atoms");
      const std::string& s = lines[i];
      auto q1 = s.find('\'');
      auto q2 = q1 == std::string::npos ? q1 : s.find('\'', q1 + 1);
      if (q2 == std::string::npos) fail(path, i, "expected x y z ipot 'label' rleg beta eta");
      std::vector<double> a1, a2;
      if (!numbers(s.substr(0, q1), a1) || a1.size() != 4 || !numbers(s.substr(q2 + 1), a2) || a2.size() != 3)
        fail(path, i, "expected x y z ipot 'label' rleg beta eta");
      PathsDatAtom at;
      at.position_A = {a1[0], a1[1], a1[2]};
      at.ipot = static_cast<int>(a1[3]);
      at.label = s.substr(q1 + 1, q2 - q1 - 1);
      while (!at.label.empty() && at.label.back() == ' ') at.label.pop_back();
      at.rleg_A = a2[0];
      at.beta_deg = a2[1];
      at.eta_deg = a2[2];
      e.atoms.push_back(std::move(at));
    }
    out.paths.push_back(std::move(e));
  }
  return out;
}

std::vector<CritDatEntry> read_crit_dat(const fs::path& path) {
  const auto lines = read_lines(path);
  std::vector<CritDatEntry> out;
  bool table = false;
  std::vector<double> v;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (!table) {
      if (lines[i].find("ipath") != std::string::npos) table = true;
      continue;
    }
    if (tokens(lines[i]).empty()) continue;
    if (!numbers(lines[i], v) || v.size() < 6) fail(path, i, "expected 'ipath nleg ndeg r pwcrit xkeep ...'");
    out.push_back({static_cast<int>(v[0]), static_cast<int>(v[1]), v[2], v[3], v[4], v[5]});
  }
  if (!table) throw InputError(path.string() + ": no 'ipath nleg ndeg' table (not a crit.dat?)");
  return out;
}

FeffDat read_feff_dat(const fs::path& path) {
  const auto lines = read_lines(path);
  FeffDat out;
  std::size_t i = 0;
  for (; i < lines.size(); ++i) {
    const std::string s = strip_comment_marker(lines[i]);
    if (s.rfind("Path", 0) == 0) out.index = std::atoi(tokens(s).at(1).c_str());
    if (lines[i].find("nleg, deg, reff") != std::string::npos) break;
  }
  if (i == lines.size()) throw InputError(path.string() + ": no 'nleg, deg, reff, rnrmav(bohr), edge' line (not a feffNNNN.dat?)");
  {
    std::vector<double> v;
    auto s = lines[i].substr(0, lines[i].find("nleg,"));
    if (!numbers(strip_comment_marker(s), v) || v.size() != 5) fail(path, i, "expected nleg deg reff rnrmav edge");
    out.nleg = static_cast<int>(v[0]);
    out.degeneracy = v[1];
    out.reff_A = v[2];
    out.rnorm_avg_A = v[3] * kAngstromPerBohr;
    out.edge_eV = v[4];
  }
  i += 2;  // "x y z pot at#"
  for (int a = 0; a < out.nleg; ++a, ++i) {
    if (i >= lines.size()) fail(path, i, "missing path atoms");
    auto t = tokens(strip_comment_marker(lines[i]));
    double x = 0, y = 0, z = 0;
    if (t.size() < 6 || !to_double(t[0], x) || !to_double(t[1], y) || !to_double(t[2], z))
      fail(path, i, "expected 'x y z pot at# label'");
    out.atoms.push_back({Eigen::Vector3d(x, y, z), std::atoi(t[3].c_str()), std::atoi(t[4].c_str()), t[5]});
  }
  if (i >= lines.size() || lines[i].find("real[2*phc]") == std::string::npos) fail(path, i, "expected the column header");
  ++i;
  std::vector<double> v;
  for (; i < lines.size(); ++i) {
    if (tokens(lines[i]).empty()) continue;
    if (!numbers(lines[i], v) || v.size() != 7) fail(path, i, "expected 7 columns");
    out.k_invA.push_back(v[0]);
    out.central_phase.push_back(v[1]);
    out.mag_A.push_back(v[2]);
    out.phase.push_back(v[3]);
    out.reduction.push_back(v[4]);
    out.lambda_A.push_back(v[5]);
    out.real_p_invA.push_back(v[6]);
  }
  if (out.k_invA.empty()) fail(path, i, "no data rows");
  return out;
}

std::vector<ListDatEntry> read_list_dat(const fs::path& path) {
  const auto lines = read_lines(path);
  std::vector<ListDatEntry> out;
  bool table = false;
  std::vector<double> v;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (!table) {
      if (lines[i].find("pathindex") != std::string::npos) table = true;
      continue;
    }
    if (tokens(lines[i]).empty()) continue;
    if (!numbers(lines[i], v) || v.size() < 6) fail(path, i, "expected 'pathindex sig2 amp-ratio deg nlegs reff'");
    out.push_back({static_cast<int>(v[0]), v[1], v[2], v[3], static_cast<int>(v[4]), v[5]});
  }
  if (!table) throw InputError(path.string() + ": no 'pathindex' table (not a list.dat?)");
  return out;
}

ChiDat read_chi_dat(const fs::path& path) {
  const auto lines = read_lines(path);
  ChiDat out;
  bool path_table = false;
  std::vector<double> v;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& s = lines[i];
    if (!s.empty() && s[0] == '#') {
      const std::string body = s.substr(1);
      if (auto x = value_after(body, "S02=")) out.s02 = *x;
      if (auto x = value_after(body, "Temp=")) out.temperature_K = *x;
      if (auto x = value_after(body, "Debye_temp=")) out.debye_theta_K = *x;
      if (auto x = value_after(body, "Global_sig2=")) out.global_sigma2_A2 = *x;
      if (body.find("sig2 tot") != std::string::npos) { path_table = true; continue; }
      if (path_table) {
        if (numbers(body, v) && v.size() >= 6) {
          out.paths.push_back({static_cast<int>(v[0]), v[1], v[2], v[3], static_cast<int>(v[4]), v[5]});
        } else {
          path_table = false;
        }
      }
      continue;
    }
    if (tokens(s).empty()) continue;
    if (!numbers(s, v) || v.size() < 4) fail(path, i, "expected 'k chi mag phase'");
    out.k_invA.push_back(v[0]);
    out.chi.push_back(v[1]);
    out.mag.push_back(v[2]);
    out.phase.push_back(v[3]);
  }
  if (out.k_invA.empty()) throw InputError(path.string() + ": no data rows (not a chi.dat?)");
  return out;
}

// ----------------------------------------------------------------------------------------------

void write_paths_dat(std::ostream& out, const std::vector<ScatteringPath>& paths, double rmax_A, double critpw,
                     int absorber_z) {
  char buf[256];
  std::snprintf(buf, sizeof buf, " PATH  Rmax=%6.3f,  Keep_limit= 0.00, Heap_limit 0.00  Pwcrit=%5.2f%%\n", rmax_A,
                critpw);
  out << buf << " -----------------------------------------------------------------------\n";
  for (const auto& p : paths) {
    const int nleg = p.n_legs();
    std::snprintf(buf, sizeof buf, "%6d %4d %7.3f  index, nleg, degeneracy, r= %7.4f  pw=%9.4f\n", p.index, nleg,
                  p.degeneracy, p.reff_A, p.pw_importance);
    out << buf << "      x           y           z     ipot  label      rleg      beta        eta\n";
    // atoms r_1..r_{N-1}, then the absorber r_N = 0; leg j ends at atom j
    std::vector<Eigen::Vector3d> r;
    r.push_back(Eigen::Vector3d::Zero());
    for (const auto& s : p.scatterers_A) r.push_back(s);
    r.push_back(Eigen::Vector3d::Zero());
    for (int j = 1; j <= nleg; ++j) {
      const Eigen::Vector3d in = r[static_cast<std::size_t>(j)] - r[static_cast<std::size_t>(j - 1)];
      const Eigen::Vector3d outv = (j == nleg ? r[1] : r[static_cast<std::size_t>(j + 1)]) - r[static_cast<std::size_t>(j)];
      const double cb = std::clamp(in.dot(outv) / (in.norm() * outv.norm()), -1.0, 1.0);
      const double beta = std::acos(cb) * 180.0 / units::kPi;
      // η: dihedral between the plane (prev leg, this leg) and (this leg, next leg) — print-only
      double eta = 0.0;
      {
        const Eigen::Vector3d prev = r[static_cast<std::size_t>(j - 1)] -
                                     (j == 1 ? r[static_cast<std::size_t>(nleg - 1)] : r[static_cast<std::size_t>(j - 2)]);
        const Eigen::Vector3d n1 = prev.cross(in), n2 = in.cross(outv);
        if (n1.norm() > 1e-6 && n2.norm() > 1e-6) {
          const double c = std::clamp(n1.dot(n2) / (n1.norm() * n2.norm()), -1.0, 1.0);
          eta = std::acos(c) * 180.0 / units::kPi;
        }
      }
      const bool absorber = j == nleg;
      const int ipot = absorber ? 0 : p.ipot[static_cast<std::size_t>(j - 1)];
      std::string label = "?";
      if (!absorber && static_cast<std::size_t>(j - 1) < p.z.size() && p.z[static_cast<std::size_t>(j - 1)] > 0)
        label = std::string(elements::element(p.z[static_cast<std::size_t>(j - 1)]).symbol);
      else if (absorber)
        label = absorber_z > 0 ? std::string(elements::element(absorber_z).symbol) : std::string("abs");
      std::snprintf(buf, sizeof buf, "%12.6f%12.6f%12.6f%4d '%-6s'%11.4f%10.4f%10.4f\n", r[static_cast<std::size_t>(j)].x(),
                    r[static_cast<std::size_t>(j)].y(), r[static_cast<std::size_t>(j)].z(), ipot, label.c_str(), in.norm(),
                    beta, eta);
      out << buf;
    }
  }
}

}  // namespace xasforge::scattering::feff
