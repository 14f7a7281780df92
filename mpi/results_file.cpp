#include "mpi/results_file.hpp"

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <numeric>
#include <sstream>

#include <unistd.h>

#include "core/error.hpp"
#include "mpi/hdf5_handle.hpp"

namespace xasforge::mpi {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Hid make_space(const std::vector<hsize_t>& dims) {
  if (dims.empty()) return Hid{h5_check(H5Screate(H5S_SCALAR), "H5Screate"), H5Sclose};
  return Hid{h5_check(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
                      "H5Screate_simple"),
             H5Sclose};
}

/// Fixed-length, NUL-terminated string type of `size` bytes.
Hid string_type(std::size_t size) {
  Hid t{h5_check(H5Tcopy(H5T_C_S1), "H5Tcopy"), H5Tclose};
  h5_check(H5Tset_size(t, std::max<std::size_t>(size, 1)), "H5Tset_size");
  h5_check(H5Tset_strpad(t, H5T_STR_NULLTERM), "H5Tset_strpad");
  return t;
}

void write_string_attr(hid_t loc, const std::string& name, const std::string& value) {
  Hid type = string_type(value.size() + 1);
  Hid space = make_space({});
  Hid attr{h5_check(H5Acreate2(loc, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT),
                    "H5Acreate2 " + name),
           H5Aclose};
  h5_check(H5Awrite(attr, type, value.c_str()), "H5Awrite " + name);
}

void write_int_attr(hid_t loc, const std::string& name, long long value) {
  Hid space = make_space({});
  Hid attr{h5_check(H5Acreate2(loc, name.c_str(), H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT),
                    "H5Acreate2 " + name),
           H5Aclose};
  h5_check(H5Awrite(attr, H5T_NATIVE_LLONG, &value), "H5Awrite " + name);
}

std::string read_string_attr(hid_t loc, const std::string& name) {
  Hid attr{h5_check(H5Aopen(loc, name.c_str(), H5P_DEFAULT), "H5Aopen " + name), H5Aclose};
  Hid type{h5_check(H5Aget_type(attr), "H5Aget_type " + name), H5Tclose};
  const std::size_t size = H5Tget_size(type);
  std::string buffer(size, '\0');
  Hid mem = string_type(size);
  h5_check(H5Aread(attr, mem, buffer.data()), "H5Aread " + name);
  return std::string(buffer.c_str());
}

Hid create_group(hid_t file, const std::string& path) {
  Hid lcpl{h5_check(H5Pcreate(H5P_LINK_CREATE), "H5Pcreate"), H5Pclose};
  h5_check(H5Pset_create_intermediate_group(lcpl, 1), "H5Pset_create_intermediate_group");
  return Hid{h5_check(H5Gcreate2(file, path.c_str(), lcpl, H5P_DEFAULT, H5P_DEFAULT), "H5Gcreate2 " + path),
             H5Gclose};
}

/// Early-allocated, chunked dataset (rows of the item axis per chunk) with a fill value.
Hid create_dataset(hid_t file, const std::string& path, hid_t file_type, const std::vector<hsize_t>& dims,
                   const void* fill) {
  Hid lcpl{h5_check(H5Pcreate(H5P_LINK_CREATE), "H5Pcreate"), H5Pclose};
  h5_check(H5Pset_create_intermediate_group(lcpl, 1), "H5Pset_create_intermediate_group");
  Hid dcpl{h5_check(H5Pcreate(H5P_DATASET_CREATE), "H5Pcreate"), H5Pclose};
  const bool has_rows = !dims.empty() && dims[0] > 0;
  if (has_rows) {
    // About 256 KiB per chunk, whole rows: a checkpoint touches few chunks, and the chunk index
    // (built here, at creation) never changes afterwards.
    std::vector<hsize_t> chunk = dims;
    const std::size_t row_bytes =
        H5Tget_size(file_type) * static_cast<std::size_t>(std::accumulate(
                                     dims.begin() + 1, dims.end(), hsize_t{1}, std::multiplies<>()));
    chunk[0] = std::clamp<hsize_t>((256 * 1024) / std::max<std::size_t>(row_bytes, 1), 1, dims[0]);
    h5_check(H5Pset_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data()), "H5Pset_chunk " + path);
  }
  h5_check(H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_EARLY), "H5Pset_alloc_time " + path);
  h5_check(H5Pset_fill_time(dcpl, H5D_FILL_TIME_ALLOC), "H5Pset_fill_time " + path);
  if (fill) h5_check(H5Pset_fill_value(dcpl, file_type, fill), "H5Pset_fill_value " + path);
  Hid space = make_space(dims);
  return Hid{h5_check(H5Dcreate2(file, path.c_str(), file_type, space, lcpl, dcpl, H5P_DEFAULT),
                      "H5Dcreate2 " + path),
             H5Dclose};
}

