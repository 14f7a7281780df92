"""Shared fixtures of the Python-module tests (ctest runs them with PYTHONPATH=<build>/python and
XASFORGE_EXE, XASFORGE_SOURCE, XASFORGE_SHARED set; see tests/python/CMakeLists.txt)."""
import os
import subprocess

import pytest

SOURCE = os.environ.get("XASFORGE_SOURCE", os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
SHARED = os.environ.get("XASFORGE_SHARED", os.path.join(SOURCE, "..", "shared"))
EXE = os.environ.get("XASFORGE_EXE", os.path.join(SOURCE, "build", "workflows", "xasforge"))

CU_JSON = os.path.join(SOURCE, "examples", "python", "mp-30.json")
CU_FOIL = os.path.join(SOURCE, "examples", "spectra", "Cu_Foil_rt_2016Foils.xdi")
PRJ_TWO = os.path.join(SOURCE, "tests", "reference", "python", "cu_ni_foils.prj")
PRJ_PLAIN = os.path.join(SOURCE, "tests", "reference", "python", "cu_foil_plain.prj")


def run_cli(*args, check=True, cwd=None):
    """Runs the xasforge executable; returns the CompletedProcess (text)."""
    r = subprocess.run([EXE, *map(str, args)], capture_output=True, text=True, cwd=cwd)
    if check and r.returncode != 0:
        raise AssertionError(f"xasforge {' '.join(map(str, args))} failed ({r.returncode}):\n{r.stderr}")
    return r


def cli_error(*args):
    """The message the command prints after 'xasforge: error: ' (and asserts it failed)."""
    r = run_cli(*args, check=False)
    assert r.returncode != 0, f"xasforge {args} should have failed"
    lines = [l for l in r.stderr.splitlines() if l.startswith("xasforge: error: ")]
    assert lines, r.stderr
    return lines[-1][len("xasforge: error: "):]


def nio_dict(a=4.177):
    """NiO rocksalt (Fm-3m, a = 4.177 Å, as the FEFF reference fixture) as a pymatgen dict."""
    from pymatgen.core import Lattice, Structure
    s = Structure.from_spacegroup("Fm-3m", Lattice.cubic(a), ["Ni", "O"], [[0, 0, 0], [0.5, 0.5, 0.5]])
    return s.as_dict()


@pytest.fixture(scope="session")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("xasforge_python")
