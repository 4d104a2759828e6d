from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from playground.highlighting import STYLESHEET, stylesheet


def stylesheet_path() -> Path:
    return Path(settings.BASE_DIR) / "static" / STYLESHEET


class Command(BaseCommand):
    help = "Write the code-highlighting stylesheet (light and dark) from the Pygments styles."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true",
                            help="Write nothing; fail when the file differs from the styles.")

    def handle(self, *args, check=False, **options):
        path = stylesheet_path()
        css = stylesheet()
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if check:
            if current != css:
                raise CommandError(f"{path} is out of date: run manage.py pygments_css.")
            self.stdout.write(f"{path} is up to date.")
            return
        if current == css:
            self.stdout.write(f"{path} is already up to date.")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(css, encoding="utf-8", newline="\n")
        self.stdout.write(f"Wrote {path}.")
