from django.apps import AppConfig


class AcknowledgementsConfig(AppConfig):
    name = "acknowledgements"
    verbose_name = "Sign-offs"

    def ready(self) -> None:
        from acknowledgements import receivers, selectors  # noqa: F401  (importing receivers connects them)
        from people import hr_pages

        # HR's staff pages are people's, but what each person owes is ours.
        hr_pages.add_staff_list_annotation("sign_offs_owed", selectors.with_sign_offs_owed)
        hr_pages.add_person_section("sign_offs", template="acknowledgements/_person_sign_offs.html",
                                    context=selectors.person_page_sign_offs)
