"""Pure capital logic: no Django, no other yiqiao app except the vocabulary.

- ``landing``: landing rates of an offshore innovation centre's incubated projects at 12, 24 and
  36 months after incubation starts, per centre and cohort, with the records counted;
- ``returns``: the return-investment ledger (返投) of a fund against the basis its agreement names;
- ``grants``: grant-to-equity (拨投结合) positions: milestone met or missed, equity held, exits;
- ``funnel``: pitches → feedback → meetings → term sheets → closes, per investor;
- ``portfolio``: an investor's portfolio read against a financing need (conflicts, precedents);
- ``deals``: money rules (USD at the stated rate, a close against its round).
"""
