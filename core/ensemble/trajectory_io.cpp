#include "core/ensemble/trajectory_io.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "core/elements/element.hpp"
#include "core/error.hpp"
#include "core/structure/readers.hpp"

namespace xasforge::ensemble {

namespace {

struct LineReader {
  explicit LineReader(const std::filesystem::path& p) : path(p.string()), in(p) {
    if (!in) throw InputError(path + ": cannot open trajectory file");
  }
  bool next(std::string& line) {
    if (!std::getline(in, line)) return false;
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return true;
  }
  [[noreturn]] void fail(const std::string& what) const {
    throw InputError(path + ":" + std::to_string(number) + ": " + what);
  }
  std::string path;
  std::ifstream in;
  int number = 0;
};

double to_double(const LineReader& r, const std::string& token, const char* what) {
  try {
    std::size_t used = 0;
    const double v = std::stod(token, &used);
    if (used != token.size()) throw std::invalid_argument(token);
    return v;
  } catch (const std::exception&) {
    r.fail(std::string("expected a number for ") + what + ", got '" + token + "'");
  }
}

std::vector<std::string> split(const std::string& s) {
  std::istringstream is(s);
  std::vector<std::string> out;
  std::string t;
  while (is >> t) out.push_back(t);
  return out;
}

bool blank(const std::string& s) { return s.find_first_not_of(" \t") == std::string::npos; }

int element_or_fail(const LineReader& r, const std::string& symbol) {
  const auto z = elements::atomic_number(symbol);
  if (!z) r.fail("unknown element '" + symbol + "'");
  return *z;
}

// key=value pairs of an extended-XYZ comment line; values may be "quoted".
std::map<std::string, std::string> parse_comment(const LineReader& r, const std::string& line) {
  std::map<std::string, std::string> kv;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i >= line.size()) break;
    std::size_t k0 = i;
    while (i < line.size() && line[i] != '=' && !std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    std::string key = line.substr(k0, i - k0);
    std::string value;
    if (i < line.size() && line[i] == '=') {
      ++i;
      if (i < line.size() && (line[i] == '"' || line[i] == '\'')) {
        const char q = line[i++];
        const std::size_t end = line.find(q, i);
        if (end == std::string::npos) r.fail("unterminated quote in the comment line");
        value = line.substr(i, end - i);
        i = end + 1;
      } else {
        std::size_t v0 = i;
        while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) ++i;
        value = line.substr(v0, i - v0);
      }
    }
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
    kv[key] = value;
  }
  return kv;
}

}  // namespace

std::vector<structure::Structure> read_extxyz(const std::filesystem::path& path) {
  LineReader r(path);
  std::vector<structure::Structure> frames;
  std::string line;
  while (r.next(line)) {
    if (blank(line)) continue;
    const auto head = split(line);
    long n = 0;
    try {
      n = std::stol(head.at(0));
    } catch (const std::exception&) {
      r.fail("expected the number of atoms of frame " + std::to_string(frames.size() + 1) + ", got '" + line + "'");
    }
    if (n <= 0 || head.size() != 1) r.fail("expected a positive atom count alone on the line, got '" + line + "'");
    if (!r.next(line)) r.fail("missing comment line of frame " + std::to_string(frames.size() + 1));
    const auto kv = parse_comment(r, line);
    // Columns of species and positions from Properties (default species:S:1:pos:R:3).
    int species_col = 0, pos_col = 1;
    if (auto it = kv.find("properties"); it != kv.end()) {
      std::vector<std::string> f;
      std::stringstream ss(it->second);
      std::string t;
      while (std::getline(ss, t, ':')) f.push_back(t);
      if (f.size() % 3 != 0) r.fail("Properties must be name:type:count triples, got '" + it->second + "'");
      int col = 0;
      species_col = pos_col = -1;
      for (std::size_t i = 0; i < f.size(); i += 3) {
        const int count = std::stoi(f[i + 2]);
        if (f[i] == "species") species_col = col;
        if (f[i] == "pos") pos_col = col;
        col += count;
      }
      if (species_col < 0 || pos_col < 0) r.fail("Properties lacks species or pos: '" + it->second + "'");
    }
    std::optional<Eigen::Matrix3d> lattice;
    if (auto it = kv.find("lattice"); it != kv.end()) {
      const auto v = split(it->second);
      if (v.size() != 9) r.fail("Lattice needs 9 numbers, got " + std::to_string(v.size()));
      Eigen::Matrix3d m;
      for (int i = 0; i < 9; ++i) m(i / 3, i % 3) = to_double(r, v[static_cast<std::size_t>(i)], "Lattice");
      lattice = m;
    }
    std::vector<int> z;
    std::vector<Eigen::Vector3d> cart;
    for (long a = 0; a < n; ++a) {
      if (!r.next(line)) r.fail("file ends inside frame " + std::to_string(frames.size() + 1) + " (" +
                                std::to_string(a) + " of " + std::to_string(n) + " atoms read)");
      const auto t = split(line);
      if (static_cast<int>(t.size()) < std::max(species_col + 1, pos_col + 3))
        r.fail("expected species and x y z, got '" + line + "'");
      z.push_back(element_or_fail(r, t[static_cast<std::size_t>(species_col)]));
      Eigen::Vector3d x;
      for (int d = 0; d < 3; ++d) x[d] = to_double(r, t[static_cast<std::size_t>(pos_col + d)], "a coordinate");
      cart.push_back(x);
    }
    structure::Structure s;
    if (lattice) {
      const structure::Lattice lat(*lattice);
      std::vector<Eigen::Vector3d> frac;
      for (const auto& x : cart) frac.push_back(lat.to_fractional(x));
      s = structure::Structure::periodic(lat, z, frac);
    } else {
      s = structure::Structure::cluster(z, cart);
    }
    s.name = path.stem().string() + "#" + std::to_string(frames.size());
    s.source = path.string();
    frames.push_back(std::move(s));
  }
  if (frames.empty()) throw InputError(path.string() + ": no frames in extended-XYZ file");
  return frames;
}

