#include "core/structure/symmetry.hpp"

#include <stdexcept>
#include <map>
#include <memory>

#include <spglib.h>

#include "core/elements/element.hpp"
#include "core/error.hpp"

namespace xasforge::structure {

SymmetryInfo analyze_symmetry(const Structure& s, const SymmetryOptions& options) {
  const std::string where = s.source.empty() ? s.name : s.source;
  if (!s.is_periodic()) throw InputError(where + ": a cluster has no space group");
  if (s.size() == 0) throw InputError(where + ": structure has no sites");
  // spglib takes the lattice vectors as columns (pymatgen transposes its row matrix before the
  // call, in spglib's Python binding) and fractional positions as given.
  double lattice[3][3];
  const Eigen::Matrix3d& m = s.lattice().matrix_A();
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) lattice[r][c] = m(c, r);
  std::vector<double> positions(3 * s.size());
  // Types numbered by first appearance, as SpacegroupAnalyzer numbers its unique species.
  std::map<int, int> type_of_z;
  std::vector<int> types(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    for (int k = 0; k < 3; ++k) positions[3 * i + static_cast<std::size_t>(k)] = s.site(i).fractional[k];
    auto [it, inserted] = type_of_z.emplace(s.site(i).z, static_cast<int>(type_of_z.size()) + 1);
    types[i] = it->second;
  }
  std::unique_ptr<SpglibDataset, void (*)(SpglibDataset*)> ds(
      spgat_get_dataset(lattice, reinterpret_cast<double(*)[3]>(positions.data()), types.data(),
                        static_cast<int>(s.size()), options.symprec_A, options.angle_tolerance_deg),
      spg_free_dataset);
  if (!ds || ds->n_atoms != static_cast<int>(s.size()))
    throw InputError(where + ": spglib found no space group at symprec " + std::to_string(options.symprec_A) +
                     " Å: " + spg_get_error_message(spg_get_error_code()));
  SymmetryInfo info;
  info.spacegroup_number = ds->spacegroup_number;
  info.international_symbol = ds->international_symbol;
  info.hall_symbol = ds->hall_symbol;
  info.equivalent_atoms.resize(s.size());
  info.wyckoff_letters.resize(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    info.equivalent_atoms[i] = static_cast<std::size_t>(ds->equivalent_atoms[i]);
    info.wyckoff_letters[i] = static_cast<char>('a' + ds->wyckoffs[i]);
  }
  return info;
}

std::vector<AbsorberClass> absorber_classes(const Structure& s, const SymmetryInfo& symmetry) {
  if (symmetry.equivalent_atoms.size() != s.size())
    throw std::logic_error("absorber_classes: symmetry data has " + std::to_string(symmetry.equivalent_atoms.size()) +
                     " sites, structure '" + s.name + "' has " + std::to_string(s.size()));
  // SymmetrizedStructure groups by np.unique(equivalent_atoms), i.e. by representative in
  // ascending order; each class lists its sites in ascending order.
  std::map<std::size_t, std::size_t> class_of_rep;
  std::vector<AbsorberClass> classes;
  for (std::size_t i = 0; i < s.size(); ++i) class_of_rep.emplace(symmetry.equivalent_atoms[i], 0);
  for (auto& [rep, index] : class_of_rep) {
    index = classes.size();
    const int z = s.site(rep).z;
    classes.push_back({z, std::string(elements::element(z).symbol), {}, symmetry.wyckoff_letters[rep]});
  }
  for (std::size_t i = 0; i < s.size(); ++i) classes[class_of_rep[symmetry.equivalent_atoms[i]]].sites.push_back(i);
  return classes;
}

std::vector<AbsorberClass> absorber_classes(const Structure& s, const SymmetryOptions& options) {
  if (!s.is_periodic()) {
    std::vector<AbsorberClass> classes;
    for (std::size_t i = 0; i < s.size(); ++i)
      classes.push_back({s.site(i).z, std::string(elements::element(s.site(i).z).symbol), {i}, '?'});
    return classes;
  }
  return absorber_classes(s, analyze_symmetry(s, options));
}

}  // namespace xasforge::structure
