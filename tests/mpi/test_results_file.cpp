// Results file: pre-allocated at creation, collective checkpoint writes, zero-row ranks, fill values.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>

#include "mpi/hdf5_handle.hpp"
#include "mpi/results_file.hpp"

using namespace xasforge;
using namespace xasforge::mpi;
using Catch::Matchers::Contains;

namespace {

std::filesystem::path shared_path(const boost::mpi::communicator& world, const std::string& name) {
  return std::filesystem::temp_directory_path() /
         ("xasforge_test_results_" + std::to_string(world.size()) + "_" + name + ".h5");
}

std::vector<BlockSpec> blocks() {
  return {{"/spectra/chi", 5, "", "chi(k)", "/spectra/k", {0, 1, 2, 3, 4}, "angstrom^-1"},
          {"/labels/cn", 1, "", "coordination number", "", {}, ""}};
}

std::string attr(const std::filesystem::path& file, const std::string& object, const std::string& name) {
  Hid f{h5_check(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "H5Fopen"), H5Fclose};
  Hid o{h5_check(H5Oopen(f, object.c_str(), H5P_DEFAULT), "H5Oopen"), H5Oclose};
  Hid a{h5_check(H5Aopen(o, name.c_str(), H5P_DEFAULT), "H5Aopen"), H5Aclose};
  Hid t{h5_check(H5Aget_type(a), "H5Aget_type"), H5Tclose};
  std::string s(H5Tget_size(t), '\0');
  h5_check(H5Aread(a, t, s.data()), "H5Aread");
  return s.c_str();
}

}  // namespace

