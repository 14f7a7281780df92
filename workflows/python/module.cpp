// The compiled part of the Python package `xasforge` (pybind11). Every function calls the same
// core and workflow functions as the corresponding `xasforge` command; the package's
// __init__.py turns keyword arguments into the command's options. Long calls release the GIL.
#include <filesystem>
#include <string>
#include <vector>

#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "core/elements/element.hpp"
#include "core/error.hpp"
#include "core/features/crystal_nn.hpp"
#include "core/features/soap.hpp"
#include "core/ml/model_file.hpp"
#include "core/structure/mp_json_writer.hpp"
#include "core/structure/readers.hpp"
#include "core/structure/symmetry.hpp"
#include "core/xafs/athena_project.hpp"
#include "workflows/cli/average_command.hpp"
#include "workflows/cli/measured_spectrum_features.hpp"
#include "workflows/cli/reduce_command.hpp"
#include "workflows/cli/spectrum_command.hpp"

namespace py = pybind11;
using namespace xasforge;

namespace {

py::array_t<double> array(const std::vector<double>& v) { return py::array_t<double>(static_cast<py::ssize_t>(v.size()), v.data()); }

Eigen::MatrixXd positions(const structure::Structure& s, bool fractional) {
  Eigen::MatrixXd m(static_cast<Eigen::Index>(s.size()), 3);
  for (std::size_t i = 0; i < s.size(); ++i)
    m.row(static_cast<Eigen::Index>(i)) = (fractional ? s.site(i).fractional : s.site(i).cartesian_A).transpose();
  return m;
}

py::dict spectrum_dict(const cli::SpectrumCall& c) {
  const auto& sp = c.spectrum;
  const std::size_t n = sp.paths.size();
  std::vector<double> reff(n), deg(n), sigma2(n), pw(n), cw(n);
  std::vector<int> index(n), nleg(n);
  std::vector<bool> used(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& p = sp.paths[i];
    index[i] = p.index;
    nleg[i] = p.n_legs;
    deg[i] = p.degeneracy;
    reff[i] = p.reff_A;
    sigma2[i] = p.sigma2_A2;
    pw[i] = p.pw_importance_percent;
    cw[i] = p.cw_importance_percent;
    used[i] = p.included;
  }
  py::dict paths;
  paths["index"] = py::array_t<int>(static_cast<py::ssize_t>(n), index.data());
  paths["nleg"] = py::array_t<int>(static_cast<py::ssize_t>(n), nleg.data());
  paths["degeneracy"] = array(deg);
  paths["reff"] = array(reff);
  paths["sigma2"] = array(sigma2);
  paths["pw_importance"] = array(pw);
  paths["cw_importance"] = array(cw);
  paths["used"] = py::cast(used);
  py::dict d;
  d["k"] = array(sp.k_invA);
  d["chi"] = array(sp.chi);
  d["chi_mag"] = array(sp.chi_mag);
  d["chi_phase"] = array(sp.chi_phase);
  d["site"] = c.site;
  d["paths"] = paths;
  return d;
}

py::dict reduce_dict(const cli::ReduceCall& c) {
  const auto& r = c.result;
  py::dict d;
  d["energy"] = array(c.spectrum.energy_eV);
  d["mu"] = array(c.spectrum.mu);
  d["e0"] = r.pre_edge.e0_eV;
  d["edge_step"] = r.pre_edge.edge_step;
  d["pre_edge"] = array(r.pre_edge.pre_edge);
  d["post_edge"] = array(r.pre_edge.post_edge);
  d["norm"] = array(r.pre_edge.norm);
  d["flat"] = array(r.pre_edge.flat);
  d["bkg"] = array(r.autobk.bkg);
  d["chie"] = array(r.autobk.chie);
  d["k"] = array(r.autobk.k_invA);
  d["chi"] = array(r.autobk.chi);
  d["r"] = array(r.chir.r_A);
  d["chir_mag"] = array(r.chir.magnitude());
  d["chir_re"] = array(r.chir.real());
  d["chir_im"] = array(r.chir.imag());
  d["kwin"] = array(r.chir.kwin);
  d["nknots"] = r.autobk.nspl;
  d["warnings"] = c.spectrum.warnings;
  d["source"] = c.spectrum.path;
  return d;
}

}  // namespace

