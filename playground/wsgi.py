import os

from django.core.wsgi import get_wsgi_application

from playground.web.charsets import CharsetSafeWSGIRequest

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "playground.settings")

application = get_wsgi_application()
application.request_class = CharsetSafeWSGIRequest  # a bad charset gets the 400 page
