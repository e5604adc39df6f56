"""Actor tables: the three loaders, and every kind of bad table as a located user error."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from burdenshare.errors import BurdenshareError, DataError
from burdenshare.forecast.actors import ActorTable, read_bdm_csv, read_ktab_csv

DATA = Path(__file__).parents[1] / "data"
EC = DATA / "bdm" / "emission_standards_bdm1994_s01.csv"
GOOD = "Actor,Capability,Position,Salience\nA,1,0,0.5\nB,2,10,1\nC,0.5,4,0.25\n"


def bdm_error(tmp_path: Path, text: str, **kw: float) -> DataError:
    path = tmp_path / "actors.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_bdm_csv(path, **kw)
    return info.value


def ktab_error(tmp_path: Path, text: str) -> DataError:
    path = tmp_path / "smp.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_ktab_csv(path)
    return info.value


# ---------------------------------------------------------------------------------------------
# loading


def test_bdm_csv() -> None:
    table = read_bdm_csv(EC)
    assert table.names[:3] == ("Netherlands", "Belgium", "Luxembourg") and table.n_actors == 10
    assert table.dimensions == ("position",) and table.n_dims == 1
    assert table.capability.tolist() == [0.08, 0.08, 0.03, 0.16, 0.16, 0.16, 0.16, 0.05, 0.05, 0.08]
    assert table.position[:, 0].tolist() == [4, 7, 4, 4, 10, 10, 10, 7, 4, 7]
    assert table.salience[:, 0].tolist() == [0.8, 0.4, 0.2, 0.8, 0.6, 0.6, 0.9, 0.1, 1.0, 0.7]
    assert table.notes == () and table.salience_scale == 1.0
    np.testing.assert_allclose(table.weights()[:, 0], table.capability * table.salience[:, 0])
    assert table.source is not None and table.source.endswith("emission_standards_bdm1994_s01.csv")


def test_bdm_csv_with_0_to_100_salience_says_so(tmp_path: Path) -> None:
    path = tmp_path / "greece.csv"
    path.write_text(
        "Actor,Capability,Position,Salience,Note\nGreece,100,40,100,x\nUSA,30,60,80,y\n",
        encoding="utf-8",
    )
    table = read_bdm_csv(path, salience_scale=100)
    assert table.salience[:, 0].tolist() == [1.0, 0.8]
    assert table.notes == ("salience given on 0–100, divided by 100",)


def test_ktab_csv_two_dimensions_with_influence_header() -> None:
    table = read_ktab_csv(DATA / "ktab" / "SOE-Pol-Comp.csv")
    assert table.scenario == "China Policy/Competitive; scen 2"
    assert table.description == "Scenario-0002;Combined Policy and Competitive"
    assert table.dimensions == ("Policy", "Competitive") and table.n_actors == 13
    assert table.names[0] == "XJ" and table.descriptions[0] == "Xi Jinping"
    assert table.capability[:2].tolist() == [100.0, 60.2]
    assert table.position[0].tolist() == [30.0, 20.0]  # positions stay on 0–100
    np.testing.assert_allclose(table.salience[0], [0.24, 0.48])  # saliences divided by 100
    assert table.salience_scale == 100.0
    assert table.notes == ("salience given on 0–100, divided by 100",)


def test_ktab_csv_pstn_headers() -> None:
    table = read_ktab_csv(DATA / "ktab" / "dummyData_3Dim.csv")
    assert table.dimensions == ("Pstn1", "Pstn2", "Pstn3")
    assert table.names == tuple(f"SActor-0{i}" for i in range(7))
    assert table.capability[2] == 129.643
    assert table.position[6].tolist() == [70.96, 33.46, 90.36]
    np.testing.assert_allclose(table.salience[6], [0.3175, 0.2793, 0.2603])


def test_frame_loader_matches_csv_and_takes_several_dimensions() -> None:
    frame = pd.read_csv(EC)
    from_frame = ActorTable.from_frame(frame.rename(columns=str.lower))
    from_csv = read_bdm_csv(EC)
    assert from_frame.names == from_csv.names
    assert np.array_equal(from_frame.position, from_csv.position)
    assert np.array_equal(from_frame.salience, from_csv.salience)
    wide = pd.DataFrame(
        {
            "Actor": ["US", "ROK", "DPRK"],
            "Capability": [10, 6, 3],
            "Position amount": [5.0, 1.0, 0.0],
            "Salience amount": [90, 100, 20],
            "Position years": [1, 5, 1],
            "Salience years": [30, 60, 10],
            "Description": ["a", "b", "c"],
        }
    )
    table = ActorTable.from_frame(wide, salience_scale=100, source="sma")
    assert table.dimensions == ("amount", "years")
    assert table.position.tolist() == [[5, 1], [1, 5], [0, 1]]
    np.testing.assert_allclose(table.salience, [[0.9, 0.3], [1.0, 0.6], [0.2, 0.1]])
    assert table.descriptions == ("a", "b", "c") and table.source == "sma"
    assert table.frame().columns.tolist() == [
        "actor",
        "capability",
        "position amount",
        "salience amount",
        "position years",
        "salience years",
    ]


def test_permuted_and_replace() -> None:
    table = read_bdm_csv(EC)
    perm = table.permuted([9, 8, 7, 6, 5, 4, 3, 2, 1, 0])
    assert perm.names[0] == "Greece" and perm.position[0, 0] == 7.0
    doubled = table.replace(capability=table.capability * 2)
    assert doubled.capability[0] == 0.16 and doubled.names == table.names
    with pytest.raises(DataError, match="capability is negative"):
        table.replace(capability=-table.capability)


# ---------------------------------------------------------------------------------------------
# bad tables: one located problem each, all at once, exit-2 ready


def test_missing_column(tmp_path: Path) -> None:
    err = bdm_error(tmp_path, "Actor,Capability,Position\nA,1,0\nB,1,1\n")
    assert isinstance(err, BurdenshareError) and len(err.problems) == 1
    p = err.problems[0]
    assert (p.message, p.line, p.path) == ("missing column Salience", 1, "Salience")
    assert p.file is not None and p.file.endswith("actors.csv")
    assert p.found == "columns Actor, Capability, Position"


def test_negative_capability(tmp_path: Path) -> None:
    err = bdm_error(tmp_path, GOOD.replace("B,2,10,1", "B,-2,10,1"))
    (p,) = err.problems
    assert (p.message, p.line, p.path, p.found) == ("capability is negative", 3, "Capability", "-2")
    assert str(p).endswith(
        "actors.csv:3: Capability: capability is negative (expected a number ≥ 0, found -2)"
    )


@pytest.mark.parametrize(("value", "found"), [("1.5", "1.5"), ("-0.1", "-0.1")])
def test_salience_out_of_range(tmp_path: Path, value: str, found: str) -> None:
    err = bdm_error(tmp_path, GOOD.replace("C,0.5,4,0.25", f"C,0.5,4,{value}"))
    (p,) = err.problems
    assert (p.message, p.line, p.path, p.expected, p.found) == (
        "salience out of range",
        4,
        "Salience",
        "0 to 1",
        found,
    )


def test_salience_out_of_range_on_a_0_to_100_scale(tmp_path: Path) -> None:
    err = ktab_error(
        tmp_path, "S,d,2,1,\nActor,Description,Power,P,S,\nA,a,1,50,150,\nB,b,1,20,10,\n"
    )
    (p,) = err.problems
    assert (p.message, p.line, p.expected, p.found) == (
        "salience out of range",
        3,
        "0 to 100",
        "150",
    )


def test_one_actor(tmp_path: Path) -> None:
    err = bdm_error(tmp_path, "Actor,Capability,Position,Salience\nA,1,0,0.5\n")
    assert [p.message for p in err.problems] == ["an actor table needs at least two actors"]
    assert err.problems[0].found == "1"


@pytest.mark.parametrize("cell", ["", "nan", "NaN", "abc", "inf"])
def test_nan_and_non_numbers(tmp_path: Path, cell: str) -> None:
    err = bdm_error(tmp_path, GOOD.replace("B,2,10,1", f"B,2,{cell},1"))
    (p,) = err.problems
    assert (p.message, p.line, p.path) == ("Position is not a number", 3, "Position")


def test_duplicate_names(tmp_path: Path) -> None:
    err = bdm_error(tmp_path, GOOD + "A,1,3,0.5\n")
    (p,) = err.problems
    assert (p.message, p.line, p.found) == ("duplicate actor name", 5, "'A', also on line 2")


def test_every_problem_at_once(tmp_path: Path) -> None:
    err = bdm_error(tmp_path, "Actor,Capability,Position,Salience\nA,-1,0,2\nA,x,,0.5\n")
    messages = sorted((p.line or 0, p.message) for p in err.problems)
    assert messages == [(3, "Capability is not a number"), (3, "Position is not a number")]
    # numbers first; once they parse, the table's own checks
    err = bdm_error(tmp_path, "Actor,Capability,Position,Salience\nA,-1,0,2\nA,1,1,0.5\n")
    assert sorted((p.line or 0, p.message) for p in err.problems) == [
        (2, "capability is negative"),
        (2, "salience out of range"),
        (3, "duplicate actor name"),
    ]


def test_no_weight_on_a_dimension(tmp_path: Path) -> None:
    err = bdm_error(tmp_path, "Actor,Capability,Position,Salience\nA,1,0,0\nB,0,1,1\n")
    (p,) = err.problems
    assert p.message == "no actor has both capability and salience on this dimension"


def test_empty_and_missing_files(tmp_path: Path) -> None:
    assert bdm_error(tmp_path, "").problems[0].message == "the file is empty"
    with pytest.raises(DataError, match="file not found"):
        read_bdm_csv(tmp_path / "nope.csv")
    with pytest.raises(DataError, match="file not found"):
        read_ktab_csv(tmp_path / "nope.csv")


def test_ktab_structure_errors(tmp_path: Path) -> None:
    err = ktab_error(tmp_path, "S,d,three,1,\nActor,Description,Power,P,S,\nA,a,1,50,50,\n")
    assert err.problems[0].message == "line 1 must give the number of actors in column 3"
    err = ktab_error(tmp_path, "S,d,3,1,\nActor,Description,Power,P,S,\nA,a,1,50,50,\nB,b,1,5,5,\n")
    (p,) = err.problems
    assert (p.message, p.expected, p.found) == (
        "number of actor lines differs from line 1",
        "3",
        "2",
    )
    err = ktab_error(tmp_path, "S,d,2,2,\nActor,Description,Power,P,S,\nA,a,1,50,50,\n")
    assert err.problems[0].message == (
        "header line has too few columns for the number of dimensions"
    )
    err = ktab_error(tmp_path, "S,d,2,1,\nActor,Description,Power,P,S,\nA,a,1,50,\nB,b,1,5,5,\n")
    assert (err.problems[0].message, err.problems[0].line) == ("actor line has too few cells", 3)
    err = ktab_error(tmp_path, "S,d,2,1,\nActor,Description,Power,P,S,\nA,a,-1,50,5,\nB,b,1,5,5,\n")
    assert (err.problems[0].message, err.problems[0].line) == ("capability is negative", 3)


def test_frame_errors_name_the_row_and_column() -> None:
    frame = pd.DataFrame(
        {
            "Actor": ["A", "B"],
            "Capability": [1.0, np.nan],
            "Position": [0, 1],
            "Salience": [0.5, 0.5],
        },
        index=["r1", "r2"],
    )
    with pytest.raises(DataError) as info:
        ActorTable.from_frame(frame)
    (p,) = info.value.problems
    assert (p.file, p.path, p.message) == (
        "DataFrame",
        "Capability[r2]",
        "Capability is not a number",
    )
    with pytest.raises(DataError) as info:
        ActorTable.from_frame(frame.drop(columns="Salience"))
    assert info.value.problems[0].message == "missing column Salience"
    with pytest.raises(DataError) as info:
        ActorTable.from_frame(frame.assign(Capability=[1.0, -3.0]))
    assert info.value.problems[0].path == "Capability[r2]"


def test_unknown_dimension_and_actor() -> None:
    table = read_bdm_csv(EC)
    assert table.dimension_index("position") == 0 and table.actor_index("UK") == 6
    with pytest.raises(DataError, match="unknown dimension"):
        table.dimension_index("months")
    with pytest.raises(DataError, match="unknown actor"):
        table.actor_index(10)


# ---------------------------------------------------------------------------------------------
# one type, one validator (issue 11 item 4)


def test_one_table_type_and_one_validator_for_every_model() -> None:
    """The SMP has no table type of its own: it takes an ActorTable, and KTAB's rules are the
    one validator's, asked for with ``position_range``."""
    import burdenshare.forecast.smp as smp

    assert not hasattr(smp, "SMPActors")
    table = ActorTable.from_arrays(["a", "b"], [1, 0], [10, 200], [0.5, 0.5], source="t.csv")
    assert table.problems() == []  # a usable table for the BDM and the baselines
    ktab = [str(p) for p in table.problems(position_range=(0.0, 100.0))]
    assert ktab == [
        "t.csv: the spatial model needs at least 3 actors (as KTAB) (expected >= 3, found 2)",
        "t.csv: b.capability: capability must be a positive number (KTAB rejects a zero voting "
        "weight) (expected > 0, found 0.0)",
        "t.csv: b.position: position outside the model's range (expected 0 to 100, found 200)",
    ]
    with pytest.raises(DataError, match="low < high"):
        table.check(position_range=(1.0, 1.0))
    with pytest.raises(DataError, match="at least 3 actors"):
        ActorTable.from_arrays(["a", "b"], [1, 2], [1, 2], [0.5, 0.5], position_range=(0, 10))


def test_min_actors_admits_a_lone_actor() -> None:
    """A DEU issue with one actor present is still a table (``min_actors=1``)."""
    one = ActorTable.from_arrays(["de"], [29], [50], [80], salience_scale=100, min_actors=1)
    assert one.n_actors == 1 and one.salience[0, 0] == 0.8
    with pytest.raises(DataError, match="at least two actors"):
        ActorTable.from_arrays(["de"], [29], [50], [0.8])
    with pytest.raises(DataError, match="at least 1 actor"):
        ActorTable.from_arrays([], [], np.empty((0, 1)), np.empty((0, 1)), min_actors=1)
