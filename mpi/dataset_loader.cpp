#include "mpi/dataset_loader.hpp"

#include <cmath>
#include <utility>

#include <hdf5.h>

#include "core/error.hpp"
#include "mpi/results_layout.hpp"

namespace xasforge::mpi {
namespace {

/// Silences HDF5's own error printing while we check every return value ourselves.
class QuietHdf5 {
 public:
  QuietHdf5() {
    H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~QuietHdf5() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }
  QuietHdf5(const QuietHdf5&) = delete;
  QuietHdf5& operator=(const QuietHdf5&) = delete;

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

/// An HDF5 identifier closed by its own close function.
class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~Handle() {
    if (id_ >= 0) close_(id_);
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

class File {
 public:
  explicit File(std::string path) : path_(std::move(path)), file_(H5Fopen(path_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose) {
    if (!file_.valid()) throw InputError(path_ + ": cannot open as an HDF5 results file");
  }

  bool exists(const std::string& dataset) const {
    // H5Lexists on each component: a missing intermediate group is "no", not an error.
    std::string prefix;
    std::size_t pos = 1;
    while (pos <= dataset.size()) {
      const std::size_t next = dataset.find('/', pos);
      prefix = dataset.substr(0, next == std::string::npos ? dataset.size() : next);
      if (H5Lexists(file_.get(), prefix.c_str(), H5P_DEFAULT) <= 0) return false;
      if (next == std::string::npos) break;
      pos = next + 1;
    }
    return H5Oexists_by_name(file_.get(), dataset.c_str(), H5P_DEFAULT) > 0;
  }

  /// Whole dataset as doubles (HDF5 converts integer types), with its dimensions.
  std::vector<double> read(const std::string& dataset, std::vector<hsize_t>& dims) const {
    if (!exists(dataset)) throw InputError(path_ + ": dataset " + dataset + " is missing");
    Handle d(H5Dopen2(file_.get(), dataset.c_str(), H5P_DEFAULT), H5Dclose);
    if (!d.valid()) throw InputError(path_ + ": cannot open dataset " + dataset);
    Handle space(H5Dget_space(d.get()), H5Sclose);
    if (!space.valid()) throw InputError(path_ + ": cannot read the shape of " + dataset);
    const int rank = H5Sget_simple_extent_ndims(space.get());
    if (rank < 1 || rank > 2) throw InputError(path_ + ": dataset " + dataset + " has rank " + std::to_string(rank) + "; expected 1 or 2");
    dims.assign(static_cast<std::size_t>(rank), 0);
    if (H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr) < 0)
      throw InputError(path_ + ": cannot read the dimensions of " + dataset);
    Handle type(H5Dget_type(d.get()), H5Tclose);
    const H5T_class_t cls = H5Tget_class(type.get());
    if (cls != H5T_INTEGER && cls != H5T_FLOAT)
      throw InputError(path_ + ": dataset " + dataset + " is not numeric");
    std::size_t n = 1;
    for (auto v : dims) n *= static_cast<std::size_t>(v);
    std::vector<double> values(std::max<std::size_t>(n, 1));
    if (n > 0 && H5Dread(d.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0)
      throw InputError(path_ + ": reading dataset " + dataset + " failed");
    values.resize(n);
    return values;
  }

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  Handle file_;
};

std::vector<int> to_ints(const std::vector<double>& v, const std::string& where) {
  std::vector<int> out(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    const double r = std::round(v[i]);
    if (!std::isfinite(v[i]) || std::abs(v[i] - r) > 1e-6)
      throw InputError(where + ": row " + std::to_string(i) + " holds " + std::to_string(v[i]) + "; expected an integer");
    out[i] = static_cast<int>(r);
  }
  return out;
}

}  // namespace

std::string feature_dataset_path(const std::string& name) {
  if (!name.empty() && name[0] == '/') return name;
  if (name == "chir_mag") return block_paths::kChirMag;
  if (name == "soap") return block_paths::kSoap;
  if (name == "chi") return block_paths::kChi;
  throw InputError("features: unknown block '" + name + "'; expected chir_mag, soap, chi or a /dataset/path");
}

std::string feature_grid_path(const std::string& name) {
  if (name == "chir_mag" || name == block_paths::kChirMag) return block_paths::kChirR;
  if (name == "chi" || name == block_paths::kChi) return block_paths::kChiK;
  return "";
}

std::string target_dataset_path(const std::string& name) {
  if (!name.empty() && name[0] == '/') return name;
  if (name == "cn") return block_paths::kCn;
  if (name == "rdf") return block_paths::kRdf;
  if (name == "chi") return block_paths::kChi;
  if (name == "none") return "";
  throw InputError("target: unknown '" + name + "'; expected cn, rdf, chi or a /dataset/path");
}

bool has_dataset(const std::string& path, const std::string& dataset) {
  QuietHdf5 quiet;
  File f(path);
  return f.exists(dataset);
}

ml::Dataset load_dataset(const std::string& path, const DatasetRequest& request) {
  QuietHdf5 quiet;
  File file(path);
  ml::Dataset data;
  data.source = path;
  data.feature_name = feature_dataset_path(request.features);
  data.target_name = request.target;

  std::vector<hsize_t> dims;
  std::vector<double> x = file.read(data.feature_name, dims);
  if (dims.size() != 2)
    throw InputError(path + ": features " + data.feature_name + " must be 2-D (items × features), got rank " + std::to_string(dims.size()));
  const auto n = static_cast<std::size_t>(dims[0]), p = static_cast<std::size_t>(dims[1]);
  const std::string grid = feature_grid_path(request.features);
  if (!grid.empty() && file.exists(grid)) {
    std::vector<hsize_t> gd;
    data.feature_grid = file.read(grid, gd);
    if (data.feature_grid.size() != p)
      throw InputError(path + ": grid " + grid + " has " + std::to_string(data.feature_grid.size()) + " points but " +
                       data.feature_name + " has " + std::to_string(p) + " columns");
  }

  auto check_rows = [&](const std::string& name, std::size_t rows) {
    if (rows != n)
      throw InputError(path + ": " + name + " has " + std::to_string(rows) + " rows but " + data.feature_name + " has " +
                       std::to_string(n) + "; expected one row per item");
  };

  // Targets.
  std::vector<double> y;
  std::size_t q = 0;
  const std::string target = target_dataset_path(request.target);
  if (!target.empty()) {
    std::vector<hsize_t> td;
    y = file.read(target, td);
    check_rows(target, static_cast<std::size_t>(td[0]));
    const bool classification = request.target == "cn" || (request.target[0] == '/' && td.size() == 1);
    data.task = classification ? ml::Task::kClassification : ml::Task::kRegression;
    q = td.size() == 2 ? static_cast<std::size_t>(td[1]) : 1;
    if (classification && td.size() != 1) throw InputError(path + ": class labels " + target + " must be 1-D");
    if (!classification && target == block_paths::kChi && file.exists(block_paths::kChiK)) {
      std::vector<hsize_t> kd;
      data.target_grid = file.read(block_paths::kChiK, kd);
      if (data.target_grid.size() != q)
        throw InputError(path + ": /spectra/k has " + std::to_string(data.target_grid.size()) + " points but /spectra/chi has " +
                         std::to_string(q) + " columns");
    }
  }

  // Row selection: done items, then element and split filters.
  std::vector<int> status, z, split;
  if (file.exists("/items/status")) {
    status = to_ints(file.read("/items/status", dims), path + ": /items/status");
    check_rows("/items/status", status.size());
  }
  for (const char* name : {"/items/Z", "/items/z"})
    if (z.empty() && file.exists(name)) {
      z = to_ints(file.read(name, dims), path + ": " + name);
      check_rows(name, z.size());
    }
  if (file.exists("/items/split")) {
    split = to_ints(file.read("/items/split", dims), path + ": /items/split");
    check_rows("/items/split", split.size());
  }
  std::vector<int> group;
  if (!request.group_by.empty()) {
    if (request.group_by != "structure")
      throw InputError(path + ": unknown grouping '" + request.group_by + "'; expected structure");
    if (!file.exists("/items/structure")) throw InputError(path + ": no /items/structure dataset to group folds by structure");
    group = to_ints(file.read("/items/structure", dims), path + ": /items/structure");
    check_rows("/items/structure", group.size());
  }
  if (request.element_z && z.empty()) throw InputError(path + ": no /items/Z dataset to filter by element");
  if (request.split && split.empty()) throw InputError(path + ": no /items/split dataset to filter by split");

  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < n; ++i) {
    if (!status.empty() && status[i] != 1) continue;
    if (request.element_z && z[i] != *request.element_z) continue;
    if (request.split && split[i] != *request.split) continue;
    rows.push_back(i);
  }
  if (rows.empty()) throw InputError(path + ": no rows left after selecting done items and filters");