void write_whole(hid_t dset, hid_t mem_type, const void* data, const std::string& what) {
  h5_check(H5Dwrite(dset, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "H5Dwrite " + what);
}

std::vector<char> pack_strings(const std::vector<std::string>& values, std::size_t width, bool cut) {
  std::vector<char> buffer(values.size() * width, '\0');
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::string v = values[i];
    if (v.size() >= width) {
      if (!cut) v.resize(width - 1);
      else v = v.substr(0, width - 4) + "...";
    }
    std::memcpy(buffer.data() + i * width, v.data(), v.size());
  }
  return buffer;
}

void write_string_dataset(hid_t file, const std::string& path, const std::vector<std::string>& values,
                          std::size_t width = 0) {
  if (width == 0) {
    width = 1;
    for (const auto& v : values) width = std::max(width, v.size() + 1);
  }
  Hid type = string_type(width);
  const std::vector<char> fill(width, '\0');
  Hid dset = create_dataset(file, path, type, {values.size()}, fill.data());
  if (!values.empty()) write_whole(dset, type, pack_strings(values, width, true).data(), path);
}

template <typename T>
void write_numeric_dataset(hid_t file, const std::string& path, hid_t file_type, hid_t mem_type,
                           const std::vector<hsize_t>& dims, const std::vector<T>& values, T fill,
                           const std::string& units = "", const std::string& description = "") {
  Hid dset = create_dataset(file, path, file_type, dims, &fill);
  if (!values.empty()) write_whole(dset, mem_type, values.data(), path);
  if (!units.empty()) write_string_attr(dset, "units", units);
  if (!description.empty()) write_string_attr(dset, "description", description);
}

Hid open_dataset(hid_t file, const std::string& path) {
  return Hid{h5_check(H5Dopen2(file, path.c_str(), H5P_DEFAULT), "H5Dopen2 " + path), H5Dclose};
}

std::vector<hsize_t> dataset_dims(hid_t dset, const std::string& path) {
  Hid space{h5_check(H5Dget_space(dset), "H5Dget_space " + path), H5Sclose};
  const int rank = h5_check(H5Sget_simple_extent_ndims(space), "H5Sget_simple_extent_ndims " + path);
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  h5_check(H5Sget_simple_extent_dims(space, dims.data(), nullptr), "H5Sget_simple_extent_dims " + path);
  return dims;
}

template <typename T>
std::vector<T> read_numeric(hid_t file, const std::string& path, hid_t mem_type) {
  Hid dset = open_dataset(file, path);
  const auto dims = dataset_dims(dset, path);
  const std::size_t n = std::accumulate(dims.begin(), dims.end(), std::size_t{1}, std::multiplies<>());
  std::vector<T> out(n);
  if (n > 0) h5_check(H5Dread(dset, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), "H5Dread " + path);
  return out;
}

std::vector<std::string> read_strings(hid_t file, const std::string& path) {
  Hid dset = open_dataset(file, path);
  const auto dims = dataset_dims(dset, path);
  Hid ftype{h5_check(H5Dget_type(dset), "H5Dget_type " + path), H5Tclose};
  const std::size_t width = H5Tget_size(ftype);
  Hid mem = string_type(width);
  const std::size_t n = dims.empty() ? 0 : dims[0];
  std::vector<char> buffer(n * width + 1, '\0');
  if (n > 0) h5_check(H5Dread(dset, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()), "H5Dread " + path);
  std::vector<std::string> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    const char* p = buffer.data() + i * width;
    out[i] = std::string(p, strnlen(p, width));
  }
  return out;
}

