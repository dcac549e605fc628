"""The demands engine (pure: no Django, no other yiqiao app).

- ``understand``: a need's free text read into requirements over the RESOURCES.md attributes,
  each with the words it came from (``quantities`` for numbers, units and normalisation,
  ``lexicon`` for the word lists);
- ``rank``: the one ranking engine, requirement by requirement (met / unmet / unknown), then
  preferences and text relevance; ``rank_index.RankIndex`` serves it over a catalogue with the
  same results (attribute columns and posting lists); ``portfolio`` holds the investor
  portfolio predicates;
- ``workflow`` and ``sla``: a need's states and its working-day time limits.
"""
