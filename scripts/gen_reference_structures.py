#!/usr/bin/python3
"""Write examples/reference_structures/*.cif: the crystal structures of the 16 measured spectra in
../shared/data/experimental (for first-shell fits and σ² predictions, docs/debye_waller.md).

Each structure is built with pymatgen from its space group, lattice constants and Wyckoff
positions as published (references below) and written as a P1 CIF (every site listed). Lattice
constants are room-temperature values; the 10 K / 13 K spectra use the same cells (thermal
contraction < 0.3 %, below what a first-shell fit resolves).
Usage: /usr/bin/python3 scripts/gen_reference_structures.py
"""
import pathlib

from pymatgen.core import Lattice, Structure
from pymatgen.io.cif import CifWriter

OUT = pathlib.Path(__file__).resolve().parent.parent / "examples" / "reference_structures"

# name: (space group, lattice, species, fractional coordinates, source)
C = {
    "Cu": ("Fm-3m", Lattice.cubic(3.6149), ["Cu"], [[0, 0, 0]], "Swanson & Tatge, NBS Circular 539 vol. 1 (1953)"),
    "Ni": ("Fm-3m", Lattice.cubic(3.5238), ["Ni"], [[0, 0, 0]], "Swanson & Tatge, NBS Circular 539 vol. 1 (1953)"),
    "Fe": ("Im-3m", Lattice.cubic(2.8665), ["Fe"], [[0, 0, 0]], "Swanson et al., NBS Circular 539 vol. 4 (1955)"),
    "V": ("Im-3m", Lattice.cubic(3.0240), ["V"], [[0, 0, 0]], "Swanson et al., NBS Circular 539 vol. 9 (1959)"),
    "Cr": ("Im-3m", Lattice.cubic(2.8846), ["Cr"], [[0, 0, 0]], "Swanson & Tatge, NBS Circular 539 vol. 1 (1953)"),
    "Co": ("P6_3/mmc", Lattice.hexagonal(2.5071, 4.0695), ["Co"], [[1 / 3, 2 / 3, 0.25]],
           "Swanson & Tatge, NBS Circular 539 vol. 4 (1955)"),
    "FeO": ("Fm-3m", Lattice.cubic(4.307), ["Fe", "O"], [[0, 0, 0], [0.5, 0.5, 0.5]],
            "wüstite Fe(1-x)O, a = 4.307 Å (McCammon & Liu, Phys. Chem. Miner. 10, 106 (1984)); vacancies ignored"),
    "Fe2O3": ("R-3c", Lattice.hexagonal(5.0356, 13.7489), ["Fe", "O"], [[0, 0, 0.35530], [0.3059, 0, 0.25]],
              "hematite, Blake, Hessevick, Zoltai & Finger, Am. Mineral. 51, 123 (1966)"),
    "Cr2O3": ("R-3c", Lattice.hexagonal(4.9607, 13.599), ["Cr", "O"], [[0, 0, 0.3475], [0.3058, 0, 0.25]],
              "eskolaite, Finger & Hazen, J. Appl. Phys. 51, 5362 (1980)"),
    "V2O3": ("R-3c", Lattice.hexagonal(4.9515, 14.003), ["V", "O"], [[0, 0, 0.34630], [0.3121, 0, 0.25]],
             "karelianite, Dernier, J. Phys. Chem. Solids 31, 2569 (1970)"),
    "CuO": ("C2/c", Lattice.monoclinic(4.6837, 3.4226, 5.1288, 99.54), ["Cu", "O"], [[0.25, 0.25, 0], [0, 0.4184, 0.25]],
            "tenorite, Åsbrink & Norrby, Acta Cryst. B 26, 8 (1970)"),
    "ZnO": ("P6_3mc", Lattice.hexagonal(3.2496, 5.2042), ["Zn", "O"], [[1 / 3, 2 / 3, 0], [1 / 3, 2 / 3, 0.3819]],
            "zincite, Kisi & Elcombe, Acta Cryst. C 45, 1867 (1989)"),
    "ZnSe": ("F-43m", Lattice.cubic(5.6687), ["Zn", "Se"], [[0, 0, 0], [0.25, 0.25, 0.25]],
             "stilleite, Swanson et al., NBS Circular 539 vol. 3 (1954)"),
    "NiOH2": ("P-3m1", Lattice.hexagonal(3.126, 4.593), ["Ni", "O", "H"], [[0, 0, 0], [1 / 3, 2 / 3, 0.2221], [1 / 3, 2 / 3, 0.4275]],
              "theophrastite, Greaves & Thomas, Acta Cryst. B 42, 51 (1986)"),
    "MnO2": ("P4_2/mnm", Lattice.tetragonal(4.3983, 2.8730), ["Mn", "O"], [[0, 0, 0], [0.3046, 0.3046, 0]],
             "pyrolusite, Bolzan, Fong, Kennedy & Howard, Aust. J. Chem. 46, 939 (1993)"),
}


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    lines = ["# Reference structures of the measured spectra\n",
             "Written by `scripts/gen_reference_structures.py` (pymatgen, P1 CIF). Space group, lattice and\n",
             "Wyckoff positions as published; the numbers are facts from these papers:\n\n",
             "| file | space group | source |\n", "| --- | --- | --- |\n"]
    for name, (sg, lat, species, coords, source) in C.items():
        s = Structure.from_spacegroup(sg, lat, species, coords)
        CifWriter(s).write_file(OUT / f"{name}.cif")
        lines.append(f"| {name}.cif | {sg} | {source} |\n")
    (OUT / "SOURCE.md").write_text("".join(lines))


if __name__ == "__main__":
    main()