std::string join_lines(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += x + "\n";
  return s;
}

/// Parallel-file-system settings from the environment (docs/campaign.md, "Laptop and cluster").
/// XASFORGE_HDF5_ALIGNMENT=BYTES: objects of at least half that size start on a multiple of it in
/// the file (H5Pset_alignment; e.g. the Lustre stripe size, so no chunk straddles two stripes).
/// Read when the file is created; 0 or unset: HDF5's default (no alignment).
hsize_t alignment_from_env() {
  const char* env = std::getenv("XASFORGE_HDF5_ALIGNMENT");
  if (!env || !*env) return 0;
  char* end = nullptr;
  const unsigned long long v = std::strtoull(env, &end, 10);
  if (*end != '\0') throw InputError(std::string("XASFORGE_HDF5_ALIGNMENT='") + env + "': expected a byte count");
  return static_cast<hsize_t>(v);
}

/// XASFORGE_MPIIO_HINTS="key=value,key=value": MPI-IO hints passed to MPI_File_open through HDF5
/// (standard keys: cb_buffer_size, cb_nodes, romio_cb_write, striping_factor, striping_unit). An
/// MPI library ignores hints it does not know. Returns MPI_INFO_NULL when unset.
MPI_Info mpiio_hints_from_env() {
  const char* env = std::getenv("XASFORGE_MPIIO_HINTS");
  if (!env || !*env) return MPI_INFO_NULL;
  MPI_Info info = MPI_INFO_NULL;
  MPI_Info_create(&info);
  std::istringstream in(env);
  for (std::string pair; std::getline(in, pair, ',');) {
    const auto eq = pair.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == pair.size()) {
      MPI_Info_free(&info);
      throw InputError("XASFORGE_MPIIO_HINTS: '" + pair + "' is not key=value");
    }
    MPI_Info_set(info, pair.substr(0, eq).c_str(), pair.substr(eq + 1).c_str());
  }
  return info;
}

}  // namespace

