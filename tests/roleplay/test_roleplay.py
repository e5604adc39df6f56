"""The role-play state machine: people's seats are faithful scripts of the engine's moves, the
rules refuse what the engine would, and briefs keep private values private."""

from __future__ import annotations

import pytest

from burdenshare.roleplay import Move, MoveError, Setup, brief, play, public_facts, replay
from burdenshare.roleplay.brief import format_value, secret_values
from burdenshare.scenario import load_scenario


@pytest.fixture(scope="module")
def sma():
    return load_scenario("sma-2019")


def agents_game(sma, us="boulware", rok="linear", rounds=10):
    setup = Setup.create(sma, {"us": f"agent:{us}", "rok": f"agent:{rok}"}, rounds)
    return setup, replay(setup, [])


@pytest.mark.parametrize(
    ("us", "rok"),
    [
        ("boulware", "linear"),
        ("conceder", "hardliner"),
        ("tit-for-tat", "walk-out"),
        ("linear", "conceder"),
    ],
)
def test_people_replaying_the_agents_moves_get_the_same_game(sma, us, rok):
    _, agents = agents_game(sma, us, rok)
    assert agents.over
    moves = agents.new_moves()
    assert [m.turn for m in moves] == list(range(len(moves)))
    for seats in (
        {"us": "human", "rok": "human"},
        {"us": "human", "rok": f"agent:{rok}"},
        {"us": f"agent:{us}", "rok": "human"},
    ):
        people = Setup.create(sma, seats, 10)
        human = [m for m in moves if seats[m.party] == "human"]
        state = replay(people, [m for m in moves if m in human or seats[m.party] != "human"])
        assert (state.status, state.agreement, state.turn) == (
            agents.status,
            agents.agreement,
            agents.turn,
        )
        assert [(e.kind, e.outcome) for e in state.events] == [
            (e.kind, e.outcome) for e in agents.events
        ]


def test_moves_are_checked(sma):
    setup = Setup.create(sma, {"us": "human", "rok": "human"}, 4)
    offer = {"contribution": 1.3e12, "duration": 3, "new_category": False}
    with pytest.raises(MoveError, match="not your turn"):
        play(setup, [], "rok", "offer", offer)
    with pytest.raises(MoveError, match="no offer on the table"):
        play(setup, [], "us", "accept")
    with pytest.raises(MoveError, match="unknown action"):
        play(setup, [], "us", "dance")
    new, state = play(setup, [], "us", "offer", offer)
    assert new == [Move(0, "us", "offer", setup.outcome_index(offer))]
    # the Assembly rejects 1,298.9 bn: the deal is voided and struck, talks go on
    new2, state = play(setup, new, "rok", "accept")
    assert [e.kind for e in state.events][:3] == ["offer", "accept", "voided"]
    assert state.events[2].note == "rok" and not state.over
    with pytest.raises(MoveError, match="off the agenda"):
        play(setup, new + new2, "us", "offer", offer)
    new3, state = play(setup, new + new2, "us", "walk-out")
    assert state.status == "walked-out" and state.ended_by == "us"
    with pytest.raises(MoveError, match="the game is over"):
        play(setup, new + new2 + new3, "rok", "offer", offer)


def test_deadline(sma):
    setup = Setup.create(sma, {"us": "human", "rok": "human"}, 1)
    moves: list[Move] = []
    for party, amount in (("us", 1.4e12), ("rok", 1.1e12)):
        new, state = play(
            setup,
            moves,
            party,
            "offer",
            {"contribution": amount, "duration": 2, "new_category": False},
        )
        moves += new
    assert state.status == "timedout" and state.agreement is None


def test_offers_never_sit_on_a_private_value(sma):
    setup = Setup.create(sma, {"us": "human", "rok": "human"})
    grid = set(setup.space.issue("contribution").values)
    for party in ("us", "rok"):
        for key, value in secret_values(setup, party)["numbers"].items():
            if key.endswith("contribution"):
                assert value not in grid, (party, key)
    assert 1_115_800_000_000 in grid  # the openings are public knots


def test_briefs(sma):
    setup = Setup.create(sma, {"us": "human", "rok": "agent:linear"})
    us = brief(setup, "us")
    assert us["red_lines"] == {"contribution": "1,122.0 bn KRW"}
    assert us["ratifier"]["limits"] == {"contribution": "1,200.0 bn KRW"}
    assert us["weights"] == {"contribution": "60%", "new_category": "25%", "duration": "15%"}
    assert us["opens"] and any("US presidential election" in c for c in us["changes"])
    facts = str(public_facts(setup))
    for party in ("us", "rok"):
        secrets = secret_values(setup, party)
        for key, value in secrets["numbers"].items():
            issue = key.rsplit(".", 1)[-1]
            if key.startswith(("reservation.", "limit.")) and issue in sma.issues:
                assert format_value(setup, issue, value) not in facts, key
        assert not any(t[:60] in facts for t in secrets["texts"])


def test_public_calendar_states_no_private_value_in_words(sma):
    """The events' descriptions are public: on sma-2019 they name no party's red line, floor,
    limit or no-deal value (what an event changes is in its `set`, shown only in the briefs of
    the party it concerns)."""
    setup = Setup.create(sma, {"us": "human", "rok": "human"}, 10)
    words = ("red line", "floor", "limit", "reservation", "no-deal value")
    for event in public_facts(setup)["events"]:
        text = event["description"].lower()
        assert not any(w in text for w in words), event
