from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "PDF documents"

    def ready(self) -> None:
        from documents import receivers  # noqa: F401  (connects the PDF cache's receivers)