void create_results_file(const std::filesystem::path& path, const CampaignMeta& meta,
                         const std::vector<StructureEntry>& structures, const std::vector<ItemEntry>& items,
                         const std::vector<BlockSpec>& blocks, const std::vector<SummaryTable>& summary) {
  silence_hdf5_errors();
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  const std::filesystem::path partial = path.string() + ".partial";
  {
    Hid fapl{h5_check(H5Pcreate(H5P_FILE_ACCESS), "H5Pcreate"), H5Pclose};
    if (const hsize_t alignment = alignment_from_env(); alignment > 1)
      h5_check(H5Pset_alignment(fapl, alignment / 2, alignment), "H5Pset_alignment");
    Hid file{h5_check(H5Fcreate(partial.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl), "H5Fcreate " + partial.string()),
             H5Fclose};
    const std::size_t n = items.size();
    const std::size_t ns = structures.size();

    Hid campaign = create_group(file, "/campaign");
    write_string_attr(campaign, "name", meta.name);
    write_string_attr(campaign, "config", meta.config_text);
    write_string_attr(campaign, "config_hash", meta.config_hash);
    write_string_attr(campaign, "code_version", meta.code_version);
    write_string_attr(campaign, "created", meta.created);
    write_int_attr(campaign, "n_items", static_cast<long long>(n));
    write_int_attr(campaign, "n_structures", static_cast<long long>(ns));
    std::vector<std::string> block_paths;
    for (const auto& b : blocks) block_paths.push_back(b.path);
    write_string_attr(campaign, "blocks", join_lines(block_paths));
    write_string_attr(campaign, "status_codes", "0 pending, 1 done, 2 failed");

    // /structures
    {
      std::vector<std::string> p, nm, f, e;
      std::vector<std::int32_t> nsites;
      std::vector<double> lat;
      for (const auto& s : structures) {
        p.push_back(s.path);
        nm.push_back(s.name);
        f.push_back(s.formula);
        e.push_back(s.error);
        nsites.push_back(s.n_sites);
        lat.insert(lat.end(), s.lattice_A.begin(), s.lattice_A.end());
      }
      write_string_dataset(file, "/structures/path", p);
      write_string_dataset(file, "/structures/name", nm);
      write_string_dataset(file, "/structures/formula", f);
      write_string_dataset(file, "/structures/error", e);
      write_numeric_dataset<std::int32_t>(file, "/structures/n_sites", H5T_STD_I32LE, H5T_NATIVE_INT32, {ns},
                                          nsites, 0);
      write_numeric_dataset<double>(file, "/structures/lattice", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {ns, 3, 3},
                                    lat, kNaN, "angstrom", "lattice vectors a, b, c as rows; NaN for clusters");
    }

    // /items: the plan, and the outcome columns with their fill values.
    {
      std::vector<std::int32_t> st, site, z, mult, member, rank(n, -1);
      std::vector<std::string> edge, key, error;
      std::vector<std::int8_t> status;
      std::vector<double> wall(n, kNaN), finished(n, kNaN);
      for (const auto& it : items) {
        st.push_back(it.structure);
        site.push_back(it.site);
        z.push_back(it.z);
        mult.push_back(it.multiplicity);
        member.push_back(it.member);
        edge.push_back(it.edge);
        key.push_back(it.key);
        error.push_back(it.error);
        status.push_back(static_cast<std::int8_t>(it.status));
      }
      write_numeric_dataset<std::int32_t>(file, "/items/structure", H5T_STD_I32LE, H5T_NATIVE_INT32, {n}, st, -1,
                                          "", "row in /structures");
      write_numeric_dataset<std::int32_t>(file, "/items/site", H5T_STD_I32LE, H5T_NATIVE_INT32, {n}, site, -1,
                                          "", "representative absorber site (0-based) of the structure");
      write_numeric_dataset<std::int32_t>(file, "/items/z", H5T_STD_I32LE, H5T_NATIVE_INT32, {n}, z, 0, "",
                                          "absorber atomic number");
      write_numeric_dataset<std::int32_t>(file, "/items/multiplicity", H5T_STD_I32LE, H5T_NATIVE_INT32, {n}, mult,
                                          0, "", "sites in the absorber's equivalence class");
      write_numeric_dataset<std::int32_t>(file, "/items/member", H5T_STD_I32LE, H5T_NATIVE_INT32, {n}, member, 0,
                                          "", "ensemble member");
      write_string_dataset(file, "/items/edge", edge);
      write_string_dataset(file, "/items/key", key);
      write_numeric_dataset<std::int8_t>(file, "/items/status", H5T_STD_I8LE, H5T_NATIVE_INT8, {n}, status, 0, "",
                                         "0 pending, 1 done, 2 failed");
      write_string_dataset(file, "/items/error", error, kItemErrorBytes);
      write_numeric_dataset<double>(file, "/items/wall_seconds", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {n}, wall, kNaN,
                                    "s", "wall time of the item on its rank");
      write_numeric_dataset<std::int32_t>(file, "/items/rank", H5T_STD_I32LE, H5T_NATIVE_INT32, {n}, rank, -1, "",
                                          "MPI rank that computed the item");
      write_numeric_dataset<double>(file, "/items/finished_at", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {n}, finished,
                                    kNaN, "s since 1970-01-01 UTC", "when the item finished");
    }

    // Data blocks (all NaN until written) and their shared grids.
    for (const auto& b : blocks) {
      std::vector<hsize_t> dims{n};
      if (b.n_cols != 1) dims.push_back(b.n_cols);
      write_numeric_dataset<double>(file, b.path, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, dims, {}, kNaN, b.units,
                                    b.description);
      if (!b.axis_path.empty()) {
        if (b.axis.size() != b.n_cols)
          throw Error("results file: axis " + b.axis_path + " has " + std::to_string(b.axis.size()) +
                      " values for " + std::to_string(b.n_cols) + " columns of " + b.path);
        // Two blocks may share a grid (e.g. /features/r): write it once.
        if (H5Lexists(file, b.axis_path.c_str(), H5P_DEFAULT) <= 0) {
          H5Eclear2(H5E_DEFAULT);
          write_numeric_dataset<double>(file, b.axis_path, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {b.n_cols}, b.axis,
                                        kNaN, b.axis_units, "shared grid of " + b.path);
        }
      }
    }
    // Summary tables (one row per group, not per item).
    for (const auto& t : summary) {
      std::vector<hsize_t> dims{t.n_rows};
      if (t.n_cols != 1) dims.push_back(t.n_cols);
      const std::size_t n_values = t.n_rows * t.n_cols;
      if (t.type == SummaryTable::Type::kString) {
        if (t.strings.size() != t.n_rows)
          throw Error("results file: " + t.path + " needs " + std::to_string(t.n_rows) + " strings");
        write_string_dataset(file, t.path, t.strings);
      } else if (!t.values.empty() && t.values.size() != n_values) {
        throw Error("results file: " + t.path + " has " + std::to_string(t.values.size()) + " values, expected " +
                    std::to_string(n_values));
      } else if (t.type == SummaryTable::Type::kInt32) {
        std::vector<std::int32_t> v(t.values.begin(), t.values.end());
        write_numeric_dataset<std::int32_t>(file, t.path, H5T_STD_I32LE, H5T_NATIVE_INT32, dims, v, 0, t.units,
                                            t.description);
      } else {
        write_numeric_dataset<double>(file, t.path, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, dims, t.values, kNaN, t.units,
                                      t.description);
      }
      Hid d = open_dataset(file, t.path);
      if (t.type == SummaryTable::Type::kString && !t.description.empty())
        write_string_attr(d, "description", t.description);
      if (!t.grid.empty()) write_string_attr(d, "grid", t.grid);
    }
    file.close("H5Fclose " + partial.string());
  }
  std::filesystem::rename(partial, path);
}

