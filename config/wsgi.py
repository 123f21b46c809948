import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# Commands import scikit-learn only when they train or suggest; a web server loads it up front,
# so that no resident's first report waits the two seconds it takes.
import triage.classifier  # noqa: E402, F401
