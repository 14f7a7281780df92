#include "core/scattering/feff_input.hpp"

#include <stdexcept>
#include <algorithm>
#include <cstdio>
#include <set>
#include <sstream>

#include "core/elements/element.hpp"
#include "core/error.hpp"

namespace xasforge::scattering::feff {

const char* edge_name(Edge edge) {
  switch (edge) {
    case Edge::kK: return "K";
    case Edge::kL1: return "L1";
    case Edge::kL2: return "L2";
    case Edge::kL3: return "L3";
  }
  return "K";
}

Edge parse_edge(const std::string& name) {
  for (Edge e : {Edge::kK, Edge::kL1, Edge::kL2, Edge::kL3})
    if (name == edge_name(e)) return e;
  throw InputError("unknown edge '" + name + "'; expected K, L1, L2 or L3");
}

FeffCluster assign_potentials(std::vector<structure::ClusterAtom> atoms, const std::string& what) {
  if (atoms.empty()) throw InputError(what + ": empty cluster (no absorber)");
  if (atoms.size() > kMaxAtoms)
    throw InputError(what + ": the cluster has " + std::to_string(atoms.size()) + " atoms; FEFF 8.5L accepts at most " +
                     std::to_string(kMaxAtoms) + " (natx). Use a smaller cluster radius.");
  FeffCluster c;
  const int zabs = atoms[0].z;
  std::set<int> others;
  for (std::size_t i = 1; i < atoms.size(); ++i) others.insert(atoms[i].z);
  c.z_of_ipot.push_back(zabs);
  if (others.count(zabs)) c.z_of_ipot.push_back(zabs);
  for (int z : others)
    if (z != zabs) c.z_of_ipot.push_back(z);
  const int nunique = static_cast<int>(c.z_of_ipot.size()) - 1;
  if (nunique > kMaxPotentialIndex) {
    std::string list;
    for (int z : others) list += (list.empty() ? "" : " ") + std::string(elements::element(z).symbol);
    throw InputError(what + ": " + std::to_string(nunique) +
                     " unique potentials besides the absorber (elements " + list + "); FEFF 8.5L allows at most " +
                     std::to_string(kMaxPotentialIndex) + " (nphx). Use a smaller cluster radius.");
  }
  c.ipot.push_back(0);
  for (std::size_t i = 1; i < atoms.size(); ++i) {
    const auto it = std::find(c.z_of_ipot.begin() + 1, c.z_of_ipot.end(), atoms[i].z);
    c.ipot.push_back(static_cast<int>(it - c.z_of_ipot.begin()));
  }
  c.atoms = std::move(atoms);
  return c;
}

FeffCluster make_feff_cluster(const structure::Structure& structure, std::size_t absorber_site, double radius_A) {
  const std::string what = "structure '" + (structure.name.empty() ? std::string("?") : structure.name) + "' site " +
                           std::to_string(absorber_site);
  return assign_potentials(structure::build_cluster(structure, absorber_site, radius_A), what);
}

std::vector<PathAtom> path_atoms(const FeffCluster& cluster) {
  std::vector<PathAtom> out;
  out.reserve(cluster.atoms.size());
  for (std::size_t i = 0; i < cluster.atoms.size(); ++i) {
    const auto& a = cluster.atoms[i];
    out.push_back({a.position_A, cluster.ipot[i], a.z, elements::element(a.z).mass_amu});
  }
  return out;
}

void write_feff_inp(std::ostream& out, const FeffCluster& cluster, const FeffCards& cards) {
  if (cluster.atoms.size() != cluster.ipot.size()) throw std::logic_error("feff.inp writer: atoms and ipot differ in size");
  char buf[256];
  std::string title = cards.title;
  std::replace(title.begin(), title.end(), '\n', ' ');
  out << "TITLE " << title.substr(0, 70) << "\n";
  out << "EDGE " << edge_name(cards.edge) << "\n";
  std::snprintf(buf, sizeof buf, "S02 %.6g\n", cards.s02);
  out << buf;
  out << "CONTROL " << cards.control << "\n";
  out << "PRINT " << cards.print << "\n";
  std::snprintf(buf, sizeof buf, "EXCHANGE %d %.6g %.6g\n", cards.exchange, cards.exchange_vr0_eV, cards.exchange_vi0_eV);
  out << buf;
  if (cards.rpath_A) { std::snprintf(buf, sizeof buf, "RPATH %.6g\n", *cards.rpath_A); out << buf; }
  if (cards.nleg) out << "NLEG " << *cards.nleg << "\n";
  if (cards.critcw || cards.critpw) {
    std::snprintf(buf, sizeof buf, "CRITERIA %.6g %.6g\n", cards.critcw.value_or(4.0), cards.critpw.value_or(2.5));
    out << buf;
  }
  if (cards.debye_temperature_K) {
    std::snprintf(buf, sizeof buf, "DEBYE %.6g %.6g 0\n", *cards.debye_temperature_K, cards.debye_theta_K.value_or(0.0));
    out << buf;
  }
  if (cards.sig2_A2) { std::snprintf(buf, sizeof buf, "SIG2 %.8g\n", *cards.sig2_A2); out << buf; }
  out << "\nPOTENTIALS\n*  ipot   Z  tag\n";
  for (std::size_t ip = 0; ip < cluster.z_of_ipot.size(); ++ip) {
    std::snprintf(buf, sizeof buf, "   %4zu %4d  %s\n", ip, cluster.z_of_ipot[ip],
                  std::string(elements::element(cluster.z_of_ipot[ip]).symbol).c_str());
    out << buf;
  }
  out << "\nATOMS\n*   x          y          z       ipot  tag   distance\n";
  for (std::size_t i = 0; i < cluster.atoms.size(); ++i) {
    const auto& a = cluster.atoms[i];
    std::snprintf(buf, sizeof buf, "  %10.5f %10.5f %10.5f  %3d  %-3s %9.5f\n", a.position_A.x(), a.position_A.y(),
                  a.position_A.z(), cluster.ipot[i], std::string(elements::element(a.z).symbol).c_str(),
                  a.position_A.norm());
    out << buf;
  }
  out << "END\n";
}

std::string feff_inp_text(const FeffCluster& cluster, const FeffCards& cards) {
  std::ostringstream os;
  write_feff_inp(os, cluster, cards);
  return os.str();
}

}  // namespace xasforge::scattering::feff