void write_summary_values(const std::filesystem::path& path,
                          const std::vector<std::pair<std::string, std::vector<double>>>& values) {
  silence_hdf5_errors();
  Hid file{h5_check(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), "H5Fopen " + path.string()), H5Fclose};
  for (const auto& [name, v] : values) {
    Hid d = open_dataset(file, name);
    const auto dims = dataset_dims(d, name);
    const std::size_t n = std::accumulate(dims.begin(), dims.end(), std::size_t{1}, std::multiplies<>());
    if (v.size() != n)
      throw Error("results file: " + name + " holds " + std::to_string(n) + " values, got " + std::to_string(v.size()));
    Hid type{h5_check(H5Dget_type(d), "H5Dget_type " + name), H5Tclose};
    if (n == 0) continue;
    if (H5Tget_class(type) == H5T_INTEGER) {
      std::vector<std::int32_t> iv(v.begin(), v.end());
      write_whole(d, H5T_NATIVE_INT32, iv.data(), name);
    } else {
      write_whole(d, H5T_NATIVE_DOUBLE, v.data(), name);
    }
  }
  h5_check(H5Fflush(file, H5F_SCOPE_GLOBAL), "H5Fflush");
  file.close("H5Fclose " + path.string());
}

ResultsContent read_results_file(const std::filesystem::path& path) {
  silence_hdf5_errors();
  if (!std::filesystem::exists(path)) throw InputError(path.string() + ": no such results file");
  if (H5Fis_hdf5(path.c_str()) <= 0) throw InputError(path.string() + ": not an HDF5 file");
  Hid file{h5_check(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "H5Fopen " + path.string()), H5Fclose};
  if (H5Lexists(file, "/campaign", H5P_DEFAULT) <= 0)
    throw InputError(path.string() + ": not a xasforge results file (no /campaign group)");
  ResultsContent c;
  {
    Hid g{h5_check(H5Gopen2(file, "/campaign", H5P_DEFAULT), "H5Gopen2 /campaign"), H5Gclose};
    c.meta.name = read_string_attr(g, "name");
    c.meta.config_text = read_string_attr(g, "config");
    c.meta.config_hash = read_string_attr(g, "config_hash");
    c.meta.code_version = read_string_attr(g, "code_version");
    c.meta.created = read_string_attr(g, "created");
    std::istringstream blocks(read_string_attr(g, "blocks"));
    for (std::string line; std::getline(blocks, line);)
      if (!line.empty()) c.block_paths.push_back(line);
  }
  const auto spath = read_strings(file, "/structures/path");
  const auto sname = read_strings(file, "/structures/name");
  const auto sformula = read_strings(file, "/structures/formula");
  const auto serror = read_strings(file, "/structures/error");
  const auto nsites = read_numeric<std::int32_t>(file, "/structures/n_sites", H5T_NATIVE_INT32);
  const auto lattice = read_numeric<double>(file, "/structures/lattice", H5T_NATIVE_DOUBLE);
  c.structures.resize(spath.size());
  for (std::size_t i = 0; i < spath.size(); ++i) {
    auto& s = c.structures[i];
    s.path = spath[i];
    s.name = sname[i];
    s.formula = sformula[i];
    s.error = serror[i];
    s.n_sites = nsites[i];
    std::copy_n(lattice.begin() + static_cast<std::ptrdiff_t>(9 * i), 9, s.lattice_A.begin());
  }
  const auto st = read_numeric<std::int32_t>(file, "/items/structure", H5T_NATIVE_INT32);
  const auto site = read_numeric<std::int32_t>(file, "/items/site", H5T_NATIVE_INT32);
  const auto z = read_numeric<std::int32_t>(file, "/items/z", H5T_NATIVE_INT32);
  const auto mult = read_numeric<std::int32_t>(file, "/items/multiplicity", H5T_NATIVE_INT32);
  const auto member = read_numeric<std::int32_t>(file, "/items/member", H5T_NATIVE_INT32);
  const auto status = read_numeric<std::int8_t>(file, "/items/status", H5T_NATIVE_INT8);
  const auto edge = read_strings(file, "/items/edge");
  const auto key = read_strings(file, "/items/key");
  const auto error = read_strings(file, "/items/error");
  c.wall_s = read_numeric<double>(file, "/items/wall_seconds", H5T_NATIVE_DOUBLE);
  c.rank = read_numeric<std::int32_t>(file, "/items/rank", H5T_NATIVE_INT32);
  c.finished_unix_s = read_numeric<double>(file, "/items/finished_at", H5T_NATIVE_DOUBLE);
  c.items.resize(st.size());
  for (std::size_t i = 0; i < st.size(); ++i) {
    auto& it = c.items[i];
    it.structure = st[i];
    it.site = site[i];
    it.z = z[i];
    it.multiplicity = mult[i];
    it.member = member[i];
    it.edge = edge[i];
    it.key = key[i];
    it.error = error[i];
    if (status[i] < 0 || status[i] > 2)
      throw InputError(path.string() + ": /items/status[" + std::to_string(i) + "] = " +
                       std::to_string(status[i]) + " (expected 0, 1 or 2)");
    it.status = static_cast<ItemStatus>(status[i]);
  }
  return c;
}

