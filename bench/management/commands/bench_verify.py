from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from bench import http as bench_http
from certificates.models import CertificateIssue, VerificationLog
from certificates.services.verification import verification_logs_flush

# DESIGN.md's budget: the verification page serves at least half as many requests a second as
# a bare Django view served the same way.
MIN_RATIO = 0.5


class Command(BaseCommand):
    help = (
        "Serves the portal with gunicorn and compares the throughput of a certificate's "
        "verification page (/v/<code>) with a bare Django view."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=float, default=3.0, help="length of a round")
        parser.add_argument("--rounds", type=int, default=3, help="rounds per path")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
        parser.add_argument("--clients", type=int, default=4, help="client processes")

    def handle(self, *args, seconds, rounds, workers, clients, **options):
        issue = (
            CertificateIssue.objects.filter(status=CertificateIssue.Status.VALID)
            .order_by("-issued_at")
            .first()
        )
        if issue is None:
            raise CommandError(
                "no valid certificate to verify: run `make data` (the demo's certificate) first "
                "/ 没有可核验的证书，请先运行 make data 载入演示数据"
            )
        path = reverse("verify:certificate", args=[issue.code])
        self.stdout.write(
            f"证书核验页基准 / Verification page benchmark: gunicorn, {workers} workers, "
            f"{clients} client processes, {rounds} rounds of {seconds:g} s per path"
        )
        # The QR page's rate limit would refuse a benchmark: lift it, but keep it counting.
        env = {"CERT_VERIFY_RATE_LIMIT": str(10**9), "DJANGO_DEBUG": "0"}
        logged_before = VerificationLog.objects.count()
        bare, verify = bench_http.compare(
            [path], workers=workers, clients=clients, seconds=seconds, rounds=rounds, env=env
        )
        for label, figures in (("bare Django view / 空视图", bare), ("/v/<code> / 核验页", verify)):
            rates = " ".join(f"{rate:.0f}" for rate in figures.rates)
            self.stdout.write(
                f"  {label:<28} median {figures.median:7.0f} req/s  (rounds: {rates}; "
                f"failures {figures.failures})"
            )
        verification_logs_flush()  # what the worker had not written yet
        served = round(sum(verify.rates) * seconds)
        self.stdout.write(
            f"  核验记录 / checks logged: {VerificationLog.objects.count() - logged_before} "
            f"(the measured rounds served {served}, plus the warm-up)"
        )
        ratio = verify.median / bare.median if bare.median else 0.0
        self.stdout.write(f"  ratio / 比值: {ratio:.2f} (budget ≥ {MIN_RATIO})")
        if verify.failures or bare.failures:
            raise CommandError("FAILED / 未达标: some requests did not answer 200")
        if ratio < MIN_RATIO:
            raise CommandError(
                f"FAILED / 未达标: the verification page serves {ratio:.2f} of a bare view's "
                f"throughput, under {MIN_RATIO}"
            )
        self.stdout.write(self.style.SUCCESS("OK / 达标"))
