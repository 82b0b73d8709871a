"""A reminder run's emails go to the mail server over a few connections, not
one each, through Django's real SMTP backend to a small SMTP server on
loopback; a connection the server drops costs one email a retry, never the
rest of the batch, and nothing is sent twice or lost."""

from __future__ import annotations

import datetime
import socket
import socketserver
import threading
from unittest import mock

import pytest
from django.core.mail import get_connection
from django.test import override_settings
from django.utils import timezone

from outbox import services
from outbox.models import OutboxEmail
from outbox.services import deliver_emails, deliver_pending, record_email

pytestmark = pytest.mark.django_db


class _Session(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: every command accepted, each message counted."""

    def handle(self) -> None:
        server: MailServer = self.server  # type: ignore[assignment]
        server.sessions += 1
        sent_here = 0
        self.wfile.write(b"220 loopback ESMTP\r\n")
        in_data = False
        for line in self.rfile:
            if in_data:
                if line == b".\r\n":
                    in_data = False
                    sent_here += 1
                    server.messages += 1
                    self.wfile.write(b"250 queued\r\n")
                    if server.drop_after and sent_here == server.drop_after:
                        return  # hangs up without a goodbye, as a relay at its limit may
                continue
            command = line[:4].upper()
            if command == b"DATA":
                in_data = True
                self.wfile.write(b"354 go ahead\r\n")
            elif command == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:  # EHLO, HELO, MAIL, RCPT, RSET, NOOP
                self.wfile.write(b"250 ok\r\n")


class MailServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Session)
        self.sessions = 0
        self.messages = 0
        self.drop_after = 0


@pytest.fixture
def mail_server():
    server = MailServer()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    smtp = {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": server.server_address[1], "EMAIL_HOST_USER": "", "EMAIL_HOST_PASSWORD": "",
            "EMAIL_USE_TLS": False, "EMAIL_USE_SSL": False, "EMAIL_TIMEOUT": 5}
    with override_settings(**smtp):
        yield server
    server.shutdown()
    server.server_close()


def _queue(world, count: int) -> list[int]:
    return [record_email(recipient=world.staff, subject=f"Reminder {n}", body_text=f"Please sign {n}.").pk
            for n in range(count)]


def _statuses(ids: list[int]) -> list[str]:
    return [OutboxEmail.objects.get(pk=pk).status for pk in ids]


def test_a_batch_of_emails_goes_over_one_connection(world, mail_server):
    ids = _queue(world, 5)
    assert deliver_emails(ids) == {"sent": 5}
    assert (mail_server.sessions, mail_server.messages) == (1, 5)
    assert _statuses(ids) == ["sent"] * 5


def test_a_large_batch_opens_a_new_connection_every_so_many_messages(world, mail_server, monkeypatch):
    monkeypatch.setattr(services, "MESSAGES_PER_CONNECTION", 2)
    ids = _queue(world, 5)
    assert deliver_pending() == {"sent": 5}
    assert (mail_server.sessions, mail_server.messages) == (3, 5)  # 2 + 2 + 1
    assert _statuses(ids) == ["sent"] * 5


def test_a_dropped_connection_costs_one_email_a_retry_and_the_rest_still_go(world, mail_server):
    mail_server.drop_after = 2  # the server hangs up after every second message
    now = timezone.now()
    ids = _queue(world, 4)
    assert deliver_emails(ids, now=now) == {"sent": 3, "pending": 1}
    assert _statuses(ids) == ["sent", "sent", "pending", "sent"]  # the third met the hung-up line
    waiting = OutboxEmail.objects.get(pk=ids[2])
    assert waiting.attempts == 1 and "SMTPServerDisconnected" in waiting.last_error
    assert mail_server.sessions == 2  # the fourth went over a fresh connection

    # Its retry, once the backoff has passed, sends it: nothing lost, nothing twice.
    assert deliver_pending(now=now + datetime.timedelta(minutes=3)) == {"sent": 1}
    assert _statuses(ids) == ["sent"] * 4
    assert mail_server.messages == 4


def _dead_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once it is closed


def test_while_the_mail_server_is_down_emails_wait_without_spending_their_attempts(world, mail_server):
    ids = _queue(world, 3)
    with override_settings(EMAIL_PORT=_dead_port()):
        assert deliver_emails(ids) == {"pending": 3}
        assert deliver_pending() == {"pending": 3}  # an afternoon of outage: run after run
    for email in OutboxEmail.objects.filter(pk__in=ids):
        assert (email.status, email.attempts) == ("pending", 0)
        assert email.last_error.startswith("Waiting: the mail server could not be reached (ConnectionRefusedError")
    assert mail_server.sessions == 0

    # The server is back: the next run sends every one at once, nothing lost.
    assert deliver_pending() == {"sent": 3}
    assert _statuses(ids) == ["sent"] * 3 and mail_server.messages == 3


def test_a_mail_server_that_accepts_and_then_stalls_holds_nothing_for_ever(world):
    """A relay that takes the connection and never greets: after EMAIL_TIMEOUT
    the emails wait for the next run, and the worker (or the daily run) goes on."""
    assert get_connection("django.core.mail.backends.smtp.EmailBackend").timeout == 30  # the settings' default
    ids = _queue(world, 2)
    with socket.socket() as stalled:
        stalled.bind(("127.0.0.1", 0))
        stalled.listen()  # connections are taken by the kernel; nothing ever answers them
        smtp = {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": stalled.getsockname()[1], "EMAIL_USE_TLS": False, "EMAIL_TIMEOUT": 1}
        with override_settings(**smtp):
            assert deliver_emails(ids) == {"pending": 2}
    for email in OutboxEmail.objects.filter(pk__in=ids):
        assert email.attempts == 0 and "timed out" in email.last_error


def test_the_reminder_task_queues_its_emails_in_batches_not_one_task_each(world, monkeypatch):
    from reminders import tasks

    monkeypatch.setattr(services, "MESSAGES_PER_CONNECTION", 2)
    report = mock.Mock(email_ids=[11, 12, 13, 14, 15], total=5)
    with mock.patch("reminders.tasks.services.send_reminders", return_value=report), \
            mock.patch("outbox.tasks.deliver_emails.delay") as delay:
        assert tasks.send_reminders() == 5
    assert [call.args for call in delay.call_args_list] == [([11, 12],), ([13, 14],), ([15],)]


def test_in_development_each_email_opens_a_file_of_its_own(world, tmp_path):
    """Not one file held open for a hundred emails. (Django names the file by
    the second and the backend object's id, so two emails in one second may
    still share a name: each opens it, writes and closes.)"""
    from django.core.mail.backends import filebased

    ids = _queue(world, 3)
    opened = mock.Mock(wraps=filebased.EmailBackend._get_filename)
    files = {"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend", "EMAIL_FILE_PATH": tmp_path}
    with override_settings(**files), \
            mock.patch.object(filebased.EmailBackend, "_get_filename", lambda self: opened(self)):
        assert deliver_emails(ids) == {"sent": 3}
    assert opened.call_count == 3
    assert sum(f.read_text().count("Subject: Reminder") for f in tmp_path.iterdir()) == 3