std::vector<double> read_block(const std::filesystem::path& path, const std::string& block_path) {
  silence_hdf5_errors();
  Hid file{h5_check(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "H5Fopen " + path.string()), H5Fclose};
  return read_numeric<double>(file, block_path, H5T_NATIVE_DOUBLE);
}

// ---------------------------------------------------------------------------------------------

struct ResultsWriter::Impl {
  MPI_Comm comm = MPI_COMM_NULL;
  int rank = 0;
  Hid file;
  std::vector<Hid> blocks;
  Hid status, error, wall, rank_col, finished;
  Hid error_type;
};

ResultsWriter::ResultsWriter(const std::filesystem::path& path, MPI_Comm comm, std::vector<BlockSpec> blocks)
    : impl_(std::make_unique<Impl>()), blocks_(std::move(blocks)) {
  silence_hdf5_errors();
  impl_->comm = comm;
  MPI_Comm_rank(comm, &impl_->rank);
  Hid fapl{h5_check(H5Pcreate(H5P_FILE_ACCESS), "H5Pcreate"), H5Pclose};
  MPI_Info hints = mpiio_hints_from_env();
  const herr_t set = H5Pset_fapl_mpio(fapl, comm, hints);  // HDF5 keeps its own copy of the hints
  if (hints != MPI_INFO_NULL) MPI_Info_free(&hints);
  h5_check(set, "H5Pset_fapl_mpio");
  impl_->file = Hid{h5_check(H5Fopen(path.c_str(), H5F_ACC_RDWR, fapl), "H5Fopen (MPI-IO) " + path.string()),
                    H5Fclose};
  impl_->status = open_dataset(impl_->file, "/items/status");
  n_items_ = dataset_dims(impl_->status, "/items/status").at(0);
  impl_->error = open_dataset(impl_->file, "/items/error");
  impl_->wall = open_dataset(impl_->file, "/items/wall_seconds");
  impl_->rank_col = open_dataset(impl_->file, "/items/rank");
  impl_->finished = open_dataset(impl_->file, "/items/finished_at");
  impl_->error_type = string_type(kItemErrorBytes);
  for (const auto& b : blocks_) {
    Hid d = open_dataset(impl_->file, b.path);
    const auto dims = dataset_dims(d, b.path);
    const bool ok = (b.n_cols == 1 && dims.size() == 1 && dims[0] == n_items_) ||
                    (b.n_cols != 1 && dims.size() == 2 && dims[0] == n_items_ && dims[1] == b.n_cols);
    if (!ok)
      throw InputError(path.string() + ": dataset " + b.path + " does not have the shape this campaign needs (" +
                       std::to_string(n_items_) + " x " + std::to_string(b.n_cols) + ")");
    impl_->blocks.push_back(std::move(d));
  }
}