PYBIND11_MODULE(_xasforge, m) {
  m.doc() = "xasforge's compiled core (use the package `xasforge`)";
  static py::exception<Error> error(m, "XasforgeError", PyExc_RuntimeError);
  static py::exception<InputError> input_error(m, "InputError", error.ptr());
  static py::exception<PhysicsError> physics_error(m, "PhysicsError", error.ptr());
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const InputError& e) {
      input_error(e.what());
    } catch (const PhysicsError& e) {
      physics_error(e.what());
    } catch (const Error& e) {
      error(e.what());
    }
  });

  py::class_<structure::Structure>(m, "Structure")
      .def_property_readonly("is_periodic", &structure::Structure::is_periodic)
      .def("__len__", &structure::Structure::size)
      .def_property_readonly("lattice",
                             [](const structure::Structure& s) -> py::object {
                               if (!s.is_periodic()) return py::none();
                               return py::cast(Eigen::Matrix3d(s.lattice().matrix_A()));
                             })
      .def_property_readonly("atomic_numbers",
                             [](const structure::Structure& s) {
                               std::vector<int> z;
                               for (const auto& site : s.sites()) z.push_back(site.z);
                               return z;
                             })
      .def_property_readonly("symbols",
                             [](const structure::Structure& s) {
                               std::vector<std::string> out;
                               for (const auto& site : s.sites()) out.emplace_back(elements::element(site.z).symbol);
                               return out;
                             })
      .def_property_readonly("labels",
                             [](const structure::Structure& s) {
                               std::vector<std::string> out;
                               for (const auto& site : s.sites()) out.push_back(site.label);
                               return out;
                             })
      .def_property_readonly("cartesian", [](const structure::Structure& s) { return positions(s, false); })
      .def_property_readonly("fractional", [](const structure::Structure& s) { return positions(s, true); })
      .def_property_readonly("formula", &structure::Structure::formula)
      .def_property_readonly("reduced_formula", &structure::Structure::reduced_formula)
      .def_readwrite("name", &structure::Structure::name)
      .def_readwrite("source", &structure::Structure::source)
      .def("to_json", [](const structure::Structure& s) { return structure::to_mp_json(s); },
           "pymatgen Structure.as_dict() JSON text (round-trip precision)")
      .def("__repr__", [](const structure::Structure& s) {
        return "<xasforge.Structure " + s.reduced_formula() + ", " + std::to_string(s.size()) + " sites" +
               (s.is_periodic() ? "" : ", cluster") + ">";
      });

  m.def("read_structure", [](const std::string& path) { return structure::read_structure(path); }, py::arg("path"));
  m.def("parse_mp_json",
        [](const std::string& text, const std::string& source) {
          auto s = structure::parse_structure(text, structure::StructureFormat::kMpJson, source);
          s.source = source;
          return s;
        },
        py::arg("text"), py::arg("source"));

  m.def("absorber_classes", [](const structure::Structure& s) {
    py::list out;
    for (const auto& c : structure::absorber_classes(s)) {
      py::dict d;
      d["z"] = c.z;
      d["element"] = c.element;
      d["sites"] = c.sites;
      d["multiplicity"] = c.multiplicity();
      d["wyckoff"] = std::string(1, c.wyckoff_letter);
      out.append(d);
    }
    return out;
  });

  m.def("crystal_nn", [](const structure::Structure& s, std::size_t site) {
    features::CrystalNNResult r;
    {
      py::gil_scoped_release release;
      r = features::crystal_nn(s, site);
    }
    py::dict d;
    d["site"] = site;
    d["element"] = std::string(elements::element(s.site(site).z).symbol);
    d["cn"] = r.cn;
    d["cn_weighted"] = r.cn_weighted;
    py::dict probs;
    for (const auto& [cn, p] : r.cn_probabilities) probs[py::int_(cn)] = p;
    d["cn_probabilities"] = probs;
    py::list nbs;
    for (const auto& n : r.neighbors) {
      py::dict nb;
      nb["site"] = n.site;
      nb["element"] = std::string(elements::element(n.z).symbol);
      nb["image"] = std::vector<int>{n.image.x(), n.image.y(), n.image.z()};
      nb["distance"] = n.distance_A;
      nb["weight"] = n.weight;
      nbs.append(nb);
    }
    d["neighbors"] = nbs;
    return d;
  }, py::arg("structure"), py::arg("site"));

  m.def("soap",
        [](const structure::Structure& s, const std::vector<std::size_t>& sites, const std::vector<std::string>& species,
           double r_cut, int n_max, int l_max, double sigma, bool periodic, const std::string& average) {
          features::SoapOptions o;
          o.r_cut_A = r_cut;
          o.n_max = n_max;
          o.l_max = l_max;
          o.sigma_A = sigma;
          o.periodic = periodic;
          for (const auto& el : species) o.species.push_back(elements::atomic_number_or_throw(el));
          if (average == "off") o.average = features::SoapAverage::kOff;
          else if (average == "inner") o.average = features::SoapAverage::kInner;
          else if (average == "outer") o.average = features::SoapAverage::kOuter;
          else throw InputError("soap: average '" + average + "': expected off, inner or outer");
          const features::Soap soap(o);
          py::gil_scoped_release release;
          return soap.create(s, sites);
        },
        py::arg("structure"), py::arg("sites"), py::arg("species"), py::arg("r_cut"), py::arg("n_max"), py::arg("l_max"),
        py::arg("sigma"), py::arg("periodic"), py::arg("average"));

  m.def("spectrum_from_arguments",
        [](const structure::Structure& s, const std::vector<std::string>& args) {
          cli::SpectrumCall c;
          {
            py::gil_scoped_release release;
            c = cli::spectrum_from_arguments(args, s);
          }
          return spectrum_dict(c);
        },
        py::arg("structure"), py::arg("arguments"));

  m.def("reduce_from_arguments",
        [](const std::vector<std::string>& args, std::optional<std::vector<double>> energy,
           std::optional<std::vector<double>> mu) {
          cli::ReduceCall c;
          xafs::MeasuredSpectrum given;
          const bool arrays = energy.has_value();
          if (arrays) {
            if (!mu || mu->size() != energy->size())
              throw InputError("reduce: energy has " + std::to_string(energy->size()) + " points but mu has " +
                               std::to_string(mu ? mu->size() : 0));
            given.path = "<arrays>";
            given.energy_column = "energy";
            given.mu_expression = "mu";
            given.energy_eV = *energy;
            given.mu = *mu;
          }
          {
            py::gil_scoped_release release;
            c = cli::reduce_from_arguments(args, arrays ? &given : nullptr);
          }
          return reduce_dict(c);
        },
        py::arg("arguments"), py::arg("energy") = py::none(), py::arg("mu") = py::none());

  m.def("average_from_arguments", [](const std::vector<std::string>& args) {
    cli::AverageCall c;
    {
      py::gil_scoped_release release;
      c = cli::average_from_arguments(args);
    }
    py::dict d;
    d["k"] = array(c.k_invA);
    d["chi"] = array(c.result.chi);
    d["stderr"] = array(c.result.stderr_chi);
    d["n_snapshots"] = c.result.n_snapshots;
    d["n_spectra"] = c.result.n_spectra;
    return d;
  });

  m.def("read_athena", [](const std::string& path) {
    py::list out;
    for (const auto& g : xafs::read_athena_project(path)) {
      py::dict d;
      d["name"] = g.name;
      d["label"] = g.label;
      d["energy"] = array(g.energy_eV);
      d["mu"] = array(g.mu);
      out.append(d);
    }
    return out;
  });

  py::class_<ml::Model>(m, "Model")
      .def_property_readonly("task",
                             [](const ml::Model& mo) { return mo.task == ml::Task::kClassification ? "classification" : "regression"; })
      .def_property_readonly("kind", [](const ml::Model& mo) { return ml::to_string(mo.kind); })
      .def_readonly("classes", &ml::Model::classes)
      .def_readonly("feature_name", &ml::Model::feature_name)
      .def_readonly("target_name", &ml::Model::target_name)
      .def_property_readonly("feature_grid", [](const ml::Model& mo) { return array(mo.feature_grid); })
      .def_property_readonly("n_features", &ml::Model::n_features)
      .def_property_readonly("n_outputs", &ml::Model::n_outputs)
      .def("predict_values",
           [](const ml::Model& mo, const ml::FeatureMatrix& x) {
             if (static_cast<std::size_t>(x.cols()) != mo.n_features())
               throw InputError(std::to_string(x.cols()) + " features per row; the model expects " +
                                std::to_string(mo.n_features()) + " (" + mo.feature_name + ")");
             py::gil_scoped_release release;
             return ml::TargetMatrix(mo.predict_values(x));
           },
           py::arg("x"))
      .def("classes_from", &ml::Model::classes_from, py::arg("probabilities"))
      .def("measured_features", [](const ml::Model& mo, const std::string& path) {
        py::gil_scoped_release release;
        return ml::FeatureMatrix(cli::measured_spectrum_features(path, mo));
      }, py::arg("path"), "The feature row `xasforge predict` forms from a measured spectrum (reduce, |chi(R)| on the model's grid)")
      .def_static("is_measured_spectrum", &cli::is_measured_spectrum);

  m.def("load_model", [](const std::string& path) { return ml::load_model(path); }, py::arg("path"));
}
