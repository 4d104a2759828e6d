from django.apps import AppConfig


class PlaygroundConfig(AppConfig):
    name = "playground"
    verbose_name = "API playground"

    def ready(self) -> None:
        from playground import redaction

        redaction.install_record_factory()
