#!/usr/bin/python3
"""Regenerate tests/reference/scattering/shell_fit/cu_foil_feffit.json: Larch 0.9.58's feffit of the
first shell of the measured Cu foil (examples/spectra/Cu_Foil_rt_2016Foils.xdi), the reference of
xasforge's shell fit (tests/core/scattering/test_shell_fit.cpp).

Larch reduces the spectrum (pre_edge defaults, autobk rbkg 1 kweight 2: what `xasforge reduce`
does) and fits FEFF 8.5L's first-shell path (tests/reference/scattering/cu_ref/feff0001.dat) with
S0², E0, ΔR and σ² free, in R space: k 3–14 Å⁻¹, Hanning, dk 1, k-weight 2, R 1.7–2.9 Å.
Usage: /usr/bin/python3 scripts/regen_shell_fit_reference.py
"""
import json
import pathlib

import numpy as np
from larch import Group
from larch.fitting import param, param_group
from larch.io import read_ascii
from larch.xafs import autobk, feffit, feffit_dataset, feffit_transform, feffpath, pre_edge

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "reference" / "scattering" / "shell_fit"
SETTINGS = {"kmin": 3.0, "kmax": 14.0, "dk": 1.0, "kweight": 2, "window": "hanning", "rmin": 1.7, "rmax": 2.9}


def main():
    d = read_ascii(str(ROOT / "examples" / "spectra" / "Cu_Foil_rt_2016Foils.xdi"))
    cols = [np.asarray(d.data[i]) for i in range(d.data.shape[0])]
    g = Group(energy=cols[0], mu=np.log(cols[2] / cols[1]))
    pre_edge(g)
    autobk(g, rbkg=1.0, kweight=2)
    pars = param_group(s02=param(0.9, vary=True), e0=param(0.0, vary=True), dr=param(0.0, vary=True),
                       sig2=param(0.005, vary=True))
    path = feffpath(str(ROOT / "tests" / "reference" / "scattering" / "cu_ref" / "feff0001.dat"), s02="s02", e0="e0",
                    sigma2="sig2", deltar="dr")
    trans = feffit_transform(fitspace="r", **SETTINGS)
    out = feffit(pars, feffit_dataset(data=g, pathlist=[path], transform=trans))
    p = out.params
    res = {name: {"value": p[name].value, "stderr": p[name].stderr} for name in ("s02", "e0", "dr", "sig2")}
    res["settings"] = SETTINGS
    res["degeneracy"] = path.degen
    res["e0_data_eV"] = float(g.e0)
    res["rfactor"] = float(getattr(out, "rfactor", float("nan")))
    res["tool"] = "xraylarch 0.9.58 (Debian python3-xraylarch) feffit; path: FEFF 8.5L cu_ref/feff0001.dat"
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "cu_foil_feffit.json").write_text(json.dumps(res, indent=2) + "\n")
    print(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()
