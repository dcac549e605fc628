"""Pure pipeline logic for projects: no Django, no other yiqiao app.

- `pipeline`: the investment-project stage graph, guards and transition checks.
- `gates`: the stage gates of a translational project with entry criteria.
- `funding`: grant-to-equity (拨投结合) conversion checks.
- `figures`: funnel, time-in-stage medians, signed-vs-realised gaps, per-currency totals.
"""