ResultsWriter::~ResultsWriter() = default;

void ResultsWriter::close() {
  if (!impl_) return;
  impl_->blocks.clear();
  impl_->status.reset();
  impl_->error.reset();
  impl_->wall.reset();
  impl_->rank_col.reset();
  impl_->finished.reset();
  impl_->file.close("H5Fclose (MPI-IO)");
  impl_.reset();
}

namespace {

/// File selection of the given rows (sorted, unique) of a 1-D or 2-D dataset, coalescing runs of
/// consecutive rows into one hyperslab each; and the matching packed memory space.
std::pair<Hid, Hid> row_selection(hid_t dset, const std::vector<std::int64_t>& rows, std::size_t n_cols,
                                  const std::string& what) {
  Hid fspace{h5_check(H5Dget_space(dset), "H5Dget_space " + what), H5Sclose};
  const bool two_d = n_cols != 1;
  if (rows.empty()) {
    std::vector<hsize_t> one{1};
    if (two_d) one.push_back(n_cols);
    Hid mspace = make_space(one);
    h5_check(H5Sselect_none(mspace), "H5Sselect_none");
    h5_check(H5Sselect_none(fspace), "H5Sselect_none");
    return {std::move(fspace), std::move(mspace)};
  }
  bool first = true;
  for (std::size_t i = 0; i < rows.size();) {
    std::size_t j = i + 1;
    while (j < rows.size() && rows[j] == rows[j - 1] + 1) ++j;
    hsize_t start[2] = {static_cast<hsize_t>(rows[i]), 0};
    hsize_t count[2] = {static_cast<hsize_t>(j - i), n_cols};
    h5_check(H5Sselect_hyperslab(fspace, first ? H5S_SELECT_SET : H5S_SELECT_OR, start, nullptr, count, nullptr),
             "H5Sselect_hyperslab " + what);
    first = false;
    i = j;
  }
  std::vector<hsize_t> m{rows.size()};
  if (two_d) m.push_back(n_cols);
  return {std::move(fspace), make_space(m)};
}

}  // namespace

/// The kill_at_write testing hook (testing_hooks.hpp): rank 0 SIGKILLs itself in its K-th
/// checkpoint at the named phase, to test that an interrupted write resumes cleanly.
void ResultsWriter::maybe_kill(const char* phase) const {
  if (impl_->rank == 0 && kill_at_checkpoint_ > 0 && kill_at_checkpoint_ == n_checkpoints_ && kill_phase_ == phase)
    ::kill(::getpid(), SIGKILL);
}

