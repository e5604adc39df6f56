"""Facts about the EU's Council that the DEU models use: voting weights and vote quotas.

Actors are named by the DEU III codes (``com``, ``ep``, then the member states ``at be ...``).

- :data:`COUNCIL_VOTES`: qualified-majority voting weights of the Treaty of Nice (in force
  2004–2014, the period of most DEU III proposals; Croatia's 7 votes from its accession in
  2013), Council Decision and Act of Accession figures as listed by the Council ("Council voting
  weights", Treaty of Nice, Art. 3 of the Protocol on enlargement, as amended by the 2003 and
  2005 Acts of Accession). The Commission and the Parliament have no Council votes; models that
  weigh every actor give them the largest state's weight (29), as the DEU III capability row
  gives them the largest GDP.
- :data:`QMV_QUOTA`: the Nice threshold as a share of the votes, 255 of 345 (≈ 73.9%).
"""

from __future__ import annotations

__all__ = ["COUNCIL_VOTES", "INSTITUTION_VOTES", "QMV_QUOTA", "council_votes"]

COUNCIL_VOTES: dict[str, float] = {
    "de": 29, "fr": 29, "it": 29, "uk": 29,
    "es": 27, "pl": 27,
    "ro": 14,
    "nl": 13,
    "be": 12, "cz": 12, "el": 12, "hu": 12, "pt": 12,
    "at": 10, "bu": 10, "se": 10,
    "dk": 7, "ie": 7, "lt": 7, "sk": 7, "fi": 7, "cr": 7,
    "cy": 4, "ee": 4, "lv": 4, "lu": 4, "si": 4,
    "mt": 3,
}  # fmt: skip
#: weight given to the Commission and the Parliament where every actor is weighed
INSTITUTION_VOTES: dict[str, float] = {"com": 29.0, "ep": 29.0}
#: Nice qualified majority as a share of the Council's votes: 255 / 345
QMV_QUOTA = 255.0 / 345.0


def council_votes(name: str) -> float | None:
    """The actor's Council votes (institutions: :data:`INSTITUTION_VOTES`), None if unknown."""
    key = name.strip().lower()
    if key in COUNCIL_VOTES:
        return float(COUNCIL_VOTES[key])
    if key in INSTITUTION_VOTES:
        return INSTITUTION_VOTES[key]
    return None
