"""Array kernels of the spatial model of politics (KTAB's ``smpc``), one formula per function.

Every function here is a pure function on numpy arrays. They follow KTAB's arithmetic operation by
operation (lsyaseen/KTAB @3b5b063; see ``docs/smp.md``), including the order of every sum and
product (:func:`seq_sum`), so that a run reproduces KTAB's positions to the last bit rather than
to within a tolerance: a bargain coordinate is rounded to 1e-4 and an actor takes the likeliest
bargain, so a different last bit can, rarely, change a run.

Notation: N actors, D dimensions; capability ``c``, salience ``s`` (N×D, on [0, 1], row sums ≤ 1),
positions ``x`` and ideal points ``ξ`` (N×D, on [0, 1]).
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

MIN_COALITION = 1e-8  # KTAB's minC in Model::coalitions
MIN_CHALLENGE_COALITION = 1e-10  # minCltn in SMPState::probEduChlg
BINARY_VOTE_TOL = 1e-8  # sTol in Model::vote
BINARY_VPM_THRESHOLD = 1.10
BINARY_VPM_MIN = 1e-6
MIN_INTERP_WEIGHT = 1e-6  # minW in the bargain interpolations
# seq_sum loops over the summed axis (one vectorised add per element) when the other axes hold
# at least this many elements; below it one accumulate call is cheaper. Both add in order.
_LOOP_MIN_REST = 64


class VotingRule(StrEnum):
    """How an actor's weight turns a utility difference Δ into a vote (``Model::vote``)."""

    BINARY = "Binary"  # w·clip(Δ/1e-8, −1, 1)
    PROP_BIN = "PropBin"  # w(0.8Δ + 0.2·binary)
    PROPORTIONAL = "Proportional"  # wΔ (KTAB's default; KTAB prints it "Prop")
    PROP_CBC = "PropCbc"  # w(0.5Δ + 0.5Δ³)
    CUBIC = "Cubic"  # wΔ³
    ASYM_PROSP = "ASymProsp"  # wΔ if Δ < 0, 2wΔ/3 if Δ > 0


class VictoryModel(StrEnum):
    """Victory probability from coalition strengths (``Model::vProb``): P = x₁/(x₁+x₂)."""

    LINEAR = "Linear"  # x = s
    SQUARE = "Square"  # x = s²
    QUARTIC = "Quartic"  # x = s⁴
    OCTIC = "Octic"  # x = s⁸
    BINARY = "Binary"  # certain at a 10% advantage, linear in between


class PCEModel(StrEnum):
    """Probabilistic Condorcet election: option probabilities from pairwise victory odds."""

    CONDITIONAL = "Conditional"
    MARKOV_INCENTIVE = "MarkovIncentive"
    MARKOV_UNIFORM = "MarkovUniform"


class StateTransition(StrEnum):
    """How an actor picks among its bargains: the likeliest one, or a draw."""

    DETERMINISTIC = "Deterministic"
    STOCHASTIC = "Stochastic"


class BigRRange(StrEnum):
    """Range of the risk attitudes R inferred from position probabilities."""

    MIN = "Min"  # [0, 1]
    MID = "Mid"  # [−0.5, 1]
    MAX = "Max"  # [−1, 1]


class BigRAdjust(StrEnum):
    """How actor h estimates actor i's risk attitude: a mix of R_h and R_i."""

    NONE = "None"  # R_h
    ONE_THIRD = "OneThird"  # (2R_h + R_i)/3
    HALF = "Half"  # (R_h + R_i)/2
    TWO_THIRDS = "TwoThirds"  # (R_h + 2R_i)/3
    FULL = "Full"  # R_i


class ThirdPartyCommit(StrEnum):
    """What a third party n that joins a contest expects to give up."""

    NO_COMMIT = "NoCommit"
    SEMI_COMMIT = "SemiCommit"
    FULL_COMMIT = "FullCommit"


class Interpolation(StrEnum):
    """How the two sides of a challenge interpolate a compromise (``InterVecBrgn``)."""

    S1P1 = "S1P1"
    S2P2 = "S2P2"
    S2PMAX = "S2PMax"


class BargainModel(StrEnum):
    """Which bargains a challenge puts on the two actors' queues (``SMPBargnModel``)."""

    INIT_ONLY = "InitOnlyInterp"
    INIT_RCVR = "InitRcvrInterp"
    PW_COMP = "PWCompInterp"


