from django.dispatch import Signal

# Sent (after commit) when a fact that decides a person's yearly requirement changed from a
# year on: an approved title change (its effective year) or an approved transfer (its year).
# ``person_id`` and ``year_from``. credits listens: it re-evaluates that person's person-years
# from ``year_from`` and sends its own ``person_years_changed``; accounts never imports credits.
person_history_changed = Signal()

# Sent (after commit) when a person's name or ID number was corrected (``person_id``). credits
# listens: it rewrites the name it keeps beside each declaration and re-evaluates the person's
# years, so certificates printed with the old name are superseded.
person_identity_changed = Signal()