void ResultsWriter::write_checkpoint(const std::vector<FinishedRow>& rows_in) {
  if (!impl_) throw Error("ResultsWriter: write_checkpoint after close");
  ++n_checkpoints_;
  std::vector<const FinishedRow*> rows;
  for (const auto& r : rows_in) rows.push_back(&r);
  // A hyperslab selection is traversed in file order, so the memory rows must be sorted by item.
  std::sort(rows.begin(), rows.end(), [](auto* a, auto* b) { return a->item < b->item; });
  std::vector<std::int64_t> ids;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i]->item < 0 || static_cast<std::size_t>(rows[i]->item) >= n_items_)
      throw Error("ResultsWriter: item " + std::to_string(rows[i]->item) + " out of range");
    if (i > 0 && rows[i]->item == rows[i - 1]->item)
      throw Error("ResultsWriter: item " + std::to_string(rows[i]->item) + " twice in one checkpoint");
    ids.push_back(rows[i]->item);
  }

  Hid dxpl{h5_check(H5Pcreate(H5P_DATASET_XFER), "H5Pcreate"), H5Pclose};
  h5_check(H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE), "H5Pset_dxpl_mpio");
  bool collective = true;
  auto write = [&](hid_t dset, hid_t mem_type, std::size_t n_cols, const void* buffer, const std::string& what) {
    auto [fspace, mspace] = row_selection(dset, ids, n_cols, what);
    h5_check(H5Dwrite(dset, mem_type, mspace, fspace, dxpl, buffer), "H5Dwrite (collective) " + what);
    H5D_mpio_actual_io_mode_t mode{};
    h5_check(H5Pget_mpio_actual_io_mode(dxpl, &mode), "H5Pget_mpio_actual_io_mode");
    collective = collective && mode != H5D_MPIO_NO_COLLECTIVE;
  };

  // 1. data blocks (a failed row is written as NaN)
  for (std::size_t b = 0; b < blocks_.size(); ++b) {
    const std::size_t nc = blocks_[b].n_cols;
    std::vector<double> buffer(std::max<std::size_t>(rows.size(), 1) * nc, kNaN);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (rows[i]->values.empty()) continue;
      const auto& v = rows[i]->values.at(b);
      if (v.size() != nc)
        throw Error("ResultsWriter: item " + std::to_string(rows[i]->item) + " has " + std::to_string(v.size()) +
                    " values for " + blocks_[b].path + " (expected " + std::to_string(nc) + ")");
      std::copy(v.begin(), v.end(), buffer.begin() + static_cast<std::ptrdiff_t>(i * nc));
    }
    write(impl_->blocks[b], H5T_NATIVE_DOUBLE, nc, buffer.data(), blocks_[b].path);
    if (b == 0) maybe_kill("data");
  }
  // 2. the outcome columns other than status
  {
    std::vector<std::string> errors;
    std::vector<double> wall(std::max<std::size_t>(rows.size(), 1)), finished(wall.size());
    std::vector<std::int32_t> rank(wall.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      errors.push_back(rows[i]->error);
      wall[i] = rows[i]->wall_s;
      finished[i] = rows[i]->finished_unix_s;
      rank[i] = rows[i]->rank;
    }
    if (errors.empty()) errors.emplace_back();
    write(impl_->error, impl_->error_type, 1, pack_strings(errors, kItemErrorBytes, true).data(), "/items/error");
    write(impl_->wall, H5T_NATIVE_DOUBLE, 1, wall.data(), "/items/wall_seconds");
    write(impl_->rank_col, H5T_NATIVE_INT32, 1, rank.data(), "/items/rank");
    write(impl_->finished, H5T_NATIVE_DOUBLE, 1, finished.data(), "/items/finished_at");
  }
  if (blocks_.empty()) maybe_kill("data");
  // Every rank's data write has returned (so every MPI-IO aggregator has written its part) before
  // any status byte is written: a status of 1 on disk always has its data on disk.
  MPI_Barrier(impl_->comm);
  maybe_kill("status");
  // 3. status
  {
    std::vector<std::int8_t> status(std::max<std::size_t>(rows.size(), 1), 0);
    for (std::size_t i = 0; i < rows.size(); ++i) status[i] = static_cast<std::int8_t>(rows[i]->status);
    write(impl_->status, H5T_NATIVE_INT8, 1, status.data(), "/items/status");
  }
  maybe_kill("flush");
  // 4. flush (collective)
  h5_check(H5Fflush(impl_->file, H5F_SCOPE_GLOBAL), "H5Fflush");
  last_collective_ = collective;
}

}  // namespace xasforge::mpi
