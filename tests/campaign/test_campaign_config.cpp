// Campaign YAML: defaults, hash, malformed files; planning; structure-info stages; progress text.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <sstream>
#include <tuple>

#include "core/elements/element.hpp"
#include "core/error.hpp"
#include "core/structure/readers.hpp"
#include "core/structure/site_orbits.hpp"
#include "core/structure/symmetry.hpp"
#include "tests/test_paths.hpp"
#include "workflows/campaign_config.hpp"
#include "workflows/campaign_plan.hpp"
#include "workflows/campaign_schema.hpp"
#include "workflows/progress_printer.hpp"
#include "core/ensemble/ensemble_members.hpp"
#include "core/ensemble/md_system.hpp"
#include "core/ensemble/random_stream.hpp"
#include "workflows/stages/ensemble_stage.hpp"
#include "workflows/stages/pipeline.hpp"
#include "workflows/stages/structure_info_stages.hpp"
#include "workflows/stages/spectrum_stage.hpp"
#include "core/scattering/debye_waller.hpp"
#include "core/scattering/spectrum.hpp"

using namespace xasforge;
using namespace xasforge::workflows;
using Catch::Matchers::Contains;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

const std::string kMinimal =
    "structures:\n  paths: [structures/*.json]\nabsorbers:\n  elements: [Fe]\n";

std::string error_of(const std::string& text, const std::filesystem::path& source = "c.yaml") {
  try {
    parse_campaign(text, source);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

std::filesystem::path temp_dir(const std::string& name) {
  auto d = std::filesystem::temp_directory_path() / ("xasforge_test_campaign_" + name);
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d;
}

}  // namespace

TEST_CASE("a minimal campaign gets the documented defaults", "[campaign][config]") {
  const auto c = parse_campaign(kMinimal, "/tmp/x/my_run.yaml");
  CHECK(c.name == "my_run");
  CHECK(c.seed == 42);
  CHECK(c.structure_globs == std::vector<std::string>{"/tmp/x/structures/*.json"});
  CHECK(c.max_sites == 500);
  CHECK(c.edges == std::vector<std::string>{"K"});
  CHECK(c.scattering.enabled);
  CHECK(c.scattering.rmax_A == 6.0);
  CHECK(c.scattering.max_legs == 4);
  CHECK(c.scattering.cluster_radius_A == 8.0);
  CHECK(c.scattering.phases == "feff8l");
  CHECK(c.scattering.debye_waller.model == "correlated_debye");
  CHECK(c.scattering.debye_waller.temperature_K == 300.0);
  CHECK(c.ensemble.kind == "none");
  CHECK(c.ensemble.members == 1);
  CHECK(c.features.k_min_invA == 3.0);
  CHECK(c.features.k_max_invA == 12.0);
  CHECK(c.features.kweight == 2);
  CHECK(c.features.window == "hanning");
  CHECK(c.labels == std::vector<std::string>{"cn", "rdf"});
  CHECK(c.descriptors.empty());
  CHECK_FALSE(c.train.requested);
  CHECK(c.train.seed == 42);
  CHECK(c.output.file == "results/my_run.h5");
  CHECK(c.output.checkpoint_every_s == 60.0);
  CHECK(c.output.checkpoint_every_items == 0);
  CHECK(c.scheduler.item_time_limit_s == 0.0);
  CHECK(c.scheduler.master_computes == -1);
}

TEST_CASE("every documented key is read", "[campaign][config]") {
  const auto c = load_campaign(test::source_dir() / "examples" / "quick.yaml");
  CHECK(c.name == "quick");
  CHECK(c.seed == 7);
  CHECK(c.absorber_elements == std::vector<std::string>{"Fe", "Cu", "Zn"});
  CHECK(c.scattering.rmax_A == 5.0);
  CHECK(c.scattering.debye_waller.debye_temperature_K == 350.0);
  CHECK(c.train.requested);
  CHECK(c.train.trees == 100);
  CHECK(c.train.cv_folds == 3);
  CHECK(c.output.checkpoint_every_items == 10);
  const auto t = parse_campaign("structures: {paths: [a.json]}\n"
                                    "ensemble: {kind: md, members: 8, md: {temperature: 500, timestep_fs: 2}}\n"
                                    "output: {checkpoint_every: 5min, progress_every: 30s}\n"
                                    "scheduler: {item_time_limit: 2h, master_computes: no}\n"
                                    "absorbers: {elements: Fe, edge: [K, L3]}\n",
                                "t.yaml");
  CHECK(t.ensemble.kind == "md");
  CHECK(t.ensemble.members == 8);
  CHECK(t.ensemble.md().temperature_K == 500.0);
  CHECK(t.ensemble.md().timestep_fs == 2.0);
  CHECK(t.output.checkpoint_every_s == 300.0);
  CHECK(t.output.progress_every_s == 30.0);
  CHECK(t.scheduler.item_time_limit_s == 7200.0);
  CHECK(t.scheduler.master_computes == 0);
  CHECK(t.edges == std::vector<std::string>{"K", "L3"});
}

TEST_CASE("the campaign hash ignores formatting, defaults and output settings but not physics",
          "[campaign][config]") {
  const auto a = parse_campaign(kMinimal, "c.yaml");
  const auto same = parse_campaign(
      "# a comment\nabsorbers: {elements: [Fe], edge: K}\nstructures: {paths: structures/*.json}\n"
      "scattering: {rmax: 6, max_legs: 4}\noutput: {file: elsewhere.h5, checkpoint_every: 3 items}\n"
      "scheduler: {item_time_limit: 10s}\n",
      "c.yaml");
  CHECK(a.hash == same.hash);
  CHECK(a.hash.size() == 16);
  CHECK(parse_campaign(kMinimal + "scattering: {rmax: 6.5}\n", "c.yaml").hash != a.hash);
  CHECK(parse_campaign(kMinimal + "labels: [cn]\n", "c.yaml").hash != a.hash);
  CHECK(parse_campaign(kMinimal + "train: {}\n", "c.yaml").hash != a.hash);
}

TEST_CASE("every malformed campaign file gives its specific error", "[campaign][config][malformed]") {
  const auto dir = test::reference_dir() / "campaign" / "malformed";
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".yaml") continue;
    ++n;
    std::ifstream in(entry.path());
    std::string l1, l2;
    std::getline(in, l1);
    std::getline(in, l2);
    REQUIRE(l1.rfind("# expect: ", 0) == 0);
    REQUIRE(l2.rfind("# expect-line: ", 0) == 0);
    const std::string expect = l1.substr(10);
    const int line = std::stoi(l2.substr(15));
    const std::string file = entry.path().string();
    std::string message = "(no error)";
    try {
      load_campaign(entry.path());
    } catch (const InputError& e) {
      message = e.what();
    }
    INFO(entry.path().filename().string() << ": " << message);
    CHECK_THAT(message, Contains(expect));
    CHECK_THAT(message, Contains(line > 0 ? file + ":" + std::to_string(line) + ": " : file + ": "));
  }
  CHECK(n >= 15);
}

