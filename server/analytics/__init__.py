"""Analytics over scores (docs/analytics.md): grade distribution, department ranking,
trends, indicator correlation and drivers, rater effects, role-scoped dashboards, exports.

- ``periods``: a period (kind, first day) and its neighbours;
- ``scope``: which score rows an analytic reads (the ``analytics`` permission on top, the
  caller's score grants beneath), as one SQL fragment;
- ``settings``: the tenant's thresholds (minimum points, minimum ratees);
- ``distribution``, ``ranking``, ``trend``: grouped SQL, statistics from ``stats``;
- ``stats``: the statistics in pure Python (intervals, shrinkage, control limits,
  correlation, regression).
"""
