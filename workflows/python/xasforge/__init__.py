"""xasforge from Python: structures, EXAFS spectra, data reduction, models and results files.

Every function calls the same C++ code as the matching ``xasforge`` command, so results are the
command's to the last bit. Keyword arguments are the command's options with ``-`` written as
``_`` (``max_legs=3`` is ``--max-legs 3``); errors raise :class:`InputError` or
:class:`PhysicsError` (both :class:`XasforgeError`) carrying the command's message.
See docs/python.md.
"""
import json
import os

import numpy as np

from ._xasforge import (InputError, Model, PhysicsError, Structure, XasforgeError)
from . import _xasforge as _core

__all__ = [
    "Structure", "Model", "XasforgeError", "InputError", "PhysicsError", "read_structure",
    "structure_from_dict", "absorber_classes", "crystal_nn", "cn", "soap", "spectrum", "average",
    "reduce", "read_athena", "load_model", "predict", "open_results", "Results",
]

# --- structures --------------------------------------------------------------------------------


def read_structure(path):
    """Reads an MP JSON, CIF, POSCAR/CONTCAR or (ext)XYZ file (as ``xasforge info`` does)."""
    return _core.read_structure(os.fspath(path))


def structure_from_dict(d, source="<dict>"):
    """A Structure from a pymatgen ``Structure.as_dict()`` (or ``Molecule.as_dict()``) dict."""
    if not isinstance(d, dict):
        raise InputError(f"{source}: expected a dict as pymatgen's Structure.as_dict() gives, not {type(d).__name__}")
    return _core.parse_mp_json(json.dumps(d), source)


def _as_dict(self):
    """pymatgen ``Structure.as_dict()`` form (``pymatgen.core.Structure.from_dict`` reads it)."""
    return json.loads(self.to_json())


Structure.as_dict = _as_dict


def _structure(s):
    if isinstance(s, Structure):
        return s
    if isinstance(s, dict):
        return structure_from_dict(s)
    if isinstance(s, (str, os.PathLike)):
        return read_structure(s)
    if hasattr(s, "as_dict"):  # a pymatgen Structure or Molecule
        return structure_from_dict(s.as_dict(), source=f"<{type(s).__name__}>")
    raise InputError(f"expected a Structure, a file name or a pymatgen dict, not {type(s).__name__}")


def absorber_classes(structure):
    """Symmetry-equivalent site classes (spglib; pymatgen's equivalent_indices): a list of dicts
    with z, element, sites, multiplicity, wyckoff."""
    return _core.absorber_classes(_structure(structure))


def crystal_nn(structure, site):
    """CrystalNN of one site (pymatgen 2022.11 defaults), as ``xasforge cn --site N --json``:
    a dict with cn, cn_probabilities {cn: p}, neighbors [{site, element, image, distance, weight}]."""
    return _core.crystal_nn(_structure(structure), int(site))


def cn(structure, site=None):
    """CrystalNN CN of one site, or {site: cn} of each symmetry-unique site (as ``xasforge cn``)."""
    s = _structure(structure)
    if site is not None:
        return crystal_nn(s, site)["cn"]
    return {c["sites"][0]: crystal_nn(s, c["sites"][0])["cn"] for c in absorber_classes(s)}


def soap(structure, species, sites=(), r_cut=5.0, n_max=8, l_max=6, sigma=0.5, periodic=True, average="off"):
    """SOAP power spectra (rows: centres; DScribe's GTO basis), as the campaign's descriptor."""
    return _core.soap(_structure(structure), [int(i) for i in sites], list(species), float(r_cut), int(n_max),
                      int(l_max), float(sigma), bool(periodic), str(average))


# --- options as the command line spells them ------------------------------------------------------


def _arguments(options):
    """['--max-legs', '3', ...] from max_legs=3; True is a flag, False/None are left out; floats are
    written with repr() (shortest round-trip text), so the command parses the same double."""
    args = []
    for key, value in options.items():
        flag = "--" + key.replace("_", "-")
        if value is None or value is False:
            continue
        if value is True:
            args.append(flag)
        elif isinstance(value, (list, tuple)):
            args.append(flag)
            args.extend(_text(v) for v in value)
        else:
            args.extend([flag, _text(value)])
    return args