TEST_CASE("did-you-mean suggestions use the edit distance", "[campaign][config]") {
  CHECK(edit_distance("rmaxx", "rmax") == 1);
  CHECK(edit_distance("scatering", "scattering") == 1);
  CHECK(edit_distance("", "abc") == 3);
  CHECK_THAT(error_of(kMinimal + "lables: [cn]\n"), Contains("did you mean 'labels'?"));
  // Nothing close: no suggestion, but the allowed keys.
  const auto far = error_of(kMinimal + "zzzzzzzz: 1\n");
  CHECK_THAT(far, !Contains("did you mean"));
  CHECK_THAT(far, Contains("allowed keys: campaign, seed, structures"));
}

TEST_CASE("the schema reference documents every key", "[campaign][config]") {
  const auto md = schema_reference_markdown();
  for (const char* key : {"`structures.paths`", "`scattering.debye_waller.debye_temperature`", "`ensemble.md.timestep_fs`",
                          "`features.window`", "`train.cv_folds`", "`output.checkpoint_every`", "`scheduler.item_time_limit`"})
    CHECK_THAT(md, Contains(key));
}

TEST_CASE("planning expands structure x absorber class x edge x member in a stable order", "[campaign][plan]") {
  const auto yaml = test::source_dir() / "examples" / "quick.yaml";
  auto c = load_campaign(yaml);
  c.edges = {"K", "L3"};
  c.ensemble.kind = "md";
  c.ensemble.members = 2;
  const auto plan = plan_campaign(c);
  const auto files = expand_structure_globs(c);
  REQUIRE(plan.structures.size() == files.size());
  // Identity: the multiplicities of the classes add up to every Fe/Cu/Zn site of every file, and
  // each class has 2 edges x 2 members.
  std::size_t n_sites = 0;
  for (const auto& f : files) {
    const auto s = structure::read_structure(f);
    for (const auto& site : s.sites()) n_sites += (site.z == 26 || site.z == 29 || site.z == 30) ? 1 : 0;
  }
  std::size_t covered = 0;
  for (const auto& it : plan.items) covered += (it.edge == "K" && it.member == 0) ? static_cast<std::size_t>(it.multiplicity) : 0;
  CHECK(covered == n_sites);
  REQUIRE(plan.items.size() % 4 == 0);
  CHECK(plan.items.size() < 4 * n_sites);  // symmetry merges sites (Fe3O4: 24 Fe in 2 classes)
  // Order: structure, element, site, edge, member; keys unique.
  for (std::size_t i = 1; i < plan.items.size(); ++i) {
    const auto& a = plan.items[i - 1];
    const auto& b = plan.items[i];
    CHECK(a.structure <= b.structure);
    CHECK(a.key != b.key);
    if (a.structure == b.structure && a.z == b.z && a.site == b.site && a.edge == b.edge) CHECK(b.member == a.member + 1);
  }
  CHECK(plan.items[0].edge == "K");
  CHECK(plan.items[1].edge == "K");
  CHECK(plan.items[2].edge == "L3");
  // Deterministic.
  const auto again = plan_campaign(c);
  for (std::size_t i = 0; i < plan.items.size(); ++i) CHECK(again.items[i].key == plan.items[i].key);
}

