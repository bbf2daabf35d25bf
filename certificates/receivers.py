"""certificates listens to credits: a filing or a revocation supersedes the issues it changes."""

from .services import issues_supersede


def on_person_years_changed(sender, *, pairs, **kwargs) -> None:
    issues_supersede(pairs=pairs)