std::vector<structure::Structure> read_lammps_dump(const std::filesystem::path& path,
                                                   const std::vector<std::string>& type_elements) {
  LineReader r(path);
  std::vector<structure::Structure> frames;
  std::string line;
  long n_atoms = -1;
  Eigen::Matrix3d cell = Eigen::Matrix3d::Zero();
  Eigen::Vector3d origin = Eigen::Vector3d::Zero();
  bool have_box = false;
  long timestep = -1;
  while (r.next(line)) {
    if (blank(line)) continue;
    if (line.rfind("ITEM:", 0) != 0) r.fail("expected an 'ITEM:' line, got '" + line + "'");
    const std::string item = line.substr(5);
    const auto words = split(item);
    if (words.empty()) r.fail("empty ITEM");
    if (words[0] == "TIMESTEP") {
      if (!r.next(line)) r.fail("missing timestep value");
      timestep = static_cast<long>(to_double(r, split(line).at(0), "TIMESTEP"));
      n_atoms = -1;
      have_box = false;
    } else if (words[0] == "NUMBER" ) {
      if (!r.next(line)) r.fail("missing number of atoms");
      n_atoms = static_cast<long>(to_double(r, split(line).at(0), "NUMBER OF ATOMS"));
      if (n_atoms <= 0) r.fail("number of atoms must be positive");
    } else if (words[0] == "BOX") {
      const bool triclinic = std::find(words.begin(), words.end(), "xy") != words.end();
      double lo[3], hi[3], tilt[3] = {0, 0, 0};
      for (int d = 0; d < 3; ++d) {
        if (!r.next(line)) r.fail("missing BOX BOUNDS line");
        const auto t = split(line);
        if (t.size() < (triclinic ? 3u : 2u))
          r.fail(std::string("expected ") + (triclinic ? "lo hi tilt" : "lo hi") + ", got '" + line + "'");
        lo[d] = to_double(r, t[0], "a box bound");
        hi[d] = to_double(r, t[1], "a box bound");
        if (triclinic) tilt[d] = to_double(r, t[2], "a tilt factor");
      }
      // LAMMPS writes bounding-box extents for triclinic boxes (Howto triclinic):
      // xlo = xlo_bound − min(0, xy, xz, xy+xz), xhi = xhi_bound − max(0, xy, xz, xy+xz),
      // ylo = ylo_bound − min(0, yz), yhi = yhi_bound − max(0, yz).
      const double xy = tilt[0], xz = tilt[1], yz = tilt[2];
      if (triclinic) {
        lo[0] -= std::min({0.0, xy, xz, xy + xz});
        hi[0] -= std::max({0.0, xy, xz, xy + xz});
        lo[1] -= std::min(0.0, yz);
        hi[1] -= std::max(0.0, yz);
      }
      cell << hi[0] - lo[0], 0, 0, xy, hi[1] - lo[1], 0, xz, yz, hi[2] - lo[2];
      origin = Eigen::Vector3d(lo[0], lo[1], lo[2]);
      have_box = true;
    } else if (words[0] == "ATOMS") {
      if (n_atoms < 0) r.fail("ITEM: ATOMS before ITEM: NUMBER OF ATOMS");
      if (!have_box) r.fail("ITEM: ATOMS before ITEM: BOX BOUNDS");
      int c_id = -1, c_type = -1, c_el = -1, c_x = -1, kind = -1;  // kind 0 cart, 1 scaled
      for (std::size_t i = 1; i < words.size(); ++i) {
        const std::string& w = words[i];
        const int c = static_cast<int>(i) - 1;
        if (w == "id") c_id = c;
        else if (w == "type") c_type = c;
        else if (w == "element") c_el = c;
        else if ((w == "x" || w == "xu") && kind < 0) { c_x = c; kind = 0; }
        else if ((w == "xs" || w == "xsu") && kind < 0) { c_x = c; kind = 1; }
      }
      if (c_x < 0) r.fail("ITEM: ATOMS needs x y z, xu yu zu or xs ys zs columns");
      if (c_el < 0 && c_type < 0) r.fail("ITEM: ATOMS needs a type or element column");
      const std::size_t ncol = words.size() - 1;
      std::vector<std::tuple<long, int, Eigen::Vector3d>> atoms;
      for (long a = 0; a < n_atoms; ++a) {
        if (!r.next(line)) r.fail("file ends inside the ATOMS block of timestep " + std::to_string(timestep));
        const auto t = split(line);
        if (t.size() < ncol)
          r.fail("expected " + std::to_string(ncol) + " columns, got " + std::to_string(t.size()) + ": '" + line + "'");
        const long id = c_id >= 0 ? static_cast<long>(to_double(r, t[static_cast<std::size_t>(c_id)], "id")) : a;
        int z = 0;
        if (c_el >= 0) {
          z = element_or_fail(r, t[static_cast<std::size_t>(c_el)]);
        } else {
          const long type = static_cast<long>(to_double(r, t[static_cast<std::size_t>(c_type)], "type"));
          if (type < 1 || type > static_cast<long>(type_elements.size()))
            r.fail("atom type " + std::to_string(type) + " has no element: give the element of every type (" +
                   std::to_string(type_elements.size()) + " given)");
          z = element_or_fail(r, type_elements[static_cast<std::size_t>(type - 1)]);
        }
        Eigen::Vector3d x;
        for (int d = 0; d < 3; ++d) x[d] = to_double(r, t[static_cast<std::size_t>(c_x + d)], "a coordinate");
        atoms.emplace_back(id, z, x);
      }
      std::stable_sort(atoms.begin(), atoms.end(), [](const auto& a, const auto& b) { return std::get<0>(a) < std::get<0>(b); });
      const structure::Lattice lat(cell);
      std::vector<int> z;
      std::vector<Eigen::Vector3d> frac;
      for (const auto& [id, zz, x] : atoms) {
        z.push_back(zz);
        frac.push_back(kind == 1 ? x : lat.to_fractional(x - origin));
      }
      auto s = structure::Structure::periodic(lat, z, frac);
      s.name = path.stem().string() + "@" + std::to_string(timestep);
      s.source = path.string();
      frames.push_back(std::move(s));
    } else {
      r.fail("unknown ITEM '" + item + "' (expected TIMESTEP, NUMBER OF ATOMS, BOX BOUNDS or ATOMS)");
    }
  }
  if (frames.empty()) throw InputError(path.string() + ": no ITEM: ATOMS block in LAMMPS dump");
  return frames;
}