TEST_CASE("one symmetry analysis per structure plans what one analysis per absorber element planned", "[campaign][plan]") {
  // plan_structure analyses each structure once (operations-only search, core/structure/
  // site_orbits.hpp; none where no absorber element has two sites); the reference is core's
  // absorber_classes (spglib's full data set) filtered per element, on the 242 bundled example
  // structures with every 3d metal as absorber and two edges.
  auto c = load_campaign(test::source_dir() / "examples" / "demo.yaml");
  c.absorber_elements = {"Zn", "Sc", "Ti", "V", "Cr", "Mn", "Fe", "Co", "Ni", "Cu"};  // not in Z order
  c.edges = {"K", "L3"};
  std::vector<int> zs;
  for (const auto& e : c.absorber_elements) zs.push_back(elements::atomic_number_or_throw(e));
  const auto files = expand_structure_globs(c);
  REQUIRE(files.size() >= 240);
  std::size_t n_items = 0, n_single = 0;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const auto planned = plan_structure(c, zs, files[i], static_cast<std::int32_t>(i));
    const auto s = structure::read_structure(files[i]);
    // core's classes of every site (spglib), filtered per element as the old planner did.
    const auto all = structure::absorber_classes(s);
    std::vector<std::tuple<int, std::int32_t, std::int32_t, std::string>> expected;
    for (const int z : zs)
      for (const auto& cls : all)
        for (const auto& edge : c.edges)
          if (cls.z == z)
          expected.emplace_back(z, static_cast<std::int32_t>(cls.sites.front()), static_cast<std::int32_t>(cls.sites.size()), edge);
    std::vector<std::tuple<int, std::int32_t, std::int32_t, std::string>> got;
    for (const auto& it : planned.items) got.emplace_back(it.z, it.site, it.multiplicity, it.edge);
    INFO(files[i]);
    CHECK(got == expected);
    CHECK(planned.entry.n_sites == static_cast<std::int32_t>(s.size()));
    n_items += got.size();
    n_single += std::all_of(expected.begin(), expected.end(), [](const auto& e) { return std::get<2>(e) == 1; });
  }
  CHECK(n_items > 500);
  CHECK(n_single > 0);  // structures of single-site classes only (the shortcut's case among them)
}

TEST_CASE("the operations-only symmetry search gives spglib's classes on every bundled structure", "[campaign][plan][shared]") {
  // Planning's classes (site_orbit_classes) against spglib's data set (absorber_classes, the
  // classes pymatgen's SpacegroupAnalyzer gives), exactly: same classes, same sites, same order.
  // Where the search declines (a structure at the tolerance's edge: spglib then retries with a
  // smaller tolerance) planning uses spglib itself, so it may decline a few, never many.
  std::size_t compared = 0, declined = 0, merged = 0;
  for (const auto& entry : std::filesystem::directory_iterator(test::structures_dir())) {
    if (entry.path().extension() != ".json") continue;
    const auto s = structure::read_structure(entry.path());
    if (!s.is_periodic()) continue;
    auto expected = structure::absorber_classes(s);
    for (auto& c : expected) c.wyckoff_letter = '?';
    const auto got = structure::site_orbit_classes(s);
    if (!got) {
      ++declined;
      continue;
    }
    INFO(entry.path().string());
    CHECK(*got == expected);
    ++compared;
    merged += expected.size() < s.size() ? 1 : 0;
  }
  CHECK(compared >= 1400);
  CHECK(declined <= 10);   // 4 of the 1,433 today
  CHECK(merged >= 1000);   // most structures have equivalent sites: the comparison is not vacuous
  CHECK(all_absorber_classes(structure::read_structure(test::structures_dir() / "Fe3O4_227_1.json")).size() ==
        structure::absorber_classes(structure::read_structure(test::structures_dir() / "Fe3O4_227_1.json")).size());
}

