"""briefgen: news articles in, one structured and cited brief out.

from briefgen import make_brief, Settings, render
brief = make_brief(["articles/"], Settings(model="gpt-4o-mini"))
print(render.markdown(brief))
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("briefgen")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

from briefgen.config import Settings
from briefgen.pipeline import aextract, amake_brief, make_brief
from briefgen.schemas import Brief

__all__ = ["Brief", "Settings", "__version__", "aextract", "amake_brief", "make_brief"]