# ---------------------------------------------------------------------------------------------
# sums in KTAB's order


def seq_sum(x: Array, axis: int = -1, start: Array | float | None = None) -> Array:
    """Left-to-right sum ``((start + x₀) + x₁) + …`` along ``axis``, as KTAB's loops add.

    numpy's ``sum`` adds pairwise, which can differ in the last bit; ``add.accumulate`` is a
    sequential scan by definition.
    """
    x = np.asarray(x, dtype=np.float64)
    axis = axis % x.ndim
    if start is not None:
        rest = x.shape[:axis] + x.shape[axis + 1 :]
        first = np.broadcast_to(np.asarray(start, dtype=np.float64), rest)
        x = np.concatenate([np.expand_dims(first, axis), x], axis=axis)
    length = x.shape[axis]
    if length == 0:
        return np.zeros(x.shape[:axis] + x.shape[axis + 1 :])
    rest = x.size // length
    if rest < _LOOP_MIN_REST:
        return np.add.accumulate(x, axis=axis).take(-1, axis=axis)
    # Same left-to-right order, one vectorised add per element of the axis: no (…, L) scan
    # array is built, and the slices of a contiguous array stay cheap to add.
    xm = np.moveaxis(x, axis, 0)
    if axis != 0:
        xm = np.ascontiguousarray(xm)  # one copy, then every slice is contiguous
    acc = xm[0].copy()
    for k in range(1, length):
        acc += xm[k]
    return acc


def seq_prod(x: Array, axis: int = -1) -> Array:
    """Left-to-right product along ``axis``."""
    return np.multiply.accumulate(np.asarray(x, dtype=np.float64), axis=axis).take(-1, axis=axis)


# ---------------------------------------------------------------------------------------------
# primitives (KTAB smp.cpp, kmodel.cpp)


def weighted_distance(ideal: Array, pos: Array, sal: Array) -> Array:
    """Salience-weighted normalised distance (``SMPModel::bvDiff``).

    ``d = sqrt( Σ_k (s_k (ξ_k − x_k))² / Σ_k s_k² )``, summed over the last axis (dimensions);
    the three arguments broadcast against each other.
    """
    ds = (ideal - pos) * sal
    ds_sqr = seq_sum(ds * ds, axis=-1)
    s = np.broadcast_to(sal, ds.shape)
    ss_sqr = seq_sum(s * s, axis=-1)
    return np.sqrt(ds_sqr / ss_sqr)


def distance_matrix(ideals: Array, positions: Array, sal: Array) -> Array:
    """``D[i, j] = d_i(ξ_i, x_j)``: actor i's weighted distance from its ideal to j's position."""
    return weighted_distance(ideals[:, None, :], positions[None, :, :], sal[:, None, :])


def utility(d: Array, r: Array | float) -> Array:
    """Utility of distance d at risk attitude R (``SMPModel::bsUtil``).

    ``u = (1 − d)(1 + dR)`` for d ≤ 1, else ``(1 − d)(1 + R)``; concave for R < 0 (risk averse),
    convex for R > 0.
    """
    near = 1 - d
    u = near * (1 + d * r)
    if np.any(d > 1):  # rare: only then is the second branch needed
        u = np.where(d <= 1, u, near * (1 + r))
    return u


def vote(rule: VotingRule, w: Array | float, ua: Array, ub: Array) -> Array:
    """Vote of an actor with weight w for option a over b, utilities (ua, ub) (``Model::vote``).

    With Δ = ua − ub: Binary ``w·clip(Δ/1e-8, −1, 1)``; PropBin ``w(0.8Δ + 0.2·bin)``;
    Proportional ``wΔ``; PropCbc ``w(0.5Δ + 0.5Δ³)``; Cubic ``wΔ³``; ASymProsp ``wΔ`` for
    Δ < 0 and ``2wΔ/3`` for Δ > 0.
    """
    du = ua - ub
    if rule is VotingRule.PROPORTIONAL:
        return w * du
    if rule is VotingRule.CUBIC:
        return w * (du * du * du)
    if rule is VotingRule.PROP_CBC:
        return w * ((1 - 0.5) * du + 0.5 * (du * du * du))
    if rule is VotingRule.ASYM_PROSP:
        return np.where(du < 0.0, w * du, np.where(du > 0.0, (2.0 * w * du) / 3.0, 0.0 * du))
    rbin = np.clip(du / BINARY_VOTE_TOL, -1.0, 1.0)
    if rule is VotingRule.BINARY:
        return w * rbin
    return w * ((1 - 0.2) * du + 0.2 * rbin)  # PropBin