TEST_CASE("the operations-only search: a centred cell and a supercell keep the input cell's classes", "[campaign][plan]") {
  // Rock salt's conventional cell: four pure translations, every Ni equivalent, every O.
  const auto rocksalt = structure::Structure::periodic(
      structure::Lattice(Eigen::Matrix3d::Identity() * 4.17), {28, 28, 28, 28, 8, 8, 8, 8},
      {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}, {0.5, 0, 0}, {0, 0.5, 0}, {0, 0, 0.5}, {0.5, 0.5, 0.5}});
  const auto rs = structure::site_orbit_classes(rocksalt);
  REQUIRE(rs);
  REQUIRE(rs->size() == 2);
  CHECK((*rs)[0].sites == std::vector<std::size_t>{0, 1, 2, 3});
  CHECK((*rs)[1].sites == std::vector<std::size_t>{4, 5, 6, 7});
  // Cubic perovskite SrTiO3 as a 1x1x4 supercell: in the primitive cell the three O are one
  // class, but only the tetragonal operations keep the supercell's lattice, and spglib's (and
  // pymatgen's) classes come from those: apical O (0.5,0.5,z) apart from equatorial O.
  std::vector<int> z;
  std::vector<Eigen::Vector3d> x;
  for (int layer = 0; layer < 4; ++layer) {
    const double c0 = layer / 4.0;
    z.insert(z.end(), {38, 22, 8, 8, 8});
    x.insert(x.end(), {{0, 0, c0}, {0.5, 0.5, c0 + 0.125}, {0.5, 0.5, c0}, {0.5, 0, c0 + 0.125}, {0, 0.5, c0 + 0.125}});
  }
  Eigen::Matrix3d m = Eigen::Matrix3d::Identity() * 3.905;
  m(2, 2) *= 4;
  const auto super = structure::Structure::periodic(structure::Lattice(m), z, x);
  const auto got = structure::site_orbit_classes(super);
  REQUIRE(got);
  auto expected = structure::absorber_classes(super);
  for (auto& c : expected) c.wyckoff_letter = '?';
  CHECK(*got == expected);
  REQUIRE(got->size() == 4);  // Sr, Ti, apical O, equatorial O
  CHECK((*got)[2].sites == std::vector<std::size_t>{2, 7, 12, 17});
  CHECK((*got)[3].multiplicity() == 8);
}

TEST_CASE("planning turns unreadable and oversized structures into failed items", "[campaign][plan]") {
  const auto dir = temp_dir("plan");
  std::filesystem::copy_file(test::reference_dir() / "campaign/structures/mp-13.json", dir / "a_good.json");
  std::filesystem::copy_file(test::reference_dir() / "campaign/structures/Fe3O4_227_1.json", dir / "b_big.json");
  std::ofstream(dir / "c_truncated.json") << R"({"@module": "pymatgen.core.structure", "lattice": {"matrix": [[1,0)";
  auto c = parse_campaign("structures: {paths: [" + (dir / "*.json").string() + "], max_sites: 10}\n"
                          "absorbers: {elements: [Fe]}\n", dir / "c.yaml");
  const auto plan = plan_campaign(c);
  REQUIRE(plan.structures.size() == 3);
  REQUIRE(plan.items.size() == 3);  // bcc Fe: 1 site; the other two: one failed item each
  CHECK(plan.items[0].status == mpi::ItemStatus::kPending);
  CHECK(plan.items[1].status == mpi::ItemStatus::kFailed);
  CHECK_THAT(plan.items[1].error, Contains("more than structures.max_sites = 10"));
  CHECK(plan.items[2].status == mpi::ItemStatus::kFailed);
  CHECK_THAT(plan.items[2].error, Contains("c_truncated.json"));
  CHECK_THAT(plan.structures[2].error, Contains("c_truncated.json"));
  // A glob matching nothing is a configuration error.
  c.structure_globs = {(dir / "*.cif").string()};
  CHECK_THROWS_WITH(plan_campaign(c), Contains("matches no file"));
}

TEST_CASE("the neighbour-shell stage finds the first shells of fcc Cu and bcc Fe", "[campaign][stages]") {
  const auto c = parse_campaign(kMinimal, "c.yaml");
  const NeighbourShellStage stage(c);
  mpi::ItemEntry item;
  item.site = 0;
  for (const auto& [file, cn, shell_over_a] :
       {std::tuple{"mp-30.json", 12.0, 1.0 / std::numbers::sqrt2}, std::tuple{"mp-13.json", 8.0, std::sqrt(3.0) / 2.0}}) {
    const auto s = structure::read_structure(test::reference_dir() / "campaign/structures" / file);
    // Conventional cubic a from the primitive cell volume: fcc 4 atoms, bcc 2 atoms per cube.
    const double atoms_per_cube = cn == 12.0 ? 4.0 : 2.0;
    const double a_A = std::cbrt(s.lattice().volume_A3() / static_cast<double>(s.size()) * atoms_per_cube);
    RowValues row;
    stage.run({c, 0, item, s, 1}, row);
    INFO(file);
    CHECK(row.at("/labels/first_shell_cn")[0] == cn);
    // Geometry of the ideal lattice; the MP cells are relaxed and stored with ~6 significant
    // digits (mp-13 is cubic to 1e-6), so 1e-5 relative.
    CHECK_THAT(row.at("/labels/first_shell_distance")[0], WithinRel(a_A * shell_over_a, 1e-5));
  }
}

