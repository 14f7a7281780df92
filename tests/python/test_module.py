"""The Python module against the xasforge command (bitwise) and the reference tools.

Bitwise: the command writes its numbers with --digits 17 (%.17g / %.17e: every bit of a double
survives the text), so every comparison below is `==` on doubles, with no tolerance.
"""
import csv
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import xasforge as xf
from conftest import CU_FOIL, CU_JSON, EXE, PRJ_PLAIN, PRJ_TWO, SOURCE, cli_error, nio_dict, run_cli

SPECTRA = os.path.join(SOURCE, "examples", "spectra")


def read_csv_columns(path):
    """Columns of a CSV whose header line follows '#' comment lines, as float arrays by name."""
    with open(path) as f:
        rows = [l for l in f if not l.startswith("#")]
    reader = csv.reader(rows)
    names = next(reader)
    data = np.array([[float(x) for x in row] for row in reader])
    return {n: data[:, i] for i, n in enumerate(names)}


def header_value(path, key):
    with open(path) as f:
        for line in f:
            if line.startswith(f"# {key} = "):
                return float(line.split("=", 1)[1])
    raise AssertionError(f"{path}: no '{key}' header")


# --- structures ---------------------------------------------------------------------------------


def test_structure_dict_round_trip_matches_pymatgen():
    from pymatgen.core import Structure as PmgStructure
    s = xf.read_structure(CU_JSON)
    d = s.as_dict()
    p = PmgStructure.from_dict(d)
    ref = PmgStructure.from_file(CU_JSON)
    # pymatgen reads xasforge's dict as the same structure it reads from the file (1e-12 Å:
    # round-trip printed numbers; the lattice parameters are recomputed by pymatgen).
    assert np.allclose(p.lattice.matrix, ref.lattice.matrix, rtol=0, atol=1e-12)
    assert np.allclose(p.frac_coords, ref.frac_coords, rtol=0, atol=1e-12)
    assert [str(x.specie) for x in p] == [str(x.specie) for x in ref]
    # and back: a pymatgen dict gives the file's structure bit for bit
    t = xf.structure_from_dict(ref.as_dict())
    assert np.array_equal(t.lattice, s.lattice)
    assert np.array_equal(t.fractional, s.fractional)
    n = xf.structure_from_dict(nio_dict())
    assert n.reduced_formula == "NiO" and len(n) == 8 and n.is_periodic


def test_absorber_classes_match_pymatgen():
    from pymatgen.core import Structure as PmgStructure
    from pymatgen.symmetry.analyzer import SpacegroupAnalyzer
    for name in ("mp-1014.json", "mp-2133.json"):
        path = os.path.join(SOURCE, "examples", "structures", name)
        ours = sorted(sorted(c["sites"]) for c in xf.absorber_classes(path))
        ref = SpacegroupAnalyzer(PmgStructure.from_file(path)).get_symmetrized_structure().equivalent_indices
        assert ours == sorted(sorted(x) for x in ref), name


def test_cn_equals_command_bitwise():
    for name in ("mp-1014.json", "mp-2133.json", "mp-987.json"):
        path = os.path.join(SOURCE, "examples", "structures", name)
        cli = json.loads(run_cli("cn", path, "--json").stdout)
        for site in cli["sites"]:
            ours = xf.crystal_nn(path, site["site"])
            assert ours["cn"] == site["cn"]
            assert {str(k): v for k, v in ours["cn_probabilities"].items()} == site["cn_probabilities"]
            assert [(n["site"], n["image"], n["distance"], n["weight"]) for n in ours["neighbors"]] == \
                   [(n["site"], n["image"], n["distance_A"], n["weight"]) for n in site["neighbors"]]
        assert xf.cn(path) == {s["site"]: s["cn"] for s in cli["sites"]}


