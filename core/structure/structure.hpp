#pragma once
/// A periodic crystal structure or a finite cluster: species and positions.
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "core/structure/lattice.hpp"

namespace xasforge::structure {

struct Site {
  int z = 0;                        ///< atomic number
  Eigen::Vector3d cartesian_A;      ///< Cartesian position (Å)
  Eigen::Vector3d fractional;       ///< fractional coordinates; equal to cartesian_A for clusters
  std::string label;                ///< label from the file ("Fe1"), or the element symbol
  friend bool operator==(const Site&, const Site&) = default;
};

/// An ordered structure (every site one species, occupancy 1). Periodic when it has a lattice.
class Structure {
 public:
  Structure() = default;
  /// Periodic structure from fractional coordinates. Cartesian positions are computed.
  static Structure periodic(Lattice lattice, std::vector<int> z, std::vector<Eigen::Vector3d> fractional,
                            std::vector<std::string> labels = {});
  /// Finite cluster from Cartesian coordinates (Å).
  static Structure cluster(std::vector<int> z, std::vector<Eigen::Vector3d> cartesian_A,
                           std::vector<std::string> labels = {});

  bool is_periodic() const { return lattice_.has_value(); }
  const Lattice& lattice() const;  ///< throws InputError for a cluster
  const std::optional<Lattice>& maybe_lattice() const { return lattice_; }
  std::size_t size() const { return sites_.size(); }
  const Site& site(std::size_t i) const { return sites_.at(i); }
  const std::vector<Site>& sites() const { return sites_; }

  /// Reduced formula in pymatgen's order (by electronegativity, then symbol), e.g. "Fe2O3".
  std::string reduced_formula() const;
  /// Full formula with counts of the stored cell, e.g. "Fe4 O6".
  std::string formula() const;
  /// Distinct atomic numbers in ascending order.
  std::vector<int> species() const;

  /// Name (file stem or id) and source path, carried for error messages and the results file.
  std::string name;
  std::string source;

  friend bool operator==(const Structure& a, const Structure& b) {
    return a.lattice_ == b.lattice_ && a.sites_ == b.sites_;
  }

 private:
  std::optional<Lattice> lattice_;
  std::vector<Site> sites_;
};

}  // namespace xasforge::structure