def _vpm_strength(vpm: VictoryModel, s: Array) -> Array:
    if vpm is VictoryModel.LINEAR:
        return s
    if vpm is VictoryModel.SQUARE:
        return s * s
    q = s * s * s * s
    return q if vpm is VictoryModel.QUARTIC else q * q


def victory_pair(vpm: VictoryModel, s1: Array, s2: Array) -> tuple[Array, Array]:
    """``(P[1 beats 2], P[2 beats 1])`` from coalition strengths (``Model::vProb(vpm, s1, s2)``).

    ``P = x₁/(x₁ + x₂)`` with ``x = s^e``, e = 1, 2, 4, 8. Binary: x = (1, 1e-6) when
    s₁ ≥ 1.1·s₂, (1e-6, 1) when s₂ ≥ 1.1·s₁, else ``p = (r(t+1) − 1)/(t − 1)``, r = s₁/(s₁+s₂),
    and x = (p, 1 − p).
    """
    if vpm is VictoryModel.BINARY:
        t = BINARY_VPM_THRESHOLD
        r12 = s1 / (s1 + s2)
        p12 = (r12 * (t + 1.0) - 1.0) / (t - 1.0)
        win1 = s1 >= t * s2
        win2 = ~win1 & (s2 >= t * s1)
        x1 = np.where(win1, 1.0, np.where(win2, BINARY_VPM_MIN, p12))
        x2 = np.where(win1, BINARY_VPM_MIN, np.where(win2, 1.0, 1 - p12))
    else:
        x1 = _vpm_strength(vpm, s1)
        x2 = _vpm_strength(vpm, s2)
    return x1 / (x1 + x2), x2 / (x1 + x2)


def victory_matrix(vpm: VictoryModel, c: Array) -> Array:
    """``V[a, b] = P[a beats b]`` from the coalition matrix C (``Model::vProb(vpm, C)``).

    KTAB evaluates each pair once, from the lower triangle (a > b), and sets V[a, a] = 0.5.
    """
    p1, p2 = victory_pair(vpm, c, c.T)
    n = c.shape[0]
    lower = np.tri(n, k=-1, dtype=bool)
    v = np.where(lower, p1, p2.T)
    np.fill_diagonal(v, 0.5)
    return v