std::vector<structure::Structure> read_trajectory(const std::filesystem::path& path,
                                                  const std::vector<std::string>& type_elements) {
  const std::string ext = path.extension().string();
  std::ifstream in(path);
  if (!in) throw InputError(path.string() + ": cannot open trajectory file");
  std::string first;
  std::getline(in, first);
  if (first.rfind("ITEM:", 0) == 0 || ext == ".dump" || ext == ".lammpstrj") return read_lammps_dump(path, type_elements);
  if (ext == ".xyz" || ext == ".extxyz") return read_extxyz(path);
  return {structure::read_structure(path)};
}

void write_extxyz_frame(std::ostream& out, const structure::Structure& frame, const std::string& comment) {
  out << frame.size() << '\n';
  char buf[256];
  if (frame.is_periodic()) {
    const auto& m = frame.lattice().matrix_A();
    out << "Lattice=\"";
    for (int i = 0; i < 9; ++i) {
      std::snprintf(buf, sizeof buf, "%s%.8f", i ? " " : "", m(i / 3, i % 3));
      out << buf;
    }
    out << "\" Properties=species:S:1:pos:R:3 pbc=\"T T T\"";
  } else {
    out << "Properties=species:S:1:pos:R:3";
  }
  if (!comment.empty()) out << ' ' << comment;
  out << '\n';
  for (const auto& s : frame.sites()) {
    std::snprintf(buf, sizeof buf, "%-2s %14.8f %14.8f %14.8f\n", std::string(elements::element(s.z).symbol).c_str(),
                  s.cartesian_A.x(), s.cartesian_A.y(), s.cartesian_A.z());
    out << buf;
  }
}

}  // namespace xasforge::ensemble
