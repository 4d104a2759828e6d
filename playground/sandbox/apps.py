from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "playground.sandbox"
    label = "sandbox"
    verbose_name = "Embedded sandbox API"