def coalitions(rule: VotingRule, w: Array, u: Array) -> Array:
    """Coalition strengths over options (``Model::coalitions``).

    ``C[a, b] = 1e-8 + Σ_k max(0, v_k(a:b))`` and ``C[b, a] = 1e-8 + Σ_k max(0, −v_k(a:b))`` for
    a > b, with ``v_k(a:b) = vote(w_k, u[k, a], u[k, b])``; ``C[a, a] = 1e-8``. ``w`` has one
    weight per voter (row of ``u``), ``u`` is voters × options.
    """
    n_voters, n_opt = u.shape
    lower = np.tri(n_opt, k=-1, dtype=bool)
    pos = np.full((n_opt, n_opt), MIN_COALITION)
    neg = np.full((n_opt, n_opt), MIN_COALITION)
    # vectorised over voters in blocks; the sum over voters stays sequential
    block = max(1, 2_000_000 // max(1, n_opt * n_opt))
    for start in range(0, n_voters, block):
        uk = u[start : start + block]
        wk = w[start : start + block, None, None]
        v = vote(rule, wk, uk[:, :, None], uk[:, None, :])
        pos = seq_sum(np.maximum(v, 0.0), axis=0, start=pos)
        neg = seq_sum(np.maximum(-v, 0.0), axis=0, start=neg)
    c = np.where(lower, pos, neg.T)
    np.fill_diagonal(c, MIN_COALITION)
    return c


# ---------------------------------------------------------------------------------------------
# probabilistic Condorcet elections (kmodel.cpp)


def conditional_pce(v: Array) -> Array:
    """``p_a ∝ Π_b V[a, b]`` (V[a, a] = 0.5 included): the chance that a beats every
    alternative, given that some option does (``Model::condPCE``)."""
    p = seq_prod(v, axis=1)
    return p / seq_sum(p)


def markov_uniform_pce(v: Array, tol: float = 1e-6) -> Array:
    """Markov chain with uniform challenges (``Model::markovUniformPCE``).

    From p = 1/n iterate ``q_a = (1/n) Σ_b V[a, b](p_a + p_b)`` and ``p ← (p + q)/2`` until
    ``max|q − p| ≤ tol``.
    """
    n = v.shape[0]
    p = np.full(n, 1.0 / n)
    change = 1.0
    while tol < change:
        q = seq_sum(v * (p[:, None] + p[None, :]), axis=1) / n
        change = float(np.max(np.abs(q - p), initial=0.0))
        p = (p + q) / 2.0
    return p


def markov_incentive_pce(c: Array, vpm: VictoryModel, tol: float = 1e-8) -> Array:
    """Markov chain where challenges follow incentives (``Model::markovIncentivePCE``).

    Incentive ``n[a, b] = C[a, b]·V[a, b]`` (+1e-10 on the diagonal), challenge probability
    ``Ch(a→b) = n[a, b]/Σ_k n[k, b]``; iterate ``ct[a, b] = p_a·Ch(b→a)``,
    ``q_a = Σ_b V[a, b](ct[a, b] + ct[b, a])``, ``p ← (p + q)/2`` until ``max|q − p| ≤ tol``.
    """
    v = victory_matrix(vpm, c)
    n = c.shape[0]
    incentive = c * v
    incentive[np.diag_indices(n)] += 1e-10
    chlg = incentive / seq_sum(incentive, axis=0)[None, :]
    p = np.full(n, 1.0 / n)
    change = 1.0
    while tol < change:
        ct = p[:, None] * chlg.T
        q = seq_sum(v * (ct + ct.T), axis=1)
        change = float(np.max(np.abs(q - p), initial=0.0))
        p = (p + q) / 2.0
    return p


def pce(pcm: PCEModel, vpm: VictoryModel, c: Array) -> Array:
    """Option probabilities from coalition strengths (``Model::probCE2``)."""
    if pcm is PCEModel.CONDITIONAL:
        return conditional_pce(victory_matrix(vpm, c))
    if pcm is PCEModel.MARKOV_UNIFORM:
        return markov_uniform_pce(victory_matrix(vpm, c))
    return markov_incentive_pce(c, vpm)


def scalar_pce(rule: VotingRule, vpm: VictoryModel, pcm: PCEModel, w: Array, u: Array) -> Array:
    """Probability of each option (column of ``u``) in a vote of actors with weights w
    (``Model::scalarPCE``): coalitions, then victory probabilities, then the election."""
    return pce(pcm, vpm, coalitions(rule, w, u))


def conditional_elections(rule: VotingRule, vpm: VictoryModel, w: Array, u: Array) -> Array:
    """Many Conditional elections at once: ``u`` is (G, voters, options), the result (G,
    options) is :func:`scalar_pce` with the Conditional model for each ``u[g]``, identical bit
    for bit (the same operations, each sum and product in the same order)."""
    n_opt = u.shape[2]
    v = vote(rule, w[None, :, None, None], u[:, :, :, None], u[:, :, None, :])
    pos = seq_sum(np.maximum(v, 0.0), axis=1, start=MIN_COALITION)
    neg = seq_sum(np.maximum(-v, 0.0), axis=1, start=MIN_COALITION)
    lower = np.tri(n_opt, k=-1, dtype=bool)
    c = np.where(lower, pos, neg.transpose(0, 2, 1))
    c[:, np.arange(n_opt), np.arange(n_opt)] = MIN_COALITION
    p1, p2 = victory_pair(vpm, c, c.transpose(0, 2, 1))
    vm = np.where(lower, p1, p2.transpose(0, 2, 1))
    vm[:, np.arange(n_opt), np.arange(n_opt)] = 0.5
    p = seq_prod(vm, axis=-1)
    return p / seq_sum(p, axis=-1)[:, None]


# ---------------------------------------------------------------------------------------------
# risk attitudes


def risk_from_prob(p: Array, rng: BigRRange) -> Array:
    """Risk attitudes from position probabilities (``Model::bigRfromProb``).

    Mid: ``R = (3p − (p_max + 2p_min)) / (2(p_max − p_min))`` ∈ [−0.5, 1]; Min:
    ``(p − p_min)/(p_max − p_min)``; Max: ``(2p − p_max − p_min)/(p_max − p_min)``. The actor
    whose position is likeliest is the most risk acceptant. When all probabilities are equal
    KTAB divides 0 by 0; here everyone is then risk neutral (R = 0).
    """
    p_min = min(1.0, float(np.min(p)))
    p_max = max(0.0, float(np.max(p)))
    if p_max == p_min:
        return np.zeros_like(p)
    if rng is BigRRange.MID:
        return (3 * p - (p_max + 2 * p_min)) / (2 * (p_max - p_min))
    if rng is BigRRange.MIN:
        return (p - p_min) / (p_max - p_min)
    return (2 * p - (p_max + p_min)) / (p_max - p_min)


def estimated_risk(r: Array, adjust: BigRAdjust) -> Array:
    """``r[h, i]``: h's estimate of i's risk attitude (``Model::estNRA``)."""
    rh = r[:, None]
    ri = r[None, :]
    if adjust is BigRAdjust.ONE_THIRD:
        return ((2.0 * rh) + ri) / 3.0
    if adjust is BigRAdjust.HALF:
        return (rh + ri) / 2
    if adjust is BigRAdjust.TWO_THIRDS:
        return (rh + (2.0 * ri)) / 3.0
    if adjust is BigRAdjust.FULL:
        return np.broadcast_to(ri, (r.size, r.size)).copy()
    return np.broadcast_to(rh, (r.size, r.size)).copy()


# ---------------------------------------------------------------------------------------------
# challenges (smpbcn.cpp: probEduChlg)


def third_party_vote(
    rule: VotingRule,
    commit: ThirdPartyCommit,
    w: Array,
    pin: Array,
    uni: Array,
    unj: Array,
    unn: Array,
) -> Array:
    """Third party n's vote in the contest i:j (``Actor::thirdPartyVoteSU``).

    With π = P[i wins with n's help] and SemiCommit utilities
    ``i+n beat j: 2U(n,i) + U(n,n)``, ``j beats i+n: 3U(n,j)``, ``i beats j+n: 3U(n,i)``,
    ``j+n beat i: 2U(n,j) + U(n,n)`` (FullCommit: 3U everywhere; NoCommit: U(n,n) in all four),
    ``v = vote(w, π·u(i+n beat j) + (1−π)·u(j beats i+n), π·u(i beats j+n) + (1−π)·u(j+n beat i))``.
    """
    pjn = 1.0 - pin
    if commit is ThirdPartyCommit.FULL_COMMIT:
        u_ik_def_j = uni + uni + uni
        u_j_def_ik = unj + unj + unj
        u_i_def_jk = uni + uni + uni
        u_jk_def_i = unj + unj + unj
    elif commit is ThirdPartyCommit.SEMI_COMMIT:
        u_ik_def_j = uni + uni + unn
        u_j_def_ik = unj + unj + unj
        u_i_def_jk = uni + uni + uni
        u_jk_def_i = unj + unj + unn
    else:
        u_ik_def_j = uni + uni + unn
        u_j_def_ik = unj + unj + unn
        u_i_def_jk = uni + uni + unn
        u_jk_def_i = unj + unj + unn
    u_ik_j = (pin * u_ik_def_j) + (pjn * u_j_def_ik)
    u_i_jk = (pin * u_i_def_jk) + (pjn * u_jk_def_i)
    return vote(rule, w, u_ik_j, u_i_jk)


def challenge(
    rule: VotingRule,
    commit: ThirdPartyCommit,
    uh: Array,
    weight: Array,
    sal_total: Array,
    k: Array,
    i: Array,
    j: Array,
) -> tuple[Array, Array]:
    """Estimated victory probability and gain for actor k of i challenging j
    (``SMPState::probEduChlg``), for many (perspective, k, i, j) at once.

    ``uh[b]`` is the utility matrix U^h of the b-th perspective h (U[a, c]: utility to a of c's
    position); ``k``, ``i``, ``j`` are index arrays whose first axis runs over ``uh`` (e.g. shape
    (H, J): every perspective against J receivers); ``weight = S·c`` and ``sal_total = S`` per
    actor.

    Principals' votes ``a = vote(S_i c_i, U(i,i), U(i,j))``, ``b = vote(S_j c_j, U(j,i), U(j,j))``
    give ``C⁰_ij = 1e-10 + a⁺ + b⁺`` and ``C⁰_ji = 1e-10 + a⁻ + b⁻``. Each third party n judges
    its "little contest" ``π = (C⁰_ij + e⁺)/(C⁰_ij + e⁺ + C⁰_ji + e⁻)``, e = vote(S_n c_n,
    U(n,i), U(n,j)), then adds its :func:`third_party_vote` v_n: ``C_ij += v⁺``, ``C_ji += v⁻``
    (n ascending). ``φ = C_ij/(C_ij + C_ji)`` (always linear), ``W = 2U(k,i)``, ``L = 2U(k,j)``,
    ``EU = (1 − S_j)W + S_j(φW + (1−φ)L)``; returns ``(φ, EU − (U(k,i) + U(k,j)))``.
    """
    hb = np.arange(uh.shape[0]).reshape((-1,) + (1,) * (np.ndim(i) - 1))
    n_act = uh.shape[1]
    uii = uh[hb, i, i]
    uij = uh[hb, i, j]
    uji = uh[hb, j, i]
    ujj = uh[hb, j, j]
    uki = uh[hb, k, i]
    ukj = uh[hb, k, j]
    eu_sq = uki + ukj
    u_win = uki + uki
    u_lose = ukj + ukj
    contrib_i = vote(rule, weight[i], uii, uij)
    contrib_j = vote(rule, weight[j], uji, ujj)
    c0_ij = MIN_CHALLENGE_COALITION + np.maximum(contrib_i, 0.0) + np.maximum(contrib_j, 0.0)
    c0_ji = MIN_CHALLENGE_COALITION + np.maximum(-contrib_i, 0.0) + np.maximum(-contrib_j, 0.0)

    # third parties n along a new last axis
    n = np.arange(n_act)
    uni = uh[hb[..., None], n, i[..., None]]
    unj = uh[hb[..., None], n, j[..., None]]
    unn = np.diagonal(uh, axis1=1, axis2=2)[hb]
    e = vote(rule, weight, uni, unj)
    cni = c0_ij[..., None] + np.maximum(e, 0.0)
    cnj = c0_ji[..., None] + np.maximum(-e, 0.0)
    pin = cni / (cni + cnj)
    vn = third_party_vote(rule, commit, weight, pin, uni, unj, unn)
    principal = (n == i[..., None]) | (n == j[..., None])
    vn = np.where(principal, 0.0, vn)
    c_ij = seq_sum(np.maximum(vn, 0.0), axis=-1, start=c0_ij)
    c_ji = seq_sum(np.maximum(-vn, 0.0), axis=-1, start=c0_ji)

    phij = c_ij / (c_ij + c_ji)
    phji = c_ji / (c_ij + c_ji)
    sj = sal_total[j]
    eu_contest = phij * u_win + phji * u_lose
    eu_chlg = (1 - sj) * u_win + sj * eu_contest
    return phij, eu_chlg - eu_sq


def challenge_targets(
    rule: VotingRule,
    commit: ThirdPartyCommit,
    uh: Array,
    weight: Array,
    sal_total: Array,
    ii: Array,
) -> tuple[Array, Array]:
    """:func:`challenge` for every initiator i in ``ii`` against every receiver j, from i's own
    perspective (k = i, ``uh[b]`` = U^{ii[b]}): ``(φ, gain)``, each (len(ii), N).

    The same operations on the same numbers as :func:`challenge` with ``k = i = ii[:, None]``
    and ``j = arange(N)``, so the results are identical bit for bit; the third parties are
    taken one at a time in ascending order (the order of KTAB's sum), so every array is
    (len(ii), N) and stays in cache instead of an (len(ii), N, N) array per operation.
    """
    b = np.arange(ii.size)
    n_act = uh.shape[1]
    js = np.arange(n_act)
    uii = uh[b, ii, ii][:, None]
    uij = uh[b, ii, :]
    uji = uh[b, :, ii]
    ujj = np.diagonal(uh, axis1=1, axis2=2)
    eu_sq = uii + uij
    u_win = uii + uii
    u_lose = uij + uij
    contrib_i = vote(rule, weight[ii][:, None], uii, uij)
    contrib_j = vote(rule, weight[None, :], uji, ujj)
    c0_ij = MIN_CHALLENGE_COALITION + np.maximum(contrib_i, 0.0) + np.maximum(contrib_j, 0.0)
    c0_ji = MIN_CHALLENGE_COALITION + np.maximum(-contrib_i, 0.0) + np.maximum(-contrib_j, 0.0)
    c_ij = c0_ij.copy()
    c_ji = c0_ji.copy()
    for n in range(n_act):
        uni = uh[b, n, ii][:, None]  # U(n, i)
        unj = uh[:, n, :]  # U(n, j)
        unn = uh[:, n, n][:, None]  # U(n, n)
        w = weight[n]
        e = vote(rule, w, uni, unj)
        cni = c0_ij + np.maximum(e, 0.0)
        cnj = c0_ji + np.maximum(-e, 0.0)
        pin = cni / (cni + cnj)
        vn = third_party_vote(rule, commit, w, pin, uni, unj, unn)
        principal = (ii == n)[:, None] | (js == n)[None, :]
        vn = np.where(principal, 0.0, vn)
        c_ij += np.maximum(vn, 0.0)
        c_ji += np.maximum(-vn, 0.0)
    phij = c_ij / (c_ij + c_ji)
    phji = c_ji / (c_ij + c_ji)
    sj = sal_total[None, :]
    eu_contest = phij * u_win + phji * u_lose
    eu_chlg = (1 - sj) * u_win + sj * eu_contest
    return phij, eu_chlg - eu_sq


# ---------------------------------------------------------------------------------------------
# bargains (smp.cpp: interpolateBrgn)


def round4(x: Array) -> Array:
    """``⌊0.5 + 10⁴x⌋/10⁴`` (KTAB truncates toward zero; positions are ≥ 0)."""
    return np.trunc(0.5 + x * 10000.0) / 10000.0


def interpolate(
    method: Interpolation,
    xi: Array,
    si: Array,
    pi: Array,
    xj: Array,
    sj: Array,
    pj: Array,
) -> tuple[Array, Array]:
    """Compromise positions ``(b_i, b_j)`` per dimension for initiator i and receiver j.

    S2P2 (S1P1 uses exponents 1): ``w_i = s_i²P_i²``, ``w_j = s_j²P_j²``,
    ``b_i = round4(((w_i + 1e-6)x_i + w_j x_j)/(w_i + 1e-6 + w_j))``,
    ``b_j = round4((w_i x_i + (w_j + 1e-6)x_j)/(w_i + 1e-6 + w_j))``.
    S2PMax: ``δ_i = max(0, P_j − P_i)``, ``d_i = δ_i s_j²/(δ_i s_j² + 1e-6 + (1 − δ_i)s_i²)``,
    ``b_i = x_i + d_i(x_j − x_i)``, symmetric for j (no rounding).
    """
    pi = np.asarray(pi)[..., None] if np.ndim(pi) else pi
    pj = np.asarray(pj)[..., None] if np.ndim(pj) else pj
    if method is Interpolation.S2PMAX:
        di = np.where(pj > pi, pj - pi, 0.0)
        dj = np.where(pi > pj, pi - pj, 0.0)
        si2 = si * si
        sj2 = sj * sj
        dik = (di * sj2) / ((di * sj2) + MIN_INTERP_WEIGHT + ((1 - di) * si2))
        djk = (dj * si2) / ((dj * si2) + MIN_INTERP_WEIGHT + ((1 - dj) * sj2))
        return xi + dik * (xj - xi), xj + djk * (xi - xj)
    if method is Interpolation.S2P2:
        wi = (si * si) * (pi * pi)
        wj = (sj * sj) * (pj * pj)
    else:
        wi = si * pi
        wj = sj * pj
    den = wi + MIN_INTERP_WEIGHT + wj
    bi = round4(((wi + MIN_INTERP_WEIGHT) * xi + wj * xj) / den)
    bj = round4((wi * xi + (MIN_INTERP_WEIGHT + wj) * xj) / den)
    return bi, bj