TEST_CASE("the radial distribution integrates back to the neighbour count", "[campaign][stages]") {
  const auto c = parse_campaign(kMinimal + "rdf: {r_max: 5.0, bin_width: 0.05}\n", "c.yaml");
  const RadialDistributionStage stage(c);
  const auto blocks = stage.blocks();
  REQUIRE(blocks.size() == 1);
  REQUIRE(blocks[0].n_cols == 100);
  CHECK_THAT(blocks[0].axis[0], WithinAbs(0.025, 1e-12));  // bin centre, exact arithmetic
  const auto s = structure::read_structure(test::reference_dir() / "campaign/structures/mp-30.json");
  mpi::ItemEntry item;
  item.site = 0;
  RowValues row;
  stage.run({c, 0, item, s, 1}, row);
  const auto& n = row.at("/labels/rdf");
  double count = 0;
  for (std::size_t b = 0; b < n.size(); ++b) count += n[b] * 0.05;  // n(R) is neighbours per Å
  // fcc within 5 Å, a = 3.62 Å: shells at a/sqrt2 (12), a (6), a*sqrt(3/2) = 4.44 Å (24); the next,
  // a*sqrt2 = 5.12 Å, is outside. Summing back is exact up to round-off.
  CHECK_THAT(count, WithinAbs(42.0, 1e-9));
}

TEST_CASE("the pipeline has the stages the campaign asks for, in order", "[campaign][stages]") {
  const auto c = parse_campaign(
      kMinimal + "descriptors: [soap]\nsoap: {species: [Fe], n_max: 2, l_max: 1}\nlabels: [rdf]\nscattering: {enabled: false}\n",
      "c.yaml");
  const Pipeline p(c);
  CHECK(p.stage_names() == std::vector<std::string>{"radial_distribution", "soap"});
  REQUIRE(p.blocks().size() == 2);
  CHECK(p.blocks()[1].path == "/descriptors/soap");
  CHECK(p.blocks()[1].n_cols == 1 * 2 * 3 / 2 * 2);  // S n(n+1)/2 (l+1) with S = 1, n = 2, l = 1
  const Pipeline full(parse_campaign(kMinimal, "c.yaml"));
  CHECK(full.stage_names() ==
        std::vector<std::string>{"spectrum", "xftf", "crystalnn", "neighbour_shell", "radial_distribution"});
  CHECK(full.blocks().front().path == "/spectra/chi");
  CHECK(full.blocks().front().n_cols == 401);  // 0..20 Å⁻¹ in 0.05 steps
  CHECK(full.blocks()[2].path == "/features/chir_mag");
  CHECK(full.blocks()[2].n_cols == 201);       // 0..6 Å in 0.03 steps
}

TEST_CASE("progress lines and durations", "[campaign][progress]") {
  CHECK(format_duration(0) == "0:00");
  CHECK(format_duration(83) == "1:23");
  CHECK(format_duration(3723) == "1:02:03");
  CHECK(format_duration(-1) == "?");
  CHECK(ProgressPrinter::format_line(45, 2, 120, 3.2, 23) == "done 45/120 (2 failed) | 3.2 items/s | ETA 0:23");
}

// ---------------------------------------------------------------------------------------------
// Ensembles (workflows/stages/ensemble_stage.hpp)

TEST_CASE("ensemble keys: defaults, the hash of existing campaigns, kind-specific keys", "[campaign][config][ensemble]") {
  // examples/quick.yaml hashed e3492b959e5d7114 before the ensemble keys were added (the build of
  // 2026-11-21 04:40): keys of an ensemble kind not in use do not enter the hash, so results files
  // written before keep resuming.
  CHECK(load_campaign(test::source_dir() / "examples" / "quick.yaml").hash == "e3492b959e5d7114");
  const std::string md = kMinimal + "ensemble: {kind: md, members: 2}\n";
  const auto a = parse_campaign(md, "c.yaml");
  CHECK(a.ensemble.md().potential == "auto");
  CHECK(a.ensemble.md().thermostat == "langevin");
  CHECK(a.ensemble.md().einstein_temperature_K == 300.0);
  CHECK(parse_campaign(kMinimal + "ensemble: {kind: md, members: 2, md: {potential: einstein}}\n", "c.yaml").hash !=
        a.hash);
  CHECK(parse_campaign(kMinimal + "ensemble: {kind: md, members: 2, md: {potential: auto}}\n", "c.yaml").hash == a.hash);
  const auto r = parse_campaign(kMinimal + "ensemble:\n  kind: rmc\n  rmc: {target: t.csv, r: [1.2, 4], space: k}\n",
                                "dir/c.yaml");
  CHECK(r.ensemble.rmc().target == "dir/t.csv");
  CHECK(r.ensemble.rmc().r_min_A == 1.2);
  CHECK(r.ensemble.rmc().space == "k");
  CHECK(r.ensemble.rmc_target_line == 7);
  CHECK_THAT(error_of(kMinimal + "scattering: {enabled: false}\nensemble: {kind: md, members: 2}\n"),
             Contains("scattering.enabled is false"));
}