  const auto m = static_cast<Eigen::Index>(rows.size());
  data.features.resize(m, static_cast<Eigen::Index>(p));
  for (Eigen::Index i = 0; i < m; ++i)
    for (std::size_t j = 0; j < p; ++j) data.features(i, static_cast<Eigen::Index>(j)) = x[rows[static_cast<std::size_t>(i)] * p + j];
  if (!target.empty()) {
    if (data.task == ml::Task::kClassification) {
      std::vector<double> picked;
      for (auto r : rows) picked.push_back(y[r]);
      data.labels = to_ints(picked, path + ": " + target + " (class labels; use a regression target for non-integer values)");
    } else {
      data.targets.resize(m, static_cast<Eigen::Index>(q));
      for (Eigen::Index i = 0; i < m; ++i)
        for (std::size_t j = 0; j < q; ++j) data.targets(i, static_cast<Eigen::Index>(j)) = y[rows[static_cast<std::size_t>(i)] * q + j];
    }
  }
  for (auto r : rows) {
    data.item_index.push_back(static_cast<long>(r));
    if (!z.empty()) data.element_z.push_back(z[r]);
    if (!split.empty()) data.split.push_back(split[r]);
    if (!group.empty()) data.group.push_back(group[r]);
  }
  return data;
}

std::vector<double> read_numeric_dataset(const std::string& path, const std::string& dataset, std::vector<std::size_t>& dims) {
  QuietHdf5 quiet;
  const File file(path);
  std::vector<hsize_t> d;
  std::vector<double> values = file.read(dataset, d);
  dims.assign(d.begin(), d.end());
  return values;
}

std::string read_campaign_config_text(const std::string& path) {
  QuietHdf5 quiet;
  const File file(path);  // checks the file opens
  Handle f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  const std::string what = path + ": no campaign configuration (attribute config of /campaign)";
  if (!f.valid() || H5Aexists_by_name(f.get(), "/campaign", "config", H5P_DEFAULT) <= 0) throw InputError(what);
  Handle attr(H5Aopen_by_name(f.get(), "/campaign", "config", H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  if (!attr.valid()) throw InputError(what);
  Handle type(H5Aget_type(attr.get()), H5Tclose);
  if (!type.valid() || H5Tget_class(type.get()) != H5T_STRING) throw InputError(what + " is not a string");
  if (H5Tis_variable_str(type.get()) > 0) {
    char* text = nullptr;
    Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(mem.get(), H5T_VARIABLE);
    if (H5Aread(attr.get(), mem.get(), &text) < 0 || text == nullptr) throw InputError(what + " cannot be read");
    std::string out(text);
    H5free_memory(text);
    return out;
  }
  const std::size_t size = H5Tget_size(type.get());
  std::string buffer(size + 1, '\0');
  Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(mem.get(), size + 1);
  if (H5Aread(attr.get(), mem.get(), buffer.data()) < 0) throw InputError(what + " cannot be read");
  return std::string(buffer.c_str());
}

}  // namespace xasforge::mpi
