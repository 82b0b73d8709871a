from django.apps import AppConfig


class StatutoryConfig(AppConfig):
    name = "statutory"
    verbose_name = "Statutory checklist"

    def ready(self) -> None:
        from reports.dashboard import add_dashboard_line
        from statutory.dashboard import dashboard_part

        add_dashboard_line("statutory", dashboard_part)
