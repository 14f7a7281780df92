// Distributed learning must give exactly what one process gives, for 2 and 3 ranks (the ctest
// entries run this file under mpiexec -n 2 and -n 3; the in-process serial run is the -n 1 case).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <hdf5.h>

#include "core/error.hpp"
#include "core/ml/cross_validation.hpp"
#include "core/ml/gradient_boosting.hpp"
#include "core/ml/random_forest.hpp"
#include "mpi/dataset_loader.hpp"
#include "mpi/distributed_learning.hpp"
#include "tests/core/ml/synthetic.hpp"
#include "tests/test_paths.hpp"

using namespace xasforge;
using Catch::Matchers::Contains;

namespace {

bool bitwise_equal(const ml::TargetMatrix& a, const ml::TargetMatrix& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() && (a.array() == b.array()).all();
}

void write_dataset(hid_t file, const char* name, hid_t type, const std::vector<hsize_t>& dims, const void* data) {
  hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
  hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(lcpl, 1);
  hid_t d = H5Dcreate2(file, name, type, space, lcpl, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
  H5Dclose(d);
  H5Pclose(lcpl);
  H5Sclose(space);
}

/// A small results file in the campaign layout; rank 0 writes it (serial HDF5), all ranks wait.
std::string make_results_file(const boost::mpi::communicator& world, const std::string& tag, bool nan_row, bool short_labels) {
  const std::string path = (test::binary_dir() / ("test_ml_" + tag + "_np" + std::to_string(world.size()) + ".h5")).string();
  if (world.rank() == 0) {
    const auto d = test::three_class_problem(120, 4, 17);
    const auto n = static_cast<hsize_t>(d.rows()), p = static_cast<hsize_t>(d.n_features());
    std::vector<double> x(d.features.data(), d.features.data() + d.features.size());
    if (nan_row) x[7 * p + 2] = std::numeric_limits<double>::quiet_NaN();
    std::vector<double> r(p);
    for (hsize_t j = 0; j < p; ++j) r[j] = 0.5 * static_cast<double>(j);
    std::vector<int> cn(d.labels), status(n, 1), z(d.element_z), split(d.split);
    status[3] = 2;  // failed item: must be skipped
    status[4] = 0;  // pending item: must be skipped
    hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    write_dataset(f, "/features/chir_mag", H5T_NATIVE_DOUBLE, {n, p}, x.data());
    write_dataset(f, "/features/r", H5T_NATIVE_DOUBLE, {p}, r.data());
    write_dataset(f, "/labels/cn", H5T_NATIVE_INT, {short_labels ? n - 1 : n}, cn.data());
    write_dataset(f, "/items/status", H5T_NATIVE_INT, {n}, status.data());
    write_dataset(f, "/items/Z", H5T_NATIVE_INT, {n}, z.data());
    write_dataset(f, "/items/split", H5T_NATIVE_INT, {n}, split.data());
    H5Fclose(f);
  }
  world.barrier();
  return path;
}

}  // namespace

TEST_CASE("distributed forest equals the serial forest, tree by tree and bitwise in prediction", "[mpi][ml]") {
  boost::mpi::communicator world;
  for (ml::Task task : {ml::Task::kClassification, ml::Task::kRegression}) {
    const auto d = task == ml::Task::kClassification ? test::three_class_problem(500, 5, 3) : test::two_output_regression(500, 3, 3);
    const auto train = ml::rows_in_split(d, ml::kSplitTrain);
    const ml::Dataset test_rows = ml::select_rows(d, ml::rows_in_split(d, ml::kSplitTest));
    ml::ForestOptions o;
    o.n_trees = 13;  // not a multiple of 2 or 3: ranks hold unequal numbers of trees
    o.seed = 2026;
    const auto serial = ml::train_forest(d, train, o);
    const auto dist = mpi::train_forest_distributed(world, d, train, o);
    CHECK(dist.trees.size() == serial.trees.size());
    bool same = dist.trees.size() == serial.trees.size();
    for (std::size_t t = 0; same && t < serial.trees.size(); ++t) same = dist.trees[t] == serial.trees[t];
    CHECK(same);
    const ml::TargetMatrix a = serial.predict_values(test_rows.features);
    CHECK(bitwise_equal(dist.predict_values(test_rows.features), a));
    // Distributed prediction over rows gives the same matrix on every rank.
    const ml::Model model = ml::wrap_forest(d, dist, ml::Normalization{});
    CHECK(bitwise_equal(mpi::predict_distributed(world, model, test_rows.features), a));
  }
}

TEST_CASE("data-parallel boosted trees equal the serial model bitwise", "[mpi][ml][boosting]") {
  boost::mpi::communicator world;
  for (ml::Task task : {ml::Task::kClassification, ml::Task::kRegression}) {
    const auto d = task == ml::Task::kClassification ? test::three_class_problem(401, 5, 8) : test::two_output_regression(401, 3, 8);
    const auto train = ml::rows_in_split(d, ml::kSplitTrain);  // 301 rows: unequal blocks on 2 and 3 ranks
    ml::BoostingOptions o;
    o.rounds = 12;
    o.max_leaves = 9;
    o.min_samples_leaf = 5;
    o.feature_fraction = 0.7;
    if (task == ml::Task::kClassification) o.class_weight = "balanced";
    const auto serial = ml::train_boosting(d, train, o);
    const auto dist = mpi::train_boosting_distributed(world, d, train, o);
    REQUIRE(dist.trees.size() == serial.trees.size());
    CHECK(dist.trees == serial.trees);
    CHECK(dist.base_score == serial.base_score);
    const ml::Dataset test_rows = ml::select_rows(d, ml::rows_in_split(d, ml::kSplitTest));
    const ml::Model model = ml::wrap_boosting(d, dist, ml::Normalization{});
    CHECK(bitwise_equal(mpi::predict_distributed(world, model, test_rows.features), serial.predict_values(test_rows.features)));
  }
}

TEST_CASE("distributed grid search equals the serial one", "[mpi][ml]") {
  boost::mpi::communicator world;
  const auto d = test::three_class_problem(240, 3, 4);
  ml::TrainingOptions base;
  base.forest.n_trees = 6;
  const auto grid = ml::expand_grid(base, "max_depth=1,0");
  const auto serial = ml::grid_search(d, ml::all_rows(d), grid, 3, 5);
  const auto dist = mpi::grid_search_distributed(world, d, ml::all_rows(d), grid, 3, 5);
  CHECK(dist.best == serial.best);
  CHECK(dist.mean_score == serial.mean_score);  // exact: same folds, same forests
}

TEST_CASE("data-parallel network training equals serial training bitwise", "[mpi][ml]") {
  boost::mpi::communicator world;
  const auto d = test::three_class_problem(300, 2, 6);
  ml::NetworkOptions o;
  o.hidden = {16, 16};
  o.max_epochs = 4;
  o.batch_size = 50;  // 5 chunks of 10 rows: 2 or 3 ranks hold different numbers of chunks
  o.chunk_size = 10;
  const auto serial = ml::train_network(d, ml::all_rows(d), o);
  const auto dist = ml::train_network(d, ml::all_rows(d), o, mpi::distributed_gradient_reducer(world));
  CHECK((serial.parameters.array() == dist.parameters.array()).all());
}

TEST_CASE("dataset loader reads done rows and reports bad files clearly", "[mpi][ml][hdf5]") {
  boost::mpi::communicator world;
  const auto good = make_results_file(world, "good", false, false);
  mpi::DatasetRequest req;
  const auto d = mpi::load_dataset(good, req);
  CHECK(d.rows() == 118);  // 120 items, one failed and one pending
  CHECK(d.n_features() == 6);
  CHECK(d.feature_grid.size() == 6);
  CHECK(d.item_index[3] == 5);  // items 3 and 4 skipped
  CHECK(d.labels.size() == 118);
  req.element_z = 26;
  CHECK(mpi::load_dataset(good, req).rows() == 59);  // 60 even items 0..118, minus pending item 4
  req.element_z.reset();

  req.target = "rdf";
  CHECK_THROWS_WITH(mpi::load_dataset(good, req), Contains("/labels/rdf is missing"));
  req.target = "cn";
  req.features = "/features/nope";
  CHECK_THROWS_WITH(mpi::load_dataset(good, req), Contains("/features/nope is missing"));
  req.features = "chir_mag";
  CHECK_THROWS_WITH(mpi::load_dataset(good.substr(0, good.size() - 3) + "_absent.h5", req), Contains("cannot open"));

  const auto short_labels = make_results_file(world, "short", false, true);
  CHECK_THROWS_WITH(mpi::load_dataset(short_labels, req), Contains("119 rows") && Contains("120"));

  // NaN features: loading works, training fails on every rank with the row named (no hang).
  const auto nan = make_results_file(world, "nan", true, false);
  const auto bad = mpi::load_dataset(nan, req);
  ml::ForestOptions o;
  o.n_trees = 4;
  CHECK_THROWS_WITH(mpi::train_forest_distributed(world, bad, ml::all_rows(bad), o), Contains("not finite"));
  world.barrier();
  if (world.rank() == 0)
    for (const auto& f : {good, short_labels, nan}) std::remove(f.c_str());
}
