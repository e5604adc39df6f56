"""GENIUS XML import: hand-computed bids in the four reference domains, an independent oracle,
integer/real issues, reservation and discount, and one test per kind of bad input."""

from __future__ import annotations

import itertools
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from burdenshare.bargaining.domain import Domain
from burdenshare.bargaining.genius import GeniusError, load_genius
from burdenshare.errors import BurdenshareError, Problem

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "genius"
DOMAINS = ["Laptop", "EnglandZimbabwe", "ItexvsCypress", "group2-politics"]


def load(name: str) -> Domain:
    return load_genius(DATA / name)


def copy(tmp_path: Path, name: str = "Laptop") -> Path:
    target = tmp_path / name
    shutil.copytree(DATA / name, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def line_of(path: Path, fragment: str) -> int:
    """1-based line of the first occurrence of ``fragment`` in ``path``."""
    text = path.read_text(encoding="utf-8")
    return text[: text.index(fragment)].count("\n") + 1


def only_problem(folder: Path) -> Problem:
    with pytest.raises(GeniusError) as err:
        load_genius(folder)
    assert isinstance(err.value, BurdenshareError)
    assert len(err.value.problems) == 1, err.value.problems
    return err.value.problems[0]


# --------------------------------------------------------------------------- the four domains
def test_outcome_counts_and_parties() -> None:
    expected = {
        "Laptop": (27, ("Laptop-C-prof1", "Laptop-C-prof2")),  # 3·3·3
        "EnglandZimbabwe": (576, ("England", "Zimbabwe")),  # 4·4·3·3·4
        "ItexvsCypress": (180, ("ItexvsCypress_Cypress", "ItexvsCypress_Itex")),  # 5·4·3·3
        # 4·3·3·4·5·2·4·4
        "group2-politics": (23_040, ("Politics_util1", "Politics_util2", "Politics_util3")),
    }
    for name, (count, parties) in expected.items():
        domain = load(name)
        assert domain.n_outcomes == count, name
        assert domain.parties == parties, name
        assert domain.utilities.shape == (len(parties), count)
        np.testing.assert_array_equal(domain.reserved, np.zeros(len(parties)))
        np.testing.assert_array_equal(domain.discount, np.ones(len(parties)))


def test_laptop_bids() -> None:
    domain = load("Laptop")
    assert domain.space.names == ("Laptop", "Harddisk", "External Monitor")
    assert domain.space.issue("Harddisk").values == ("60 Gb", "80 Gb", "120 Gb")
    bid = {"Laptop": "Macintosh", "Harddisk": "80 Gb", "External Monitor": "20'' LCD"}
    # prof1: Laptop 12/20/30, Harddisk 30/20/9, Monitor 30/10/20; weights .4452…, .3780…, .1767…
    prof1 = (
        0.4452125771655631 * 20 / 30
        + 0.37808251708013424 * 20 / 30
        + (0.1767567099260568 * 10 / 30)
    )
    # prof2: Laptop 12/30/20, Harddisk 20/30/9, Monitor 3/2/1; weights .3780…, .1767…, .4452…
    prof2 = (
        0.37808251708013424 * 30 / 30 + 0.1767567099260568 * 30 / 30 + (0.4452125771655631 * 2 / 3)
    )
    np.testing.assert_allclose(domain.utility_of(bid), [prof1, prof2], rtol=1e-14)
    # prof1's best bid scores the sum of its weights, 1.0000518…, which GENIUS caps at 1
    best = {"Laptop": "HP", "Harddisk": "60 Gb", "External Monitor": "19'' LCD"}
    assert 0.4452125771655631 + 0.37808251708013424 + 0.1767567099260568 > 1.00005
    assert domain.utility_of(best)[0] == 1.0
    # prof2 on that bid: HP 20/30, 60 Gb 20/30, 19'' 3/3
    prof2_best = (
        0.37808251708013424 * 20 / 30 + 0.1767567099260568 * 20 / 30 + (0.4452125771655631 * 3 / 3)
    )
    assert domain.utility_of(best)[1] == pytest.approx(prof2_best, rel=1e-14)


def test_itex_vs_cypress_bid() -> None:
    domain = load("ItexvsCypress")
    bid = {
        "Price": "$3.98",
        "Delivery": "45 days",
        "Payment": "30 days after delivery",
        "Returns": "5% spoilage allowed",
    }
    # Cypress: Price 1/10/25/33/40, Delivery 1/10/19/25, Payment 15/6/1, Returns 20/7/1
    cypress = (
        0.4700166576535899 * 25 / 40
        + 0.1220816713696379 * 10 / 25
        + 0.17727008190772825 * 6 / 15
        + 0.2306315890690439 * 7 / 20
    )
    # Itex: Price 30/20/10/5/1, Delivery 1/20/10/5, Payment 10/25/1, Returns 1/30/5
    itex = (
        0.28812635027374 * 10 / 30
        + 0.1915290482981283 * 20 / 20
        + 0.24212575877553694 * 25 / 25
        + 0.2782188426525948 * 30 / 30
    )
    np.testing.assert_allclose(domain.utility_of(bid), [cypress, itex], rtol=1e-14)


def test_england_zimbabwe_bid() -> None:
    domain = load("EnglandZimbabwe")
    bid = {
        "Size of Fund": "$50 Billion",
        "Impact on Other Aid": "Reduction equal to half of fund size",
        "Zimbabwe Trade Policy": "No agreement",
        "England Trade Policy": "England will increase imports",
        "Forum on Other Health Issues": "Creation of fund",
    }
    # England: fund 5/7/9/1, aid 3/6/8/1, Zimbabwe trade 12/1/7, England trade 10/1/6,
    # forum 7/10/4/1
    england = (
        0.3031462333758278 * 7 / 9
        + 0.303346839835533 * 6 / 8
        + 0.049028952379678074 * 7 / 12
        + 0.04904500802207314 * 1 / 10
        + 0.29543296638688804 * 7 / 10
    )
    # Zimbabwe: fund 9/7/5/1, aid 8/5/3/1, Zimbabwe trade 1/9/5, England trade 1/19/9,
    # forum 11/9/7/1
    zimbabwe = (
        0.19707980311909024 * 7 / 9
        + 0.20134268816210074 * 5 / 8
        + 0.15406697766287486 * 5 / 9
        + 0.15407719183124569 * 19 / 19
        + 0.29343333922468845 * 11 / 11
    )
    np.testing.assert_allclose(domain.utility_of(bid), [england, zimbabwe], rtol=1e-14)


def test_politics_bid_three_parties() -> None:
    domain = load("group2-politics")
    # util1's favourite value on every issue
    bid = {
        "Social Security": "welfare and health insurance",
        "Labor tax": "Medium labor tax",
        "Environmental tax": "High tax",
        "Usage of army": "No army",
        "Immigration policy": "Open borders",
        "Stay or leave EU": "stay",
        "National or globalized economy": "mostly dependent on export",
        "Drug policy": "Softdrugs legal",
    }
    w1 = [
        0.2423991044521965,
        0.061109933021810066,
        0.22223106488363198,
        0.12209337060366644,
        0.1140709801547101,
        0.10505034049772512,
        0.09503796567003182,
        0.03800724071622797,
    ]
    # every evaluation is its issue's maximum (4/4, 5/5, 5/5, 5/5, 8/8, 5/5, 14/14, 8/8)
    util1 = sum(w1)
    # util2: social 3 of max 8, labor 3 of 8, env 0 of 10, army 1 of 7, immigration 0 of 10,
    # EU 0 of 1, economy 0 of 10, drugs 1 of 10
    util2 = (
        0.13732694207144164 * 3 / 8
        + 0.05205604254500191 * 3 / 8
        + 0.09217237867176105 * 1 / 7
        + 0.12006407270617887 * 1 / 10
    )
    # util3: social 9 of 9, labor 6 of 6, env 1 of 5, army 0 of 6, immigration 1 of 7,
    # EU 8 of 8, economy 0 of 10, drugs 1 of 10
    util3 = (
        0.180049427437 * 9 / 9
        + 0.12169039571639426 * 6 / 6
        + 0.06338375962484283 * 1 / 5
        + 0.11003331097647509 * 1 / 7
        + 0.057167682598228506 * 8 / 8
        + 0.1471024451714933 * 1 / 10
    )
    np.testing.assert_allclose(domain.utility_of(bid), [util1, util2, util3], rtol=1e-14)
    two = domain.select(["Politics_util3", "Politics_util1"])
    np.testing.assert_allclose(two.utility_of(bid), [util3, util1], rtol=1e-14)


def _oracle(folder: Path) -> np.ndarray:
    """All utilities by brute force from the XML, written independently of the importer."""
    files = sorted(folder.glob("*.xml"), key=lambda p: p.name)
    trees = {f: ET.parse(f).getroot() for f in files}
    domain_file = next(f for f, root in trees.items() if root.find(".//weight") is None)
    issues = [
        (issue.get("index"), [item.get("value") for item in issue.findall("item")])
        for issue in trees[domain_file].iter("issue")
    ]
    rows = []
    for f in files:
        if f == domain_file:
            continue
        root = trees[f]
        weights = {w.get("index"): float(w.get("value")) for w in root.iter("weight")}
        evals = {
            issue.get("index"): {
                i.get("value"): float(i.get("evaluation")) for i in issue.iter("item")
            }
            for issue in root.iter("issue")
        }
        utilities = []
        for combo in itertools.product(*(values for _, values in issues)):
            total = 0.0
            for (index, _), value in zip(issues, combo, strict=True):
                total += weights[index] * evals[index][value] / max(evals[index].values())
            utilities.append(min(total, 1.0))
        rows.append(utilities)
    return np.array(rows)


@pytest.mark.parametrize("name", DOMAINS)
def test_every_outcome_matches_a_brute_force_oracle(name: str) -> None:
    np.testing.assert_allclose(load(name).utilities, _oracle(DATA / name), rtol=0, atol=1e-14)


# --------------------------------------------------------------------------- reservation, discount
def test_reservation_and_discount_are_read(tmp_path: Path) -> None:
    folder = copy(tmp_path)
    edit(
        folder / "Laptop-C-prof1.xml",
        '<discount_factor value="1.00" />',
        '<discount_factor value="0.8" />',
    )
    edit(
        folder / "Laptop-C-prof1.xml",
        '<reservation value="0.00" />',
        '<reservation value="0.35" />',
    )
    edit(
        folder / "Laptop-C-prof2.xml",
        '<discount_factor value="1.00" />',
        '<discount_factor value="0" />',
    )
    edit(folder / "Laptop-C-prof2.xml", '<reservation value="0.00" />', "")
    domain = load_genius(folder)
    np.testing.assert_array_equal(domain.reserved, [0.35, 0.0])  # absent → 0
    np.testing.assert_array_equal(domain.discount, [0.8, 1.0])  # 0 means no discount (GENIUS)
    np.testing.assert_allclose(domain.discount_at(0.5), [0.8**0.5, 1.0])
    u = domain.profiles[0]
    assert u.discounted(u.reservation, 1.0) == pytest.approx(0.35 * 0.8)
    # the discount does not touch the undiscounted utilities
    np.testing.assert_array_equal(domain.utilities, load("Laptop").utilities)


# --------------------------------------------------------------------------- integer, real issues
DOMAIN_XML = """<negotiation_template>
<utility_space number_of_issues="3">
<objective index="0" name="root" type="objective" etype="objective">
  <issue index="1" name="Color" type="discrete" etype="discrete" vtype="discrete">
    <item index="1" value="red"/>
    <item index="2" value="blue"/>
  </issue>
  <issue index="2" name="Years" type="integer" etype="integer" vtype="integer"
         lowerbound="1" upperbound="5"/>
  <issue index="3" name="Price" type="real" etype="real" vtype="real">
    <range lowerbound="0" upperbound="100"/>
  </issue>
</objective>
</utility_space>
</negotiation_template>
"""
PROFILE_A = """<utility_space>
<objective index="0" name="root" type="objective" etype="objective">
  <issue index="1" name="Color" type="discrete" etype="discrete">
    <item index="1" value="red" evaluation="3"/>
    <item index="2" value="blue" evaluation="6"/>
  </issue>
  <issue index="2" name="Years" type="integer" etype="integer" lowerbound="1" upperbound="5">
    <evaluator ftype="linear" slope="0.25" offset="0"/>
  </issue>
  <issue index="3" name="Price" type="real" etype="real">
    <range lowerbound="0" upperbound="100"/>
    <evaluator ftype="linear" parameter0="1.0" parameter1="-0.01"/>
  </issue>
  <weight index="1" value="0.5"/>
  <weight index="2" value="0.2"/>
  <weight index="3" value="0.3"/>
</objective>
<discount_factor value="0.8"/>
<reservation value="0.25"/>
</utility_space>
"""
PROFILE_B = """<utility_space>
<objective index="0" name="root" type="objective" etype="objective">
  <issue index="1" name="Color" type="discrete" etype="discrete">
    <item index="1" value="red" evaluation="10"/>
    <item index="2" value="blue" evaluation="0"/>
  </issue>
  <issue index="2" name="Years" type="integer" etype="integer" lowerbound="1" upperbound="5">
    <evaluator ftype="linear" slope="-0.25" offset="1"/>
  </issue>
  <issue index="3" name="Price" type="real" etype="real">
    <range lowerbound="0" upperbound="100"/>
    <evaluator ftype="triangular" parameter0="20" parameter1="80" parameter2="60"/>
  </issue>
  <weight index="1" value="0.2"/>
  <weight index="2" value="0.3"/>
  <weight index="3" value="0.5"/>
</objective>
</utility_space>
"""


def numeric_domain(tmp_path: Path) -> Path:
    folder = tmp_path / "numeric"
    folder.mkdir(parents=True)
    (folder / "domain.xml").write_text(DOMAIN_XML)
    (folder / "a.xml").write_text(PROFILE_A)
    (folder / "b.xml").write_text(PROFILE_B)
    return folder


def test_integer_and_real_issues(tmp_path: Path) -> None:
    domain = load_genius(numeric_domain(tmp_path))
    assert domain.parties == ("a", "b")
    assert domain.space.issue("Years").values == (1, 2, 3, 4, 5)
    # default grid for Price: L = max(0.3·0.01, 0.5·max(1/40, 1/20)) = 0.025 per unit,
    # step = 0.005 / 0.025 = 0.2 → 500 steps over [0, 100]; the triangle's knots lie on it
    price = domain.space.issue("Price").numbers
    assert len(price) == 501 and np.diff(price).max() == pytest.approx(0.2)
    assert domain.n_outcomes == 2 * 5 * 501
    bid = {"Color": "blue", "Years": 3, "Price": 70.0}
    # a: 0.5·6/6 + 0.2·clip(0 + 0.25·(3 − 1)) + 0.3·clip(1 − 0.01·70) = 0.5 + 0.1 + 0.09
    # b: 0.2·0/10 + 0.3·clip(1 − 0.25·(3 − 1)) + 0.5·(80 − 70)/(80 − 60) = 0 + 0.15 + 0.25
    np.testing.assert_allclose(domain.utility_of(bid), [0.69, 0.4], rtol=1e-12)
    peak = {"Color": "red", "Years": 1, "Price": 60.0}
    # a: 0.5·3/6 + 0 + 0.3·0.4 = 0.37; b: 0.2 + 0.3 + 0.5 = 1
    np.testing.assert_allclose(domain.utility_of(peak), [0.37, 1.0], rtol=1e-12)
    np.testing.assert_array_equal(domain.reserved, [0.25, 0.0])
    np.testing.assert_array_equal(domain.discount, [0.8, 1.0])
    coarse = load_genius(numeric_domain(tmp_path / "x"), grid={"Price": 10.0})
    assert coarse.space.issue("Price").values == tuple(float(x) for x in range(0, 101, 10))
    np.testing.assert_allclose(coarse.utility_of(bid), [0.69, 0.4], rtol=1e-12)


# --------------------------------------------------------------------------- bad input
def test_malformed_xml(tmp_path: Path) -> None:
    folder = copy(tmp_path)
    edit(folder / "Laptop-C-prof2.xml", '</issue>\n<issue index="2"', '<issue index="2"')
    problem = only_problem(folder)
    assert problem.file.endswith("Laptop-C-prof2.xml")
    assert problem.message.startswith("malformed XML: mismatched tag")
    assert problem.line == line_of(folder / "Laptop-C-prof2.xml", "</objective>")


def test_profile_refers_to_unknown_issue(tmp_path: Path) -> None:
    folder = copy(tmp_path)
    prof = folder / "Laptop-C-prof1.xml"
    edit(prof, 'vtype="discrete" name="External Monitor"', 'vtype="discrete" name="Screen"')
    problem = only_problem(folder)
    assert problem.message == "issue 3 is named differently in the domain"
    assert (problem.expected, problem.found) == ("External Monitor", "Screen")
    assert (
        problem.path == 'utility_space/objective[@name="LaptopDomain"]/issue[@name="Screen"]/@name'
    )

    edit(
        prof,
        '<issue index="3" etype="discrete" type="discrete" vtype="discrete" name="Screen">',
        '<issue index="7" etype="discrete" type="discrete" vtype="discrete" name="Screen">',
    )
    with pytest.raises(GeniusError) as err:
        load_genius(folder)
    messages = [p.message for p in err.value.problems]
    assert messages == ["unknown issue", "no evaluation for issue 'External Monitor'"]
    unknown = err.value.problems[0]
    assert unknown.line == line_of(prof, '<issue index="7"')
    assert unknown.found == "index 7, name 'Screen'"


def test_profile_refers_to_unknown_value(tmp_path: Path) -> None:
    folder = copy(tmp_path)
    prof = folder / "Laptop-C-prof1.xml"
    edit(prof, 'value="80 Gb"', 'value="90 Gb"')
    with pytest.raises(GeniusError) as err:
        load_genius(folder)
    unknown, missing = err.value.problems
    assert unknown.message == "unknown value for issue 'Harddisk'"
    assert unknown.found == "90 Gb" and unknown.line == line_of(prof, 'value="90 Gb"')
    assert unknown.path.endswith('issue[@name="Harddisk"]/item[@value="90 Gb"]/@value')
    assert unknown.expected == "one of '60 Gb', '80 Gb', '120 Gb'"
    assert missing.message == "no evaluation for value of issue 'Harddisk'"
    assert missing.found == "missing '80 Gb'"


def test_missing_evaluation(tmp_path: Path) -> None:
    folder = copy(tmp_path)
    prof = folder / "Laptop-C-prof2.xml"
    edit(prof, 'value="HP"  cost="0" evaluation="20"', 'value="HP"  cost="0"')
    problem = only_problem(folder)
    assert problem.message == "item has no evaluation"
    assert problem.line == line_of(prof, 'value="HP"')
    assert problem.path.endswith('issue[@name="Laptop"]/item[@value="HP"]/@evaluation')


def test_missing_item_for_a_domain_value(tmp_path: Path) -> None:
    folder = copy(tmp_path)
    prof = folder / "Laptop-C-prof2.xml"
    edit(
        prof,
        '<item index="3" value="23\'\' LCD"  cost="0" evaluation="1" '
        'description="nice to play movies, lots of space">\n</item>\n',
        "",
    )
    problem = only_problem(folder)
    assert problem.message == "no evaluation for value of issue 'External Monitor'"
    assert problem.found == "missing '23'' LCD'"
    assert problem.line == line_of(prof, 'name="External Monitor"')


def test_bad_evaluations(tmp_path: Path) -> None:
    folder = copy(tmp_path)
    prof = folder / "Laptop-C-prof1.xml"
    edit(prof, 'evaluation="12"', 'evaluation="-1"')
    edit(prof, 'evaluation="9"', 'evaluation="nine"')
    with pytest.raises(GeniusError) as err:
        load_genius(folder)
    negative, text = err.value.problems
    assert (negative.message, negative.found) == ("negative evaluation", "-1")
    assert (text.message, text.found) == ("not a number", "nine")
    assert text.line == line_of(prof, 'evaluation="nine"')


def test_weights_must_sum_to_one(tmp_path: Path) -> None:
    folder = copy(tmp_path)
    prof = folder / "Laptop-C-prof1.xml"
    edit(prof, '<weight index="3" value="0.1767567099260568">', '<weight index="3" value="0.1">')
    problem = only_problem(folder)  # sum 0.9233: outside 0.98 < Σ < 1.02
    assert problem.message == "weights do not sum to 1"
    assert problem.found == "0.923295"
    assert problem.line == line_of(prof, "<objective")
    assert problem.path == 'utility_space/objective[@name="LaptopDomain"]'


def test_weights_within_tolerance_are_used_as_written(tmp_path: Path) -> None:
    folder = copy(tmp_path)
    prof = folder / "Laptop-C-prof2.xml"
    edit(prof, '<weight index="3" value="0.4452125771655631">', '<weight index="3" value="0.46">')
    domain = load_genius(folder)  # sum 1.0148: accepted, not rescaled, capped at 1
    bid = {"Laptop": "Dell", "Harddisk": "60 Gb", "External Monitor": "19'' LCD"}
    # prof2: 0.3780…·12/30 + 0.1767…·20/30 + 0.46·3/3
    expected = 0.37808251708013424 * 12 / 30 + 0.1767567099260568 * 20 / 30 + 0.46
    assert domain.utility_of(bid)[1] == pytest.approx(expected, rel=1e-14)
    best = {"Laptop": "Macintosh", "Harddisk": "80 Gb", "External Monitor": "19'' LCD"}
    assert domain.utility_of(best)[1] == 1.0


def test_missing_negative_and_unknown_weights(tmp_path: Path) -> None:
    folder = copy(tmp_path)
    prof = folder / "Laptop-C-prof1.xml"
    edit(prof, '<weight index="2" value="0.37808251708013424">\n</weight>\n', "")
    problem = only_problem(folder)
    assert problem.message == "no weight for issue 2 (Harddisk)"

    edit(
        prof,
        '<weight index="1" value="0.4452125771655631">',
        '<weight index="1" value="-0.4452125771655631"><weight index="5" value="0.1"/>',
    )
    with pytest.raises(GeniusError) as err:
        load_genius(folder)
    messages = {p.message: p for p in err.value.problems}
    assert set(messages) == {
        "negative weight",
        "weight for an unknown issue",
        "no weight for issues 1 (Laptop), 2 (Harddisk)",
    }
    assert messages["weight for an unknown issue"].found == "5"
    assert messages["negative weight"].path.endswith('weight[@index="1"]/@value')


def test_discount_out_of_range(tmp_path: Path) -> None:
    folder = copy(tmp_path)
    prof = folder / "Laptop-C-prof1.xml"
    edit(prof, '<discount_factor value="1.00" />', '<discount_factor value="1.5" />')
    problem = only_problem(folder)
    assert (problem.message, problem.found) == ("discount factor out of range", "1.5")
    assert problem.line == line_of(prof, "<discount_factor")


def test_empty_folder_and_missing_folder(tmp_path: Path) -> None:
    problem = only_problem(tmp_path)
    assert problem.message == "no XML files in the folder"
    assert problem.file == str(tmp_path)
    problem = only_problem(tmp_path / "nowhere")
    assert problem.message == "not a folder"


def test_no_profiles(tmp_path: Path) -> None:
    folder = copy(tmp_path)
    (folder / "Laptop-C-prof1.xml").unlink()
    (folder / "Laptop-C-prof2.xml").unlink()
    problem = only_problem(folder)
    assert problem.message == "no profiles"
    assert problem.found == "Laptop-C-domain.xml only"


def test_domain_file_must_be_unique(tmp_path: Path) -> None:
    folder = copy(tmp_path)
    shutil.copy(folder / "Laptop-C-domain.xml", folder / "Laptop-C-domain2.xml")
    problem = only_problem(folder)
    assert problem.message == "cannot tell the domain file"
    assert problem.found == "Laptop-C-domain.xml, Laptop-C-domain2.xml"
    (folder / "Laptop-C-domain.xml").unlink()
    (folder / "Laptop-C-domain2.xml").unlink()
    problem = only_problem(folder)
    assert problem.message == "no domain file"


def test_domain_with_repeated_values(tmp_path: Path) -> None:
    folder = copy(tmp_path)
    dom = folder / "Laptop-C-domain.xml"
    edit(
        dom,
        'value="80 Gb" cost="0" description="some extra space"',
        'value="60 Gb" cost="0" description="some extra space"',
    )
    problem = only_problem(folder)
    assert problem.message == "value '60 Gb' repeats"
    assert problem.file.endswith("Laptop-C-domain.xml")
    assert problem.line == line_of(dom, 'description="some extra space"')


# --------------------------------------------------------------------------- docs
def test_docs_snippets_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every Python block of docs/genius.md runs, in order, from the repository root."""
    monkeypatch.chdir(ROOT)
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "docs" / "genius.md").read_text(), re.S)
    assert blocks
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, "docs/genius.md", "exec"), namespace)
