from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "People and schools"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from people.sign_in import remember_how_session_began

        user_logged_in.connect(remember_how_session_began, dispatch_uid="people.session_began_with")