TEST_CASE("ensemble settings: a variant per kind whose defaults are the schema's", "[campaign][config][ensemble]") {
  // Every ensemble default is a member initialiser of core/ensemble/member_settings.hpp; the schema
  // prints those, so a campaign that sets nothing gets exactly them.
  const auto md = parse_campaign(kMinimal + "ensemble: {kind: md, members: 2}\n", "c.yaml");
  const ensemble::MdMemberSettings md_default;
  CHECK(md.ensemble.md().temperature_K == md_default.temperature_K);
  CHECK(md.ensemble.md().timestep_fs == md_default.timestep_fs);
  CHECK(md.ensemble.md().equilibration_steps == md_default.equilibration_steps);
  CHECK(md.ensemble.md().supercell_min_A == md_default.supercell_min_A);
  CHECK(md.ensemble.md().potential == md_default.potential);
  CHECK(md.ensemble.md().cell == md_default.cell);
  CHECK_THROWS_AS(md.ensemble.rmc(), std::logic_error);  // only the kind's own settings exist
  CHECK_THROWS_AS(md.ensemble.trajectory(), std::logic_error);
  const auto rmc = parse_campaign(kMinimal + "ensemble: {kind: rmc, rmc: {target: t.csv}}\n", "c.yaml");
  const ensemble::RmcMemberSettings rmc_default;
  CHECK(rmc.ensemble.rmc().moves == rmc_default.moves);
  CHECK(rmc.ensemble.rmc().max_step_A == rmc_default.max_step_A);
  CHECK(rmc.ensemble.rmc().temperature == rmc_default.temperature);
  CHECK(rmc.ensemble.rmc().r_min_A == rmc_default.r_min_A);
  CHECK(rmc.ensemble.rmc().r_max_A == rmc_default.r_max_A);
  CHECK(rmc.ensemble.rmc().start_displacement_A == rmc_default.start_displacement_A);
  CHECK_THROWS_AS(rmc.ensemble.md(), std::logic_error);
  const auto traj = parse_campaign(kMinimal + "ensemble: {kind: trajectory, trajectory: {file: f.xyz}}\n", "c.yaml");
  CHECK(traj.ensemble.trajectory().stride == ensemble::TrajectoryMemberSettings{}.stride);
  CHECK(std::holds_alternative<std::monostate>(parse_campaign(kMinimal, "c.yaml").ensemble.settings));
}

TEST_CASE("defaults agree: the schema's, the settings structs' and core's", "[campaign][config]") {
  // A campaign that sets nothing gets the same values as a default-constructed CampaignConfig, and
  // the single-spectrum defaults of core (scattering::defaults, PathFinderOptions) are the same
  // numbers: a default written twice cannot drift apart unnoticed.
  const auto c = parse_campaign(kMinimal, "c.yaml");
  const CampaignConfig d;
  CHECK(c.scattering.rmax_A == d.scattering.rmax_A);
  CHECK(c.scattering.max_legs == d.scattering.max_legs);
  CHECK(c.scattering.cluster_radius_A == d.scattering.cluster_radius_A);
  CHECK(c.scattering.s02 == d.scattering.s02);
  CHECK(c.scattering.k_max_invA == d.scattering.k_max_invA);
  CHECK(c.scattering.k_step_invA == d.scattering.k_step_invA);
  CHECK(c.scattering.phases == d.scattering.phases);
  const auto& dw = c.scattering.debye_waller;
  CHECK(dw.model == d.scattering.debye_waller.model);
  CHECK(dw.temperature_K == d.scattering.debye_waller.temperature_K);
  CHECK(dw.debye_temperature_K == d.scattering.debye_waller.debye_temperature_K);
  CHECK(dw.einstein_temperature_K == d.scattering.debye_waller.einstein_temperature_K);
  CHECK(dw.sigma2_A2 == d.scattering.debye_waller.sigma2_A2);
  CHECK(dw.recursion_levels == d.scattering.debye_waller.recursion_levels);
  CHECK(dw.force_constant_scale == d.scattering.debye_waller.force_constant_scale);
  CHECK(c.features.k_min_invA == d.features.k_min_invA);
  CHECK(c.features.k_max_invA == d.features.k_max_invA);
  CHECK(c.features.dk_invA == d.features.dk_invA);
  CHECK(c.features.kweight == d.features.kweight);
  CHECK(c.features.window == d.features.window);
  CHECK(c.features.r_max_A == d.features.r_max_A);
  CHECK(c.features.r_step_A == d.features.r_step_A);
  CHECK(c.rdf.r_max_A == d.rdf.r_max_A);
  CHECK(c.rdf.bin_width_A == d.rdf.bin_width_A);
  CHECK(c.soap.r_cut_A == d.soap.r_cut_A);
  CHECK(c.soap.n_max == d.soap.n_max);
  CHECK(c.soap.l_max == d.soap.l_max);
  CHECK(c.soap.sigma_A == d.soap.sigma_A);
  CHECK(c.seed == d.seed);
  CHECK(c.max_sites == d.max_sites);
  // core's single-structure spectrum and path finder: the same rmax and legs as the campaign's
  CHECK(scattering::PathFinderOptions{}.rmax_A == c.scattering.rmax_A);
  CHECK(scattering::PathFinderOptions{}.max_legs == c.scattering.max_legs);
  CHECK(scattering::SpectrumSettings{}.paths.rmax_A == c.scattering.rmax_A);
  CHECK(scattering::defaults::kDebyeTemperature_K == dw.debye_temperature_K);
}

