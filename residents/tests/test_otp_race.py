"""Wrong guesses at a one-time code are counted one by one, however many arrive at once."""

import threading

import pytest
from django.conf import settings
from django.db import connections

from residents import services
from residents.models import OneTimeCode

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

MOBILE = "13905320001"


def test_parallel_wrong_guesses_get_no_more_tries_than_the_limit(
    django_capture_on_commit_callbacks,
):
    services.otp_send(mobile=MOBILE, ip="10.0.0.1")
    guesses = 30
    barrier = threading.Barrier(guesses)
    answers, errors = [], []

    def guess(n):
        try:
            barrier.wait()
            services.otp_verify(mobile=MOBILE, code=f"{n:06d}", ip=f"10.0.1.{n}", consent=True)
        except services.CodeInvalid as refused:
            answers.append(str(refused.message))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(guesses)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(answers) == guesses
    assert answers.count("The code is wrong.") <= settings.OTP_MAX_ATTEMPTS
    assert OneTimeCode.objects.get().attempts == settings.OTP_MAX_ATTEMPTS
