"""J-staff-by-pop as a small OpenFisca tax-benefit system, the peer of the benchmark.

Run only in the benchmark session, which installs OpenFisca; it is never a dependency
of minzheng. The rule is the one the Ji'an pack encodes (seed 001, 三(三)2): a township's
civil-affairs office needs at least 2 staff for a registered population up to 20,000
(以下 includes it), 3 for more than 20,000 and less than 50,000, 5 for 50,000 or more.

    python benchmarks/peers/openfisca_staff.py townships.csv findings.csv

reads ``unit,registered_population,office_staff`` (the table minzheng reads too) and writes
``code,required,status`` (``met`` / ``not_met``), reading the CSV the fastest way
OpenFisca takes: ``np.loadtxt`` into numpy vectors set as inputs of a default simulation
(OpenFisca has no CSV reader of its own).
"""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path

import numpy as np
from openfisca_core.entities import build_entity
from openfisca_core.periods import YEAR
from openfisca_core.simulations import SimulationBuilder
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

Township = build_entity(key="township", plural="townships", label="乡镇(街道)", is_person=True)
PERIOD = "2018"
#: The columns of the CSV as one structured numpy type: ``np.loadtxt`` (C, numpy 1.23 and
#: later) reads the 40,000 rows about 35 times faster than ``np.genfromtxt``, which this
#: peer used at first; a township code is 9 to 12 digits.
COLUMNS = np.dtype([("code", "U12"), ("registered_population", "i8"), ("office_staff", "i8")])


class registered_population(Variable):  # OpenFisca names variables in snake case
    value_type = int
    entity = Township
    definition_period = YEAR
    label = "户籍人口"


class office_staff(Variable):
    value_type = int
    entity = Township
    definition_period = YEAR
    label = "民政所工作人员"


class required_staff(Variable):
    value_type = int
    entity = Township
    definition_period = YEAR
    label = "按人口应配备的民政所工作人员"

    def formula(township, period, parameters):  # type: ignore[no-untyped-def]
        population = township("registered_population", period)
        return np.select([population <= 20000, population < 50000], [2, 3], 5)


class staff_met(Variable):
    value_type = bool
    entity = Township
    definition_period = YEAR
    label = "J-staff-by-pop met"

    def formula(township, period, parameters):  # type: ignore[no-untyped-def]
        return township("office_staff", period) >= township("required_staff", period)


def system() -> TaxBenefitSystem:
    tbs = TaxBenefitSystem([Township])
    for variable in (registered_population, office_staff, required_staff, staff_met):
        tbs.add_variable(variable)
    return tbs


def run(source: Path, target: Path) -> float:
    """Read the townships, compute, write the findings; return the seconds it took."""
    start = time.perf_counter()
    data = np.loadtxt(source, delimiter=",", skiprows=1, dtype=COLUMNS, encoding="utf-8", ndmin=1)
    codes = data["code"]
    simulation = SimulationBuilder().build_default_simulation(system(), len(codes))
    simulation.set_input(
        "registered_population", PERIOD, data["registered_population"].astype(np.int64)
    )
    simulation.set_input("office_staff", PERIOD, data["office_staff"].astype(np.int64))
    required = simulation.calculate("required_staff", PERIOD)
    met = simulation.calculate("staff_met", PERIOD)
    with target.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["code", "required", "status"])
        writer.writerows(
            zip(codes, required.tolist(), np.where(met, "met", "not_met").tolist(), strict=True)
        )
    return time.perf_counter() - start


if __name__ == "__main__":
    print(f"{run(Path(sys.argv[1]), Path(sys.argv[2])):.3f}")
