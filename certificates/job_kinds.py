"""Background jobs of the certificates app."""

from portal.jobs import register_job_kind
from portal.models import Job
from portal.services import job_finish, job_progress

from .services import batch as batch_services
from .services import batch_query as batch_query_services

# People whose names are fetched at once for the list of those not printed.
NAMES_CHUNK = 200


@register_job_kind(
    batch_services.BATCH_PRINT, label="批量打印证书", detail_url="certificates:batch-job"
)
def batch_print_job(job: Job) -> None:
    """Prints the people frozen at creation, one at a time, then assembles the download.

    Resumable: it starts at ``job.done``, and the running totals (issue ids, people skipped)
    are saved with each step's progress in one UPDATE, so a crash loses at most the person in
    hand. Printing that person again reuses the issue already made for the same content and
    does not render a rendered issue again, so no certificate is made twice.
    """
    params = job.params
    ids: list[int] = params["person_ids"]
    first, last = params["first_year"], params["last_year"]
    state = batch_services.batch_state(job.result)
    job_progress(job=job, done=job.done, total=len(ids))
    position = job.done
    while position < len(ids):
        chunk = ids[position : position + NAMES_CHUNK]
        names = batch_services.batch_names(chunk)
        for person_id in chunk:
            batch_services.batch_print_person(
                actor=job.actor,
                person_id=person_id,
                first_year=first,
                last_year=last,
                state=state,
                names=names,
            )
            position += 1
            job_progress(job=job, done=position, result=state)
    file_name, content = batch_services.batch_print_assemble(
        state=state, output=params["output"], first_year=first, last_year=last
    )
    job_finish(
        job=job,
        result=batch_services.batch_result(state, params),
        file_name=file_name,
        file_content=content,
    )


@register_job_kind(
    batch_query_services.BATCH_QUERY,
    label="批量查询",
    detail_url="certificates:batch-query-job",
    inline_max="CERT_QUERY_INLINE_MAX",
)
def batch_query_job(job: Job) -> None:
    """Answers a batch query too large for the request; its result is an xlsx file."""
    batch_query_services.batch_query_job_run(job=job)