TEST_CASE("ensemble stage factory: one stage per kind; an unknown kind lists the valid names", "[campaign][ensemble]") {
  CHECK(ensemble_stage_names() == std::vector<std::string>{"md", "rmc", "trajectory"});
  // The schema's ensemble.kind values are none plus the factory's names (one list).
  const SchemaNode* kind = nullptr;
  for (const auto& section : campaign_schema().children)
    if (section.key == "ensemble")
      for (const auto& leaf : section.children)
        if (leaf.key == "kind") kind = &leaf;
  REQUIRE(kind != nullptr);
  CHECK(kind->allowed == std::vector<std::string>{"none", "md", "rmc", "trajectory"});

  auto c = parse_campaign(kMinimal + "ensemble: {kind: md, members: 2}\n", "c.yaml");
  const auto md = make_ensemble_stage(c);
  CHECK(md->kind() == "md");
  CHECK(md->name() == "ensemble_md");
  CHECK(dynamic_cast<const MdEnsembleStage*>(md.get()) != nullptr);
  auto r = parse_campaign(kMinimal + "ensemble: {kind: rmc, rmc: {target: t.csv}}\n", "c.yaml");
  const auto rmc = make_ensemble_stage(r);
  CHECK(rmc->name() == "ensemble_rmc");
  CHECK(rmc->blocks().size() == md->blocks().size() + 3);  // misfit, R-factor, S0^2
  c.ensemble.kind = "langevin_md";
  CHECK_THROWS_WITH(make_ensemble_stage(c),
                    Contains("c.yaml") && Contains("unknown ensemble kind 'langevin_md'") &&
                        Contains("allowed: md, rmc, trajectory"));
  c.ensemble.kind = "none";
  CHECK_THROWS_AS(make_ensemble_stage(c), InputError);
}