TEST_CASE("checkpoints write each rank's rows collectively into the pre-allocated file", "[mpi][results]") {
  boost::mpi::communicator world;
  const auto path = shared_path(world, "checkpoint");
  const std::size_t n = 23;
  if (world.rank() == 0) {
    std::filesystem::remove(path);
    std::vector<StructureEntry> structures(2);
    structures[0].path = "a.json";
    structures[1].path = "b.json";
    structures[1].error = "b.json: broken";
    std::vector<ItemEntry> items(n);
    for (std::size_t i = 0; i < n; ++i) {
      items[i].structure = static_cast<std::int32_t>(i % 2);
      items[i].site = static_cast<std::int32_t>(i);
      items[i].z = 26;
      items[i].edge = "K";
      items[i].key = "item" + std::to_string(i);
    }
    items[22].status = ItemStatus::kFailed;
    items[22].error = "failed at planning";
    create_results_file(path, {"t", "yaml: 1", "abc", "test", "now"}, structures, items, blocks());
    CHECK_FALSE(std::filesystem::exists(path.string() + ".partial"));
  }
  world.barrier();
  {
    ResultsWriter w(path, MPI_Comm(world), blocks());
    CHECK(w.n_items() == n);
    // Checkpoint 1: rank r writes rows with i % size == r, except rank 0 writes none (zero rows).
    // Checkpoint 2: rows 20 and 21 by the last rank; one failed with a long message.
    std::vector<FinishedRow> rows;
    for (std::size_t i = 0; i < 20; ++i) {
      if (static_cast<int>(i % static_cast<std::size_t>(world.size())) != world.rank() ||
          (world.rank() == 0 && world.size() > 1))
        continue;
      FinishedRow r;
      r.item = static_cast<std::int64_t>(i);
      r.rank = world.rank();
      r.wall_s = 0.1;
      r.finished_unix_s = 1e9;
      r.values = {{double(i), double(i) + 0.1, double(i) + 0.2, double(i) + 0.3, double(i) + 0.4}, {double(i) / 2}};
      rows.push_back(r);
    }
    std::reverse(rows.begin(), rows.end());  // the writer sorts them
    w.write_checkpoint(rows);
    // HDF5 can tell whether MPI-IO really did the writes collectively; every rank must agree.
    CHECK(w.last_checkpoint_was_collective());
    rows.clear();
    if (world.rank() == world.size() - 1) {
      FinishedRow done;
      done.item = 20;
      done.values = {{1, 2, 3, 4, 5}, {6}};
      FinishedRow failed;
      failed.item = 21;
      failed.status = ItemStatus::kFailed;
      failed.error = std::string(400, 'x');
      rows = {done, failed};
    }
    w.write_checkpoint(rows);
    CHECK(w.last_checkpoint_was_collective());
    CHECK(w.checkpoints_written() == 2);
    w.close();
  }
  world.barrier();
  if (world.rank() == 0) {
    const auto c = read_results_file(path);
    CHECK(c.meta.name == "t");
    CHECK(c.meta.config_text == "yaml: 1");
    CHECK(c.meta.config_hash == "abc");
    CHECK(c.block_paths == std::vector<std::string>{"/spectra/chi", "/labels/cn"});
    REQUIRE(c.items.size() == n);
    REQUIRE(c.structures.size() == 2);
    CHECK(c.structures[1].error == "b.json: broken");
    const auto chi = read_block(path, "/spectra/chi");
    const auto cn = read_block(path, "/labels/cn");
    const auto k = read_block(path, "/spectra/k");
    CHECK(k == std::vector<double>{0, 1, 2, 3, 4});
    const bool rank0_wrote = world.size() == 1;
    for (std::size_t i = 0; i < 20; ++i) {
      INFO("item " << i);
      const bool written = rank0_wrote || i % static_cast<std::size_t>(world.size()) != 0;
      CHECK(c.items[i].status == (written ? ItemStatus::kDone : ItemStatus::kPending));
      if (written) {
        CHECK(chi[5 * i + 4] == double(i) + 0.4);  // exact: doubles copied, not computed
        CHECK(cn[i] == double(i) / 2);
        CHECK(c.rank[i] == static_cast<int>(i % static_cast<std::size_t>(world.size())));
      } else {
        CHECK(std::isnan(chi[5 * i]));  // fill value survives in unwritten rows
        CHECK(c.rank[i] == -1);
      }
    }
    CHECK(c.items[20].status == ItemStatus::kDone);
    CHECK(cn[20] == 6.0);
    CHECK(c.items[21].status == ItemStatus::kFailed);
    CHECK(std::isnan(cn[21]));
    CHECK(c.items[21].error.size() == kItemErrorBytes - 1);
    CHECK(c.items[21].error.substr(c.items[21].error.size() - 3) == "...");
    CHECK(c.items[22].status == ItemStatus::kFailed);
    CHECK(c.items[22].error == "failed at planning");
    CHECK(attr(path, "/spectra/k", "units") == "angstrom^-1");
    CHECK(attr(path, "/items/wall_seconds", "units") == "s");
    CHECK(attr(path, "/campaign", "config_hash") == "abc");
  }
}

TEST_CASE("opening a results file with another layout is an error naming the dataset", "[mpi][results]") {
  boost::mpi::communicator world;
  const auto path = shared_path(world, "layout");
  if (world.rank() == 0) {
    std::filesystem::remove(path);
    std::vector<ItemEntry> items(3);
    create_results_file(path, {"t", "", "h", "v", "c"}, {}, items, blocks());
  }
  world.barrier();
  auto other = blocks();
  other[0].n_cols = 6;
  other[0].axis.push_back(5);
  std::string message;
  try {
    ResultsWriter w(path, MPI_Comm(world), other);
  } catch (const Error& e) {
    message = e.what();
  }
  CHECK_THAT(message, Contains("/spectra/chi does not have the shape"));
}

TEST_CASE("HDF5 failures carry the operation and HDF5's error stack", "[mpi][results]") {
  std::string message;
  try {
    read_block("/nonexistent/dir/file.h5", "/x");
  } catch (const Error& e) {
    message = e.what();
  }
  CHECK_THAT(message, Contains("HDF5: H5Fopen /nonexistent/dir/file.h5 failed"));
  CHECK_THAT(message, Contains("H5Fopen(): unable to open file"));
}
