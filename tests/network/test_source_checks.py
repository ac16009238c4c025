"""The look-alike name check: its bucketed candidates find exactly what comparing every pair finds."""

from hypothesis import given, settings
from hypothesis import strategies as st

from curation.network.source_checks import _candidate_pairs, _look_alike, _tokens

WORDS = ["st", "av", "ctr", "center", "beverly", "beverley", "union", "square", "sq", "park", "parks",
         "west", "north", "1", "12", "garden", "gardens", "station", "湖", "西单", "西单站"]
names = st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join), max_size=40, unique=True)


@settings(max_examples=300, deadline=None)
@given(names)
def test_bucketed_candidates_miss_no_pair(sample):
    tokens = {name: _tokens(name) for name in sample}
    brute = {(a, b) for i, a in enumerate(sorted(sample)) for b in sorted(sample)[i + 1 :]
             if _look_alike(tokens[a], tokens[b])}
    fast = {pair for pair in _candidate_pairs(tokens) if _look_alike(tokens[pair[0]], tokens[pair[1]])}
    assert fast == brute


def test_what_looks_alike_and_what_does_not():
    def alike(a: str, b: str) -> bool:
        return _look_alike(_tokens(a), _tokens(b))

    assert alike("Coney Island Stillwell Av Station", "Coney Island-Stillwell Av Station")
    assert alike("47-50 Sts-Rockefeller Center Station", "47-50 Sts-Rockefeller Ctr Station")
    assert alike("Beverley Rd Station", "Beverly Rd Station")
    assert alike("Hoyt-Schermerhorn Station", "Hoyt-Schermerhorn Sts Station")
    assert alike("西单", "西单站")
    assert not alike("Avenue H Station", "Avenue I Station")
    assert not alike("Tampines East Station", "Tampines West Station")
    assert not alike("Klang Station", "Kuang Station")
    assert not alike("103 St Station", "104 St Station")
    assert not alike("大学城站", "大学城南站")
    assert not alike("St Clair Station", "St Clair West Station")