def test_soap_equivalent_sites_agree():
    s = xf.read_structure(os.path.join(SOURCE, "examples", "structures", "mp-2133.json"))  # ZnO, 2 Zn + 2 O
    classes = xf.absorber_classes(s)
    x = xf.soap(s, ["Zn", "O"], sites=range(len(s)), r_cut=4.0, n_max=3, l_max=2)
    assert x.shape == (len(s), 2 * 3 * 4 // 2 * 3 + 1 * 9 * 3)  # S·n(n+1)/2·(l+1) + S(S−1)/2·n²·(l+1)
    for c in classes:
        a, b = c["sites"][0], c["sites"][-1]
        # symmetry-equivalent centres: the same power spectrum up to rounding (1e-10 relative, the
        # invariance tolerance of docs/features.md)
        assert np.allclose(x[a], x[b], rtol=1e-10, atol=1e-12)
    zn, o = classes[0]["sites"][0], classes[1]["sites"][0]
    assert not np.allclose(x[zn], x[o])


# --- spectra ------------------------------------------------------------------------------------


@pytest.mark.parametrize("options", [
    dict(rmax=4.5, max_legs=3),
    dict(rmax=4.0, max_legs=2, sigma2_model="constant", sigma2=0.0035, convention="larch", s02=0.9, e0=1.5),
])
def test_spectrum_equals_command_bitwise(work, options):
    out, paths = work / "chi.csv", work / "paths.txt"
    args = []
    for k, v in options.items():
        args += ["--" + k.replace("_", "-"), repr(v) if isinstance(v, float) else str(v)]
    run_cli("spectrum", CU_JSON, "--site", 0, *args, "--digits", 17, "-o", out, "--paths", paths)
    cli = read_csv_columns(out)
    py = xf.spectrum(CU_JSON, 0, **options)
    assert np.array_equal(py.k, cli["k"])
    assert np.array_equal(py.chi, cli["chi"])
    # the path list: the command's --paths lines printed from the Python arrays are identical
    p = py.paths
    lines = ["%7d %5d %11.3f %8.4f %16.3f %16.3f %10.5f  %s" % (p["index"][i], p["nleg"][i], p["degeneracy"][i], p["reff"][i],
             p["pw_importance"][i], p["cw_importance"][i], p["sigma2"][i], "yes" if p["used"][i] else "no")
             for i in range(len(p["index"]))]
    with open(paths) as f:
        assert [l.rstrip("\n") for l in f if not l.startswith("#")] == lines
    assert len(lines) >= 2


def test_spectrum_from_pymatgen_dict_equals_file():
    d = json.load(open(CU_JSON))
    a = xf.spectrum(CU_JSON, 0, rmax=3.0, max_legs=2)
    b = xf.spectrum(d, 0, rmax=3.0, max_legs=2)
    assert np.array_equal(a.chi, b.chi)


def test_average_equals_command(work):
    d = os.path.join(SOURCE, "tests", "reference", "ensemble", "cu256_snapshots")
    files = [os.path.join(d, f"snapshot_{i}.xyz") for i in (0, 1)]
    opts = dict(site=0, rmax=3.0, max_legs=2, phases=d)
    out = work / "avg.csv"
    args = sum([["--" + k.replace("_", "-"), str(v)] for k, v in opts.items()], [])
    run_cli("average", *files, *args, "-o", out)
    cli = read_csv_columns(out)
    py = xf.average(files, **opts)
    # the command prints %.8e: the Python doubles printed the same way are the same text
    assert ["%.8e" % v for v in py.chi] == ["%.8e" % v for v in cli["chi"]]
    assert ["%.8e" % v for v in py.stderr] == ["%.8e" % v for v in cli["stderr"]]
    assert py.n_snapshots == 2 and py.n_spectra == 2


# --- reduction ----------------------------------------------------------------------------------


def test_reduce_equals_command_bitwise(work):
    opts = dict(rbkg=1.1, kweight=2.0, kmin=3.0, kmax=11.5, dk=1.0, window="kaiser")
    prefix = work / "cu"
    args = sum([["--" + k, repr(v) if isinstance(v, float) else v] for k, v in opts.items()], [])
    run_cli("reduce", CU_FOIL, *args, "--digits", 17, "-o", prefix)
    norm, chi, chir = (read_csv_columns(f"{prefix}_{s}.csv") for s in ("norm", "chi", "chir"))
    r = xf.reduce(CU_FOIL, **opts)
    assert r.e0 == header_value(f"{prefix}_chi.csv", "e0")
    assert r.edge_step == header_value(f"{prefix}_chi.csv", "edge_step")
    for name, col in (("energy", norm["energy"]), ("mu", norm["mu"]), ("norm", norm["norm"]), ("flat", norm["flat"]),
                      ("k", chi["k"]), ("chi", chi["chi"]), ("r", chir["r"]), ("chir_mag", chir["chir_mag"]),
                      ("chir_re", chir["chir_re"]), ("chir_im", chir["chir_im"])):
        assert np.array_equal(r[name], col), name
    # the same reduction from arrays
    a = xf.reduce(r.energy, r.mu, **opts)
    for name in ("e0", "edge_step", "norm", "k", "chi", "chir_mag"):
        assert np.array_equal(a[name], r[name]), name


def test_reduce_agrees_with_larch():
    """The module's reduction is the command's, which is Larch's (docs/xafs.md); check the names
    mean what Larch's mean: E0 the same grid point, χ(k) within 1e-8 of max|χ| (the command's own
    Larch tolerance is 3e-10 of max|χ| on these data; 1e-8 leaves room for Larch's optimiser)."""
    from larch import Group
    from larch.xafs import autobk, pre_edge
    r = xf.reduce(CU_FOIL)
    g = Group(energy=r.energy.copy(), mu=r.mu.copy())
    pre_edge(g)
    autobk(g, rbkg=1.0, kweight=2)
    assert r.e0 == g.e0
    assert abs(r.edge_step - g.edge_step) <= 1e-9 * abs(g.edge_step)
    n = min(len(r.k), len(g.k))
    assert np.max(np.abs(r.chi[:n] - g.chi[:n])) <= 1e-8 * np.max(np.abs(g.chi))


def test_athena_project_equals_larch_read_athena(work):
    from larch.io import read_athena
    ours = xf.read_athena(PRJ_TWO)
    ref = read_athena(PRJ_TWO, do_preedge=False, do_bkg=False, do_fft=False)
    groups = list(ref.groups.values())
    assert [g["label"] for g in ours] == [g.label for g in groups]
    for a, b in zip(ours, groups):
        assert np.array_equal(a["energy"], b.energy) and np.array_equal(a["mu"], b.mu)
    # gzip and plain text give the same record; reduce / the command read the first record
    plain = xf.read_athena(PRJ_PLAIN)
    assert np.array_equal(plain[0]["mu"], ours[0]["mu"])
    r = xf.reduce(PRJ_TWO)
    a = xf.reduce(groups[0].energy, groups[0].mu)
    assert np.array_equal(r.chi, a.chi) and r.e0 == a.e0
    assert any("2 records" in w for w in r.warnings)
    prefix = work / "prj"
    run_cli("reduce", PRJ_PLAIN, "--digits", 17, "-o", prefix)
    assert np.array_equal(read_csv_columns(f"{prefix}_chi.csv")["chi"], r.chi)


# --- errors -------------------------------------------------------------------------------------


def test_errors_carry_the_command_message(work):
    with pytest.raises(xf.InputError) as e:
        xf.spectrum(CU_JSON, 5)
    assert str(e.value) == cli_error("spectrum", CU_JSON, "--site", 5, "-o", work / "x.csv")
    with pytest.raises(xf.InputError) as e:
        xf.spectrum(CU_JSON, 0, convention="bogus")
    assert str(e.value) == cli_error("spectrum", CU_JSON, "--site", 0, "--convention", "bogus", "-o", work / "x.csv")
    with pytest.raises(xf.InputError) as e:
        xf.spectrum(CU_JSON, 0, rmax=6.0, cluster_radius=5.0)
    assert "--cluster-radius" in str(e.value)
    with pytest.raises(xf.InputError) as e:
        xf.spectrum(CU_JSON, 0, no_such_option=1)
    assert "no-such-option" in str(e.value)
    bad = work / "bad.json"
    bad.write_text('{"lattice": {"matrix": [[1, 0, 0], [0, 1, 0]]}, "sites": []}')
    with pytest.raises(xf.InputError) as e:
        xf.read_structure(bad)
    assert str(e.value) == cli_error("cn", bad)
    with pytest.raises(xf.InputError) as e:
        xf.reduce(CU_FOIL, window="triangle")
    assert str(e.value) == cli_error("reduce", CU_FOIL, "--window", "triangle", "-o", work / "r")
    with pytest.raises(xf.InputError):
        xf.reduce(np.arange(5.0), np.arange(4.0))
    broken = work / "broken.prj"
    broken.write_text("# Athena project file -- Demeter version 0.9.24\n$old_group = 'a';\n@x = ('1','2','x');\n@y = ('1','2','3');\n[record]\n")
    with pytest.raises(xf.InputError) as e:
        xf.read_athena(broken)
    assert str(e.value) == f"{broken}:3: @x item 3 ('x') is not a number"
    assert str(e.value) == cli_error("reduce", broken, "-o", work / "b")
    with pytest.raises(xf.InputError):
        xf.structure_from_dict([1, 2])


# --- models -------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def model(work):
    """A tiny CN model: examples/quick.yaml (6 structures, 7 sites, ~20 s) and 50 trees."""
    results = work / "quick.h5"
    run_cli("run", os.path.join(SOURCE, "examples", "quick.yaml"), "--output", results)
    path = work / "quick_cn.xfm"
    run_cli("train", results, "--target", "cn", "--trees", 50, "-o", path)
    return str(path), str(results)


def test_predict_equals_command(model, work):
    path, results = model
    inputs = [CU_FOIL, os.path.join(SPECTRA, "ZnO.xdi"), PRJ_PLAIN]
    out = work / "pred.csv"
    run_cli("predict", path, *inputs, results, "--probabilities", "-o", out)
    with open(out) as f:
        rows = list(csv.DictReader(f))
    m = xf.load_model(path)
    assert m.task == "classification" and m.classes
    for inp in inputs + [results]:
        mine = [r for r in rows if r["input"] == inp]
        cls = m.predict(inp)
        prob = m.probabilities(inp)
        assert [int(r["prediction"]) for r in mine] == list(cls)
        # the command prints probabilities with %.6g; the same doubles print the same text
        for r, p in zip(mine, prob):
            assert [r[f"p_{c}"] for c in m.classes] == ["%.6g" % v for v in p]
    # feature rows in, the same numbers out as from the file
    x = m.features_of(CU_FOIL)
    assert np.array_equal(m.probabilities(x), m.probabilities(CU_FOIL))
    assert list(xf.predict(path, [CU_FOIL, PRJ_PLAIN])) == list(m.predict([CU_FOIL, PRJ_PLAIN]))
    with pytest.raises(xf.InputError):
        m.predict(np.zeros((1, 3)))


def test_results_file_as_arrays(model):
    import h5py
    _, results = model
    with xf.open_results(results) as r:
        with h5py.File(results, "r") as h:
            assert np.array_equal(r.chi, h["/spectra/chi"][()])
            assert np.array_equal(r.cn, h["/labels/cn"][()])
        assert r.done.sum() >= 5
        assert "/features/chir_mag" in r.datasets()
        assert "campaign" in r.config


def test_example_script_writes_its_plot(model, work):
    path, _ = model
    png = work / "example.png"
    env = dict(os.environ)
    r = subprocess.run([sys.executable, os.path.join(SOURCE, "examples", "python", "spectrum_and_cn.py"),
                        "--model", path, "--plot", str(png)], capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    assert png.stat().st_size > 10000
    assert "predicted CN" in r.stdout


@pytest.mark.parametrize("text, message", [
    ("not a project\n", ":1: not an Athena project file"),
    ("# Athena project file -- Demeter version 0.9.24\n1;\n", ": the Athena project holds no record"),
    ("# Athena project file -- Demeter version 0.9.24\n$old_group = 'a';\n@x = ('1','2','3');\n[record]\n",
     ":2: record 'a' has no @y array"),
    ("# Athena project file -- Demeter version 0.9.24\n$old_group = 'a';\n@x = ('1','2','3');\n@y = ('1','2');\n[record]\n",
     ":5: record 'a' has 3 energies but 2 mu values"),
    ("# Athena project file -- Demeter version 0.9.24\n$old_group = 'a';\n@x = ('1','2';\n",
     ":3: expected a list in parentheses"),
])
def test_malformed_athena_projects(work, text, message):
    f = work / "malformed.prj"
    f.write_text(text)
    with pytest.raises(xf.InputError) as e:
        xf.read_athena(f)
    assert str(e.value) == f"{f}{message}" or str(e.value).startswith(f"{f}{message}")
