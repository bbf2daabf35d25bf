from django.dispatch import Signal

# Sent after filings or revocations changed person-years: ``pairs`` is a list of
# (person_id, year). certificates listens (to supersede issued certificates); credits never
# imports certificates.
person_years_changed = Signal()
