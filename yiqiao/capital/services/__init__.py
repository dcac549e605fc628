"""Writes of the capital app, one module per topic (keyword-only, typed, atomic, audited).

- ``needs``: financing needs: create (from an enterprise, a need of the financing category or a
  translational project), update, consent, publish, withdraw;
- ``matching``: the investor shortlist of a need (the demands engine, extended with portfolios);
- ``introductions``: opt-in on either side, introductions, investors' views of a need;
- ``portfolio``: investors' portfolio lines (register, news, imports, closes);
- ``roadshows``: pitch slots at events, invitations (never the pitching company), feedback
  within the 14-day limit, reminders;
- ``deals``: follow-up meetings, term sheets, closes with their evidence;
- ``funds``: funds, commitments, investments and the 返投 basis;
- ``grants``: grant-to-equity terms, conversion at a valuation, exits;
- ``centres``: offshore innovation centres, incubated projects, landing, benefit sharing.
"""