TEST_CASE("ensemble supercells, seeds and the class atoms of a shuffled supercell", "[campaign][ensemble]") {
  const auto cu = structure::read_structure(test::reference_dir() / "campaign/structures/mp-30.json");
  // primitive fcc: perpendicular width a/sqrt(3) = 2.09 A, so 12 A needs 6 repeats
  CHECK(ensemble::supercell_repeats(cu, 12.0) == std::array<int, 3>{6, 6, 6});
  CHECK(ensemble::supercell_repeats(cu, 7.0) == std::array<int, 3>{4, 4, 4});
  const auto w = ensemble::first_shell_window(cu, 0);
  // d1 = 2.5606 A, next shell a = 3.621 A: window up to the midpoint 3.09 A
  CHECK_THAT(w[1], WithinAbs(0.5 * (2.56061892 + 2.56061892 * std::sqrt(2.0)), 1e-6));
  CHECK(w[0] < 2.56 - 0.3);

  CHECK(member_seed(5, "mp-30", 0) == member_seed(5, "mp-30", 0));
  CHECK(member_seed(5, "mp-30", 0) != member_seed(5, "mp-30", 1));
  CHECK(member_seed(5, "mp-30", 0) != member_seed(5, "mp-13", 0));
  CHECK(member_seed(5, "mp-30", 0) != member_seed(6, "mp-30", 0));

  // Fe3O4 (spinel): two Fe classes (8 tetrahedral, 16 octahedral sites per conventional cell).
  const auto fe3o4 = structure::read_structure(test::reference_dir() / "campaign/structures/Fe3O4_227_1.json");
  const auto classes = absorber_classes_of(fe3o4, 26);
  REQUIRE(classes.size() == 2);
  auto sys = ensemble::make_supercell(fe3o4, 1, 1, 2);
  // shuffle the atoms and displace them thermally (0.05 A): a trajectory frame from elsewhere
  ensemble::RandomStream rng(3, "test.shuffle");
  std::vector<std::size_t> order(sys.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  for (std::size_t i = order.size() - 1; i > 0; --i) std::swap(order[i], order[rng.index(i + 1)]);
  ensemble::MdSystem shuffled = sys;
  for (std::size_t i = 0; i < order.size(); ++i) {
    shuffled.z[i] = sys.z[order[i]];
    shuffled.position_A[i] = sys.position_A[order[i]] + 0.05 * rng.normal3();
  }
  const auto frame = ensemble::to_structure(shuffled);
  std::size_t total = 0;
  for (const auto& cls : classes) {
    const auto atoms = ensemble::class_atoms_in_supercell(fe3o4, cls.sites, frame);
    CHECK(atoms.size() == 2 * cls.sites.size());
    for (auto a : atoms) {
      const std::size_t original = order[a] % fe3o4.size();  // make_supercell: images outer, sites inner
      CHECK(std::find(cls.sites.begin(), cls.sites.end(), original) != cls.sites.end());
    }
    total += atoms.size();
  }
  CHECK(total == 2 * 24);
  // A frame that is not a supercell of the structure is refused.
  CHECK_THROWS_WITH(ensemble::class_atoms_in_supercell(cu, {0}, frame), Contains("not a supercell"));
}

TEST_CASE("k,chi files: CSV with a header or columns; errors name the line", "[campaign][ensemble]") {
  const auto dir = temp_dir("kchi");
  {
    std::ofstream out(dir / "a.csv");
    out << "# comment\nk,chi\n";
    for (int i = 0; i < 20; ++i) out << 0.5 * i << "," << 0.01 * i << "\n";
  }
  std::vector<double> k, chi;
  ensemble::read_k_chi((dir / "a.csv").string(), k, chi);
  CHECK(k.size() == 20);
  CHECK(chi[3] == 0.03);
  {
    std::ofstream out(dir / "b.dat");
    for (int i = 0; i < 12; ++i) out << 0.5 * i << " " << 0.01 * i << "\n";
    out << "7.0 oops\n";
  }
  k.clear();
  chi.clear();
  CHECK_THROWS_WITH(ensemble::read_k_chi((dir / "b.dat").string(), k, chi), Contains("b.dat:13: expected two numbers"));
}

TEST_CASE("force-constant Debye-Waller models in the campaign YAML (docs/debye_waller.md)", "[campaign][config]") {
  const auto base = parse_campaign(kMinimal, "c.yaml");
  const auto c = parse_campaign(kMinimal + "scattering:\n  debye_waller: {model: recursion, temperature: 10, recursion_levels: 8, "
                                           "force_constant_scale: 0.5}\n", "c.yaml");
  CHECK(c.scattering.debye_waller.model == "recursion");
  CHECK(c.scattering.debye_waller.recursion_levels == 8);
  CHECK(c.scattering.debye_waller.force_constant_scale == 0.5);
  CHECK(c.hash != base.hash);
  // The force-constant keys do not change the hash of campaigns that do not use those models.
  const auto cd = parse_campaign(kMinimal + "scattering:\n  debye_waller: {recursion_levels: 8, force_constant_scale: 0.5}\n", "c.yaml");
  CHECK(cd.hash == base.hash);
  for (const char* yaml : {"equation_of_motion", "recursion", "normal_modes", "hybrid"}) {
    const std::string core = core_debye_waller_name(yaml);
    scattering::DebyeWallerSettings dws;
    dws.debye_temperature_K = 350.0;  // hybrid's correlated-Debye part
    dws.rnorm_avg_A = 1.4;
    auto m = scattering::make_debye_waller_model(core, dws);
    CHECK(m->name() == core);
  }
  // hybrid (docs/debye_waller.md): recursion levels and spring scale count for it as for recursion.
  const auto hy = parse_campaign(kMinimal + "scattering:\n  debye_waller: {model: hybrid, debye_temperature: 350}\n", "c.yaml");
  const auto hy8 = parse_campaign(kMinimal + "scattering:\n  debye_waller: {model: hybrid, debye_temperature: 350, recursion_levels: 8}\n",
                                  "c.yaml");
  CHECK(hy.scattering.debye_waller.model == "hybrid");
  CHECK(core_debye_waller_name(hy.scattering.debye_waller.model) == "hybrid");
  CHECK(hy8.scattering.debye_waller.recursion_levels == 8);
  CHECK(hy.hash != hy8.hash);
  // A bad name: the key, the value and every valid model.
  const std::string bad = error_of(kMinimal + "scattering:\n  debye_waller: {model: hybird}\n");
  CHECK_THAT(bad, Contains("scattering.debye_waller.model") && Contains("hybird") &&
                      Contains("none, correlated_debye, einstein, constant, equation_of_motion, recursion, normal_modes, hybrid"));
  CHECK_THAT(error_of(kMinimal + "scattering:\n  debye_waller: {model: recursion, recursion_levels: 0}\n"),
             Contains("recursion_levels"));
}
