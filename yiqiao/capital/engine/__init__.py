"""Pure capital logic: no Django, no other yiqiao app except the vocabulary and the demands
engine (investor matching is ranked by ``yiqiao.demands.engine.rank``: one engine).

- ``landing``: landing rates of an offshore innovation centre's incubated projects at 12, 24 and
  36 months after incubation starts, per centre and cohort, with the records counted;
- ``returns``: the return-investment ledger (返投) of a fund against the basis its agreement names;
- ``grants``: grant-to-equity (拨投结合) positions: milestone met or missed, equity held, exits;
- ``funnel``: pitches → feedback → meetings → term sheets → closes, per investor;
- ``shortlist``: a financing need and investor profiles stated for the demands ranking engine,
  and its verdicts written as the shortlist's lines (no ranking of its own);
- ``portfolio``: an investor's portfolio read against a financing need (conflicts, precedents;
  the demands engine's ``portfolio`` predicates);
- ``deals``: money rules (USD at the stated rate, a close against its round).
"""
