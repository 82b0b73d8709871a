"""An email backend that waits before each message, then writes it as the
file backend does: a reminder run's deliveries then take long enough for a
worker to be killed in the middle of them."""

import os
import time

from django.core.mail.backends.filebased import EmailBackend as FileBackend


class EmailBackend(FileBackend):
    def send_messages(self, email_messages):
        time.sleep(float(os.environ.get("FAULTS_EMAIL_DELAY", "0.05")) * len(email_messages))
        return super().send_messages(email_messages)
