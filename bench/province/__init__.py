"""The province-scale benchmark behind ``make bench``: a generated province (``generate``), the
figures measured on it (``pages``, ``jobs``, ``workers``) and the report (``report``).

Every figure is a :class:`report.Figure`; a timing is printed beside a reference measured in
the same run, so that a busy machine shows as a busy machine and not as a regression.
"""