def _text(v):
    if isinstance(v, (float, np.floating)):
        return repr(float(v))
    if isinstance(v, (os.PathLike,)):
        return os.fspath(v)
    return str(v)


_FILE_OUTPUTS = ("output", "o", "paths", "timing", "repeat")


def _reject_file_outputs(command, options):
    for key in _FILE_OUTPUTS:
        if key in options:
            raise InputError(f"{command}: '{key}' writes files or timings on the command line; the Python function "
                             "returns the arrays instead")


# --- spectra -----------------------------------------------------------------------------------


class Spectrum(dict):
    """Result of :func:`spectrum`: k, chi (numpy, Å⁻¹ and dimensionless), chi_mag, chi_phase,
    site, and paths (dict of numpy arrays: index, nleg, degeneracy, reff, sigma2, pw_importance,
    cw_importance, used). Keys are also attributes."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def spectrum(structure, site=None, **settings):
    """χ(k) of one absorber, exactly as ``xasforge spectrum STRUCTURE --site N [options]``.

    structure: a Structure, a file name, a pymatgen dict or pymatgen Structure. site: 0-based
    index (or give absorber="Fe"). settings: the command's options, e.g. rmax=5, max_legs=3,
    sigma2_model="constant", sigma2=0.004, convention="larch", feff_dir="paths/" (writes
    feffNNNN.dat and paths.dat for Larch)."""
    _reject_file_outputs("spectrum", settings)
    s = _structure(structure)
    if site is not None:
        settings = {"site": int(site), **settings}
    for key in ("feff_dir",):
        if key in settings and settings[key] is not None:
            settings[key] = os.fspath(settings[key])
    r = _core.spectrum_from_arguments(s, _arguments(settings))
    return Spectrum(r)


def average(snapshots, **settings):
    """Configuration-averaged χ(k) over snapshots, as ``xasforge average SNAPSHOT... [options]``:
    dict with k, chi, stderr, n_snapshots, n_spectra."""
    _reject_file_outputs("average", settings)
    if isinstance(snapshots, (str, os.PathLike)):
        snapshots = [snapshots]
    files = [os.fspath(f) for f in snapshots]
    return Spectrum(_core.average_from_arguments(files + _arguments(settings)))


# --- data reduction ----------------------------------------------------------------------------


def reduce(energy, mu=None, **options):
    """Larch-exact reduction (pre_edge, autobk, xftf), as ``xasforge reduce``.

    Either reduce(energy_array, mu_array, **options) or reduce("file.xdi" | "project.prj",
    **options). Options are the command's: rbkg, kweight, kmin, kmax, dk, window, bkg_kmin,
    bkg_kmax, energy_column, mu (the latter two for files). Returns a dict with Larch's names:
    energy, mu, e0, edge_step, pre_edge, post_edge, norm, flat, bkg, chie, k, chi, r, chir_mag,
    chir_re, chir_im, kwin, nknots."""
    _reject_file_outputs("reduce", options)
    if isinstance(energy, (str, os.PathLike)):
        if mu is not None:
            options = {"mu": mu, **options}
        r = _core.reduce_from_arguments([os.fspath(energy)] + _arguments(options))
    else:
        if mu is None:
            raise InputError("reduce: give mu(E) with the energy array, or a file name")
        for key in ("energy_column", "mu"):
            if key in options:
                raise InputError(f"reduce: '{key}' selects a column of a file; with arrays it does not apply")
        e = np.ascontiguousarray(energy, dtype=float).ravel()
        m = np.ascontiguousarray(mu, dtype=float).ravel()
        r = _core.reduce_from_arguments(_arguments(options), e, m)
    return Spectrum(r)


def read_athena(path):
    """Records of an Athena project (.prj): list of dicts with name, label, energy, mu."""
    return _core.read_athena(os.fspath(path))


# --- models ------------------------------------------------------------------------------------


def load_model(path):
    """A model file written by ``xasforge train``."""
    return _core.load_model(os.fspath(path))


def _model_predict(self, x):
    """Predictions for feature rows (2-D array), a measured spectrum file (.xdi, .dat, .prj, ...),
    a results file (.h5) or a list of those: class labels (classification) or values."""
    p = self.predict_values_of(x)
    if self.task == "classification":
        return np.asarray(self.classes_from(p))
    return p


def _model_probabilities(self, x):
    """Class probabilities (columns in the order of model.classes), as ``predict --probabilities``."""
    if self.task != "classification":
        raise InputError("probabilities: the model is a regression model")
    return self.predict_values_of(x)


def _model_values_of(self, x):
    return self.predict_values(self.features_of(x))


def _model_features_of(self, x):
    if isinstance(x, (str, os.PathLike)):
        path = os.fspath(x)
        if path.endswith((".h5", ".hdf5")):
            with open_results(path) as res:
                return np.ascontiguousarray(res.features(self.feature_name))
        if Model.is_measured_spectrum(path):
            return self.measured_features(path)
        raise InputError(f"{path}: not a measured spectrum (.xdi, .dat, .xmu, .nor, .txt, .prj) or results file (.h5)")
    if isinstance(x, (list, tuple)) and x and isinstance(x[0], (str, os.PathLike)):
        return np.vstack([self.features_of(f) for f in x])
    a = np.asarray(x, dtype=float)
    if a.ndim == 1:
        a = a[None, :]
    return np.ascontiguousarray(a)


Model.predict = _model_predict
Model.probabilities = _model_probabilities
Model.predict_values_of = _model_values_of
Model.features_of = _model_features_of


def predict(model, inputs, probabilities=False):
    """Load (if a path) and apply a model, as ``xasforge predict MODEL INPUT... [--probabilities]``."""
    m = load_model(model) if isinstance(model, (str, os.PathLike)) else model
    return m.probabilities(inputs) if probabilities else m.predict(inputs)


# --- results files -----------------------------------------------------------------------------


class Results:
    """A campaign results file as numpy arrays (h5py underneath). ``r["/spectra/chi"]`` or
    ``r.chi`` (k, chi, r, chir_mag, cn, soap, status, key, ...) read a whole dataset; only done
    items' rows are meaningful (``r.done`` is the mask)."""

    _SHORT = {
        "k": "/spectra/k", "chi": "/spectra/chi", "r": "/features/r", "chir_mag": "/features/chir_mag",
        "cn": "/labels/cn", "rdf": "/labels/rdf", "rdf_r": "/labels/rdf_r", "soap": "/descriptors/soap",
        "status": "/items/status", "key": "/items/key", "z": "/items/z", "site": "/items/site",
        "structure": "/items/structure", "error": "/items/error",
    }

    def __init__(self, path):
        import h5py
        self.path = os.fspath(path)
        try:
            self._f = h5py.File(self.path, "r")
        except OSError as e:
            raise InputError(f"{self.path}: cannot open as an HDF5 results file ({e})") from None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self._f.close()

    def datasets(self):
        """Every dataset path in the file."""
        names = []
        self._f.visit(lambda n: names.append("/" + n) if hasattr(self._f[n], "shape") else None)
        return names

    def __getitem__(self, name):
        if name not in self._f:
            raise KeyError(f"{self.path}: no dataset {name}")
        a = self._f[name][()]
        if a.dtype.kind == "O":
            a = np.array([v.decode() if isinstance(v, bytes) else v for v in a.ravel()], dtype=object).reshape(a.shape)
        return a

    def __getattr__(self, name):
        if name.startswith("_") or name not in self._SHORT:
            raise AttributeError(name)
        return self[self._SHORT[name]]

    @property
    def done(self):
        return self["/items/status"] == 1

    @property
    def config(self):
        """The campaign YAML text."""
        v = self._f["/campaign"].attrs["config"]
        return v.decode() if isinstance(v, bytes) else str(v)

    def features(self, name="/features/chir_mag"):
        """Feature rows of the done items (the rows ``xasforge predict RESULTS.h5`` uses)."""
        return self[name][self.done]


def open_results(path):
    """Opens a campaign results file: ``with xasforge.open_results("r.h5") as r: r.chi``."""
    return Results(path)
