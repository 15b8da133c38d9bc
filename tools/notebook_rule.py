"""The notebook's scoring rule (its calcDist UDF), written once for masq's Python
tests and benchmarks; masq's own is host/match/score.c, and the notebook's cells
themselves run in Spark in tests/parity/notebook_parity.py.

  compared(one, two)   what calcDist compares: None when either name has no '.'
                       (score 0); the stems when both share the extension after
                       their last '.'; the whole names otherwise
  score(one, two, d)   the float32 score: (L - d) / L in double over the longer
                       length L in code points (1.0 when L is 0), then rounded to
                       float32 as the UDF's FloatType does; d(a, b) is a distance
  passes(score, t)     kept when the float32 score, widened, is > t (0.85)
  calc_dist(one, two, similarity)
                       the notebook's own shape, with its similarity function
                       passed in (fastDamerauLevenshtein's, or another)
Plain DP distances for reference: true_damerau_levenshtein, optimal_string_alignment.
"""
import numpy as np

SIMILARITY_THRESHOLD = 0.85


def compared(one, two):
    one_dot, two_dot = one.rfind("."), two.rfind(".")
    if one_dot == -1 or two_dot == -1:
        return None
    if one[one_dot + 1:] == two[two_dot + 1:]:
        return one[:one_dot], two[:two_dot]
    return one, two


def score(one, two, distance):
    pair = compared(one, two)
    if pair is None:
        return np.float32(0.0)
    a, b = pair
    longest = max(len(a), len(b))
    if longest == 0:
        return np.float32(1.0)
    return np.float32((longest - distance(a, b)) / longest)


def passes(value, threshold=SIMILARITY_THRESHOLD):
    return float(np.float32(value)) > threshold


def calc_dist(one, two, similarity):
    """The notebook's calcDist as its cell reads, with its similarity passed in."""
    one_dot = -1
    two_dot = -1
    if one is not None and two is not None:
        one_dot = one.rfind(".")
        two_dot = two.rfind(".")
    if one_dot != -1 and two_dot != -1:
        if one[one_dot + 1:] == two[two_dot + 1:]:
            one = one[:one_dot]
            two = two[:two_dot]
        return similarity(one, two)
    return 0.0


def true_damerau_levenshtein(a, b):
    """Textbook unrestricted Damerau-Levenshtein (Lowrance-Wagner), unit costs."""
    la, lb = len(a), len(b)
    inf = la + lb
    d = [[0] * (lb + 2) for _ in range(la + 2)]
    d[0][0] = inf
    for i in range(la + 1):
        d[i + 1][0] = inf
        d[i + 1][1] = i
    for j in range(lb + 1):
        d[0][j + 1] = inf
        d[1][j + 1] = j
    last_row = {}
    for i in range(1, la + 1):
        last_col = 0
        for j in range(1, lb + 1):
            i1 = last_row.get(b[j - 1], 0)
            j1 = last_col
            cost = 1
            if a[i - 1] == b[j - 1]:
                cost = 0
                last_col = j
            d[i + 1][j + 1] = min(d[i][j] + cost, d[i + 1][j] + 1, d[i][j + 1] + 1,
                                  d[i1][j1] + (i - i1 - 1) + 1 + (j - j1 - 1))
        last_row[a[i - 1]] = i
    return d[la + 1][lb + 1]


def optimal_string_alignment(a, b):
    """Restricted edit distance (no edits between transposed characters)."""
    la, lb = len(a), len(b)
    d = [[0] * (lb + 1) for _ in range(la + 1)]
    for i in range(la + 1):
        d[i][0] = i
    for j in range(lb + 1):
        d[0][j] = j
    for i in range(1, la + 1):
        for j in range(1, lb + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[la][lb]
