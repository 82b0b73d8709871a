from django.core.management.base import BaseCommand

from portal.demo import load_demo


class Command(BaseCommand):
    help = "Load the demo trust (Oakfield Learning Trust). Safe to run again: it keeps your changes."

    def handle(self, *args, **options) -> None:
        result = load_demo()
        made = ", ".join(f"{n} {kind}" for kind, n in result.created.items()) or "nothing new (already loaded)"
        self.stdout.write(f"Demo trust loaded: {made}.")
        self.stdout.write(f"Demo logins (password for all: {result.password}):")
        width = max((len(login.email) for login in result.logins), default=0)
        for login in result.logins:
            self.stdout.write(f"  {login.email.ljust(width)}  {login.name} — {login.what}")
